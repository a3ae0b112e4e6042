"""``ingest(url)``: fetch -> extract -> dedup -> store -> announce. No Celery in here.

The same function runs inside the Celery task and in process (``newsingest ingest``, the demo).
Every call records exactly one fetch_attempt row; a stored or changed article also gets an
article_event, in the same transaction as the article itself.
"""

from __future__ import annotations

import logging
import time
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy.engine import Engine
from sqlalchemy.exc import OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeoutError

from storage import repository as repo
from storage.db import DatabaseUnavailable, make_engine, transaction
from storage.models import EventKind, FetchAttemptBase, Outcome, PhotoBase
from worker.dedup import (
    InvalidURL,
    choose_canonical,
    content_fingerprint,
    is_duplicate,
    normalize_url,
    url_key,
)
from worker.extract import Article, extract_article
from worker.fetch.client import Fetcher, FetchPolicy
from worker.fetch.errors import FetchError
from worker.settings import Settings

log = logging.getLogger(__name__)

#: Outcomes that end an attempt successfully (the page is stored, as new or known).
SUCCESS_OUTCOMES = frozenset({Outcome.stored, Outcome.updated, Outcome.duplicate, Outcome.copy})


@dataclass(slots=True)
class IngestResult:
    """What one ``ingest`` call did. ``retryable`` tells the caller a later try may succeed."""

    url: str
    outcome: Outcome
    article_id: int | None = None
    error: str | None = None
    http_status: int | None = None
    retryable: bool = False
    duplicate_of: int | None = None
    title: str | None = None

    @property
    def ok(self) -> bool:
        return self.outcome in SUCCESS_OUTCOMES

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["outcome"] = self.outcome.value
        return data


class PipelineContext:
    """What ``ingest`` needs, built once per process: settings, a database engine, a fetcher."""

    def __init__(self, settings: Settings, *, engine: Engine | None = None, fetcher: Fetcher | None = None) -> None:
        self.settings = settings
        self.engine = engine or make_engine(settings.database_url)
        self.fetcher = fetcher or Fetcher(
            FetchPolicy(
                user_agent=settings.user_agent,
                connect_timeout=settings.connect_timeout,
                read_timeout=settings.read_timeout,
                total_timeout=settings.total_timeout,
                max_bytes=settings.max_bytes,
                max_redirects=settings.max_redirects,
            )
        )

    def close(self) -> None:
        self.fetcher.close()
        self.engine.dispose()


def article_values(article: Article, *, canonical_url: str) -> dict[str, Any]:
    """The article row's content columns from an extracted :class:`Article`."""
    stamp = article.published or article.updated
    offset = stamp.utcoffset() if stamp else None
    return {
        "url": article.url,
        "canonical_url": canonical_url,
        "site": article.site,
        "language": article.language,
        "category": list(article.category),
        "title": article.title,
        "place": article.place,
        "lead": article.lead,
        "body": article.body,
        "body_html": article.body_html,
        "authors": list(article.authors),
        "byline": article.byline,
        "attribution": article.attribution,
        "published": article.published,
        "updated": article.updated,
        "tz_offset_minutes": int(offset.total_seconds() // 60) if offset is not None else None,
        "tags": list(article.tags),
        "related": [r.to_dict() for r in article.related],
    }


def photo_rows(article: Article) -> list[PhotoBase]:
    """Photos in document order; ``position`` is their ordinal (0, 1, ...)."""
    return [
        PhotoBase(
            position=i,
            src=p.src,
            alternatives=list(p.alternatives),
            alt=p.alt,
            caption=p.caption,
            credit=p.credit,
            width=p.width,
            height=p.height,
        )
        for i, p in enumerate(article.photos)
    ]


def _same_photos(stored: list[Any], fresh: list[PhotoBase]) -> bool:
    def key(p: Any) -> tuple[Any, ...]:
        return (p.position, p.src, p.caption, p.credit, p.alt)

    return [key(p) for p in stored] == [key(p) for p in fresh]


def ingest(
    url: str,
    *,
    ctx: PipelineContext,
    source_id: int | None = None,
    task_id: str | None = None,
    retries_left: int = 0,
) -> IngestResult:
    """Fetch, extract, deduplicate and store one article; record the attempt.

    ``retries_left`` says whether the caller will try again after a retryable failure; the
    attempt is then recorded as not final.

    Never raises for a bad page or a dead host (the outcome says what happened). Raises
    :class:`storage.db.DatabaseUnavailable` when the database cannot be reached, so that the
    caller (a task) can retry later: nothing is lost.
    """
    started = datetime.now(UTC)
    t0 = time.monotonic()
    attempt = FetchAttemptBase(url=url, source_id=source_id, task_id=task_id, started_at=started,
                               outcome=Outcome.error.value)

    def finish(result: IngestResult, *, nbytes: int | None = None) -> IngestResult:
        attempt.outcome = result.outcome.value
        attempt.error = result.error
        attempt.http_status = result.http_status
        attempt.bytes = nbytes
        attempt.article_id = result.article_id
        attempt.final = not (result.retryable and retries_left > 0)
        attempt.finished_at = datetime.now(UTC)
        attempt.duration_ms = int((time.monotonic() - t0) * 1000)
        return result

    try:
        target = normalize_url(url)
    except InvalidURL as exc:
        result = finish(IngestResult(url=url, outcome=Outcome.invalid_url, error=str(exc)))
        _record_alone(ctx, attempt)
        return result

    try:
        page = ctx.fetcher.fetch(target)
    except FetchError as exc:
        result = finish(
            IngestResult(url=url, outcome=Outcome(exc.outcome), error=str(exc), http_status=exc.status,
                         retryable=exc.retryable),
            nbytes=exc.nbytes,
        )
        _record_alone(ctx, attempt)
        return result

    article = extract_article(page.text, page.final_url)
    if not article.is_article:
        result = finish(
            IngestResult(url=url, outcome=Outcome.not_article, http_status=page.status,
                         error=f"not an article: {article.reason or 'no article content found'}",
                         title=article.title),
            nbytes=page.nbytes,
        )
        _record_alone(ctx, attempt)
        return result

    canonical = choose_canonical(page.final_url, article.canonical_url)
    key = url_key(canonical)
    fingerprint = content_fingerprint(article.body)
    values = article_values(article, canonical_url=canonical)
    photos = photo_rows(article)

    try:
        with transaction(ctx.engine) as session:
            result = _store(session, values=values, photos=photos, key=key, fingerprint=fingerprint,
                            source_id=source_id, url=url, status=page.status)
            finish(result, nbytes=page.nbytes)
            repo.record_fetch_attempt(session, attempt=attempt)
    except (OperationalError, PoolTimeoutError) as exc:
        raise DatabaseUnavailable(str(ctx.engine.url), _first_line(exc)) from exc
    return result


def _store(
    session: Any,
    *,
    values: dict[str, Any],
    photos: list[PhotoBase],
    key: str,
    fingerprint: str,
    source_id: int | None,
    url: str,
    status: int,
) -> IngestResult:
    now = datetime.now(UTC)
    row, created = repo.insert_article_if_absent(
        session,
        values={**values, "content_fingerprint": fingerprint, "source_id": source_id, "fetched_at": now},
        url_key=key,
    )
    assert row.id is not None
    title = values.get("title")
    if created:
        original = repo.find_by_fingerprint(session, fingerprint=fingerprint, exclude_id=row.id)
        repo.replace_photos(session, article_id=row.id, photos=photos)
        if original is not None and is_duplicate(fingerprint, original.content_fingerprint):
            root = original.duplicate_of or original.id
            row.duplicate_of = root
            row.group_id = original.group_id or root
            session.add(row)
            repo.add_event(session, article_id=row.id, kind=EventKind.duplicate)
            return IngestResult(url=url, outcome=Outcome.copy, article_id=row.id, http_status=status,
                                duplicate_of=root, title=title)
        row.group_id = row.id
        session.add(row)
        repo.add_event(session, article_id=row.id, kind=EventKind.created)
        return IngestResult(url=url, outcome=Outcome.stored, article_id=row.id, http_status=status, title=title)

    same_body = is_duplicate(fingerprint, row.content_fingerprint) or (
        not values.get("body") and not row.body
    )
    same_photos = _same_photos(repo.photos_for(session, article_id=row.id), photos)
    # The row keeps the URL spelling it was first stored under; only content counts as a change.
    content = {k: v for k, v in values.items() if k not in ("url", "canonical_url")}
    fields_changed = repo.update_article(
        session, article=row, values={**content, "content_fingerprint": fingerprint}
    )
    row.fetched_at = now
    if same_body and same_photos and not fields_changed:
        session.add(row)
        return IngestResult(url=url, outcome=Outcome.duplicate, article_id=row.id, http_status=status,
                            duplicate_of=row.duplicate_of, title=title)
    if not same_photos:
        repo.replace_photos(session, article_id=row.id, photos=photos)
    row.revision += 1
    row.modified_at = now
    session.add(row)
    repo.add_event(session, article_id=row.id, kind=EventKind.updated)
    return IngestResult(url=url, outcome=Outcome.updated, article_id=row.id, http_status=status, title=title)


def _record_alone(ctx: PipelineContext, attempt: FetchAttemptBase) -> None:
    """Record a failed attempt in a transaction of its own."""
    try:
        with transaction(ctx.engine) as session:
            repo.record_fetch_attempt(session, attempt=attempt)
    except (OperationalError, PoolTimeoutError) as exc:
        raise DatabaseUnavailable(str(ctx.engine.url), _first_line(exc)) from exc


def _first_line(exc: BaseException) -> str:
    return str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
