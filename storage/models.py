"""SQLModel tables. Each family: ``XBase`` (the fields a caller provides) and ``X(table=True)``.

storage knows nothing of Celery, HTTP or extraction: rows are filled from plain values.
"""

from __future__ import annotations

from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import BigInteger, Column, ForeignKey, Index, Integer, Text, UniqueConstraint
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
    interval_seconds: int = Field(default=600, ge=10)
    enabled: bool = True
    politeness: dict[str, Any] = Field(default_factory=dict, sa_type=JSONType, nullable=False)


class Source(SourceBase, table=True):
    __tablename__ = "source"

    id: int | None = Field(default=None, primary_key=True)
    created_at: datetime = Field(default_factory=utcnow, sa_type=AwareDateTime(), nullable=False)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=AwareDateTime(), nullable=False)


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


Index("ix_fetch_attempt_started_at", FetchAttempt.started_at)
# fetch_attempts_for(url=...): a hash index on PostgreSQL (a btree refuses keys over ~2.7 kB; URLs
# have no length limit here); a plain index on SQLite.
Index("ix_fetch_attempt_url", FetchAttempt.url, postgresql_using="hash")
Index("ix_article_created_at", Article.created_at)
