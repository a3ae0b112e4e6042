"""robots.txt on redirect hops: each redirect target is checked against the robots.txt of its own
host before it is requested (outcome robots_disallowed), on real HTTP servers on 127.0.0.1."""

from __future__ import annotations

import pytest

from storage import migrate
from storage.models import Outcome
from tests.faults.support import FaultServer, send, tiny_article
from worker.fetch.client import Fetcher, FetchPolicy
from worker.fetch.errors import RobotsDisallowedError
from worker.fetch.polite import PoliteFetcher
from worker.fetch.politeness import HostLimits, LocalLimiter
from worker.fetch.robots import RobotsCache
from worker.fetch.safety import AddressGuard, parse_networks

UA = "newsingest/0.1 (+robots-redirect test)"
ROBOTS = b"User-agent: *\nDisallow: /private/\n"


def _robots(h) -> None:
    send(h, 200, ROBOTS, {"Content-Type": "text/plain"})


def _redirect(location: str):
    def handler(h) -> None:
        send(h, 302, b"", {"Location": location})
    return handler


def _page(i: int):
    def handler(h) -> None:
        send(h, 200, tiny_article(i, "robots-redirect"))
    return handler


@pytest.fixture
def sites():
    """Site ``b`` disallows /private/; site ``a`` redirects into it and into its own /private/."""
    with FaultServer({"/robots.txt": _robots, "/private/page": _page(1), "/open/page": _page(2)}) as b:
        routes = {
            "/robots.txt": _robots,
            "/to-own-private": _redirect("/private/page"),
            "/to-own-open": _redirect("/open/page"),
            "/to-other-private": _redirect(b.url("/private/page")),
            "/to-other-open": _redirect(b.url("/open/page")),
            "/chain": _redirect("/to-other-private"),  # a -> a -> b/private
            "/private/page": _page(3),
            "/open/page": _page(4),
        }
        with FaultServer(routes) as a:
            yield a, b


def _polite() -> PoliteFetcher:
    fetcher = Fetcher(FetchPolicy(user_agent=UA, connect_timeout=2, read_timeout=2, total_timeout=5),
                      guard=AddressGuard(parse_networks("127.0.0.0/8")))
    return PoliteFetcher(fetcher, limiter=LocalLimiter(), robots=RobotsCache(user_agent=UA),
                         default_limits=HostLimits(delay=0, concurrency=4))


@pytest.mark.parametrize("start,site,target", [
    ("/to-own-private", "a", "/private/page"),
    ("/to-other-private", "b", "/private/page"),
    ("/chain", "b", "/private/page"),
])
def test_redirect_to_a_disallowed_target_is_not_requested(sites, start, site, target):
    a, b = sites
    polite = _polite()
    try:
        with pytest.raises(RobotsDisallowedError, match="redirected from") as info:
            polite.fetch(a.url(start))
    finally:
        polite.close()
    server = a if site == "a" else b
    assert info.value.outcome == "robots_disallowed" and not info.value.retryable
    assert server.url(target) in str(info.value) and f"{server.url('/robots.txt')}" in str(info.value)
    assert server.hits(target) == 0  # the disallowed target was never requested
    assert a.hits(start) == 1 and a.hits("/robots.txt") == 1 and b.hits("/robots.txt") == int(site == "b")


@pytest.mark.parametrize("start,site,target", [
    ("/to-own-open", "a", "/open/page"),
    ("/to-other-open", "b", "/open/page"),
])
def test_redirect_to_an_allowed_target_is_followed(sites, start, site, target):
    a, b = sites
    polite = _polite()
    try:
        page = polite.fetch(a.url(start))
        page_again = polite.fetch(a.url(start))  # robots.txt of both hosts comes from the cache
    finally:
        polite.close()
    server = a if site == "a" else b
    assert page.status == 200 and page.final_url == server.url(target) == page_again.final_url
    assert page.redirects == [a.url(start)]
    assert server.hits(target) == 2
    assert a.hits("/robots.txt") == 1 and b.hits("/robots.txt") == int(site == "b")


def test_pipeline_records_robots_disallowed_redirect(sites, tmp_path):
    from sqlalchemy import select

    from storage.db import transaction
    from storage.models import FetchAttempt
    from worker.pipeline import PipelineContext, ingest
    from worker.settings import Settings

    a, b = sites
    db = f"sqlite:///{tmp_path / 'db.sqlite'}"
    migrate.upgrade(db)
    ctx = PipelineContext(Settings(database_url=db, broker_url="memory://", redis_url=None,
                                   allow_networks="127.0.0.0/8", politeness_delay=0, user_agent=UA))
    try:
        result = ingest(a.url("/to-other-private"), ctx=ctx, retries_left=2)
        with transaction(ctx.engine) as s:
            rows = list(s.execute(select(FetchAttempt)).scalars())
    finally:
        ctx.close()
    assert result.outcome == Outcome.robots_disallowed and not result.retryable
    assert [(r.outcome, r.final) for r in rows] == [("robots_disallowed", True)]
    assert "redirected from" in rows[0].error
    assert b.hits("/private/page") == 0


def test_redirect_target_host_gets_its_own_slot_and_crawl_delay():
    """Site b asks for Crawl-delay: 1; three fetches of a page of a that redirects to b reach b at
    least a second apart (before, the target was fetched in a's slot, at a's pace: no delay)."""
    robots_b = b"User-agent: *\nCrawl-delay: 1\n"
    with FaultServer({"/robots.txt": lambda h: send(h, 200, robots_b, {"Content-Type": "text/plain"}),
                      "/open/page": _page(5)}) as b:
        with FaultServer({"/robots.txt": _robots, "/go": _redirect(b.url("/open/page"))}) as a:
            polite = _polite()
            try:
                for _ in range(3):
                    assert polite.fetch(a.url("/go")).final_url == b.url("/open/page")
            finally:
                polite.close()
            times = [t for t, path in b.log if path == "/open/page"]
            a_times = [t for t, path in a.log if path == "/go"]
    assert len(times) == 3
    gaps = [round(y - x, 2) for x, y in zip(times, times[1:], strict=False)]
    print(f"b page gaps {gaps} s (Crawl-delay 1); a requests at +{round(a_times[-1] - a_times[0], 2)} s")
    assert all(g >= 0.95 for g in gaps), gaps
