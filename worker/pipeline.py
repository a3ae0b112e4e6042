"""``ingest(url)``: fetch -> extract -> dedup -> store -> announce. No Celery in here.

The same function runs inside the Celery task and in process (``newsingest ingest``, the demo).
Every call records exactly one fetch_attempt row; a stored or changed article also gets an
article_event, in the same transaction as the article itself.
"""

from __future__ import annotations

import logging
import time
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy.engine import Engine
from sqlalchemy.exc import InterfaceError, OperationalError, SQLAlchemyError
from sqlalchemy.exc import TimeoutError as PoolTimeoutError

from storage import repository as repo
from storage.db import DatabaseUnavailable, make_engine, transaction
from storage.models import Article as ArticleRow
from storage.models import ArticleEvent, EventKind, FetchAttemptBase, Outcome, PhotoBase
from worker import metrics
from worker.dedup import (
    EMPTY_FINGERPRINT,
    InvalidURL,
    band_keys,
    choose_canonical,
    fingerprint_and_signature,
    is_duplicate,
    normalize_url,
    url_key,
)
from worker.extract import Article, extract_article
from worker.feed import Announcer
from worker.fetch.client import Fetcher, FetchPolicy, FetchResult
from worker.fetch.errors import FetchError, HostBusyError
from worker.fetch.polite import PoliteFetcher
from worker.fetch.politeness import FileLimiter, HostLimits, Limiter, LocalLimiter, RedisLimiter
from worker.fetch.robots import RobotsCache
from worker.fetch.safety import AddressGuard, parse_networks
from worker.settings import Settings

#: Errors meaning "the database is not reachable now" (retried), not "the database refuses this row"
#: (recorded as an error): lost or closed connections and an exhausted pool.
_DB_DOWN = (OperationalError, InterfaceError, PoolTimeoutError)

log = logging.getLogger(__name__)

#: Outcomes that end an attempt successfully (the page is stored, as new or known).
SUCCESS_OUTCOMES = frozenset({Outcome.stored, Outcome.updated, Outcome.duplicate, Outcome.copy})
#: Outcomes that wrote an article_event, to be relayed to the Redis stream.
ANNOUNCED_OUTCOMES = frozenset({Outcome.stored, Outcome.updated, Outcome.copy})


@dataclass(slots=True)
class IngestResult:
    """What one ``ingest`` call did. ``retryable`` tells the caller a later try may succeed."""

    url: str
    outcome: Outcome
    article_id: int | None = None
    error: str | None = None
    http_status: int | None = None
    retryable: bool = False
    retry_after: float | None = None  # seconds the server asked for (Retry-After), when it did
    duplicate_of: int | None = None
    title: str | None = None
    #: seconds spent per stage: fetch, extract, dedup, store
    timings: dict[str, float] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return self.outcome in SUCCESS_OUTCOMES

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["outcome"] = self.outcome.value
        return data


def make_limiter(settings: Settings) -> Limiter:
    """Where per-host politeness is kept: Redis when there is one (all machines), else a SQLite file
    beside the SQLite database (this machine's processes), else this process."""
    redis_url = settings.effective_redis_url
    if redis_url:
        return RedisLimiter(redis_url)
    path = settings.politeness_path
    return FileLimiter(path) if path else LocalLimiter()


class PipelineContext:
    """What ``ingest`` needs, built once per process: settings, a database engine, a fetcher."""

    def __init__(self, settings: Settings, *, engine: Engine | None = None, fetcher: Fetcher | None = None,
                 allow_networks: str | list[str] | None = None) -> None:
        # allow_networks: CIDRs added to settings.allow_networks for this context (the demo's server)
        self.settings = settings
        self.engine = engine or make_engine(settings.database_url)
        allow = parse_networks(settings.allow_networks) + parse_networks(allow_networks)
        redis_url = settings.effective_redis_url
        self.announcer: Announcer | None = Announcer(redis_url, maxlen=settings.stream_maxlen) if redis_url else None
        self.fetcher = fetcher or Fetcher(
            FetchPolicy(
                user_agent=settings.user_agent,
                connect_timeout=settings.connect_timeout,
                read_timeout=settings.read_timeout,
                total_timeout=settings.total_timeout,
                max_bytes=settings.max_bytes,
                max_redirects=settings.max_redirects,
            ),
            guard=AddressGuard(allow),
        )
        self.default_limits = HostLimits(delay=settings.politeness_delay,
                                         concurrency=settings.politeness_concurrency)
        self.polite = PoliteFetcher(
            self.fetcher,
            limiter=make_limiter(settings),
            robots=RobotsCache(user_agent=settings.user_agent, ttl=settings.robots_ttl,
                               error_ttl=settings.robots_error_ttl, redis_url=redis_url),
            default_limits=self.default_limits,
        )
        self._source_limits: dict[int, tuple[float, HostLimits]] = {}

    def limits_for(self, source_id: int | None) -> HostLimits:
        """The host limits of a source (its ``politeness`` JSON over the defaults), cached 60 s."""
        if source_id is None:
            return self.default_limits
        now = time.monotonic()
        cached = self._source_limits.get(source_id)
        if cached is not None and cached[0] > now:
            return cached[1]
        from storage.models import Source

        try:
            with transaction(self.engine) as session:
                source = session.get(Source, source_id)
                config = dict(source.politeness or {}) if source is not None else {}
        except _DB_DOWN as exc:
            raise DatabaseUnavailable(str(self.engine.url), _first_line(exc)) from exc
        limits = HostLimits.from_config(self.default_limits, config)
        self._source_limits[source_id] = (now + 60, limits)
        return limits

    def fetch(self, url: str, *, source_id: int | None = None, max_wait: float | None = None) -> FetchResult:
        """Fetch politely: URL safety, robots.txt, the host's slot, then the bounded fetch."""
        return self.polite.fetch(url, limits=self.limits_for(source_id), max_wait=max_wait)

    def close(self) -> None:
        self.polite.close()
        if self.announcer is not None:
            self.announcer.close()
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
    max_wait: float | None = None,
) -> IngestResult:
    """Fetch, extract, deduplicate and store one article; record the attempt.

    ``retries_left`` says whether the caller will try again after a retryable failure; the
    attempt is then recorded as not final. ``max_wait``: how long to wait for the host's
    politeness slot (None: as long as it takes); past it :class:`HostBusyError` is raised and
    nothing is recorded (no request was made).

    Never raises for a bad page or a dead host (the outcome says what happened). Raises
    :class:`storage.db.DatabaseUnavailable` when the database cannot be reached, so that the
    caller (a task) can retry later: nothing is lost.
    """
    started = datetime.now(UTC)
    t0 = time.monotonic()
    stages: dict[str, float] = {}
    attempt = FetchAttemptBase(url=url, source_id=source_id, task_id=task_id, started_at=started,
                               outcome=Outcome.error.value)

    def finish(result: IngestResult, *, nbytes: int | None = None, observe: bool = True) -> IngestResult:
        attempt.outcome = result.outcome.value
        attempt.error = result.error
        attempt.http_status = result.http_status
        attempt.bytes = nbytes
        attempt.article_id = result.article_id
        attempt.final = not (result.retryable and retries_left > 0)
        attempt.finished_at = datetime.now(UTC)
        attempt.duration_ms = int((time.monotonic() - t0) * 1000)
        if observe:
            result.timings = dict(stages)
            metrics.observe(result.outcome.value, stages)
        return result

    try:
        target = normalize_url(url)
    except InvalidURL as exc:
        result = finish(IngestResult(url=url, outcome=Outcome.invalid_url, error=str(exc)))
        _record_alone(ctx, attempt)
        return result

    mark = time.monotonic()
    try:
        page = ctx.fetch(target, source_id=source_id, max_wait=max_wait)
    except HostBusyError:
        raise
    except FetchError as exc:
        stages["fetch"] = time.monotonic() - mark
        retryable = exc.retryable
        error = str(exc)
        if retryable and exc.retry_after is not None and exc.retry_after > ctx.settings.retry_after_max:
            retryable = False
            error += f"; Retry-After over the {ctx.settings.retry_after_max:g} s limit: not retried"
        result = finish(
            IngestResult(url=url, outcome=Outcome(exc.outcome), error=error, http_status=exc.status,
                         retryable=retryable, retry_after=exc.retry_after),
            nbytes=exc.nbytes,
        )
        _record_alone(ctx, attempt)
        return result

    stages["fetch"] = time.monotonic() - mark
    mark = time.monotonic()
    article = extract_article(page.text, page.final_url)
    stages["extract"] = time.monotonic() - mark
    if not article.is_article:
        result = finish(
            IngestResult(url=url, outcome=Outcome.not_article, http_status=page.status,
                         error=f"not an article: {article.reason or 'no article content found'}",
                         title=article.title),
            nbytes=page.nbytes,
        )
        _record_alone(ctx, attempt)
        return result

    mark = time.monotonic()
    canonical = choose_canonical(page.final_url, article.canonical_url)
    key = url_key(canonical)
    fingerprint, signature = fingerprint_and_signature(article.body)
    bands = band_keys(signature) if signature is not None else []
    values = article_values(article, canonical_url=canonical)
    photos = photo_rows(article)
    stages["dedup"] = time.monotonic() - mark

    # The store stage is the whole transaction: the article, the attempt, the event, the commit.
    mark = time.monotonic()
    event: ArticleEvent | None = None
    try:
        with transaction(ctx.engine) as session:
            stored = _store(session, values=values, photos=photos, key=key, fingerprint=fingerprint,
                            signature=signature, bands=bands, source_id=source_id, url=url,
                            status=page.status)
            result = finish(stored.result, nbytes=page.nbytes, observe=False)
            repo.record_fetch_attempt(session, attempt=attempt)
            if stored.event is not None:
                # Last: the event lock is held from here until the commit.
                event = repo.add_event(session, article_id=stored.row.id, kind=stored.event)
        stages["store"] = time.monotonic() - mark
    except _DB_DOWN as exc:
        raise DatabaseUnavailable(str(ctx.engine.url), _first_line(exc)) from exc
    except (SQLAlchemyError, ValueError) as exc:
        # A page the database refuses (a bug, a value out of range): recorded, never a lost task.
        log.error("cannot store %s: %s", url, _first_line(exc))
        result = finish(IngestResult(url=url, outcome=Outcome.error, http_status=page.status,
                                     error=f"cannot store the article: {_first_line(exc)}"),
                        nbytes=page.nbytes)
        _record_alone(ctx, attempt)
        return result
    result.timings = dict(stages)
    metrics.observe(result.outcome.value, stages)
    if ctx.announcer is not None and event is not None:
        ctx.announcer.announce(ctx.engine, event=event, article=stored.row)
    return result


@dataclass(slots=True)
class _Stored:
    """What :func:`_store` did: the result, the article row, the event to add (None: none)."""

    result: IngestResult
    row: ArticleRow
    event: EventKind | None = None


def _store(
    session: Any,
    *,
    values: dict[str, Any],
    photos: list[PhotoBase],
    key: str,
    fingerprint: str,
    signature: bytes | None,
    bands: list[int],
    source_id: int | None,
    url: str,
    status: int,
) -> _Stored:
    now = datetime.now(UTC)
    # Two copies of one story fetched at once from two sites: the second waits for the first to
    # commit, then finds it (otherwise both would be stored as originals).
    repo.lock_content(session, fingerprint=fingerprint, band_keys=bands)
    row, created = repo.insert_article_if_absent(
        session,
        values={**values, "content_fingerprint": fingerprint, "minhash": signature, "source_id": source_id,
                "fetched_at": now},
        url_key=key,
        own_group=True,  # an original (the common case) needs no UPDATE afterwards
    )
    assert row.id is not None
    title = values.get("title")
    if created:
        # A new row has no photos or bands yet: insert them, nothing to replace.
        original = _original_of(session, row_id=row.id, fingerprint=fingerprint, signature=signature, bands=bands)
        repo.add_photos(session, article_id=row.id, photos=photos)
        repo.add_bands(session, article_id=row.id, keys=bands)
        if original is not None:
            root = original.duplicate_of or original.id
            repo.set_duplicate_of(session, article=row, duplicate_of=root, group_id=original.group_id or root)
            return _Stored(IngestResult(url=url, outcome=Outcome.copy, article_id=row.id, http_status=status,
                                        duplicate_of=root, title=title), row, EventKind.duplicate)
        return _Stored(IngestResult(url=url, outcome=Outcome.stored, article_id=row.id, http_status=status,
                                    title=title), row, EventKind.created)

    same_body = is_duplicate(fingerprint, row.content_fingerprint) or (
        not values.get("body") and not row.body
    )
    same_photos = _same_photos(repo.photos_for(session, article_id=row.id), photos)
    # The row keeps the URL spelling it was first stored under; only content counts as a change.
    content = {k: v for k, v in values.items() if k not in ("url", "canonical_url")}
    earlier = _revision_values(row)  # the text as stored before this fetch
    fields_changed = repo.update_article(
        session, article=row, values={**content, "content_fingerprint": fingerprint, "minhash": signature}
    )
    row.fetched_at = now
    if same_body and same_photos and not fields_changed:
        session.add(row)
        session.flush()
        return _Stored(IngestResult(url=url, outcome=Outcome.duplicate, article_id=row.id, http_status=status,
                                    duplicate_of=row.duplicate_of, title=title), row)
    if not same_photos:
        repo.replace_photos(session, article_id=row.id, photos=photos)
    if not same_body:
        repo.replace_bands(session, article_id=row.id, keys=bands)
    # Keep the earlier text: revision N as it was (unless stored already), then N+1 as fetched now.
    repo.add_article_revision(session, article_id=row.id, revision=row.revision, values=earlier)
    row.revision += 1
    row.modified_at = now
    session.add(row)
    repo.add_article_revision(session, article_id=row.id, revision=row.revision, values=_revision_values(row))
    session.flush()
    return _Stored(IngestResult(url=url, outcome=Outcome.updated, article_id=row.id, http_status=status,
                                title=title), row, EventKind.updated)


def _original_of(session: Any, *, row_id: int, fingerprint: str, signature: bytes | None,
                 bands: list[int]) -> repo.DedupCandidate | None:
    """The stored article this new one duplicates, if any: the same body first, else the oldest
    near-duplicate among the articles sharing an LSH band key. One query (no bodies read)."""
    if fingerprint == EMPTY_FINGERPRINT and not bands:
        return None  # an empty body is nobody's duplicate, and has no signature
    for candidate in repo.dedup_candidates(session, fingerprint=fingerprint, keys=bands, exclude_id=row_id):
        if candidate.exact:
            if is_duplicate(fingerprint, candidate.content_fingerprint):
                return candidate
        elif is_duplicate(fingerprint, candidate.content_fingerprint, signature, candidate.minhash):
            return candidate
    return None


_REVISION_FIELDS = ("title", "lead", "body", "body_html", "published", "updated", "content_fingerprint",
                    "fetched_at")


def _revision_values(row: Any) -> dict[str, Any]:
    return {k: getattr(row, k) for k in _REVISION_FIELDS}


def _record_alone(ctx: PipelineContext, attempt: FetchAttemptBase) -> None:
    """Record a failed attempt in a transaction of its own."""
    try:
        with transaction(ctx.engine) as session:
            repo.record_fetch_attempt(session, attempt=attempt)
    except _DB_DOWN as exc:
        raise DatabaseUnavailable(str(ctx.engine.url), _first_line(exc)) from exc


def _first_line(exc: BaseException) -> str:
    return str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
