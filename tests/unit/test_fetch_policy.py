"""robots.txt (protego, cache, 404 = allow, 5xx = try later, Crawl-delay), retry delays, and the
`newsingest failures` / `retry` commands, against real servers on 127.0.0.1."""

from __future__ import annotations

import json
import random

import pytest

from tests.faults.support import FaultServer, send, tiny_article
from tests.support.services import newsingest, service_env
from worker.fetch.client import Fetcher, FetchPolicy, parse_retry_after
from worker.fetch.errors import RobotsDisallowedError, RobotsUnavailableError
from worker.fetch.politeness import HostLimits
from worker.fetch.retry import retry_delay
from worker.fetch.robots import RobotsCache
from worker.fetch.safety import AddressGuard, parse_networks


def _robots(server_routes: dict) -> tuple[FaultServer, RobotsCache, Fetcher]:
    server = FaultServer(server_routes).__enter__()
    fetcher = Fetcher(FetchPolicy(user_agent="newsingest/0.1 (+test)", total_timeout=3),
                      guard=AddressGuard(parse_networks("127.0.0.0/8")))
    return server, RobotsCache(fetcher.fetch_text, user_agent="newsingest/0.1 (+test)", ttl=60, error_ttl=60), fetcher


def test_robots_rules_cache_and_crawl_delay():
    body = b"User-agent: newsingest\nDisallow: /private/\nCrawl-delay: 3\n\nUser-agent: *\nDisallow: /\n"
    server, robots, fetcher = _robots({"/robots.txt": lambda h: send(h, 200, body, {"Content-Type": "text/plain"})})
    try:
        assert robots.check(server.url("/news/a.html")) == 3.0
        with pytest.raises(RobotsDisallowedError, match="disallowed by"):
            robots.check(server.url("/private/x.html"))
        robots.check(server.url("/news/b.html"))
        assert server.hits("/robots.txt") == 1  # cached
    finally:
        server.__exit__(None)
        fetcher.close()


def test_robots_404_allows_and_5xx_means_try_later():
    server, robots, fetcher = _robots({})
    server5, robots5, fetcher5 = _robots({"/robots.txt": lambda h: send(h, 503, b"down")})
    try:
        assert robots.check(server.url("/anything")) is None
        with pytest.raises(RobotsUnavailableError, match="HTTP 503.*try later") as info:
            robots5.check(server5.url("/page"))
        assert info.value.retryable
        with pytest.raises(RobotsUnavailableError):
            robots5.check(server5.url("/page"))
        assert server5.hits("/robots.txt") == 1  # the failure is remembered for error_ttl
    finally:
        for s, f in ((server, fetcher), (server5, fetcher5)):
            s.__exit__(None)
            f.close()


def test_limits_from_source_config_and_crawl_delay():
    default = HostLimits(delay=1.0, concurrency=2)
    assert HostLimits.from_config(default, {"rate": 2}) == HostLimits(delay=0.5, concurrency=2)
    assert HostLimits.from_config(default, {"delay": 3, "concurrency": 1}) == HostLimits(3.0, 1)
    assert HostLimits.from_config(default, {}) is default
    assert default.with_crawl_delay(5).delay == 5 and default.with_crawl_delay(0.1) is default


def test_retry_delays():
    rng = random.Random(1)
    assert [round(retry_delay(a, retry_after=None, base=5, cap=300, rng=rng) / (5 * 2 ** (a - 1)), 2) <= 1
            for a in (1, 2, 3)] == [True] * 3
    assert all(2.5 <= retry_delay(1, retry_after=None, base=5, cap=300, rng=rng) <= 5 for _ in range(50))
    assert all(retry_delay(9, retry_after=None, base=5, cap=60, rng=rng) <= 60 for _ in range(50))
    assert all(7 <= retry_delay(1, retry_after=7, base=5, cap=300, rng=rng) <= 12 for _ in range(50))
    assert parse_retry_after("120") == 120 and parse_retry_after(None) is None
    assert parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT") == 0.0 and parse_retry_after("soon") is None


def test_failures_and_retry_commands(tmp_path):
    routes = {"/ok": lambda h: send(h, 200, tiny_article(1, "cli")), "/gone": lambda h: send(h, 410, b"gone"),
              "/pdf": lambda h: send(h, 200, b"%PDF", {"Content-Type": "application/pdf"})}
    env = service_env(f"sqlite:///{tmp_path / 'db.sqlite'}", f"sqla+sqlite:///{tmp_path / 'broker.sqlite'}")
    with FaultServer(routes) as s:
        newsingest("ingest", s.url("/ok"), s.url("/gone"), s.url("/pdf"), env=env, cwd=tmp_path)
    listed = newsingest("failures", "--json", "--since", "1h", env=env, cwd=tmp_path)
    assert listed.returncode == 0, listed.stderr
    rows = json.loads(listed.stdout)
    assert sorted(r["outcome"] for r in rows) == ["bad_content_type", "not_found"]
    assert all(r["error"] for r in rows)
    table = newsingest("failures", env=env, cwd=tmp_path)
    assert "Final failures (2)" in table.stdout
    dry = newsingest("retry", "--outcome", "not_found", "--dry-run", "--json", env=env, cwd=tmp_path)
    assert [r["url"].endswith("/gone") for r in json.loads(dry.stdout)] == [True]
    sent = newsingest("retry", "--outcome", "not_found", "--json", env=env, cwd=tmp_path)
    assert sent.returncode == 0, sent.stderr
    assert len(json.loads(sent.stdout)) == 1 and json.loads(sent.stdout)[0]["task_id"]
    bad = newsingest("retry", "--outcome", "nonsense", env=env, cwd=tmp_path)
    assert bad.returncode == 2 and "not one of" in bad.stderr


def test_where_politeness_is_kept(tmp_path):
    from worker.fetch.politeness import FileLimiter, LocalLimiter, RedisLimiter
    from worker.pipeline import make_limiter
    from worker.settings import Settings

    embedded = Settings(database_url=f"sqlite:///{tmp_path / 'newsingest.sqlite'}",
                        broker_url=f"sqla+sqlite:///{tmp_path / 'b.sqlite'}", redis_url=None)
    assert embedded.politeness_path == str(tmp_path / "newsingest-politeness.sqlite")
    assert isinstance(make_limiter(embedded), FileLimiter)
    explicit = Settings(database_url="postgresql+psycopg://x@127.0.0.1/db", broker_url="memory://",
                        redis_url=None, politeness_file=str(tmp_path / "p.sqlite"))
    assert explicit.politeness_path == str(tmp_path / "p.sqlite")
    server_db = Settings(database_url="postgresql+psycopg://x@127.0.0.1/db", broker_url="memory://", redis_url=None)
    assert server_db.politeness_path is None and isinstance(make_limiter(server_db), LocalLimiter)
    memory = Settings(database_url="sqlite://", broker_url="memory://", redis_url=None)
    assert memory.politeness_path is None
    shared = Settings(database_url="sqlite://", broker_url="redis://127.0.0.1:6379/9")
    limiter = make_limiter(shared)
    assert isinstance(limiter, RedisLimiter)
    limiter.close()
