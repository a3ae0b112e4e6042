"""The fetch client against a real HTTP server on 127.0.0.1 (no mocked requests)."""

from __future__ import annotations

import gzip
import time

import pytest

from tests.support.httpserver import RouteServer, send
from worker.extract.charset import decode_html
from worker.fetch.client import Fetcher, FetchPolicy
from worker.fetch.errors import (
    BadContentTypeError,
    ConnectionFailedError,
    FetchError,
    FetchTimeoutError,
    HTTPStatusError,
    NotFoundError,
    TooLargeError,
)
from worker.fetch.safety import AddressGuard, parse_networks

VI = "<html><head><title>Tin tức</title></head><body><p>Hội nghị tổng kết công tác năm 2023</p></body></html>"


def slow(handler):
    handler.send_response(200)
    handler.send_header("Content-Type", "text/html")
    handler.send_header("Content-Length", "100000")
    handler.end_headers()
    for _ in range(100):
        handler.wfile.write(b"x" * 10)
        handler.wfile.flush()
        time.sleep(0.2)


def endless(handler):
    handler.send_response(200)
    handler.send_header("Content-Type", "text/html")
    handler.end_headers()
    chunk = b"<p>" + b"a" * 65536 + b"</p>"
    for _ in range(1000):
        handler.wfile.write(chunk)


def header_trickle(handler):
    """A status line, then the headers one byte every 0.3 s: each byte restarts the read timeout."""
    handler.wfile.write(b"HTTP/1.1 200 OK\r\n")
    handler.wfile.flush()
    for byte in b"X-Padding: " + b"a" * 200:
        try:
            handler.wfile.write(bytes([byte]))
            handler.wfile.flush()
        except OSError:
            return  # the client hung up, as it should
        time.sleep(0.3)


def redirect_loop(handler):
    send(handler, 302, headers={"Location": "/loop"})


ROUTES = {
    "/ok": lambda h: send(h, 200, VI.encode("utf-8")),
    "/latin1-header-utf8-body": lambda h: send(h, 200, VI.encode("utf-8"),
                                               {"Content-Type": "text/html; charset=ISO-8859-1"}),
    "/gzip": lambda h: send(h, 200, gzip.compress(VI.encode("utf-8")), {"Content-Encoding": "gzip"}),
    "/bomb": lambda h: send(h, 200, gzip.compress(b"<p>" + b"0" * 20_000_000), {"Content-Encoding": "gzip"}),
    "/gone": lambda h: send(h, 410, b"gone"),
    "/boom": lambda h: send(h, 503, b"down"),
    "/pdf": lambda h: send(h, 200, b"%PDF-1.7", {"Content-Type": "application/pdf"}),
    "/big-declared": lambda h: send(h, 200, b"x" * 2_000_001),
    "/endless": endless,
    "/slow": slow,
    "/header-trickle": header_trickle,
    "/loop": redirect_loop,
}


@pytest.fixture(scope="module")
def server():
    with RouteServer(ROUTES) as s:
        yield s


@pytest.fixture
def fetcher():
    f = Fetcher(FetchPolicy(user_agent="newsingest-test", connect_timeout=2, read_timeout=1.0,
                            total_timeout=3.0, max_bytes=2_000_000, max_redirects=4),
                guard=AddressGuard(parse_networks("127.0.0.0/8")))
    yield f
    f.close()


def test_ok_page_is_decoded_nfc(server, fetcher):
    page = fetcher.fetch(server.url("/ok"))
    assert page.status == 200 and "Hội nghị" in page.text and page.encoding == "utf-8"


def test_wrong_declared_charset_is_overruled(server, fetcher):
    assert "Hội nghị tổng kết" in fetcher.fetch(server.url("/latin1-header-utf8-body")).text


def test_gzip_is_decoded_and_bomb_is_capped(server, fetcher):
    assert "Tin tức" in fetcher.fetch(server.url("/gzip")).text
    with pytest.raises(TooLargeError, match="exceeds"):
        fetcher.fetch(server.url("/bomb"))


@pytest.mark.parametrize(
    "path,error",
    [
        ("/gone", NotFoundError),
        ("/missing", NotFoundError),
        ("/boom", HTTPStatusError),
        ("/pdf", BadContentTypeError),
        ("/big-declared", TooLargeError),
        ("/endless", TooLargeError),
        ("/loop", FetchError),
    ],
)
def test_bad_responses_raise_the_right_error(server, fetcher, path, error):
    with pytest.raises(error):
        fetcher.fetch(server.url(path))


def test_trickling_server_is_cut_off_by_total_timeout(server, fetcher):
    t0 = time.monotonic()
    with pytest.raises(FetchTimeoutError):
        fetcher.fetch(server.url("/slow"))
    assert time.monotonic() - t0 < 6


def test_retryable_flags(server, fetcher):
    with pytest.raises(HTTPStatusError) as info:
        fetcher.fetch(server.url("/boom"))
    assert info.value.retryable and info.value.status == 503
    with pytest.raises(NotFoundError) as info2:
        fetcher.fetch(server.url("/gone"))
    assert not info2.value.retryable


def test_dead_host_is_a_connection_error(fetcher):
    import socket

    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()  # nothing listens there now
    with pytest.raises(ConnectionFailedError):
        fetcher.fetch(f"http://127.0.0.1:{port}/x")


def test_decode_html_meta_and_detection():
    assert decode_html('<meta charset="windows-1252"><p>café</p>'.encode("cp1252"))[0].endswith("café</p>")
    text, codec = decode_html("xin chào".encode("utf-8-sig"))
    assert text == "xin chào" and codec == "utf-8"
    text, _ = decode_html("Tiếng Việt".encode(), "not-a-codec")
    assert text == "Tiếng Việt"


def test_trickled_headers_are_cut_off_at_the_total_deadline(server, fetcher):
    started = time.monotonic()
    with pytest.raises(FetchTimeoutError, match="no complete response headers within 3 s"):
        fetcher.fetch(server.url("/header-trickle"))
    took = time.monotonic() - started
    # read timeout 1 s never fires (a byte every 0.3 s); the 3 s total deadline does
    assert 2.5 < took < 10, took
    assert "Tin tức" in fetcher.fetch(server.url("/ok")).text  # the fetcher is still usable
