"""SQLModel tables. Each family: ``XBase`` (the fields a caller provides) and ``X(table=True)``.

storage knows nothing of Celery, HTTP or extraction: rows are filled from plain values.
"""

from __future__ import annotations

from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import (
    BigInteger,
    Column,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    SmallInteger,
    Text,
    UniqueConstraint,
)
from sqlmodel import Field, SQLModel

from storage.types import AwareDateTime, JSONType


def utcnow() -> datetime:
    return datetime.now(UTC)


def _time(nullable: bool = True, index: bool = False) -> Any:
    return Field(default=None, sa_type=AwareDateTime(), nullable=nullable, index=index)


def _json_list() -> Any:
    return Field(default_factory=list, sa_type=JSONType, nullable=False)


class EventKind(StrEnum):
    created = "created"
    updated = "updated"
    duplicate = "duplicate"


class Outcome(StrEnum):
    """What one fetch/ingest attempt ended with (fetch_attempt.outcome)."""

    stored = "stored"  # a new article row
    updated = "updated"  # same URL key, content changed: the row is updated
    duplicate = "duplicate"  # same URL key, same content: already stored, nothing changed
    copy = "copy"  # a new URL key whose content is already stored: new row with duplicate_of
    not_article = "not_article"
    http_error = "http_error"
    not_found = "not_found"
    bad_content_type = "bad_content_type"
    too_large = "too_large"
    timeout = "timeout"
    connection_error = "connection_error"
    invalid_url = "invalid_url"
    refused = "refused"
    robots_disallowed = "robots_disallowed"
    error = "error"


# --------------------------------------------------------------------------- source


class SourceBase(SQLModel):
    name: str = Field(sa_column_kwargs={"unique": True}, max_length=100, index=True)
    site: str = Field(max_length=500)
    feeds: list[str] = _json_list()
    sitemaps: list[str] = _json_list()
    sections: list[str] = _json_list()
    interval_seconds: int = Field(default=600, ge=1)
    enabled: bool = True
    politeness: dict[str, Any] = Field(default_factory=dict, sa_type=JSONType, nullable=False)
    #: Discovery settings from the registry: CSS selector of article links on section pages,
    #: a regex article URLs match, and a cap on URLs enqueued per discovery run.
    link_selector: str | None = Field(default=None, sa_type=Text)
    article_pattern: str | None = Field(default=None, sa_type=Text)
    max_urls: int | None = None


class Source(SourceBase, table=True):
    __tablename__ = "source"

    id: int | None = Field(default=None, primary_key=True)
    created_at: datetime = Field(default_factory=utcnow, sa_type=AwareDateTime(), nullable=False)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=AwareDateTime(), nullable=False)
    #: ``newsingest sources enable|disable``: wins over the registry's ``enabled`` (None: no override).
    enabled_override: bool | None = None

    @property
    def active(self) -> bool:
        """Enabled, once the operator's override is applied."""
        return self.enabled if self.enabled_override is None else self.enabled_override


# --------------------------------------------------------------------------- article


class ArticleBase(SQLModel):
    url: str = Field(sa_type=Text, nullable=False)
    canonical_url: str = Field(sa_type=Text, nullable=False)
    site: str | None = Field(default=None, max_length=255, index=True)
    language: str | None = Field(default=None, max_length=20)
    category: list[str] = _json_list()
    title: str | None = Field(default=None, sa_type=Text)
    place: str | None = Field(default=None, max_length=255)
    lead: str | None = Field(default=None, sa_type=Text)
    body: str = Field(default="", sa_type=Text, nullable=False)
    body_html: str = Field(default="", sa_type=Text, nullable=False)
    authors: list[str] = _json_list()
    byline: str | None = Field(default=None, sa_type=Text)
    attribution: str | None = Field(default=None, max_length=500)
    published: datetime | None = _time(index=True)
    updated: datetime | None = _time()
    tz_offset_minutes: int | None = None  # the page's own UTC offset for published/updated
    tags: list[str] = _json_list()
    related: list[dict[str, Any]] = _json_list()


class Article(ArticleBase, table=True):
    __tablename__ = "article"
    __table_args__ = (UniqueConstraint("url_key", name="uq_article_url_key"),)

    id: int | None = Field(default=None, primary_key=True)
    #: sha256 hex of the canonical URL key: the unique guard against a second row.
    url_key: str = Field(max_length=64, nullable=False)
    source_id: int | None = Field(
        default=None, sa_column=Column(Integer, ForeignKey("source.id", ondelete="SET NULL"), index=True)
    )
    content_fingerprint: str = Field(max_length=64, index=True)
    duplicate_of: int | None = Field(
        default=None, sa_column=Column(Integer, ForeignKey("article.id", ondelete="SET NULL"), index=True)
    )
    group_id: int | None = Field(default=None, index=True)
    #: MinHash signature of the body (worker.dedup.near_signature); None for very short bodies.
    minhash: bytes | None = Field(default=None, sa_type=LargeBinary, nullable=True)
    fetched_at: datetime = Field(default_factory=utcnow, sa_type=AwareDateTime(), nullable=False)
    created_at: datetime = Field(default_factory=utcnow, sa_type=AwareDateTime(), nullable=False)
    modified_at: datetime = Field(default_factory=utcnow, sa_type=AwareDateTime(), nullable=False)
    revision: int = Field(default=1, nullable=False)


# --------------------------------------------------------------------------- photo


class PhotoBase(SQLModel):
    position: int = Field(nullable=False)
    src: str = Field(sa_type=Text, nullable=False)
    alternatives: list[str] = _json_list()
    alt: str | None = Field(default=None, sa_type=Text)
    caption: str | None = Field(default=None, sa_type=Text)
    credit: str | None = Field(default=None, max_length=500)
    width: int | None = None
    height: int | None = None


class Photo(PhotoBase, table=True):
    __tablename__ = "photo"
    __table_args__ = (UniqueConstraint("article_id", "position", name="uq_photo_article_position"),)

    id: int | None = Field(default=None, primary_key=True)
    article_id: int = Field(
        sa_column=Column(Integer, ForeignKey("article.id", ondelete="CASCADE"), nullable=False, index=True)
    )


# --------------------------------------------------------------------------- fetch_attempt


class FetchAttemptBase(SQLModel):
    url: str = Field(sa_type=Text, nullable=False)
    source_id: int | None = Field(default=None, index=True)
    task_id: str | None = Field(default=None, max_length=64, index=True)
    started_at: datetime = Field(default_factory=utcnow, sa_type=AwareDateTime(), nullable=False)
    finished_at: datetime | None = _time()
    http_status: int | None = None
    bytes: int | None = None
    duration_ms: int | None = None
    outcome: str = Field(max_length=40, index=True)
    error: str | None = Field(default=None, sa_type=Text)
    article_id: int | None = Field(default=None, index=True)
    #: False when the task will try this URL again; the last attempt of a URL is final.
    final: bool = Field(default=True, nullable=False)


class FetchAttempt(FetchAttemptBase, table=True):
    __tablename__ = "fetch_attempt"

    id: int | None = Field(default=None, primary_key=True)


# --------------------------------------------------------------------------- article_event


class ArticleEventBase(SQLModel):
    article_id: int = Field(
        sa_column=Column(Integer, ForeignKey("article.id", ondelete="CASCADE"), nullable=False, index=True)
    )
    kind: str = Field(max_length=20)
    at: datetime = Field(default_factory=utcnow, sa_type=AwareDateTime(), nullable=False)


class ArticleEvent(ArticleEventBase, table=True):
    __tablename__ = "article_event"
    # SQLite: AUTOINCREMENT, so an id is never reused after the newest rows are deleted (the cursor
    # ``events_since(after_id=...)`` would skip a reused id). PostgreSQL sequences never reuse.
    __table_args__ = {"sqlite_autoincrement": True}

    #: The consumers' cursor: monotonically increasing.
    id: int | None = Field(
        default=None,
        sa_column=Column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True),
    )


# --------------------------------------------------------------------------- discovery


class DiscoveryRun(SQLModel, table=True):
    """One discovery run of one source: what it looked at, found and enqueued."""

    __tablename__ = "discovery_run"

    id: int | None = Field(default=None, primary_key=True)
    source_id: int = Field(
        sa_column=Column(Integer, ForeignKey("source.id", ondelete="CASCADE"), nullable=False, index=True)
    )
    task_id: str | None = Field(default=None, max_length=64)
    started_at: datetime = Field(default_factory=utcnow, sa_type=AwareDateTime(), nullable=False, index=True)
    finished_at: datetime | None = _time()
    documents: int = Field(default=0, nullable=False)  # feeds/sitemaps/sections fetched (incl. children)
    not_modified: int = Field(default=0, nullable=False)  # of which answered 304 (or an unchanged body)
    found: int = Field(default=0, nullable=False)  # distinct candidate article URLs
    new: int = Field(default=0, nullable=False)  # enqueued (or ingested) as never seen
    recrawl: int = Field(default=0, nullable=False)  # enqueued again (newer date, recrawl window)
    errors: int = Field(default=0, nullable=False)
    error_detail: list[str] = _json_list()


class FeedState(SQLModel, table=True):
    """Conditional-GET state of one discovery document (feed, sitemap, section page)."""

    __tablename__ = "feed_state"
    __table_args__ = (UniqueConstraint("url", name="uq_feed_state_url"),)

    id: int | None = Field(default=None, primary_key=True)
    url: str = Field(sa_type=Text, nullable=False)
    source_id: int | None = Field(default=None, index=True)
    kind: str | None = Field(default=None, max_length=20)  # rss, atom, sitemapindex, urlset, news, html
    etag: str | None = Field(default=None, sa_type=Text)
    last_modified: str | None = Field(default=None, max_length=100)
    content_hash: str | None = Field(default=None, max_length=64)
    last_status: int | None = None
    checked_at: datetime | None = _time()
    changed_at: datetime | None = _time()


class ArticleRevision(SQLModel, table=True):
    """The text of one revision of an article; the article row holds the newest."""

    __tablename__ = "article_revision"
    __table_args__ = (UniqueConstraint("article_id", "revision", name="uq_article_revision"),)

    id: int | None = Field(default=None, primary_key=True)
    article_id: int = Field(
        sa_column=Column(Integer, ForeignKey("article.id", ondelete="CASCADE"), nullable=False, index=True)
    )
    revision: int = Field(nullable=False)
    title: str | None = Field(default=None, sa_type=Text)
    lead: str | None = Field(default=None, sa_type=Text)
    body: str = Field(default="", sa_type=Text, nullable=False)
    body_html: str = Field(default="", sa_type=Text, nullable=False)
    published: datetime | None = _time()
    updated: datetime | None = _time()
    content_fingerprint: str = Field(max_length=64)
    fetched_at: datetime = Field(default_factory=utcnow, sa_type=AwareDateTime(), nullable=False)


Index("ix_fetch_attempt_started_at", FetchAttempt.started_at)
# fetch_attempts_for(url=...): a hash index on PostgreSQL (a btree refuses keys over ~2.7 kB; URLs
# have no length limit here); a plain index on SQLite.
Index("ix_fetch_attempt_url", FetchAttempt.url, postgresql_using="hash")
Index("ix_article_created_at", Article.created_at)


# --------------------------------------------------------------------------- article_band


class ArticleBand(SQLModel, table=True):
    """The near-duplicate index: one LSH band key per band of an article's MinHash signature.

    A lookup is one indexed ``key IN (...)`` probe per band, whatever the archive's size.
    """

    __tablename__ = "article_band"

    article_id: int = Field(
        sa_column=Column(Integer, ForeignKey("article.id", ondelete="CASCADE"), primary_key=True)
    )
    band: int = Field(sa_column=Column(SmallInteger, primary_key=True, autoincrement=False))
    key: int = Field(sa_column=Column(BigInteger, nullable=False))


# (key, article_id): a lookup is an index-only scan, the candidates' ids come from the index itself.
Index("ix_article_band_key", ArticleBand.key, ArticleBand.article_id)


# --------------------------------------------------------------------------- queued_task (the ledger)


class QueuedTaskBase(SQLModel):
    """One ``ingest_url`` task as sent: written (and committed) before it is published, so a task
    the broker loses is still known here (storage/ledger.py, worker/ledger.py)."""

    task_id: str = Field(max_length=64, nullable=False)
    url: str = Field(sa_type=Text, nullable=False)
    source_id: int | None = None


class QueuedTask(QueuedTaskBase, table=True):
    __tablename__ = "queued_task"
    __table_args__ = (UniqueConstraint("task_id", name="uq_queued_task_task_id"),)

    id: int | None = Field(
        default=None,
        sa_column=Column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True),
    )
    enqueued_at: datetime = Field(default_factory=utcnow, sa_type=AwareDateTime(), nullable=False)
    #: The last time the reaper sent it again (None: never).
    requeued_at: datetime | None = _time()
    requeues: int = Field(default=0, nullable=False)
    #: When its task reached a final result (None: pending).
    done_at: datetime | None = _time()
    #: When the reaper gave it up (lost again after ``requeue_max`` re-sends); None: not given up.
    #: ``newsingest requeue-lost --retry-given-up`` makes it pending again.
    given_up_at: datetime | None = _time()


# "Pending, oldest first": a partial index on the pending rows only (done rows are the bulk).
Index("ix_queued_task_pending", QueuedTask.enqueued_at,
      postgresql_where=QueuedTask.done_at.is_(None), sqlite_where=QueuedTask.done_at.is_(None))  # type: ignore[union-attr]
# "Done before X" (the purge of old done rows)
Index("ix_queued_task_done", QueuedTask.done_at,
      postgresql_where=QueuedTask.done_at.isnot(None), sqlite_where=QueuedTask.done_at.isnot(None))  # type: ignore[union-attr]
