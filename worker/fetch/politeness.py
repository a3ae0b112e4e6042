"""Per-host politeness: a minimum delay between requests and a maximum number in flight, per host,
shared by every worker process on every machine (an atomic Lua script in Redis), or, with no Redis
(the embedded default), by every process on this machine through a small SQLite file
(:class:`FileLimiter`), or held in one process (:class:`LocalLimiter`).

A caller asks for a slot; when the host is busy it is told how long to wait. A Celery task then
reschedules itself (a short jittered countdown) instead of holding a worker slot; an in-process
caller simply waits.
"""

from __future__ import annotations

import logging
import os
import sqlite3
import threading
import time
import uuid
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, Protocol
from urllib.parse import urlsplit

from worker.fetch.errors import HostBusyError

log = logging.getLogger(__name__)

#: A slot granted at t and the next at t + interval: requests reach the server a few ms after
#: their grant, with jitter, so the interval carries a small margin to keep "N per second" true
#: as the server sees it.
SAFETY_FACTOR = 1.1
SAFETY_S = 0.02
#: :class:`FileLimiter`: a next-allowed time further away than this is stale (a clock step, a
#: previous boot) and ignored.
STALE_AFTER_S = 3600.0


@dataclass(frozen=True, slots=True)
class HostLimits:
    delay: float = 1.0  # seconds between the starts of two requests
    concurrency: int = 2  # requests in flight at once

    @property
    def interval_ms(self) -> int:
        if self.delay <= 0:
            return 0
        return int((self.delay * SAFETY_FACTOR + SAFETY_S) * 1000)

    def with_crawl_delay(self, crawl_delay: float | None) -> HostLimits:
        if crawl_delay and crawl_delay > self.delay:
            return HostLimits(delay=float(crawl_delay), concurrency=self.concurrency)
        return self

    @classmethod
    def from_config(cls, default: HostLimits, config: Mapping[str, Any] | None) -> HostLimits:
        """A source's ``politeness`` JSON: ``delay`` (s), ``rate`` (requests/s), ``concurrency``."""
        if not config:
            return default
        delay = float(config.get("delay", default.delay))
        rate = config.get("rate")
        if rate:
            delay = max(delay if "delay" in config else 0.0, 1.0 / float(rate))
        concurrency = int(config.get("concurrency", default.concurrency))
        return cls(delay=max(0.0, delay), concurrency=max(1, concurrency))


def host_key(url: str) -> str:
    """The politeness key of a URL: its host and port, lowercased."""
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    port = parts.port or (443 if parts.scheme == "https" else 80)
    return f"{host}:{port}"


class Limiter(Protocol):
    def try_acquire(self, host: str, limits: HostLimits, lease: float) -> tuple[str | None, float]:
        """``(token, 0)`` when granted, else ``(None, seconds to wait)``."""

    def release(self, host: str, token: str) -> None: ...


class LocalLimiter:
    """The same policy inside one process (the embedded default)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._next: dict[str, float] = {}
        self._held: dict[str, dict[str, float]] = {}

    def try_acquire(self, host: str, limits: HostLimits, lease: float) -> tuple[str | None, float]:
        with self._lock:
            now = time.monotonic()
            held = {t: exp for t, exp in self._held.get(host, {}).items() if exp > now}
            self._held[host] = held
            wait = max(0.0, self._next.get(host, 0.0) - now)
            if len(held) >= limits.concurrency:
                wait = max(wait, 0.05)
            if wait > 0:
                return None, wait
            token = uuid.uuid4().hex
            held[token] = now + lease
            self._next[host] = now + limits.interval_ms / 1000
            return token, 0.0

    def release(self, host: str, token: str) -> None:
        with self._lock:
            self._held.get(host, {}).pop(token, None)

    #: Marks the tokens this limiter grants as the fallback of a shared one.
    FALLBACK = "local:"

    def fallback_acquire(self, host: str, limits: HostLimits, lease: float) -> tuple[str | None, float]:
        """:meth:`try_acquire` for a shared limiter whose store cannot be used: the token is marked."""
        token, wait = self.try_acquire(host, limits, lease)
        return (self.FALLBACK + token if token else None), wait

    def fallback_release(self, host: str, token: str) -> bool:
        """Release a token of :meth:`fallback_acquire`; False (nothing done) for any other token."""
        if not token.startswith(self.FALLBACK):
            return False
        self.release(host, token[len(self.FALLBACK):])
        return True


# KEYS[1]: the host's next-allowed time (ms, Redis clock); KEYS[2]: zset of held slots (token ->
# lease expiry). ARGV: interval ms, max concurrent, lease ms, token. Returns 0 (granted) or ms to wait.
_ACQUIRE = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', now)
local wait = 0
local nxt = tonumber(redis.call('GET', KEYS[1]) or '0')
if nxt > now then wait = nxt - now end
if redis.call('ZCARD', KEYS[2]) >= tonumber(ARGV[2]) then
  if wait < 50 then wait = 50 end
end
if wait > 0 then return wait end
local interval = tonumber(ARGV[1])
if interval > 0 then
  redis.call('SET', KEYS[1], now + interval, 'PX', interval + 1000)
end
redis.call('ZADD', KEYS[2], now + tonumber(ARGV[3]), ARGV[4])
redis.call('PEXPIRE', KEYS[2], tonumber(ARGV[3]) + 1000)
return 0
"""


class RedisLimiter:
    """The policy in Redis, shared by all workers. If Redis does not answer (a restart), the
    process falls back to its own :class:`LocalLimiter` until Redis is back, logging it."""

    PREFIX = "newsingest:polite:"

    def __init__(self, url: str) -> None:
        import redis

        self._redis = redis.Redis.from_url(url, socket_connect_timeout=2, socket_timeout=2,
                                           health_check_interval=30)
        self._script = self._redis.register_script(_ACQUIRE)
        self._local = LocalLimiter()
        self._errors = (redis.exceptions.RedisError, OSError)

    def _keys(self, host: str) -> list[str]:
        return [f"{self.PREFIX}{{{host}}}:next", f"{self.PREFIX}{{{host}}}:held"]

    def try_acquire(self, host: str, limits: HostLimits, lease: float) -> tuple[str | None, float]:
        token = uuid.uuid4().hex
        try:
            wait_ms = int(self._script(keys=self._keys(host),
                                       args=[limits.interval_ms, limits.concurrency, int(lease * 1000), token]))
        except self._errors as exc:
            log.warning("politeness: Redis unavailable (%s); limiting %s in this process", exc, host)
            return self._local.fallback_acquire(host, limits, lease)
        return (token, 0.0) if wait_ms == 0 else (None, wait_ms / 1000)

    def release(self, host: str, token: str) -> None:
        if self._local.fallback_release(host, token):
            return
        try:
            self._redis.zrem(self._keys(host)[1], token)
        except self._errors as exc:  # the lease expires by itself
            log.warning("politeness: cannot release slot of %s: %s", host, exc)

    def close(self) -> None:
        self._redis.close()


class FileLimiter:
    """The policy in a SQLite file, shared by the processes of one machine (``newsingest run``'s
    pool processes). Each grant is one ``BEGIN IMMEDIATE`` transaction: SQLite's write lock makes it
    atomic across processes. Wall-clock times (a next-allowed time more than
    :data:`STALE_AFTER_S` away is stale, from a clock step or a previous boot, and ignored); held
    slots expire with their lease, so a killed process frees its slots. If the file cannot be used, the process falls back
    to its own :class:`LocalLimiter`, logging it."""

    #: After an error the file is left alone this long (limits in this process meanwhile).
    RETRY_AFTER_S = 60.0

    def __init__(self, path: str) -> None:
        self.path = path
        self._lock = threading.Lock()
        self._conn: sqlite3.Connection | None = None
        self._pid = 0
        self._broken_until = 0.0
        self._local = LocalLimiter()

    def _connection(self) -> sqlite3.Connection:
        if self._conn is None or self._pid != os.getpid():  # never share a connection across fork
            # busy timeout below the politeness wait: a stuck writer costs a grant, not a task
            conn = sqlite3.connect(self.path, timeout=2, isolation_level=None, check_same_thread=False)
            try:
                conn.execute("PRAGMA journal_mode=WAL")
                conn.execute("CREATE TABLE IF NOT EXISTS host_next (host TEXT PRIMARY KEY, next_at REAL NOT NULL)")
                conn.execute("CREATE TABLE IF NOT EXISTS host_slot (token TEXT PRIMARY KEY, host TEXT NOT NULL, "
                             "expires_at REAL NOT NULL)")
                conn.execute("CREATE INDEX IF NOT EXISTS host_slot_host ON host_slot (host, expires_at)")
            except BaseException:
                conn.close()
                raise
            self._conn, self._pid = conn, os.getpid()
        return self._conn

    def _drop_connection(self) -> None:
        conn, self._conn = self._conn, None
        if conn is not None and self._pid == os.getpid():
            try:
                conn.close()
            except sqlite3.Error:
                log.debug("politeness: closing %s failed", self.path, exc_info=True)

    def _grant(self, conn: sqlite3.Connection, host: str, limits: HostLimits, lease: float) -> tuple[str | None, float]:
        """One grant decision inside an open ``BEGIN IMMEDIATE`` transaction (committed by the caller)."""
        interval = limits.interval_ms / 1000
        now = time.time()
        conn.execute("DELETE FROM host_slot WHERE host = ? AND expires_at <= ?", (host, now))
        (held,) = conn.execute("SELECT COUNT(*) FROM host_slot WHERE host = ?", (host,)).fetchone()
        row = conn.execute("SELECT next_at FROM host_next WHERE host = ?", (host,)).fetchone()
        wait = row[0] - now if row and 0 < row[0] - now <= max(interval, STALE_AFTER_S) else 0.0
        if held >= limits.concurrency:
            wait = max(wait, 0.05)
        if wait > 0:
            return None, wait
        token = uuid.uuid4().hex
        conn.execute("INSERT INTO host_slot (token, host, expires_at) VALUES (?, ?, ?)", (token, host, now + lease))
        conn.execute("INSERT INTO host_next (host, next_at) VALUES (?, ?) ON CONFLICT (host) "
                     "DO UPDATE SET next_at = excluded.next_at", (host, now + interval))
        return token, 0.0

    def try_acquire(self, host: str, limits: HostLimits, lease: float) -> tuple[str | None, float]:
        with self._lock:
            if time.monotonic() >= self._broken_until:
                try:
                    conn = self._connection()
                    try:
                        conn.execute("BEGIN IMMEDIATE")
                        token, wait = self._grant(conn, host, limits, lease)
                        conn.execute("COMMIT")
                        return token, wait
                    except BaseException:
                        # whatever interrupted us (a database error, a task's time limit) propagates
                        # unchanged; an open transaction is rolled back, or the connection dropped
                        if conn.in_transaction:
                            try:
                                conn.execute("ROLLBACK")
                            except sqlite3.Error:
                                self._drop_connection()
                        raise
                except sqlite3.Error as exc:
                    self._drop_connection()
                    self._broken_until = time.monotonic() + self.RETRY_AFTER_S
                    log.warning("politeness: %s unusable (%s); limiting in this process for %.0f s",
                                self.path, exc, self.RETRY_AFTER_S)
        return self._local.fallback_acquire(host, limits, lease)

    def release(self, host: str, token: str) -> None:
        if self._local.fallback_release(host, token):
            return
        with self._lock:
            try:
                self._connection().execute("DELETE FROM host_slot WHERE token = ?", (token,))
            except sqlite3.Error as exc:  # the lease expires by itself
                self._drop_connection()
                log.warning("politeness: cannot release slot of %s: %s", host, exc)

    def close(self) -> None:
        with self._lock:
            self._drop_connection()


@contextmanager
def host_slot(limiter: Limiter, host: str, limits: HostLimits, *, max_wait: float | None,
              lease: float) -> Iterator[None]:
    """Hold a politeness slot of ``host`` for the block. Waits up to ``max_wait`` seconds (None:
    as long as it takes), then raises :class:`HostBusyError` with the wait still needed."""
    deadline = None if max_wait is None else time.monotonic() + max_wait
    while True:
        token, wait = limiter.try_acquire(host, limits, lease)
        if token is not None:
            break
        if deadline is not None and time.monotonic() + wait > deadline:
            raise HostBusyError(f"host {host} busy (politeness), next slot in {wait:.2f} s", wait=wait)
        time.sleep(wait)
    try:
        yield
    finally:
        limiter.release(host, token)
