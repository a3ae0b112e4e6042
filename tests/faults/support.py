"""Helpers of the fault tests: a hostile HTTP server on 127.0.0.1 with an access log, tiny
distinct article pages, a task producer and waiting on the database for final outcomes."""

from __future__ import annotations

import gzip
import os
import random
import socket
import struct
import threading
import time
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from sqlalchemy import func, select

from storage.db import make_engine, transaction
from storage.models import Article, FetchAttempt
from tests.support.httpserver import send

Handler = Callable[[BaseHTTPRequestHandler], None]

WORDS = ("thành phố", "người dân", "kinh tế", "chính phủ", "dự án", "năm nay", "thị trường", "giáo dục",
         "y tế", "giao thông", "nông nghiệp", "du lịch", "công nghệ", "doanh nghiệp", "xuất khẩu", "môi trường",
         "văn hóa", "thể thao", "an ninh", "ngân hàng", "bất động sản", "lao động", "học sinh", "bệnh viện")


def tiny_article(i: int, tag: str = "") -> bytes:
    """A small page the extractor takes as an article, with a body distinct from every other i."""
    rng = random.Random(f"{tag}-{i}")
    paras = "".join(
        "<p>" + " ".join(rng.choice(WORDS) for _ in range(30)) + f" (bài {tag}{i}, đoạn {k}).</p>"
        for k in range(3)
    )
    html = (f'<html lang="vi"><head><meta charset="utf-8"><title>Bài {tag}{i}</title>'
            '<meta property="og:type" content="article">'
            f'<script type="application/ld+json">{{"@type":"NewsArticle","headline":"Bài báo {tag}{i}",'
            f'"datePublished":"2024-03-0{1 + i % 9}T08:00:00+07:00"}}</script></head>'
            f"<body><article><h1>Bài báo {tag}{i}</h1>{paras}</article></body></html>")
    return html.encode("utf-8")


class FaultServer:
    """A threaded HTTP/1.1 server on 127.0.0.1. ``routes``: exact path -> handler; ``prefixes``:
    path prefix -> handler (after exact routes). Every request is logged with its arrival time."""

    def __init__(self, routes: dict[str, Handler] | None = None,
                 prefixes: dict[str, Handler] | None = None) -> None:
        outer = self
        self.routes = dict(routes or {})
        self.prefixes = dict(prefixes or {})
        self.log: list[tuple[float, str]] = []
        self.counts: dict[str, int] = {}
        self._lock = threading.Lock()

        class H(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self) -> None:
                path = self.path.split("?", 1)[0]
                with outer._lock:
                    outer.log.append((time.time(), self.path))
                    outer.counts[path] = outer.counts.get(path, 0) + 1
                route = outer.routes.get(path)
                if route is None:
                    route = next((r for p, r in outer.prefixes.items() if path.startswith(p)), None)
                try:
                    if route is None:
                        send(self, 404, b"<html>not found</html>")
                    else:
                        route(self)
                except (BrokenPipeError, ConnectionResetError, ConnectionAbortedError):
                    self.close_connection = True

            def log_message(self, *args: object) -> None:
                return

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), H)
        self._server.daemon_threads = True
        self._server.request_queue_size = 256
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def port(self) -> int:
        return self._server.server_address[1]

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def hits(self, path: str) -> int:
        with self._lock:
            return self.counts.get(path, 0)

    def __enter__(self) -> FaultServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()


# --------------------------------------------------------------------------- hostile handlers


def slowloris(h: BaseHTTPRequestHandler) -> None:
    """Headers, then one byte a second, forever (until the client hangs up)."""
    h.send_response(200)
    h.send_header("Content-Type", "text/html")
    h.send_header("Content-Length", "1000000")
    h.end_headers()
    for _ in range(600):
        h.wfile.write(b"<")
        h.wfile.flush()
        time.sleep(1)


def endless(h: BaseHTTPRequestHandler) -> None:
    h.send_response(200)
    h.send_header("Content-Type", "text/html")
    h.send_header("Connection", "close")
    h.end_headers()
    chunk = b"<p>" + b"endless " * 8192 + b"</p>"
    while True:
        h.wfile.write(chunk)


def ten_mb(h: BaseHTTPRequestHandler) -> None:
    """10 MB of HTML with no Content-Length: only the streamed byte cap stops it."""
    h.send_response(200)
    h.send_header("Content-Type", "text/html")
    h.send_header("Connection", "close")
    h.end_headers()
    block = b"<p>" + b"m" * (1024 * 1024 - 7) + b"</p>"
    for _ in range(10):
        h.wfile.write(block)
    h.close_connection = True


_BOMB = gzip.compress(b"<p>" + b"0" * 50_000_000, compresslevel=6)


def gzip_bomb(h: BaseHTTPRequestHandler) -> None:
    send(h, 200, _BOMB, {"Content-Encoding": "gzip"})


def redirect_loop_a(h: BaseHTTPRequestHandler) -> None:
    send(h, 302, b"", {"Location": "/loop-b"})


def redirect_loop_b(h: BaseHTTPRequestHandler) -> None:
    send(h, 301, b"", {"Location": "/loop-a"})


def connection_reset(h: BaseHTTPRequestHandler) -> None:
    """Abort the connection with a TCP RST before any response."""
    h.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    h.close_connection = True
    h.connection.close()


def truncated(h: BaseHTTPRequestHandler) -> None:
    body = tiny_article(0, "truncated")
    h.send_response(200)
    h.send_header("Content-Type", "text/html; charset=utf-8")
    h.send_header("Content-Length", str(len(body) + 5000))
    h.end_headers()
    h.wfile.write(body[: len(body) // 2])
    h.wfile.flush()
    h.close_connection = True
    h.connection.shutdown(socket.SHUT_RDWR)


_BINARY = os.urandom(64 * 1024)


def binary(h: BaseHTTPRequestHandler) -> None:
    send(h, 200, b"\x89PNG\r\n\x1a\n" + _BINARY, {"Content-Type": "text/html"})


def wrong_charset(h: BaseHTTPRequestHandler) -> None:
    send(h, 200, tiny_article(0, "charset"), {"Content-Type": "text/html; charset=ISO-8859-1"})


def empty(h: BaseHTTPRequestHandler) -> None:
    send(h, 200, b"")


JS_CHALLENGE = (b"<!DOCTYPE html><html><head><title>Just a moment...</title></head><body>"
                b"<noscript>Enable JavaScript and cookies to continue</noscript>"
                b'<script src="/cdn-cgi/challenge-platform/h/g/orchestrate/chl_page/v1"></script>'
                b"</body></html>")


def js_challenge(h: BaseHTTPRequestHandler) -> None:
    send(h, 200, JS_CHALLENGE)


def fails_then_ok(status: int, times: int, body: bytes, headers: dict[str, str] | None = None) -> Handler:
    """``status`` (with ``headers``) for the first ``times`` requests, then 200 with ``body``."""
    seen = {"n": 0}
    lock = threading.Lock()

    def handler(h: BaseHTTPRequestHandler) -> None:
        with lock:
            seen["n"] += 1
            n = seen["n"]
        if n <= times:
            send(h, status, b"<html>busy</html>", headers)
        else:
            send(h, 200, body)

    return handler


# --------------------------------------------------------------------------- tasks and database


def producer(db_url: str, broker: str) -> Any:
    from worker.celery_app import create_app
    from worker.settings import Settings

    return create_app(Settings(database_url=db_url, broker_url=broker))


def ledger_publisher(app: Any) -> Callable[[str, str, int | None], None]:
    """The ledger's ``publish`` callback on the test's producer app: one ingest task under a given id."""
    from worker.celery_app import Queue, TaskName

    def publish(task_id: str, url: str, source_id: int | None) -> None:
        app.send_task(TaskName.ingest_url.value, args=[url], kwargs={"source_id": source_id}, task_id=task_id,
                      queue=Queue.ingest.value)

    return publish


class Reaper:
    """The task ledger's reaper (worker/ledger.py) run by the test every ``every`` seconds, as beat runs it
    in production (these tests start no beat): tasks the broker lost for good are sent again."""

    def __init__(self, engine: Any, broker: str, publish: Callable[[str, str, int | None], None], *,
                 every: float = 3.0, grace: float = 5.0) -> None:
        self.engine, self.broker, self.publish = engine, broker, publish
        self.every, self.grace = every, grace
        self.requeued: list[str] = []
        self._last = 0.0

    def __call__(self) -> None:
        if time.monotonic() - self._last < self.every:
            return
        from worker import ledger
        from worker.celery_app import Queue

        report = ledger.requeue_lost(self.engine, broker_url=self.broker, queues=[q.value for q in Queue],
                                     publish=self.publish, grace=self.grace)
        self.requeued += report.requeued
        self._last = time.monotonic()


def send_urls(app: Any, urls: list[str], source_id: int | None = None) -> list[str]:
    ids = []
    for url in urls:
        res = app.send_task("newsingest.ingest_url", args=[url], kwargs={"source_id": source_id}, queue="ingest")
        ids.append(res.id)
    return ids


def final_attempts(db_url: str) -> dict[str, FetchAttempt]:
    """The final attempt of each task id."""
    engine = make_engine(db_url)
    try:
        with transaction(engine) as s:
            rows = list(s.execute(select(FetchAttempt).where(FetchAttempt.final.is_(True))
                                  .order_by(FetchAttempt.id)).scalars())
    finally:
        engine.dispose()
    return {r.task_id: r for r in rows if r.task_id}


def all_attempts(db_url: str) -> list[FetchAttempt]:
    engine = make_engine(db_url)
    try:
        with transaction(engine) as s:
            return list(s.execute(select(FetchAttempt).order_by(FetchAttempt.id)).scalars())
    finally:
        engine.dispose()


def wait_final(db_url: str, task_ids: list[str], *, timeout: float, log: Any = None,
               worker: Any = None, tick: Callable[[], None] | None = None) -> dict[str, FetchAttempt]:
    """The final attempt of each task id, waiting up to ``timeout`` s. ``worker``: the worker's
    process; if it exits meanwhile, fail at once (with the log's tail) instead of waiting. ``tick``:
    called on each look (a :class:`Reaper`)."""
    deadline = time.monotonic() + timeout
    done: dict[str, FetchAttempt] = {}
    while time.monotonic() < deadline:
        if worker is not None and worker.poll() is not None:
            tail = log.read_text(errors="replace")[-6000:] if log is not None else ""
            raise AssertionError(f"the worker exited ({worker.returncode}) before every task had a final "
                                 f"attempt\n{tail}")
        try:
            done = final_attempts(db_url)
        except Exception:  # the database may be cut off by the test right now
            time.sleep(0.5)
            continue
        if all(t in done for t in task_ids):
            return done
        if tick is not None:
            tick()
        time.sleep(0.3)
    missing = [t for t in task_ids if t not in done]
    tail = log.read_text(errors="replace")[-4000:] if log is not None else ""
    raise AssertionError(f"{len(missing)} of {len(task_ids)} tasks have no final attempt after {timeout} s: "
                         f"{missing[:10]}\n{tail}")


def article_counts(db_url: str) -> tuple[int, int]:
    engine = make_engine(db_url)
    try:
        with transaction(engine) as s:
            rows = s.execute(select(func.count()).select_from(Article)).scalar_one()
            keys = s.execute(select(func.count(func.distinct(Article.url_key)))).scalar_one()
        return rows, keys
    finally:
        engine.dispose()


# --------------------------------------------------------------------------- a TCP proxy to cut


class TCPProxy:
    """127.0.0.1:<port> -> target. ``cut()`` resets every open connection and refuses new ones
    (accept, then reset) until ``restore()``: the server behind it is never touched."""

    def __init__(self, target_host: str, target_port: int) -> None:
        self.target = (target_host, target_port)
        self.listener = socket.socket()
        self.listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.listener.bind(("127.0.0.1", 0))
        self.listener.listen(128)
        self.port = self.listener.getsockname()[1]
        self.cut_off = threading.Event()
        self._pairs: list[tuple[socket.socket, socket.socket]] = []
        self._lock = threading.Lock()
        self._stop = threading.Event()
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while not self._stop.is_set():
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            if self.cut_off.is_set():
                _reset(client)
                continue
            try:
                upstream = socket.create_connection(self.target, timeout=5)
            except OSError:
                _reset(client)
                continue
            with self._lock:
                self._pairs.append((client, upstream))
            for a, b in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pipe, args=(a, b), daemon=True).start()

    @staticmethod
    def _pipe(src: socket.socket, dst: socket.socket) -> None:
        try:
            while True:
                data = src.recv(65536)
                if not data:
                    break
                dst.sendall(data)
        except OSError:
            pass
        finally:
            for s in (src, dst):
                try:
                    s.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass

    def cut(self) -> None:
        self.cut_off.set()
        with self._lock:
            pairs, self._pairs = self._pairs, []
        for client, upstream in pairs:
            _reset(client)
            upstream.close()

    def restore(self) -> None:
        self.cut_off.clear()

    def close(self) -> None:
        self._stop.set()
        self.cut()
        self.listener.close()


def _reset(sock: socket.socket) -> None:
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        sock.close()
    except OSError:
        pass


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]
