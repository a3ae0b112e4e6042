"""HTTP fetching with requests: timeouts, a total-time deadline, a byte cap on the decoded body,
a redirect cap, a content-type check and charset decoding.

Politeness (robots.txt, per-host limits) wraps this client; it does not live in it.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

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
    NotFoundError,
    TooLargeError,
)

HTML_TYPES = ("text/html", "application/xhtml+xml")
CHUNK = 64 * 1024


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


class Fetcher:
    """One requests.Session with the policy's bounds. Not shared across processes."""

    def __init__(self, policy: FetchPolicy) -> None:
        self.policy = policy
        self.session = requests.Session()
        self.session.max_redirects = policy.max_redirects
        self.session.headers.update(
            {
                "User-Agent": policy.user_agent,
                "Accept": "text/html,application/xhtml+xml;q=0.9,*/*;q=0.1",
                "Accept-Language": "vi,en;q=0.8,*;q=0.5",
                "Accept-Encoding": "gzip, deflate",
            }
        )

    def close(self) -> None:
        self.session.close()

    def fetch(self, url: str) -> FetchResult:
        """GET ``url`` and return the decoded HTML page, or raise a :class:`FetchError`."""
        p = self.policy
        started = time.monotonic()
        deadline = started + p.total_timeout
        try:
            resp = self.session.get(url, timeout=(p.connect_timeout, p.read_timeout), stream=True)
        except requests.exceptions.TooManyRedirects as exc:
            raise FetchError(f"more than {p.max_redirects} redirects: {exc}") from exc
        except (requests.exceptions.InvalidURL, requests.exceptions.MissingSchema,
                requests.exceptions.InvalidSchema) as exc:
            raise InvalidURLError(f"invalid URL {url!r}: {exc}") from exc
        except requests.exceptions.Timeout as exc:
            raise FetchTimeoutError(f"timed out connecting to {url}: {exc}") from exc
        except requests.exceptions.ConnectionError as exc:
            raise ConnectionFailedError(f"cannot connect to {url}: {_short(exc)}") from exc
        except requests.exceptions.RequestException as exc:
            raise FetchError(f"request failed for {url}: {_short(exc)}") from exc

        with resp:
            status = resp.status_code
            if status in (404, 410):
                raise NotFoundError(f"HTTP {status} for {url}", status=status)
            if status >= 400:
                raise HTTPStatusError(f"HTTP {status} for {url}", status=status)
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
            text, encoding = decode_html(content, resp.encoding if "charset" in ctype.lower() else None)
        return FetchResult(
            url=url,
            final_url=resp.url,
            status=status,
            headers=resp.headers,
            content=content,
            text=text,
            encoding=encoding,
            elapsed_ms=int((time.monotonic() - started) * 1000),
            redirects=[r.url for r in resp.history],
        )

    def _read_capped(self, resp: requests.Response, url: str, deadline: float) -> bytes:
        p = self.policy
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
                if total > p.max_bytes:
                    raise TooLargeError(f"page exceeds {p.max_bytes} bytes ({url})", status=resp.status_code,
                                        nbytes=total)
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


def _short(exc: BaseException) -> str:
    text = str(exc)
    return text if len(text) < 200 else text[:197] + "..."
