"""The change feed for downstream consumers.

``article_event`` is the contract: consumers page through it by id (ids become visible in
increasing order). When Redis is configured, the same events are published to the stream
``newsingest:articles`` with the event id as the stream entry id (``<event id>-0``), so a stream
reader and a table pager see the same sequence. Publishing is an outbox relay: after a commit,
whoever holds a short Redis lock copies the events after the stream's last id, in id order.
A failed relay loses nothing: the next one (any worker, or ``newsingest export``) catches up.

The common case costs one Redis round trip and no database query: the writer of event N, just
committed, appends it itself when the stream's last entry is N - 1 (a Lua script checks that and
that no relay is running, atomically). Otherwise (another writer's event is not published yet, a
gap left by a rolled-back transaction, a relay in progress) the relay above runs.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from itertools import islice
from typing import Any

import redis
from sqlalchemy import Engine

from storage import repository as repo
from storage.db import transaction
from storage.models import Article, ArticleEvent, Photo

log = logging.getLogger(__name__)

STREAM = "newsingest:articles"
RELAY_LOCK = "newsingest:articles:relay-lock"
DEFAULT_MAXLEN = 100_000
SCHEMA_VERSION = 1

_UNLOCK = """
if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end
"""

# KEYS: the stream, the relay lock. ARGV: event id, maxlen, then the entry's field/value pairs.
# 1: appended; 0: the stream has it already; -1: not appended (a relay is running, or the stream
# does not end right before it), the caller runs the relay.
_APPEND_NEXT = """
if redis.call('exists', KEYS[2]) == 1 then return -1 end
local newest = redis.call('xrevrange', KEYS[1], '+', '-', 'COUNT', 1)
local last = 0
if #newest > 0 then last = tonumber(string.match(newest[1][1], '^(%d+)')) end
local id = tonumber(ARGV[1])
if last >= id then return 0 end
if last ~= id - 1 then return -1 end
redis.call('xadd', KEYS[1], 'MAXLEN', '~', ARGV[2], ARGV[1] .. '-0', unpack(ARGV, 3))
return 1
"""


def _iso(value: datetime | None, offset_minutes: int | None = None) -> str | None:
    if value is None:
        return None
    if offset_minutes is not None:
        value = value.astimezone(timezone(timedelta(minutes=offset_minutes)))
    return value.isoformat()


def photo_record(photo: Photo) -> dict[str, Any]:
    return {
        "position": photo.position,
        "src": photo.src,
        "alternatives": list(photo.alternatives or []),
        "alt": photo.alt,
        "caption": photo.caption,
        "credit": photo.credit,
        "width": photo.width,
        "height": photo.height,
    }


def article_record(article: Article, photos: list[Photo] | None = None, *, full: bool = True) -> dict[str, Any]:
    """A stored article as JSON-ready data (times in the page's own UTC offset).

    ``full`` adds body, body_html, related and photos (see docs/schema/article.schema.json).
    """
    off = article.tz_offset_minutes
    data: dict[str, Any] = {
        "id": article.id,
        "url": article.url,
        "canonical_url": article.canonical_url,
        "site": article.site,
        "language": article.language,
        "category": list(article.category or []),
        "title": article.title,
        "place": article.place,
        "lead": article.lead,
        "authors": list(article.authors or []),
        "byline": article.byline,
        "attribution": article.attribution,
        "published": _iso(article.published, off),
        "updated": _iso(article.updated, off),
        "tags": list(article.tags or []),
        "source_id": article.source_id,
        "duplicate_of": article.duplicate_of,
        "group_id": article.group_id,
        "revision": article.revision,
        "content_fingerprint": article.content_fingerprint,
        "fetched_at": _iso(article.fetched_at),
    }
    if full:
        data["body"] = article.body
        data["body_html"] = article.body_html
        data["related"] = list(article.related or [])
        data["photos"] = [photo_record(p) for p in (photos or [])]
    return data


def event_record(event: ArticleEvent, article: Article, photos: list[Photo] | None = None,
                 *, full: bool = True) -> dict[str, Any]:
    """One change-feed record (docs/schema/event.schema.json)."""
    return {
        "schema": SCHEMA_VERSION,
        "event_id": event.id,
        "kind": event.kind,
        "at": _iso(event.at),
        "article": article_record(article, photos, full=full),
    }


def iter_events(engine: Engine, *, after_id: int = 0, since: datetime | None = None, batch: int = 500,
                full: bool = True) -> Iterator[dict[str, Any]]:
    """Every event after ``after_id`` (and at or after ``since``), as records, a batch per query:
    memory stays bounded by ``batch`` however long the feed is."""
    cursor = after_id
    while True:
        with transaction(engine) as session:
            rows = repo.event_feed(session, after_id=cursor, since=since, limit=batch)
            photos = (repo.photos_by_article(session, article_ids=[a.id for _, a in rows if a.id is not None])
                      if full else {})
        if not rows:
            return
        for event, article in rows:
            yield event_record(event, article, photos.get(article.id or 0, []), full=full)
        cursor = rows[-1][0].id or cursor
        if len(rows) < batch:
            return


def _stream_fields(record: dict[str, Any]) -> dict[str, str]:
    a = record["article"]
    fields = {
        "event_id": str(record["event_id"]),
        "kind": record["kind"],
        "at": record["at"] or "",
        "article_id": str(a["id"]),
        "url": a["url"],
        "canonical_url": a["canonical_url"],
        "site": a["site"] or "",
        "title": a["title"] or "",
        "published": a["published"] or "",
        "duplicate_of": "" if a["duplicate_of"] is None else str(a["duplicate_of"]),
        "group_id": "" if a["group_id"] is None else str(a["group_id"]),
    }
    return fields


def last_relayed_id(client: redis.Redis) -> int:
    """The event id of the stream's newest entry (0 when the stream is empty or absent)."""
    newest = client.xrevrange(STREAM, count=1)
    if not newest:
        return 0
    entry_id = newest[0][0]
    entry_id = entry_id.decode() if isinstance(entry_id, bytes) else entry_id
    return int(entry_id.split("-", 1)[0])


def relay_events(engine: Engine, client: redis.Redis, *, maxlen: int = DEFAULT_MAXLEN, batch: int = 500) -> int:
    """Copy new article events to the Redis stream, in id order; returns how many were added.

    Only one relay runs at a time (a Redis lock with a TTL); a caller that finds the lock taken
    returns 0: the holder, or the next relay, publishes its events.
    """
    token = uuid.uuid4().hex
    if not client.set(RELAY_LOCK, token, nx=True, px=30_000):
        return 0
    added = 0
    try:
        while True:
            after = last_relayed_id(client)
            records = list(islice(iter_events(engine, after_id=after, batch=batch, full=False), batch))
            if not records:
                return added
            pipe = client.pipeline(transaction=False)
            for rec in records:
                pipe.xadd(STREAM, _stream_fields(rec), id=f"{rec['event_id']}-0", maxlen=maxlen, approximate=True)
            pipe.execute()
            added += len(records)
            if len(records) < batch:
                return added
    finally:
        client.eval(_UNLOCK, 1, RELAY_LOCK, token)


class Announcer:
    """Publishes events to the Redis stream after commits; never fails an ingest."""

    def __init__(self, redis_url: str, *, maxlen: int = DEFAULT_MAXLEN) -> None:
        self.client = redis.Redis.from_url(redis_url, socket_connect_timeout=3, socket_timeout=5)
        self.maxlen = maxlen
        self._append_next = self.client.register_script(_APPEND_NEXT)

    def announce(self, engine: Engine, *, event: ArticleEvent | None = None, article: Article | None = None) -> int:
        """Publish what is not published yet. ``event`` (just committed) with its ``article`` as
        committed: appended directly when it is the next one (no database query)."""
        try:
            if event is not None and article is not None and event.id is not None:
                fields = _stream_fields(event_record(event, article, full=False))
                args = [item for pair in fields.items() for item in pair]
                done = int(self._append_next(keys=[STREAM, RELAY_LOCK], args=[event.id, self.maxlen, *args]))
                if done >= 0:
                    return done
            return relay_events(engine, self.client, maxlen=self.maxlen)
        except (redis.exceptions.RedisError, OSError) as exc:
            log.warning("change feed: Redis stream not updated (%s); the next relay catches up", exc)
            return 0

    def close(self) -> None:
        self.client.close()
