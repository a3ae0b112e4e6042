"""SSRF guard: private, loopback, link-local and reserved targets are refused (also as redirect
targets and after DNS rebinding) unless NEWSINGEST_ALLOW_NETWORKS allows them.

Safety net of these tests: no packet may leave 127.0.0.0/8 even if the guard were broken.
A tripwire makes every socket connect to an address outside 127.0.0.0/8 fail (and the test
with it), and host names resolve through a stub resolver, never through DNS."""

from __future__ import annotations

import ipaddress
import socket

import pytest

from storage import migrate
from storage.models import Outcome
from tests.faults.support import FaultServer, send, tiny_article
from worker.fetch.client import Fetcher, FetchPolicy
from worker.fetch.errors import RefusedError
from worker.fetch.safety import AddressGuard, parse_networks

LOOPBACK = ipaddress.ip_network("127.0.0.0/8")


class Tripwire(BaseException):
    """Raised (and recorded) when code tries to connect outside 127.0.0.0/8."""


@pytest.fixture
def tripwire(monkeypatch):
    tripped: list[object] = []
    real_connect, real_connect_ex = socket.socket.connect, socket.socket.connect_ex

    def check(address: object) -> None:
        host = address[0] if isinstance(address, tuple) else None
        if host is None:
            return  # AF_UNIX
        try:
            ip = ipaddress.ip_address(str(host).split("%", 1)[0])
        except ValueError:
            tripped.append(address)
            raise Tripwire(f"connect to unresolved {address!r}") from None
        if ip.version == 6 and ip.ipv4_mapped is not None:
            ip = ip.ipv4_mapped
        if ip.version != 4 or ip not in LOOPBACK:
            tripped.append(address)
            raise Tripwire(f"connect to {address!r} outside 127.0.0.0/8")

    def connect(self, address):
        check(address)
        return real_connect(self, address)

    def connect_ex(self, address):
        check(address)
        return real_connect_ex(self, address)

    monkeypatch.setattr(socket.socket, "connect", connect)
    monkeypatch.setattr(socket.socket, "connect_ex", connect_ex)
    yield tripped
    assert tripped == [], f"connections outside 127.0.0.0/8 were attempted: {tripped}"


class StubResolver:
    """getaddrinfo over a fixed table (a name may map to a list served in turn); no DNS at all."""

    def __init__(self, table: dict[str, list[str]]) -> None:
        self.table = {k: list(v) for k, v in table.items()}
        self.calls: list[str] = []

    def __call__(self, host, port, family=0, type=0, proto=0, flags=0):
        self.calls.append(host)
        name = host.decode() if isinstance(host, bytes) else str(host)
        try:
            ipaddress.ip_address(name)
            answers = [name]
        except ValueError:
            if name not in self.table:
                raise socket.gaierror(socket.EAI_NONAME, f"stub resolver: unknown name {name}") from None
            seq = self.table[name]
            answers = [seq.pop(0)] if len(seq) > 1 else seq
        out = []
        for ip in answers:
            fam = socket.AF_INET6 if ":" in ip else socket.AF_INET
            addr = (ip, int(port or 0), 0, 0) if fam == socket.AF_INET6 else (ip, int(port or 0))
            out.append((fam, socket.SOCK_STREAM, 6, "", addr))
        return out


@pytest.fixture
def resolver(monkeypatch, tripwire):
    stub = StubResolver({"internal.test": ["127.0.0.1"], "rebind.test": ["192.168.1.10"],
                         "public.test": ["93.184.216.34"]})
    monkeypatch.setattr(socket, "getaddrinfo", stub)  # every resolution in this process
    return stub


@pytest.fixture(scope="module")
def server():
    routes = {
        "/ok": lambda h: send(h, 200, tiny_article(1, "ssrf")),
        "/to-private": lambda h: send(h, 302, b"", {"Location": "http://10.0.0.1/admin"}),
        "/to-metadata": lambda h: send(h, 302, b"", {"Location": "http://169.254.169.254/latest/meta-data/"}),
        "/to-name": lambda h: send(h, 301, b"", {"Location": "http://rebind.test/x"}),
        "/to-other-loopback": lambda h: send(h, 307, b"", {"Location": "http://127.0.0.2:9/x"}),
        "/to-file": lambda h: send(h, 302, b"", {"Location": "file:///etc/passwd"}),
    }
    with FaultServer(routes) as s:
        yield s


def _fetcher(allow: str = "") -> Fetcher:
    return Fetcher(FetchPolicy(user_agent="newsingest-test", connect_timeout=2, read_timeout=2, total_timeout=4),
                   guard=AddressGuard(parse_networks(allow)))


@pytest.mark.parametrize("url,kind", [
    ("http://169.254.169.254/latest/meta-data/", "link-local"),
    ("http://10.0.0.1/", "private"),
    ("http://[::ffff:10.0.0.1]/", "private"),
    ("http://0.0.0.0/", "private"),
    ("http://internal.test/page", "loopback"),  # a name that resolves to 127.0.0.1
    ("http://127.0.0.1:9/", "loopback"),
])
def test_private_targets_are_refused_without_allow_list(resolver, url, kind):
    f = _fetcher()
    with pytest.raises(RefusedError, match=kind) as info:
        f.fetch(url)
    assert "NEWSINGEST_ALLOW_NETWORKS" in str(info.value) and info.value.outcome == "refused"


def test_name_resolving_to_loopback_is_fetched_only_when_allowed(resolver, server):
    url = f"http://internal.test:{server.port}/ok"
    with pytest.raises(RefusedError, match=r"internal.test \(127.0.0.1\) is a loopback address"):
        _fetcher().fetch(url)
    assert server.hits("/ok") == 0
    page = _fetcher("127.0.0.0/8").fetch(url)
    assert page.status == 200 and server.hits("/ok") == 1


@pytest.mark.parametrize("path,target", [
    ("/to-private", "10.0.0.1"),
    ("/to-metadata", "169.254.169.254"),
    ("/to-name", "rebind.test"),
    ("/to-other-loopback", "127.0.0.2"),
    ("/to-file", "file"),
])
def test_redirect_from_allowed_page_to_private_target_is_refused_before_connecting(resolver, server, path, target):
    before = server.hits(path)
    with pytest.raises(RefusedError, match="refused") as info:
        _fetcher("127.0.0.1/32").fetch(server.url(path))
    assert target in str(info.value)
    assert server.hits(path) == before + 1  # the allowed first hop was fetched, the target never


def test_dns_rebinding_is_caught_at_connect_time(monkeypatch, tripwire):
    # public for the check before the request, loopback when the socket is about to connect
    stub = StubResolver({"flip.test": ["93.184.216.34", "127.0.0.1", "127.0.0.1"]})
    monkeypatch.setattr(socket, "getaddrinfo", stub)
    with pytest.raises(RefusedError, match=r"flip.test \(127.0.0.1\) is a loopback"):
        _fetcher().fetch("http://flip.test:9/x")
    assert stub.calls.count("flip.test") == 2


def test_only_http_and_https(resolver):
    for url in ("ftp://127.0.0.1/x", "file:///etc/passwd", "gopher://127.0.0.1:70/"):
        with pytest.raises(RefusedError, match="only http and https"):
            _fetcher("127.0.0.0/8").fetch(url)


def test_tripwire_itself_fires(resolver, tripwire):
    with pytest.raises(Tripwire):
        socket.create_connection(("10.0.0.1", 80), timeout=1)
    assert tripwire == [("10.0.0.1", 80)]
    tripwire.clear()  # this one was on purpose


def test_pipeline_records_refused_outcome(resolver, tmp_path):
    from sqlalchemy import select

    from storage.db import transaction
    from storage.models import FetchAttempt
    from worker.pipeline import PipelineContext, ingest
    from worker.settings import Settings

    db = f"sqlite:///{tmp_path / 'db.sqlite'}"
    migrate.upgrade(db)
    ctx = PipelineContext(Settings(database_url=db, broker_url="memory://", redis_url=None, allow_networks=""))
    try:
        results = [ingest(u, ctx=ctx) for u in ("http://169.254.169.254/latest/meta-data/", "http://10.0.0.1/",
                                                 "http://internal.test/")]
        with transaction(ctx.engine) as s:
            rows = list(s.execute(select(FetchAttempt)).scalars())
    finally:
        ctx.close()
    assert [r.outcome for r in results] == [Outcome.refused] * 3
    assert all(not r.retryable for r in results)
    assert [(a.outcome, a.final) for a in rows] == [("refused", True)] * 3
    assert "link-local" in rows[0].error and "private" in rows[1].error and "loopback" in rows[2].error
