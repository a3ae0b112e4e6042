"""A small real HTTP server on 127.0.0.1 that serves saved pages (gzip files) under the paths of
their original URLs: ``http://127.0.0.1:PORT/<host>/<path>?<query>``.

Used by ``newsingest demo`` and by the end-to-end tests; it is a real server in a thread, so
everything that fetches from it goes through real sockets and real HTTP.
"""

from __future__ import annotations

import gzip
import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import TracebackType
from urllib.parse import parse_qsl, urlencode, urlsplit

from worker.dedup import is_tracking_param


@dataclass(frozen=True, slots=True)
class Page:
    """One page to serve: where it lived originally and the file holding its HTML."""

    original_url: str
    file: Path

    @property
    def path(self) -> str:
        """The local path of the page: ``/<host>/<path>[?query]``."""
        parts = urlsplit(self.original_url)
        local = f"/{parts.hostname}{parts.path or '/'}"
        return f"{local}?{parts.query}" if parts.query else local

    def body(self) -> bytes:
        data = self.file.read_bytes()
        return gzip.decompress(data) if self.file.suffix == ".gz" else data


def _variant_key(path: str) -> str:
    parts = urlsplit(path)
    query = urlencode(sorted((k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True)
                             if not is_tracking_param(k)))
    local = parts.path.rstrip("/") or "/"
    return f"{local}?{query}" if query else local


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    protocol_version = "HTTP/1.1"

    def do_GET(self) -> None:
        self.server.record(self.path)
        page = self.server.lookup(self.path)
        if page is None:
            body = b"<html><body><h1>404 Not Found</h1></body></html>"
            self.send_response(404)
            self.send_header("Content-Type", "text/html; charset=utf-8")
        else:
            body = page.body()
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        return


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, address: tuple[str, int], pages: dict[str, Page]) -> None:
        super().__init__(address, _Handler)
        self.pages = pages
        # Like most real sites, answer the same page whatever tracking parameters or trailing
        # slash a link adds.
        self.by_key = {_variant_key(path): page for path, page in pages.items()}
        self.log_lock = threading.Lock()
        self.access_log: list[tuple[float, str]] = []

    def lookup(self, path: str) -> Page | None:
        return self.pages.get(path) or self.by_key.get(_variant_key(path))

    def record(self, path: str) -> None:
        with self.log_lock:
            self.access_log.append((time.time(), path))


class LocalSite:
    """Serve ``pages`` on 127.0.0.1 (port 0 = any free port) until :meth:`stop`."""

    def __init__(self, pages: Iterable[Page], *, host: str = "127.0.0.1", port: int = 0) -> None:
        self.pages = {p.path: p for p in pages}
        self._server = _Server((host, port), self.pages)
        self._thread = threading.Thread(target=self._server.serve_forever, name="localsite", daemon=True)

    @property
    def base_url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def url_for(self, page: Page) -> str:
        return self.base_url + page.path

    def urls(self) -> list[str]:
        return [self.base_url + path for path in self.pages]

    @property
    def access_log(self) -> list[tuple[float, str]]:
        with self._server.log_lock:
            return list(self._server.access_log)

    def start(self) -> LocalSite:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def __enter__(self) -> LocalSite:
        return self.start()

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.stop()
