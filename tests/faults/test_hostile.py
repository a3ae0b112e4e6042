"""Sixteen hostile HTTP cases against a real `celery worker` (Redis broker, PostgreSQL): each ends
with the right recorded outcome and a clear error within its time bound, while good pages are
ingested in between."""

from __future__ import annotations

import time

import pytest

from storage import migrate
from tests.faults import support as fs
from tests.faults.support import FaultServer, send, tiny_article
from tests.support.services import celery_worker, fresh_redis_url, service_env

pytestmark = [pytest.mark.e2e, pytest.mark.postgres]

ROBOTS = b"User-agent: *\nDisallow: /private/\n"

# path: (final outcome, attempts, error contains, time bound in s from first attempt to final)
CASES = {
    "/slowloris": ("timeout", 3, "not received within 3 s", 25),
    "/endless": ("too_large", 1, "exceeds 2000000 bytes", 10),
    "/ten-mb": ("too_large", 1, "exceeds 2000000 bytes", 10),
    "/gzip-bomb": ("too_large", 1, "exceeds 2000000 bytes (decoded)", 10),
    "/loop-a": ("http_error", 1, "redirect loop", 5),
    "/429": ("stored", 2, None, 15),
    "/503": ("stored", 2, None, 10),
    "/reset": ("connection_error", 3, "reset", 15),
    "/truncated": ("connection_error", 3, "connection broken while reading", 15),
    "/binary": ("bad_content_type", 1, "binary data", 5),
    "/wrong-charset": ("stored", 1, None, 5),
    "/empty": ("not_article", 1, "empty body", 5),
    "/js-challenge": ("not_article", 1, "JavaScript challenge", 5),
    "/private/secret.html": ("robots_disallowed", 1, "disallowed by", 5),
    "/gone": ("not_found", 1, "HTTP 404", 5),
}
ROBOTS_5XX = ("http_error", 3, "robots.txt answered HTTP 503", 15)


@pytest.fixture
def servers():
    good = {f"/good/{i}": (lambda h, i=i: send(h, 200, tiny_article(i, "good"))) for i in range(20)}
    routes = {
        "/robots.txt": lambda h: send(h, 200, ROBOTS, {"Content-Type": "text/plain"}),
        "/slowloris": fs.slowloris, "/endless": fs.endless, "/ten-mb": fs.ten_mb, "/gzip-bomb": fs.gzip_bomb,
        "/loop-a": fs.redirect_loop_a, "/loop-b": fs.redirect_loop_b,
        "/429": fs.fails_then_ok(429, 1, tiny_article(0, "429"), {"Retry-After": "2"}),
        "/503": fs.fails_then_ok(503, 1, tiny_article(0, "503")),
        "/reset": fs.connection_reset, "/truncated": fs.truncated, "/binary": fs.binary,
        "/wrong-charset": fs.wrong_charset, "/empty": fs.empty, "/js-challenge": fs.js_challenge,
        "/private/secret.html": lambda h: send(h, 200, tiny_article(0, "secret")),
        **good,
    }
    broken_robots = {"/robots.txt": lambda h: send(h, 503, b"<html>down</html>"),
                     "/page.html": lambda h: send(h, 200, tiny_article(0, "b"))}
    with FaultServer(routes) as a, FaultServer(broken_robots) as b:
        yield a, b


def test_sixteen_hostile_cases_with_good_pages_in_between(pg_url, servers, tmp_path, fast_limits):
    a, b = servers
    migrate.upgrade(pg_url)
    broker = fresh_redis_url(10)
    env = service_env(pg_url, broker, **fast_limits)
    log = tmp_path / "worker.log"
    urls: list[tuple[str, str]] = []  # (case, url)
    hostile = list(CASES)
    for i in range(20):
        if hostile:
            path = hostile.pop(0)
            urls.append((path, a.url(path)))
        if i == 3:
            urls.append(("robots-5xx", b.url("/page.html")))
        urls.append((f"good{i}", a.url(f"/good/{i}")))
    t0 = time.monotonic()
    with celery_worker(env, log, concurrency=4):
        app = fs.producer(pg_url, broker)
        ids = fs.send_urls(app, [u for _, u in urls])
        finals = fs.wait_final(pg_url, ids, timeout=120, log=log)
    elapsed = time.monotonic() - t0
    attempts = fs.all_attempts(pg_url)
    by_task: dict[str, list] = {}
    for att in attempts:
        by_task.setdefault(att.task_id, []).append(att)

    report = []
    for (case, _url), task_id in zip(urls, ids, strict=True):
        final = finals[task_id]
        tries = by_task[task_id]
        span = (final.finished_at - tries[0].started_at).total_seconds()
        report.append(f"{case:22} {final.outcome:18} attempts={len(tries)} {span:5.1f}s  {final.error or ''}")
        assert all(t.duration_ms is not None and t.outcome for t in tries), case
        assert [t.final for t in tries] == [False] * (len(tries) - 1) + [True], case
        if case.startswith("good"):
            assert final.outcome == "stored", (case, final.outcome, final.error)
            continue
        outcome, n, needle, bound = ROBOTS_5XX if case == "robots-5xx" else CASES[case]
        assert final.outcome == outcome, (case, final.outcome, final.error)
        assert len(tries) == n, (case, [(t.outcome, t.error) for t in tries])
        if needle:
            assert needle in (final.error or ""), (case, final.error)
        assert span <= bound, (case, span, bound)
        if case == "/429":
            gap = (tries[1].started_at - tries[0].finished_at).total_seconds()
            assert tries[0].http_status == 429 and "Retry-After 2 s" in tries[0].error and gap >= 2.0, gap
        if case in ("/endless", "/ten-mb", "/gzip-bomb"):
            assert final.bytes and final.bytes > 2_000_000
    print("\n".join(["", f"hostile run: {len(urls)} URLs in {elapsed:.1f} s", *report]))

    # robots: the disallowed page and the page behind a failing robots.txt were never requested
    assert a.hits("/private/secret.html") == 0
    assert b.hits("/page.html") == 0 and b.hits("/robots.txt") >= 1
    # good pages kept flowing while the slow cases were still running
    slow_end = finals[ids[[c for c, _ in urls].index("/slowloris")]].finished_at
    good_before = sum(1 for (c, _), t in zip(urls, ids, strict=True) if c.startswith("good")
                      and finals[t].finished_at < slow_end)
    assert good_before >= 5, good_before
    rows, keys = fs.article_counts(pg_url)
    assert rows == keys == 23  # 20 good + 429 + 503 + wrong charset
