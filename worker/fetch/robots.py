"""robots.txt with protego, cached per host with a TTL (in Redis when there is one, shared by all
workers, and in this process).

404 (and other 4xx): everything allowed. 5xx, 429, a timeout or a connection error: "try later"
(:class:`RobotsUnavailableError`, retryable), remembered for a short while so a struggling host
is not asked again at once. Crawl-delay is returned to the caller, who widens the host's delay.
"""

from __future__ import annotations

import json
import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from protego import Protego

from worker.fetch.errors import FetchError, HostBusyError, RobotsDisallowedError, RobotsUnavailableError

log = logging.getLogger(__name__)


@dataclass(slots=True)
class RobotsEntry:
    kind: str  # "rules" | "allow" | "error"
    body: str = ""
    error: str = ""
    expires: float = 0.0
    _parsed: Any = None

    def parsed(self) -> Protego:
        if self._parsed is None:
            self._parsed = Protego.parse(self.body)
        return self._parsed


def robots_url(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}/robots.txt"


def agent_token(user_agent: str) -> str:
    """The product token robots.txt groups are matched against: ``newsingest/0.1 (...)`` -> ``newsingest``."""
    return user_agent.split("/", 1)[0].split(" ", 1)[0] or user_agent


class RobotsCache:
    """Answers "may this URL be fetched, and with which crawl delay?".

    ``download(url) -> (status, text)`` fetches robots.txt (the caller wraps it in the host's
    politeness slot); it raises :class:`FetchError` for timeouts and connection problems.
    """

    PREFIX = "newsingest:robots:"

    def __init__(self, download: Callable[[str], tuple[int, str]] | None = None, *, user_agent: str,
                 ttl: float = 3600,
                 error_ttl: float = 60, redis_url: str | None = None) -> None:
        self._download = download
        self.agent = agent_token(user_agent)
        self.ttl = ttl
        self.error_ttl = error_ttl
        self._lock = threading.Lock()
        self._entries: dict[str, RobotsEntry] = {}
        self._redis = None
        if redis_url:
            import redis

            self._redis = redis.Redis.from_url(redis_url, socket_connect_timeout=2, socket_timeout=2)

    def check(self, url: str, *, download: Callable[[str], tuple[int, str]] | None = None) -> float | None:
        """Raise :class:`RobotsDisallowedError` / :class:`RobotsUnavailableError`, else return the
        host's Crawl-delay for us (None when it sets none)."""
        entry = self.entry(robots_url(url), download or self._download)
        if entry.kind == "error":
            raise RobotsUnavailableError(f"{entry.error}; try later")
        if entry.kind == "allow":
            return None
        rules = entry.parsed()
        if not rules.can_fetch(url, self.agent):
            raise RobotsDisallowedError(f"disallowed by {robots_url(url)} for {self.agent!r}: {url}")
        delay = rules.crawl_delay(self.agent)
        return float(delay) if delay is not None else None

    def entry(self, rurl: str, download: Callable[[str], tuple[int, str]] | None) -> RobotsEntry:
        now = time.time()
        with self._lock:
            cached = self._entries.get(rurl)
        if cached is not None and cached.expires > now:
            return cached
        entry = self._from_redis(rurl) or self._fetch(rurl, download or self._download)
        with self._lock:
            self._entries[rurl] = entry
        return entry

    def _fetch(self, rurl: str, download: Callable[[str], tuple[int, str]] | None) -> RobotsEntry:
        assert download is not None, "no way to download robots.txt"
        now = time.time()
        try:
            status, text = download(rurl)
        except HostBusyError:
            raise
        except FetchError as exc:
            entry = RobotsEntry("error", error=f"robots.txt unreadable ({exc})", expires=now + self.error_ttl)
        else:
            if status >= 500 or status == 429:
                entry = RobotsEntry("error", error=f"robots.txt answered HTTP {status} ({rurl})",
                                    expires=now + self.error_ttl)
            elif status >= 400:
                entry = RobotsEntry("allow", expires=now + self.ttl)
            else:
                entry = RobotsEntry("rules", body=text, expires=now + self.ttl)
        self._to_redis(rurl, entry)
        return entry

    def _from_redis(self, rurl: str) -> RobotsEntry | None:
        if self._redis is None:
            return None
        try:
            raw = self._redis.get(self.PREFIX + rurl)
            ttl = self._redis.ttl(self.PREFIX + rurl) if raw else -1
        except Exception as exc:  # redis errors: read robots.txt ourselves
            log.debug("robots cache: Redis unavailable: %s", exc)
            return None
        if not raw or ttl <= 0:
            return None
        data = json.loads(raw)
        return RobotsEntry(data["kind"], body=data.get("body", ""), error=data.get("error", ""),
                           expires=time.time() + ttl)

    def _to_redis(self, rurl: str, entry: RobotsEntry) -> None:
        if self._redis is None:
            return
        ttl = max(1, int(entry.expires - time.time()))
        try:
            self._redis.set(self.PREFIX + rurl, json.dumps({"kind": entry.kind, "body": entry.body,
                                                            "error": entry.error}), ex=ttl)
        except Exception as exc:
            log.debug("robots cache: Redis unavailable: %s", exc)

    def close(self) -> None:
        if self._redis is not None:
            self._redis.close()
