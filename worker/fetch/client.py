"""HTTP fetching with requests: timeouts, a total-time deadline, a byte cap on the decoded body,
a redirect cap, a content-type check and charset decoding.

Politeness (robots.txt, per-host limits) wraps this client; it does not live in it.
"""

from __future__ import annotations

import email.utils
import re
import socket
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from urllib.parse import urljoin, urlsplit, urlunsplit

import requests
import urllib3
from requests.structures import CaseInsensitiveDict

from worker.extract.charset import decode_html
from worker.fetch.errors import (
    BadContentTypeError,
    ConnectionFailedError,
    FetchError,
    FetchTimeoutError,
    HTTPStatusError,
    InvalidURLError,
    NotArticleError,
    NotFoundError,
    RedirectError,
    TooLargeError,
)
from worker.fetch.safety import AddressGuard

HTML_TYPES = ("text/html", "application/xhtml+xml")
CHUNK = 64 * 1024
try:  # brotli is a dependency; without it urllib3 could not decode "br"
    import brotli  # noqa: F401

    ACCEPT_ENCODING = "gzip, deflate, br"
except ImportError:  # pragma: no cover
    ACCEPT_ENCODING = "gzip, deflate"

_CHALLENGES = (
    (re.compile(r"<title>\s*just a moment\.\.\.", re.I), "Cloudflare 'Just a moment...'"),
    (re.compile(r"challenge-platform|cf-chl-|__cf_chl_", re.I), "Cloudflare challenge"),
    (re.compile(r"_Incapsula_Resource|incap_ses_", re.I), "Incapsula challenge"),
    (re.compile(r"ddos-guard|DDoS protection by", re.I), "DDoS-Guard challenge"),
    (re.compile(r"<noscript>[^<]*(enable|turn on)\s+javascript", re.I), "page requires JavaScript"),
)


@dataclass(frozen=True, slots=True)
class FetchPolicy:
    """The bounds of one fetch."""

    user_agent: str
    connect_timeout: float = 5.0
    read_timeout: float = 15.0
    total_timeout: float = 30.0
    max_bytes: int = 5_000_000
    max_redirects: int = 5


@dataclass(slots=True)
class FetchResult:
    url: str
    final_url: str
    status: int
    headers: CaseInsensitiveDict[str]
    content: bytes
    text: str
    encoding: str
    elapsed_ms: int
    redirects: list[str] = field(default_factory=list)

    @property
    def nbytes(self) -> int:
        return len(self.content)


class _Watch:
    """The connections one request awaits a response on, and whether its deadline has passed."""

    def __init__(self) -> None:
        self.conns: list[urllib3.connection.HTTPConnection] = []
        self.fired = False
        self._lock = threading.Lock()

    def add(self, conn: urllib3.connection.HTTPConnection) -> None:
        with self._lock:
            self.conns.append(conn)
            if self.fired:
                _shut(conn)

    def fire(self) -> None:
        with self._lock:
            self.fired = True
            for conn in self.conns:
                _shut(conn)


def _shut(conn: urllib3.connection.HTTPConnection) -> None:
    sock = getattr(conn, "sock", None)
    if sock is None:
        return
    try:
        sock.shutdown(socket.SHUT_RDWR)  # the blocked recv in the fetching thread returns at once
    except OSError:
        return  # already closed by the other side: nothing is waiting on it


class _Watchdog:
    """Enforces the total deadline while response headers are awaited.

    A read timeout restarts with every byte received, so a server that trickles its status line
    and headers a byte at a time would hold the fetch (and the worker slot) far past the total
    deadline; the body is read with ``read1`` and checked against the deadline between reads. A
    timer shuts the socket of the request in flight when the deadline passes."""

    def __init__(self) -> None:
        self._local = threading.local()

    def on_request(self, conn: urllib3.connection.HTTPConnection) -> None:
        watch: _Watch | None = getattr(self._local, "watch", None)
        if watch is not None:
            watch.add(conn)

    @contextmanager
    def limit(self, seconds: float) -> Iterator[_Watch]:
        watch = _Watch()
        self._local.watch = watch
        timer = threading.Timer(max(0.0, seconds), watch.fire)
        timer.daemon = True
        timer.start()
        try:
            yield watch
        finally:
            timer.cancel()
            self._local.watch = None


class Fetcher:
    """One requests.Session with the policy's bounds. Not shared across processes.

    Every connection goes through ``guard`` (:class:`~worker.fetch.safety.AddressGuard`): with no
    guard given, only public addresses are fetched. Redirects are followed here, hop by hop, so
    each target is checked before it is connected to and a loop is recognised as one.
    """

    def __init__(self, policy: FetchPolicy, *, guard: AddressGuard | None = None) -> None:
        self.policy = policy
        self.guard = guard or AddressGuard()
        self.session = requests.Session()
        self.session.trust_env = False  # no proxies or .netrc from the environment: we connect ourselves
        self.session.max_redirects = policy.max_redirects
        self.session.headers.update(
            {
                "User-Agent": policy.user_agent,
                "Accept": "text/html,application/xhtml+xml;q=0.9,*/*;q=0.1",
                "Accept-Language": "vi,en;q=0.8,*;q=0.5",
                "Accept-Encoding": ACCEPT_ENCODING,
            }
        )
        self._watchdog = _Watchdog()
        for prefix in ("http://", "https://"):
            adapter = self.session.get_adapter(prefix)
            adapter.poolmanager.pool_classes_by_scheme = self.guard.pool_classes(self._watchdog.on_request)

    def close(self) -> None:
        self.session.close()

    def _open(self, url: str, deadline: float,
              on_redirect: Callable[[str], None] | None = None) -> tuple[requests.Response, list[str]]:
        """GET ``url`` following redirects by hand; the final response is open (streamed).
        ``on_redirect(target)`` runs for each redirect target after the address check and before
        the target is requested; it may raise a :class:`FetchError` to stop there."""
        p = self.policy
        history: list[str] = []
        seen = {_loop_key(url)}
        current = url
        for hop in range(p.max_redirects + 1):
            self.guard.check_url(current)
            if hop and on_redirect is not None:
                on_redirect(current)
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise FetchTimeoutError(f"no answer within {p.total_timeout:g} s ({url})")
            timeout = (min(p.connect_timeout, remaining), min(p.read_timeout, remaining))
            watch = _Watch()
            try:
                with self._watchdog.limit(remaining) as watch:
                    resp = self.session.get(current, timeout=timeout, stream=True, allow_redirects=False)
            except (requests.exceptions.InvalidURL, requests.exceptions.MissingSchema,
                    requests.exceptions.InvalidSchema) as exc:
                raise InvalidURLError(f"invalid URL {current!r}: {exc}") from exc
            except requests.exceptions.RequestException as exc:
                if watch.fired:
                    raise FetchTimeoutError(f"no complete response headers within {p.total_timeout:g} s "
                                            f"({current})") from exc
                raise _request_error(current, exc) from exc
            if watch.fired:  # the shut socket ended the header block early: what came is partial
                resp.close()
                raise FetchTimeoutError(f"no complete response headers within {p.total_timeout:g} s ({current})")
            if not resp.is_redirect:
                return resp, history
            target = urljoin(current, resp.headers["Location"])
            resp.close()
            key = _loop_key(target)
            if key in seen:
                raise RedirectError(f"redirect loop: {current} -> {target}, already visited "
                                    f"(after {len(history) + 1} redirects)", status=resp.status_code)
            seen.add(key)
            history.append(current)
            current = target
        raise RedirectError(f"more than {p.max_redirects} redirects, starting at {url}")

    def fetch(self, url: str, *, on_redirect: Callable[[str], None] | None = None) -> FetchResult:
        """GET ``url`` and return the decoded HTML page, or raise a :class:`FetchError`.
        ``on_redirect``: called with each redirect target before it is requested (robots.txt)."""
        p = self.policy
        started = time.monotonic()
        deadline = started + p.total_timeout
        resp, history = self._open(url, deadline, on_redirect)
        with resp:
            status = resp.status_code
            if status in (404, 410):
                raise NotFoundError(f"HTTP {status} for {url}", status=status)
            if status >= 400:
                retry_after = parse_retry_after(resp.headers.get("Retry-After"))
                hint = f" (Retry-After {retry_after:g} s)" if retry_after is not None else ""
                raise HTTPStatusError(f"HTTP {status} for {url}{hint}", status=status, retry_after=retry_after)
            ctype = resp.headers.get("Content-Type", "")
            mime = ctype.split(";", 1)[0].strip().lower()
            if mime and mime not in HTML_TYPES:
                raise BadContentTypeError(f"content type {mime!r} is not HTML ({url})", status=status)
            declared = resp.headers.get("Content-Length")
            if declared and declared.isdigit() and int(declared) > p.max_bytes:
                raise TooLargeError(
                    f"page is {int(declared)} bytes, limit {p.max_bytes} ({url})", status=status
                )
            content = self._read_capped(resp, url, deadline)
            if not content.strip():
                raise NotArticleError(f"empty body (HTTP {status}, {len(content)} bytes) at {url}",
                                      status=status, nbytes=len(content))
            if looks_binary(content):
                raise BadContentTypeError(
                    f"body is binary data though declared {mime or 'nothing'!r} ({url})",
                    status=status, nbytes=len(content))
            text, encoding = decode_html(content, resp.encoding if "charset" in ctype.lower() else None)
            challenge = challenge_reason(text)
            if challenge:
                raise NotArticleError(f"JavaScript challenge page ({challenge}), not an article: {url}",
                                      status=status, nbytes=len(content))
        return FetchResult(
            url=url,
            final_url=resp.url,
            status=status,
            headers=resp.headers,
            content=content,
            text=text,
            encoding=encoding,
            elapsed_ms=int((time.monotonic() - started) * 1000),
            redirects=history,
        )

    def fetch_text(self, url: str, *, max_bytes: int = 512_000) -> tuple[int, str]:
        """GET a small text resource (robots.txt): ``(status, text)`` for any status; raises
        :class:`FetchError` for connection problems, timeouts and a body over ``max_bytes``."""
        deadline = time.monotonic() + self.policy.total_timeout
        resp, _history = self._open(url, deadline)
        with resp:
            if resp.status_code >= 400:
                return resp.status_code, ""
            content = self._read_capped(resp, url, deadline, max_bytes=max_bytes)
        return resp.status_code, content.decode("utf-8", errors="replace")

    def _read_capped(self, resp: requests.Response, url: str, deadline: float,
                     max_bytes: int | None = None) -> bytes:
        p = self.policy
        cap = max_bytes or p.max_bytes
        chunks: list[bytes] = []
        total = 0
        raw = resp.raw
        try:
            while True:
                if time.monotonic() > deadline:
                    raise FetchTimeoutError(
                        f"page not received within {p.total_timeout:g} s ({url})", status=resp.status_code,
                        nbytes=total,
                    )
                # read1: whatever one socket read gives (a trickling server cannot hold us past
                # the deadline by sending a byte per read timeout), DECODED (gzip/deflate
                # undone): the cap bounds what a compression bomb inflates to.
                chunk = raw.read1(CHUNK, decode_content=True)
                if not chunk:
                    break
                total += len(chunk)
                if total > cap:
                    raise TooLargeError(f"page exceeds {cap} bytes (decoded) ({url})",
                                        status=resp.status_code, nbytes=total)
                chunks.append(chunk)
        except (requests.exceptions.Timeout, urllib3.exceptions.TimeoutError) as exc:
            raise FetchTimeoutError(f"read timed out after {p.read_timeout:g} s ({url})",
                                    status=resp.status_code, nbytes=total) from exc
        except urllib3.exceptions.DecodeError as exc:
            raise FetchError(f"cannot decode compressed body of {url}: {_short(exc)}",
                             status=resp.status_code, nbytes=total) from exc
        except (requests.exceptions.ConnectionError, urllib3.exceptions.HTTPError, OSError) as exc:
            raise ConnectionFailedError(f"connection broken while reading {url}: {_short(exc)}",
                                        status=resp.status_code, nbytes=total) from exc
        return b"".join(chunks)


def _request_error(url: str, exc: requests.exceptions.RequestException) -> FetchError:
    if isinstance(exc, requests.exceptions.Timeout):
        return FetchTimeoutError(f"timed out connecting to {url}: {_short(exc)}")
    if isinstance(exc, requests.exceptions.ConnectionError):
        return ConnectionFailedError(f"cannot connect to {url}: {_short(exc)}")
    return FetchError(f"request failed for {url}: {_short(exc)}")


def parse_retry_after(value: str | None) -> float | None:
    """Retry-After as seconds from now: delta-seconds or an HTTP date; None when absent or bad."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - datetime.now(UTC)).total_seconds())


def looks_binary(content: bytes) -> bool:
    """True for data that is no text document: NUL bytes or many control bytes at the start."""
    head = content[:4096]
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):  # UTF-16 with a byte order mark
        return False
    if b"\x00" in head:
        return True
    control = sum(1 for b in head if b < 9 or 13 < b < 32)
    return control > len(head) * 0.05


def challenge_reason(text: str) -> str | None:
    """Why this page is a bot challenge rather than content (small pages only), or None."""
    if len(text) > 60_000:
        return None
    for pattern, reason in _CHALLENGES:
        if pattern.search(text):
            if reason == "page requires JavaScript" and len(text) > 8000:
                continue
            return reason
    return None


def _loop_key(url: str) -> str:
    parts = urlsplit(url)
    return urlunsplit((parts.scheme.lower(), parts.netloc.lower(), parts.path or "/", parts.query, ""))


def _short(exc: BaseException) -> str:
    text = str(exc)
    return text if len(text) < 200 else text[:197] + "..."
