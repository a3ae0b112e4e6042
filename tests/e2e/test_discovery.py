"""Discovery against the fixture news site on 127.0.0.1 (real HTTP, real Redis, SQLite and
PostgreSQL): what is found, conditional GET, overlapping runs, recrawls, `newsingest crawl`, and
article revisions."""

from __future__ import annotations

import re
import threading
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from scheduler.sources import parse_registry, sync_registry
from storage import repository as repo
from storage.db import transaction
from storage.models import Article, ArticleEvent, ArticleRevision, DiscoveryRun, FetchAttempt
from tests.support.newssite import FixtureNews, NewsSite, rss_feed
from tests.support.pages import html_of, twenty_pages
from tests.support.services import fresh_redis_url, newsingest, service_env
from worker.discover import DiscoverOptions, QueuedSet, discover, run_discovery
from worker.pipeline import PipelineContext, ingest
from worker.settings import Settings

pytestmark = pytest.mark.e2e


@pytest.fixture
def site():
    with NewsSite() as s:
        yield s


def _ctx(db_url: str, redis_url: str | None = None) -> PipelineContext:
    settings = Settings(database_url=db_url, broker_url="memory://", redis_url=redis_url,
                        allow_networks="127.0.0.0/8", politeness_delay=0)
    return PipelineContext(settings)


def _source(ctx: PipelineContext, toml: str) -> int:
    with transaction(ctx.engine) as s:
        return sync_registry(s, registry=parse_registry(toml))[0].id


def test_fixture_site_found_once_then_304s(db_url, site):
    fx = FixtureNews(site).build()
    ctx = _ctx(db_url)
    try:
        sid = _source(ctx, fx.registry_toml())
        first = run_discovery(sid, ctx=ctx, enqueue=None)
        # feed 4 + news sitemap 3 (+1 also in the feed) + gzip urlset 3 (+1 in the news sitemap)
        # + 2 section pages x 2 local article links (their other links are off-site)
        assert (first.found, first.new, first.errors) == (14, 14, [])
        assert sorted(first.urls) == sorted(fx.article_urls)
        # documents: feed, index, its 2 fresh children (not the 2015 one), 2 sections
        assert first.documents == 6
        assert not site.hits_for(fx.STALE)
        second = run_discovery(sid, ctx=ctx, enqueue=None)
        assert (second.documents, second.not_modified, second.found, second.new) == (4, 4, 0, 0)
        with transaction(ctx.engine) as s:
            runs = repo.discovery_runs(s, source_id=sid)
        assert [(r.found, r.new, r.errors) for r in runs] == [(14, 14, 0), (0, 0, 0)]
        assert all(r.finished_at >= r.started_at for r in runs)
    finally:
        ctx.close()


def test_conditional_get_second_poll_of_unchanged_feed_transfers_no_body(db_url, site):
    fx = FixtureNews(site).build()
    ctx = _ctx(db_url)
    try:
        sid = _source(ctx, f'[[source]]\nname = "feedonly"\nsite = "{site.base}/"\nfeeds = ["{site.url(fx.FEED)}"]\n')
        run_discovery(sid, ctx=ctx, enqueue=None)
        again = run_discovery(sid, ctx=ctx, enqueue=None)
        hits = site.hits_for(fx.FEED)
        assert [(h.status, h.body_bytes > 0) for h in hits] == [(200, True), (304, False)]
        assert hits[1].body_bytes == 0
        assert (again.not_modified, again.found, again.new) == (1, 0, 0)
        # A change moves the ETag: the next poll reads the feed again and finds only the new item.
        new_url = fx.add_to_feed()
        third = run_discovery(sid, ctx=ctx, enqueue=None)
        assert site.hits_for(fx.FEED)[-1].status == 200
        # Nothing is stored (no worker here), but the other 4 were handed out already: only the new one.
        assert (third.found, third.new, third.urls) == (5, 1, [new_url])
    finally:
        ctx.close()


def test_overlapping_runs_never_enqueue_an_article_twice(pg_url, site):
    from storage.migrate import upgrade

    upgrade(pg_url)
    fx = FixtureNews(site).build()
    site.validators = False  # every run reads every document: the Redis set is the only guard
    redis_url = fresh_redis_url(6)
    ctx = _ctx(pg_url, redis_url)
    try:
        sid = _source(ctx, fx.registry_toml())
        with transaction(ctx.engine) as s:
            source = repo.get_source_by_id(s, source_id=sid)
            s.expunge(source)
        sent: list[str] = []
        lock = threading.Lock()

        def enqueue(url: str) -> None:
            with lock:
                sent.append(url)

        barrier = threading.Barrier(4)

        def one() -> None:
            queued = QueuedSet(redis_url, ttl=60)
            barrier.wait()
            discover(source, engine=ctx.engine, http=ctx.fetcher.session, enqueue=enqueue, queued=queued)
            queued.close()

        threads = [threading.Thread(target=one) for _ in range(4)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(60)
        assert sorted(sent) == sorted(fx.article_urls)  # 14, each once, from 4 concurrent runs
        with transaction(ctx.engine) as s:
            runs = repo.discovery_runs(s, source_id=sid)
        assert len(runs) == 4 and sum(r.new for r in runs) == 14
        # each run reads every document, unless a run that finished first recorded a document's
        # content hash and this run then read the same bytes: that document is "not modified" for it
        assert all(r.found == 14 or (r.not_modified > 0 and r.found < 14) for r in runs), \
            [(r.found, r.not_modified) for r in runs]
    finally:
        ctx.close()


def test_recrawl_newer_date_in_feed_and_young_articles(db_url, site):
    fx = FixtureNews(site).build()
    ctx = _ctx(db_url)
    try:
        sid = _source(ctx, f'[[source]]\nname = "feedonly"\nsite = "{site.base}/"\nfeeds = ["{site.url(fx.FEED)}"]\n')
        first = run_discovery(sid, ctx=ctx, enqueue=None)
        for url in first.urls:
            assert ingest(url, ctx=ctx, source_id=sid).outcome.value == "stored"
        assert run_discovery(sid, ctx=ctx, enqueue=None).recrawl == 0  # 304
        # The feed says item 1 was updated after we fetched it: fetched again, once.
        url, title, _ = fx.feed_items[1]
        fx.feed_items[1] = (url, title + " (cập nhật)", datetime.now(UTC) + timedelta(minutes=5))
        fx.publish_feed()
        again = run_discovery(sid, ctx=ctx, enqueue=None)
        assert (again.new, again.recrawl, again.urls) == (0, 1, [url])
        # Young articles not fetched for `recrawl_every`: fetched again, at most recrawl_max per run.
        opts = DiscoverOptions(recrawl_every=timedelta(0), recrawl_max=2)
        with transaction(ctx.engine) as s:
            source = repo.get_source_by_id(s, source_id=sid)
            s.expunge(source)
        queued = QueuedSet(None, ttl=60)
        young = discover(source, engine=ctx.engine, http=ctx.fetcher.session, enqueue=None, queued=queued,
                         opts=opts)
        assert (young.new, young.recrawl) == (0, 2)
    finally:
        ctx.close()


def test_crawl_command_prints_found_and_new(tmp_path, site):
    fx = FixtureNews(site).build()
    toml = tmp_path / "sources.toml"
    toml.write_text(fx.registry_toml(), encoding="utf-8")
    env = service_env(f"sqlite:///{tmp_path / 'db.sqlite'}", f"sqla+sqlite:///{tmp_path / 'broker.sqlite'}",
                      NEWSINGEST_SOURCES=str(toml), NEWSINGEST_ALLOW_NETWORKS="127.0.0.0/8")
    proc = newsingest("crawl", "fixture", env=env, timeout=240)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert re.search(r"fixture: documents 6 \(not modified 0\), found 14, new 14, recrawl 0, errors 0", proc.stdout)
    assert proc.stdout.count("stored") == 14, proc.stdout
    again = newsingest("crawl", "fixture", "--sources", str(toml), env=env, timeout=120)
    assert "found 0, new 0" in again.stdout and "not modified 4" in again.stdout, again.stdout
    new_url = fx.add_to_feed()
    sent = newsingest("crawl", "fixture", "--enqueue", env=env, timeout=120)  # to the (SQLite) broker
    assert sent.returncode == 0 and "found 5, new 1" in sent.stdout, sent.stdout + sent.stderr
    assert f"queued {new_url}" in sent.stdout
    listed = newsingest("sources", "list", env=env)
    assert "fixture" in listed.stdout


def _edit(html: str, url: str) -> str:
    """The same article with one more sentence after a piece of its extracted body text."""
    from worker.extract import extract_article

    body = extract_article(html, url).body
    for line in body.splitlines():
        piece = line.strip()[:30]
        if len(piece) == 30 and html.count(piece) == 1:
            at = html.index(piece) + len(piece)
            return html[:at] + " Bài viết đã được cập nhật thêm thông tin mới. " + html[at:]
    raise AssertionError("no body text to edit")


def test_revisions(db_url, site):
    page = next(p for p in twenty_pages() if "vnexpress" in p.path.lower())
    html = html_of(page)
    site.put(page.path, html.encode("utf-8"))
    url = site.url(page.path)
    ctx = _ctx(db_url)
    try:
        first = ingest(url, ctx=ctx)
        assert first.outcome.value == "stored"
        site.put(page.path, _edit(html, url).encode("utf-8"))
        second = ingest(url, ctx=ctx)
        assert second.outcome.value == "updated" and second.article_id == first.article_id
        third = ingest(url, ctx=ctx)  # unchanged: one fetch_attempt row, nothing else
        assert third.outcome.value == "duplicate"
        with transaction(ctx.engine) as s:
            art = s.get(Article, first.article_id)
            revs = repo.revisions_for(s, article_id=first.article_id)
            events = list(s.execute(select(ArticleEvent.kind).order_by(ArticleEvent.id)).scalars())
            attempts = s.execute(select(func.count()).select_from(FetchAttempt)).scalar_one()
            nrev = s.execute(select(func.count()).select_from(ArticleRevision)).scalar_one()
            runs = s.execute(select(func.count()).select_from(DiscoveryRun)).scalar_one()
        assert art.revision == 2 and [r.revision for r in revs] == [1, 2]
        assert "cập nhật thêm thông tin mới" not in revs[0].body  # the earlier text is kept
        assert "cập nhật thêm thông tin mới" in revs[1].body and revs[1].body == art.body
        assert revs[0].content_fingerprint != revs[1].content_fingerprint
        assert events == ["created", "updated"]
        assert (attempts, nrev, runs) == (3, 2, 0)
    finally:
        ctx.close()


def test_feed_builder_keeps_the_real_feed():
    body = rss_feed([("http://127.0.0.1:1/a-1234567.html", "Tiêu đề", datetime(2026, 1, 1, tzinfo=UTC))])
    assert b"VnExpress RSS" in body and b"slash:comments" in body


def test_robots_txt_applies_to_discovery_documents(db_url, site):
    fx = FixtureNews(site).build()
    site.put("/robots.txt", b"User-agent: *\nDisallow: /rss/\n", "text/plain")
    ctx = _ctx(db_url)
    try:
        sid = _source(ctx, fx.registry_toml())
        run = run_discovery(sid, ctx=ctx, enqueue=None)
        assert not site.hits_for(fx.FEED)
        assert len(run.errors) == 1 and "disallowed" in run.errors[0]
        assert (run.found, run.new) == (11, 11)  # sitemaps and sections still read (article 0 is in both)
        with transaction(ctx.engine) as s:
            assert repo.discovery_runs(s, source_id=sid)[0].errors == 1
    finally:
        ctx.close()
