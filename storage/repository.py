"""Queries and writes on the newsingest tables.

Every function takes a :class:`sqlmodel.Session` and keyword arguments, and NEVER commits: the
caller owns the transaction (see :func:`storage.db.transaction`). Writes are flushed, so ids are
assigned when a function returns. Only SQLite and PostgreSQL are supported.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    Table,
    and_,
    bindparam,
    case,
    delete,
    func,
    insert,
    literal,
    null,
    text,
    union_all,
    update,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import make_transient_to_detached
from sqlalchemy.orm.attributes import set_committed_value
from sqlmodel import Session, col, select

from storage.models import (
    Article,
    ArticleBand,
    ArticleEvent,
    ArticleRevision,
    DiscoveryRun,
    EventKind,
    FeedState,
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


def _dialect(session: Session) -> str:
    name = session.get_bind().dialect.name
    if name not in ("postgresql", "sqlite"):  # pragma: no cover
        raise NotImplementedError(f"storage supports SQLite and PostgreSQL, not {name}")
    return name


def _attach(session: Session, row: Any) -> Any:
    """Put an object whose row was just written with a Core statement into the session as a
    persistent object (no flush, no reload): what ``session.add`` + ``flush`` would have left."""
    make_transient_to_detached(row)
    session.add(row)
    return row


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
    session: Session, *, values: Mapping[str, Any], url_key: str, own_group: bool = False
) -> tuple[Article, bool]:
    """Insert an article unless one with ``url_key`` exists; return ``(row, created)``.

    A created row is the validated object itself, now persistent in the session (not read back).

    ``values`` holds Article fields (``ArticleBase`` fields plus ``content_fingerprint`` and
    optionally ``source_id``, ``duplicate_of``, ``group_id``, ``fetched_at``); they are only used
    when the row is created. Safe under concurrency: racing inserts of one key end with one row and
    no error. The row comes back locked: a created row is invisible to others until commit (a
    racing insert of the same key waits on the unique index), an existing one is read with
    ``SELECT ... FOR UPDATE`` on PostgreSQL (SQLite holds the write lock already), so a concurrent
    updater waits until this transaction ends.

    ``own_group``: a created row starts its own group (``group_id`` = its own id, instead of
    ``values["group_id"]``). On PostgreSQL the INSERT itself sets it (the id is drawn from the
    sequence once, in a CTE, and used for both columns); on SQLite an UPDATE follows.

    One statement when the row is created (``INSERT ... ON CONFLICT DO NOTHING RETURNING``), two
    when it exists.
    """
    _check_keys(values, _ARTICLE_COLUMNS, _ARTICLE_REFUSED_ON_INSERT)
    article = Article.model_validate({**values, "url_key": url_key})
    row = {k: v for k, v in article.model_dump().items() if k in _ARTICLE_COLUMNS and k != "id"}
    dialect = _dialect(session)
    if own_group and dialect == "postgresql":
        del row["group_id"]
        new_id = session.execute(_INSERT_ARTICLE_OWN_GROUP_PG, row).scalar()
    else:
        new_id = session.execute(_INSERT_ARTICLE[dialect], row).scalar()
        if new_id is not None and own_group:
            session.execute(_SET_GROUP, {"article_id": new_id, "duplicate_of": article.duplicate_of, "group_id": new_id})
    if new_id is not None:
        article.id = new_id
        if own_group:
            article.group_id = new_id
        return _attach(session, article), True
    stmt = (
        select(Article)
        .where(Article.url_key == url_key)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    return session.exec(stmt).one(), False


# Built once: the values come as execution parameters (cheaper than ``.values(**row)`` per call).
_ARTICLE_TABLE: Table = Article.__table__  # type: ignore[attr-defined]
_INSERT_ARTICLE = {
    name: dialect.insert(_ARTICLE_TABLE).on_conflict_do_nothing(index_elements=["url_key"])
    .returning(_ARTICLE_TABLE.c.id)
    for name, dialect in (("postgresql", postgresql), ("sqlite", sqlite))
}
_NEW_ARTICLE_ID = select(func.nextval(func.pg_get_serial_sequence("article", "id")).label("id")).cte("new_article_id")
_INSERT_ARTICLE_OWN_GROUP_PG = (
    postgresql.insert(_ARTICLE_TABLE)
    .values(id=select(_NEW_ARTICLE_ID.c.id).scalar_subquery(), group_id=select(_NEW_ARTICLE_ID.c.id).scalar_subquery())
    .add_cte(_NEW_ARTICLE_ID)
    .on_conflict_do_nothing(index_elements=["url_key"])
    .returning(_ARTICLE_TABLE.c.id)
)
_SET_GROUP = (
    update(_ARTICLE_TABLE)
    .where(_ARTICLE_TABLE.c.id == bindparam("article_id"))
    .values(duplicate_of=bindparam("duplicate_of"), group_id=bindparam("group_id"))
)


def set_duplicate_of(session: Session, *, article: Article, duplicate_of: int | None, group_id: int | None) -> None:
    """Set an article's ``duplicate_of`` and ``group_id`` (one UPDATE; the object is updated too,
    without being marked changed)."""
    assert article.id is not None
    session.execute(_SET_GROUP, {"article_id": article.id, "duplicate_of": duplicate_of, "group_id": group_id})
    set_committed_value(article, "duplicate_of", duplicate_of)
    set_committed_value(article, "group_id", group_id)


@dataclass(frozen=True, slots=True)
class DedupCandidate:
    """The columns of a stored article that the duplicate decision needs (no body, no HTML)."""

    id: int
    content_fingerprint: str
    minhash: bytes | None
    duplicate_of: int | None
    group_id: int | None
    exact: bool  # found by its content_fingerprint (else: shares an LSH band key)


def dedup_candidates(
    session: Session, *, fingerprint: str, keys: Sequence[int], exclude_id: int | None = None, limit: int = 50
) -> list[DedupCandidate]:
    """What :func:`find_by_fingerprint` returns (the oldest article with this fingerprint) first,
    then what :func:`near_candidates` returns (up to ``limit`` articles sharing a band key, by id),
    as :class:`DedupCandidate` rows (an article may come twice) without their bodies.

    One query when no stored article shares a band key (the common case): the exact match and the
    sharing ids come back together; a second one reads the candidates' signatures by primary key.
    Both plans stay index-driven however large the tables grow (no ORDER BY over the band table).
    """
    a = Article.__table__.c  # type: ignore[attr-defined]
    cols = (a.id, a.content_fingerprint, a.minhash, a.duplicate_of, a.group_id)
    if _dialect(session) == "postgresql":
        found = session.execute(_DEDUP_CANDIDATES_PG, {"fp": fingerprint, "keys": list(keys), "exclude": exclude_id}).all()
    else:
        exact = select(*cols).where(a.content_fingerprint == fingerprint)
        if exclude_id is not None:
            exact = exact.where(a.id != exclude_id)
        exact_sub = exact.order_by(a.created_at, a.id).limit(1).subquery()
        first: Any = select(*exact_sub.c, literal(True).label("exact"))
        if keys:
            b = ArticleBand.__table__.c  # type: ignore[attr-defined]
            ids = select(b.article_id, *[null()] * 4, literal(False)).where(b.key.in_(list(keys)))
            if exclude_id is not None:
                ids = ids.where(b.article_id != exclude_id)
            first = union_all(first, ids.distinct())
        found = session.execute(first).all()
    rows = [DedupCandidate(*r[:5], exact=True) for r in found if r[5]]
    near = sorted(r[0] for r in found if not r[5])[:limit]
    if near:
        stmt = select(*cols).where(a.id.in_(near)).order_by(a.id)
        rows += [DedupCandidate(*r, exact=False) for r in session.execute(stmt).all()]
    return rows


# The exact match and the ids sharing a band key, in one statement (the keys as one array).
_DEDUP_CANDIDATES_PG = text(
    "(SELECT id, content_fingerprint, minhash, duplicate_of, group_id, true AS exact FROM article "
    " WHERE content_fingerprint = :fp AND id IS DISTINCT FROM :exclude ORDER BY created_at, id LIMIT 1) "
    "UNION ALL "
    "SELECT article_id, NULL, NULL, NULL, NULL, false FROM "
    " (SELECT DISTINCT article_id FROM article_band "
    "  WHERE key = ANY(CAST(:keys AS bigint[])) AND article_id IS DISTINCT FROM :exclude) AS sharing"
)


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
    add_photos(session, article_id=article_id, photos=photos)


def add_photos(session: Session, *, article_id: int, photos: Sequence[PhotoBase]) -> None:
    """Store the photos of an article that has none yet (a new one): :func:`replace_photos`
    without its DELETE. One multi-row INSERT."""
    ordered = sorted(photos, key=lambda p: p.position)  # stable
    if not ordered:
        return
    fields = set(PhotoBase.model_fields) - {"position"}
    rows = [
        Photo.model_validate({**p.model_dump(include=fields), "position": i, "article_id": article_id}).model_dump(
            exclude={"id"}
        )
        for i, p in enumerate(ordered)
    ]
    session.execute(_INSERT_PHOTO, rows)


_INSERT_PHOTO = insert(Photo.__table__)  # type: ignore[arg-type]


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


#: PostgreSQL advisory lock classes (the two-int form): one per purpose.
EVENT_LOCK_CLASS = 1
CONTENT_LOCK_CLASS = 2


def lock_content(session: Session, *, fingerprint: str, band_keys: Sequence[int] = ()) -> None:
    """Serialise, until commit, the transactions storing the same or similar content (PostgreSQL;
    SQLite has one writer at a time anyway), so a copy always finds the original it duplicates:
    one advisory lock per band key and one for the exact fingerprint, taken in sorted order (two
    writers can never wait on each other in a cycle). One statement, one row back.

    Two near-duplicates share at least one band key (that is how they are found), so one lock per
    key is what makes the guarantee hold: a single lock on a hash of all the keys would differ
    between two copies. Call it before reading what was stored: the lookup must be a later
    statement, whose snapshot is taken after the lock was granted.
    """
    if _dialect(session) != "postgresql":
        return
    keys = {int(fingerprint[:8], 16) - 2**31}
    keys.update((k & 0xFFFFFFFF) - 2**31 for k in band_keys)  # signed int4 from each band key
    session.execute(
        text("SELECT count(pg_advisory_xact_lock(:cls, k)) FROM "
             "(SELECT k FROM unnest(CAST(:keys AS integer[])) AS k ORDER BY k) AS sorted_keys"),
        {"cls": CONTENT_LOCK_CLASS, "keys": sorted(keys)},
    )


# The event lock and the INSERT in one statement: the CTE is read before the INSERT produces its
# row, so the id (the sequence default) is drawn after the lock was granted.
_ADD_EVENT_PG = text(
    "WITH event_lock AS MATERIALIZED (SELECT pg_advisory_xact_lock(:cls, 0)) "
    "INSERT INTO article_event (article_id, kind, at) SELECT :article_id, :kind, :at FROM event_lock "
    "RETURNING id"
)


def add_event(session: Session, *, article_id: int, kind: EventKind) -> ArticleEvent:
    """Append an event for an article; its id is the consumers' cursor.

    Ids must become visible in increasing order, or a consumer paging by id would skip an event
    committed late. On PostgreSQL a transaction-scoped advisory lock is taken first (in the same
    statement as the INSERT), so event writers take their ids and commit one after another (call
    this last in the transaction: the lock is held until commit). SQLite has one writer at a time
    anyway.
    """
    event = ArticleEvent(article_id=article_id, kind=EventKind(kind).value)
    if _dialect(session) == "postgresql":
        event.id = session.execute(
            _ADD_EVENT_PG,
            {"cls": EVENT_LOCK_CLASS, "article_id": article_id, "kind": event.kind, "at": event.at},
        ).scalar_one()
    else:
        event.id = session.execute(
            _INSERT_EVENT, {"article_id": article_id, "kind": event.kind, "at": event.at}
        ).scalar_one()
    return _attach(session, event)


_INSERT_EVENT = insert(ArticleEvent.__table__).returning(ArticleEvent.__table__.c.id)  # type: ignore[attr-defined]


def events_since(session: Session, *, after_id: int = 0, limit: int = 100) -> list[ArticleEvent]:
    """Events with ``id > after_id``, oldest first, at most ``limit``.

    Ids become visible in increasing order (see :func:`add_event`), so ``after_id`` = the last id
    seen is a complete cursor.
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
    row.id = session.execute(_INSERT_ATTEMPT, row.model_dump(exclude={"id"})).scalar_one()
    return _attach(session, row)


_INSERT_ATTEMPT = insert(FetchAttempt.__table__).returning(FetchAttempt.__table__.c.id)  # type: ignore[attr-defined]


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


# --------------------------------------------------------------------------- change feed


def event_feed(
    session: Session, *, after_id: int = 0, since: datetime | None = None, limit: int | None = 500
) -> list[tuple[ArticleEvent, Article]]:
    """Events with their articles, oldest first: ``id > after_id`` and, if given, ``at >= since``."""
    stmt = (
        select(ArticleEvent, Article)
        .join(Article, col(Article.id) == col(ArticleEvent.article_id))
        .where(col(ArticleEvent.id) > after_id)
        .order_by(col(ArticleEvent.id))
    )
    if since is not None:
        stmt = stmt.where(col(ArticleEvent.at) >= since)
    if limit is not None:
        stmt = stmt.limit(limit)
    return [(e, a) for e, a in session.exec(stmt).all()]


def photos_by_article(session: Session, *, article_ids: Sequence[int]) -> dict[int, list[Photo]]:
    """Photos of several articles at once, each list ordered by position."""
    found: dict[int, list[Photo]] = {i: [] for i in article_ids}
    if not article_ids:
        return found
    stmt = (
        select(Photo)
        .where(col(Photo.article_id).in_(list(article_ids)))
        .order_by(col(Photo.article_id), col(Photo.position))
    )
    for photo in session.exec(stmt).all():
        found[photo.article_id].append(photo)
    return found


def get_source_by_id(session: Session, *, source_id: int) -> Source | None:
    """The source with this id, or None."""
    return session.get(Source, source_id)


def set_source_override(session: Session, *, name: str, enabled: bool | None) -> Source | None:
    """Set (or clear, with None) the operator's enabled/disabled override of a source; None if unknown."""
    row = get_source(session, name=name)
    if row is None:
        return None
    row.enabled_override = enabled
    row.updated_at = utcnow()
    session.add(row)
    session.flush()
    return row


# --------------------------------------------------------------------------- discovery


def add_discovery_run(session: Session, *, run: DiscoveryRun) -> DiscoveryRun:
    """Store (or update) a discovery run row."""
    session.add(run)
    session.flush()
    return run


def discovery_runs(session: Session, *, source_id: int | None = None, limit: int = 1000) -> list[DiscoveryRun]:
    """Discovery runs (of one source, if given), oldest first, at most ``limit``."""
    stmt = select(DiscoveryRun)
    if source_id is not None:
        stmt = stmt.where(DiscoveryRun.source_id == source_id)
    stmt = stmt.order_by(col(DiscoveryRun.started_at), col(DiscoveryRun.id)).limit(limit)
    return list(session.exec(stmt).all())


def get_feed_state(session: Session, *, url: str) -> FeedState | None:
    """The conditional-GET state of a discovery document, or None."""
    return session.exec(select(FeedState).where(FeedState.url == url)).first()


def save_feed_state(session: Session, *, url: str, values: Mapping[str, Any]) -> FeedState:
    """Create or update the conditional-GET state of ``url`` with ``values`` (FeedState fields)."""
    unknown = set(values) - set(FeedState.model_fields) | ({"id", "url"} & set(values))
    if unknown:
        raise ValueError(f"unknown or managed feed_state field(s): {sorted(unknown)}")
    _insert_ignore(session, FeedState.__table__, {"url": url}, ["url"])  # type: ignore[arg-type]
    stmt = select(FeedState).where(FeedState.url == url).execution_options(populate_existing=True)
    row = session.exec(stmt).one()
    for key, value in values.items():
        setattr(row, key, value)
    session.add(row)
    session.flush()
    return row


def articles_by_keys(session: Session, *, url_keys: Sequence[str]) -> dict[str, Article]:
    """``{url_key: article}`` for the keys that are stored (queried in chunks)."""
    keys = list(dict.fromkeys(url_keys))
    found: dict[str, Article] = {}
    for i in range(0, len(keys), 500):
        chunk = keys[i:i + 500]
        for row in session.exec(select(Article).where(col(Article.url_key).in_(chunk))).all():
            found[row.url_key] = row
    return found


# --------------------------------------------------------------------------- revisions


def add_article_revision(
    session: Session, *, article_id: int, revision: int, values: Mapping[str, Any]
) -> ArticleRevision | None:
    """Store the text of revision ``revision`` of an article unless it is stored already.

    ``values``: ArticleRevision content fields (title, lead, body, body_html, published, updated,
    content_fingerprint, fetched_at). Returns the new row, or None if that revision existed.
    """
    allowed = set(ArticleRevision.model_fields) - {"id", "article_id", "revision"}
    row = {k: v for k, v in values.items() if k in allowed}
    rev = ArticleRevision.model_validate({**row, "article_id": article_id, "revision": revision})
    data = {k: v for k, v in rev.model_dump().items() if k != "id"}
    created = _insert_ignore(session, ArticleRevision.__table__, data, ["article_id", "revision"])  # type: ignore[arg-type]
    if not created:
        return None
    stmt = select(ArticleRevision).where(
        ArticleRevision.article_id == article_id, ArticleRevision.revision == revision
    )
    return session.exec(stmt).one()


def revisions_for(session: Session, *, article_id: int) -> list[ArticleRevision]:
    """The stored revisions of an article, oldest first."""
    stmt = (
        select(ArticleRevision)
        .where(ArticleRevision.article_id == article_id)
        .order_by(col(ArticleRevision.revision))
    )
    return list(session.exec(stmt).all())


def articles_to_recrawl(
    session: Session, *, source_id: int, created_after: Any, fetched_before: Any, limit: int = 20
) -> list[Article]:
    """Articles of a source first stored after ``created_after`` and last fetched before
    ``fetched_before`` (the recrawl window), least recently fetched first, at most ``limit``."""
    if limit <= 0:
        return []
    stmt = (
        select(Article)
        .where(
            Article.source_id == source_id,
            col(Article.created_at) > created_after,
            col(Article.fetched_at) < fetched_before,
        )
        .order_by(col(Article.fetched_at), col(Article.id))
        .limit(limit)
    )
    return list(session.exec(stmt).all())


# --------------------------------------------------------------------------- monitoring


def attempt_counts(session: Session, *, since: datetime) -> dict[str, int]:
    """Final fetch attempts started at or after ``since``, counted by outcome."""
    stmt = (
        select(FetchAttempt.outcome, func.count())
        .where(col(FetchAttempt.started_at) >= since, col(FetchAttempt.final).is_(True))
        .group_by(col(FetchAttempt.outcome))
    )
    return {outcome: n for outcome, n in session.exec(stmt).all()}


def recent_errors(session: Session, *, outcomes_ok: Sequence[str], limit: int = 10) -> list[FetchAttempt]:
    """The newest attempts whose outcome is not one of ``outcomes_ok``."""
    stmt = (
        select(FetchAttempt)
        .where(col(FetchAttempt.outcome).not_in(list(outcomes_ok)))
        .order_by(col(FetchAttempt.id).desc())
        .limit(limit)
    )
    return list(session.exec(stmt).all())


def last_article_by_source(session: Session) -> dict[int | None, tuple[int, datetime]]:
    """Per source id (None: ingested by hand): article count and the newest article's created_at."""
    stmt = select(Article.source_id, func.count(), func.max(Article.created_at)).group_by(col(Article.source_id))
    found: dict[int | None, tuple[int, datetime]] = {}
    for source_id, n, newest in session.exec(stmt).all():
        if isinstance(newest, str):  # SQLite aggregate of the UTC text column
            newest = datetime.fromisoformat(newest)
        if newest is not None and newest.tzinfo is None:
            newest = newest.replace(tzinfo=UTC)
        found[source_id] = (n, newest)
    return found


def last_discovery_by_source(session: Session) -> dict[int, DiscoveryRun]:
    """The newest discovery run of each source."""
    newest = (
        select(DiscoveryRun.source_id, func.max(DiscoveryRun.id).label("max_id"))
        .group_by(col(DiscoveryRun.source_id))
        .subquery()
    )
    stmt = select(DiscoveryRun).join(newest, col(DiscoveryRun.id) == newest.c.max_id)
    return {run.source_id: run for run in session.exec(stmt).all()}


def last_discovery_runs(session: Session) -> dict[int, DiscoveryRun]:
    """``{source_id: its latest discovery run}``."""
    latest = (
        select(DiscoveryRun.source_id, func.max(DiscoveryRun.id).label("last_id"))
        .group_by(col(DiscoveryRun.source_id))
        .subquery()
    )
    stmt = select(DiscoveryRun).join(latest, col(DiscoveryRun.id) == latest.c.last_id)
    return {r.source_id: r for r in session.exec(stmt).all()}


# --------------------------------------------------------------------------- near-duplicate index


def replace_bands(session: Session, *, article_id: int, keys: Sequence[int]) -> None:
    """Index an article's LSH band keys (band = position in ``keys``), replacing earlier ones."""
    session.exec(delete(ArticleBand).where(col(ArticleBand.article_id) == article_id))  # type: ignore[call-overload]
    add_bands(session, article_id=article_id, keys=keys)


_ADD_BANDS_PG = text(
    "INSERT INTO article_band (article_id, band, key) "
    "SELECT :article_id, n - 1, k FROM unnest(CAST(:keys AS bigint[])) WITH ORDINALITY AS t(k, n)"
)


def add_bands(session: Session, *, article_id: int, keys: Sequence[int]) -> None:
    """Index the band keys of an article that has none yet (a new one): :func:`replace_bands`
    without its DELETE. One statement (PostgreSQL: the keys as one array parameter)."""
    if not keys:
        return
    if _dialect(session) == "postgresql":
        session.execute(_ADD_BANDS_PG, {"article_id": article_id, "keys": list(keys)})
    else:
        session.execute(
            insert(ArticleBand.__table__),  # type: ignore[arg-type]
            [{"article_id": article_id, "band": i, "key": k} for i, k in enumerate(keys)],
        )


def near_candidates(session: Session, *, keys: Sequence[int], exclude_id: int | None = None,
                    limit: int = 50) -> list[Article]:
    """Articles sharing at least one band key, oldest first.

    Two plain queries, so the plan stays index-only however large the tables grow: the band keys'
    index gives the candidate ids, the primary key gives their rows.
    """
    if not keys:
        return []
    id_stmt = select(ArticleBand.article_id).where(col(ArticleBand.key).in_(list(keys))).distinct()
    ids = sorted(i for i in session.exec(id_stmt).all() if i != exclude_id)[:limit]
    if not ids:
        return []
    stmt = select(Article).where(col(Article.id).in_(ids)).order_by(col(Article.id))
    return list(session.exec(stmt).all())


def urls_done(session: Session, *, urls: Sequence[str], outcomes: Sequence[str]) -> set[str]:
    """Which of ``urls`` have a final fetch attempt with one of ``outcomes`` (exact URL spelling)."""
    wanted = list(dict.fromkeys(urls))
    done: set[str] = set()
    for i in range(0, len(wanted), 500):
        chunk = wanted[i:i + 500]
        stmt = select(FetchAttempt.url).where(
            col(FetchAttempt.url).in_(chunk),
            col(FetchAttempt.final).is_(True),
            col(FetchAttempt.outcome).in_(list(outcomes)),
        ).distinct()
        done.update(session.exec(stmt).all())
    return done
