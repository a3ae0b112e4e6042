"""Queries and writes on the newsingest tables.

Every function takes a :class:`sqlmodel.Session` and keyword arguments, and NEVER commits: the
caller owns the transaction (see :func:`storage.db.transaction`). Writes are flushed, so ids are
assigned when a function returns. Only SQLite and PostgreSQL are supported.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import Table, and_, case, delete, func
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session, col, select

from storage.models import (
    Article,
    ArticleEvent,
    EventKind,
    FetchAttempt,
    FetchAttemptBase,
    Photo,
    PhotoBase,
    Source,
    SourceBase,
    utcnow,
)

#: Article columns never set from ``values``.
_ARTICLE_REFUSED_ON_INSERT = frozenset({"id", "url_key", "created_at", "modified_at", "revision"})
_ARTICLE_REFUSED_ON_UPDATE = frozenset({"id", "url_key", "created_at"})
#: Stored by :func:`update_article` without counting as a content change.
_ARTICLE_BOOKKEEPING = frozenset({"fetched_at", "modified_at", "revision"})
_ARTICLE_COLUMNS = frozenset(Article.__table__.columns.keys())  # type: ignore[attr-defined]
_SOURCE_FIELDS = tuple(SourceBase.model_fields)


# --------------------------------------------------------------------------- helpers


def _insert_ignore(session: Session, table: Table, row: Mapping[str, Any], conflict: Sequence[str]) -> bool:
    """``INSERT ... ON CONFLICT (conflict) DO NOTHING``; True if the row was inserted.

    On PostgreSQL a concurrent insert of the same key waits for the other transaction to end, then
    does nothing (or inserts, if the other rolled back). On SQLite the statement takes the database
    write lock, so writers are serialised (``busy_timeout``).
    """
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        stmt: Any = postgresql.insert(table)
    elif dialect == "sqlite":
        stmt = sqlite.insert(table)
    else:  # pragma: no cover
        raise NotImplementedError(f"storage supports SQLite and PostgreSQL, not {dialect}")
    stmt = stmt.values(**row).on_conflict_do_nothing(index_elements=list(conflict))
    result = session.execute(stmt.returning(table.c.id))
    return result.first() is not None


def _check_keys(values: Mapping[str, Any], allowed: frozenset[str], refused: frozenset[str]) -> None:
    unknown = set(values) - allowed
    if unknown:
        raise ValueError(f"unknown article field(s): {sorted(unknown)}")
    managed = set(values) & refused
    if managed:
        raise ValueError(f"field(s) managed by storage, not settable here: {sorted(managed)}")


# --------------------------------------------------------------------------- articles


def get_article(session: Session, *, article_id: int) -> Article | None:
    """The article with this id, or None."""
    return session.get(Article, article_id)


def get_article_by_key(session: Session, *, url_key: str) -> Article | None:
    """The article whose ``url_key`` (sha256 hex of the canonical URL key) is given, or None."""
    return session.exec(select(Article).where(Article.url_key == url_key)).first()


def find_by_fingerprint(
    session: Session, *, fingerprint: str, exclude_id: int | None = None
) -> Article | None:
    """The oldest article with this ``content_fingerprint`` (other than ``exclude_id``), or None."""
    stmt = select(Article).where(Article.content_fingerprint == fingerprint)
    if exclude_id is not None:
        stmt = stmt.where(Article.id != exclude_id)
    stmt = stmt.order_by(col(Article.created_at).asc(), col(Article.id).asc()).limit(1)
    return session.exec(stmt).first()


def insert_article_if_absent(
    session: Session, *, values: Mapping[str, Any], url_key: str
) -> tuple[Article, bool]:
    """Insert an article unless one with ``url_key`` exists; return ``(row, created)``.

    ``values`` holds Article fields (``ArticleBase`` fields plus ``content_fingerprint`` and
    optionally ``source_id``, ``duplicate_of``, ``group_id``, ``fetched_at``); they are only used
    when the row is created. Safe under concurrency: racing inserts of one key end with one row and
    no error. The row comes back locked (``SELECT ... FOR UPDATE`` on PostgreSQL; SQLite holds the
    write lock already), so a concurrent updater waits until this transaction ends.
    """
    _check_keys(values, _ARTICLE_COLUMNS, _ARTICLE_REFUSED_ON_INSERT)
    article = Article.model_validate({**values, "url_key": url_key})
    row = {k: v for k, v in article.model_dump().items() if k in _ARTICLE_COLUMNS and k != "id"}
    created = _insert_ignore(session, Article.__table__, row, ["url_key"])  # type: ignore[arg-type]
    stmt = (
        select(Article)
        .where(Article.url_key == url_key)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    return session.exec(stmt).one(), created


def update_article(session: Session, *, article: Article, values: Mapping[str, Any]) -> bool:
    """Set ``values`` on ``article`` (flushed); True if any content column changed.

    Only sets what is given: bumping ``revision`` / ``modified_at`` is the caller's decision (it
    may also depend on photos). ``fetched_at``, ``modified_at`` and ``revision`` may be given and
    are stored, but do not count as a change. Datetimes compare as instants. ``id``, ``url_key``
    and ``created_at`` are refused.
    """
    _check_keys(values, _ARTICLE_COLUMNS, _ARTICLE_REFUSED_ON_UPDATE)
    changed = False
    for key, new in values.items():
        if getattr(article, key) == new:
            continue
        setattr(article, key, new)
        if key not in _ARTICLE_BOOKKEEPING:
            changed = True
    session.add(article)
    session.flush()
    return changed


def list_articles(
    session: Session, *, limit: int = 20, offset: int = 0, site: str | None = None
) -> list[Article]:
    """Articles newest first (by ``created_at``, then id), optionally of one ``site``."""
    stmt = select(Article)
    if site is not None:
        stmt = stmt.where(Article.site == site)
    stmt = stmt.order_by(col(Article.created_at).desc(), col(Article.id).desc()).offset(offset).limit(limit)
    return list(session.exec(stmt).all())


def count_articles(session: Session, *, site: str | None = None) -> int:
    """How many articles (of one ``site``, if given)."""
    stmt = select(func.count()).select_from(Article)
    if site is not None:
        stmt = stmt.where(Article.site == site)
    return int(session.exec(stmt).one())


# --------------------------------------------------------------------------- photos


def replace_photos(session: Session, *, article_id: int, photos: Sequence[PhotoBase]) -> None:
    """Replace all photos of an article.

    Photos are stored in the order of their ``position`` (ties keep the given order) and renumbered
    0..n-1, so positions are always dense.
    """
    session.execute(delete(Photo).where(col(Photo.article_id) == article_id))
    ordered = sorted(photos, key=lambda p: p.position)  # stable
    fields = set(PhotoBase.model_fields) - {"position"}
    session.add_all(
        Photo.model_validate({**p.model_dump(include=fields), "position": i, "article_id": article_id})
        for i, p in enumerate(ordered)
    )
    session.flush()


def photos_for(session: Session, *, article_id: int) -> list[Photo]:
    """The photos of an article, ordered by position."""
    stmt = select(Photo).where(Photo.article_id == article_id).order_by(col(Photo.position))
    return list(session.exec(stmt).all())


def photo_counts(session: Session, *, article_ids: Sequence[int]) -> dict[int, tuple[int, int]]:
    """``{article_id: (photos, photos with a non-empty caption)}`` for every id asked (0s included)."""
    ids = list(dict.fromkeys(article_ids))
    if not ids:
        return {}
    with_caption = case((and_(col(Photo.caption).is_not(None), col(Photo.caption) != ""), 1), else_=0)
    stmt = (
        select(Photo.article_id, func.count(col(Photo.id)), func.coalesce(func.sum(with_caption), 0))
        .where(col(Photo.article_id).in_(ids))
        .group_by(col(Photo.article_id))
    )
    counts = {i: (0, 0) for i in ids}
    for article_id, n, captioned in session.exec(stmt).all():
        counts[article_id] = (int(n), int(captioned))
    return counts


# --------------------------------------------------------------------------- events


def add_event(session: Session, *, article_id: int, kind: EventKind) -> ArticleEvent:
    """Append an event for an article; its id is the consumers' cursor."""
    event = ArticleEvent(article_id=article_id, kind=EventKind(kind).value)
    session.add(event)
    session.flush()
    return event


def events_since(session: Session, *, after_id: int = 0, limit: int = 100) -> list[ArticleEvent]:
    """Events with ``id > after_id``, oldest first, at most ``limit``.

    PostgreSQL note: ids are allocated before commit, so a slow transaction may commit an id lower
    than one already seen; consumers that must not miss events should re-read a small window.
    """
    stmt = (
        select(ArticleEvent)
        .where(col(ArticleEvent.id) > after_id)
        .order_by(col(ArticleEvent.id))
        .limit(limit)
    )
    return list(session.exec(stmt).all())


# --------------------------------------------------------------------------- fetch attempts


def record_fetch_attempt(session: Session, *, attempt: FetchAttemptBase) -> FetchAttempt:
    """Store one fetch/ingest attempt."""
    row = FetchAttempt.model_validate(attempt.model_dump(include=set(FetchAttemptBase.model_fields)))
    session.add(row)
    session.flush()
    return row


def fetch_attempts_for(
    session: Session, *, url: str | None = None, task_id: str | None = None, limit: int = 1000
) -> list[FetchAttempt]:
    """Attempts for a ``url`` and/or a ``task_id`` (all, if neither), oldest first, at most ``limit``."""
    stmt = select(FetchAttempt)
    if url is not None:
        stmt = stmt.where(FetchAttempt.url == url)
    if task_id is not None:
        stmt = stmt.where(FetchAttempt.task_id == task_id)
    stmt = stmt.order_by(col(FetchAttempt.started_at), col(FetchAttempt.id)).limit(limit)
    return list(session.exec(stmt).all())


# --------------------------------------------------------------------------- sources


def get_source(session: Session, *, name: str) -> Source | None:
    """The source called ``name``, or None."""
    return session.exec(select(Source).where(Source.name == name)).first()


def list_sources(session: Session) -> list[Source]:
    """All sources, by name."""
    return list(session.exec(select(Source).order_by(col(Source.name))).all())


def upsert_source(session: Session, *, source: SourceBase) -> Source:
    """Create or update the source with ``source.name``; ``updated_at`` moves only on a change.

    Safe under concurrency (insert-or-ignore, then update the locked row).
    """
    fields = source.model_dump(include=set(_SOURCE_FIELDS))
    new = Source.model_validate(fields)
    row = {k: v for k, v in new.model_dump().items() if k != "id"}
    _insert_ignore(session, Source.__table__, row, ["name"])  # type: ignore[arg-type]
    stmt = (
        select(Source)
        .where(Source.name == source.name)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    existing = session.exec(stmt).one()
    changed = False
    for key in _SOURCE_FIELDS:
        if getattr(existing, key) != fields[key]:
            setattr(existing, key, fields[key])
            changed = True
    if changed:
        existing.updated_at = utcnow()
        session.add(existing)
        session.flush()
    return existing
