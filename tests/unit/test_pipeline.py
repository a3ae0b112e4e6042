"""pipeline.ingest in process, on SQLite and PostgreSQL, against a real local HTTP server."""

from __future__ import annotations

import gzip

import pytest
from sqlalchemy import func, select

from storage import repository as repo
from storage.db import transaction
from storage.models import Article, ArticleEvent, FetchAttempt, Outcome
from tests.support.httpserver import RouteServer, send
from tests.support.pages import FIXTURES
from worker.pipeline import PipelineContext, ingest
from worker.settings import Settings


def _page(name: str) -> str:
    return gzip.decompress((FIXTURES / "vietnamese" / f"{name}.html.gz").read_bytes()).decode("utf-8")


TUOITRE = _page("tuoitre_article")
TUOITRE_URL = "https://tuoitre.vn/chien-su-day-gia-hoa-nhap-khau-dip-8-3-tang-manh-20260307075519174.htm"
LIST_PAGE = _page("tuoitre_list")


@pytest.fixture
def bodies():
    return {
        "/a.htm": TUOITRE,
        "/copy-elsewhere.htm": TUOITRE,
        "/list": LIST_PAGE,
    }


@pytest.fixture
def server(bodies):
    routes = {path: (lambda h, p=path: send(h, 200, bodies[p].encode("utf-8"))) for path in
              ["/a.htm", "/copy-elsewhere.htm", "/list", "/alias.htm"]}
    with RouteServer(routes) as s:
        yield s


@pytest.fixture
def ctx(db_url, engine):
    c = PipelineContext(Settings(database_url=db_url, allow_networks="127.0.0.0/8", politeness_delay=0),
                        engine=engine)
    yield c
    c.fetcher.close()


def _count(engine, model) -> int:
    with transaction(engine) as s:
        return s.execute(select(func.count()).select_from(model)).scalar_one()


def _events(engine) -> list[str]:
    with transaction(engine) as s:
        return [e.kind for e in s.execute(select(ArticleEvent).order_by(ArticleEvent.id)).scalars()]


def test_store_then_duplicate_then_update(ctx, engine, server, bodies):
    url = server.url("/a.htm")
    first = ingest(url, ctx=ctx)
    assert first.outcome == Outcome.stored and first.article_id
    with transaction(engine) as s:
        row = repo.get_article(s, article_id=first.article_id)
        photos = repo.photos_for(s, article_id=first.article_id)
    assert row.title == "Chiến sự đẩy giá hoa nhập khẩu dịp 8-3 tăng mạnh"
    assert row.published is not None and row.tz_offset_minutes == 420
    assert [p.position for p in photos] == list(range(len(photos))) and len(photos) >= 2
    assert _events(engine) == ["created"]

    again = ingest(url + "?utm_source=x#top", ctx=ctx)
    assert (again.outcome, again.article_id) == (Outcome.duplicate, first.article_id)
    assert _events(engine) == ["created"]

    bodies["/a.htm"] = TUOITRE.replace("Xung đột ở khu vực Trung Đông", "Xung đột kéo dài ở Trung Đông")
    changed = ingest(url, ctx=ctx)
    assert (changed.outcome, changed.article_id) == (Outcome.updated, first.article_id)
    with transaction(engine) as s:
        assert repo.get_article(s, article_id=first.article_id).revision == 2
    assert _events(engine) == ["created", "updated"]
    assert _count(engine, Article) == 1
    assert _count(engine, FetchAttempt) == 3


def test_rel_canonical_joins_two_urls(ctx, engine, server, bodies):
    canonical = server.url("/a.htm")
    # The page declares the local URL as its canonical (link rel=canonical, og:url, JSON-LD).
    html = TUOITRE.replace(TUOITRE_URL, canonical)
    assert html.count(canonical) >= 2
    bodies["/a.htm"] = html
    bodies["/alias.htm"] = html
    a = ingest(server.url("/alias.htm"), ctx=ctx)
    b = ingest(canonical, ctx=ctx)
    assert a.outcome == Outcome.stored and b.outcome == Outcome.duplicate
    assert a.article_id == b.article_id and _count(engine, Article) == 1


def test_same_content_elsewhere_is_a_linked_copy(ctx, engine, server):
    original = ingest(server.url("/a.htm"), ctx=ctx)
    copy = ingest(server.url("/copy-elsewhere.htm"), ctx=ctx)
    assert copy.outcome == Outcome.copy and copy.duplicate_of == original.article_id
    assert copy.article_id != original.article_id
    with transaction(engine) as s:
        row = repo.get_article(s, article_id=copy.article_id)
        assert row.duplicate_of == original.article_id and row.group_id == original.article_id
    assert _events(engine) == ["created", "duplicate"]


def test_failures_are_recorded_and_store_nothing(ctx, engine, server):
    missing = ingest(server.url("/nope"), ctx=ctx)
    listing = ingest(server.url("/list"), ctx=ctx)
    bad = ingest("htp:/broken", ctx=ctx)
    assert missing.outcome == Outcome.not_found and missing.http_status == 404 and not missing.retryable
    assert listing.outcome == Outcome.not_article and "not an article" in listing.error
    assert bad.outcome == Outcome.invalid_url
    assert _count(engine, Article) == 0
    with transaction(engine) as s:
        outcomes = sorted(a.outcome for a in s.execute(select(FetchAttempt)).scalars())
    assert outcomes == sorted(["not_found", "not_article", "invalid_url"])


def test_syndicated_variants_join_one_group_and_other_stories_do_not(ctx, engine, bodies):
    nld = _page("nld_article")
    title = "Chiến sự đẩy giá hoa nhập khẩu dịp 8-3 tăng mạnh"
    # Another site: its own headline, a boilerplate line and a related box appended to the body.
    syndicated = TUOITRE.replace(title, "Giá hoa nhập khẩu tăng vọt dịp 8-3 vì chiến sự").replace(
        "Xung đột ở khu vực Trung Đông", "Theo TTXVN, xung đột ở khu vực Trung Đông")
    # A lightly edited version: a few words changed in the body.
    edited = TUOITRE.replace("khan hiếm", "thiếu hụt").replace("tăng giá", "đội giá").replace(
        "Hà Lan", "Hà Lan (Netherlands)")
    assert syndicated != TUOITRE and edited != TUOITRE
    pages = {"/orig": TUOITRE, "/synd": syndicated, "/edit": edited, "/other": nld}
    routes = {p: (lambda h, p=p: send(h, 200, pages[p].encode("utf-8"))) for p in pages}
    with RouteServer(routes) as srv:
        results = {p: ingest(srv.url(p), ctx=ctx) for p in ("/orig", "/synd", "/edit", "/other")}
    orig = results["/orig"].article_id
    assert results["/orig"].outcome == Outcome.stored
    assert (results["/synd"].outcome, results["/synd"].duplicate_of) == (Outcome.copy, orig)
    assert (results["/edit"].outcome, results["/edit"].duplicate_of) == (Outcome.copy, orig)
    assert results["/other"].outcome == Outcome.stored
    with transaction(engine) as s:
        groups = {p: repo.get_article(s, article_id=r.article_id).group_id for p, r in results.items()}
    assert groups["/orig"] == groups["/synd"] == groups["/edit"] == orig != groups["/other"]
    assert _events(engine) == ["created", "duplicate", "duplicate", "created"]


def test_a_row_the_database_refuses_is_recorded_not_lost(ctx, engine, server, monkeypatch):
    # Fault injection in our own code: an extractor bug that returns a naive time, which the
    # timezone-aware column refuses. The attempt is recorded with outcome "error" and the reason;
    # no half-stored article remains and the next page is stored as usual.
    import datetime as dt

    import worker.pipeline as pipeline

    real = pipeline.extract_article

    def buggy(html, url):
        art = real(html, url)
        art.published = dt.datetime(2024, 11, 22, 16, 55, 35)
        return art

    monkeypatch.setattr(pipeline, "extract_article", buggy)
    result = ingest(server.url("/a.htm"), ctx=ctx)
    assert result.outcome == Outcome.error and "naive datetime" in result.error
    monkeypatch.setattr(pipeline, "extract_article", real)
    assert ingest(server.url("/a.htm"), ctx=ctx).outcome == Outcome.stored
    with transaction(engine) as s:
        attempts = [a.outcome for a in s.execute(select(FetchAttempt).order_by(FetchAttempt.id)).scalars()]
    assert attempts == ["error", "stored"]
    assert _count(engine, Article) == 1


class _TimeLimit(Exception):
    """What a task's soft time limit raises, from a signal, wherever the task is."""


@pytest.mark.postgres
def test_a_store_cut_short_by_the_time_limit_is_not_recorded_as_refused(pg_url, server):
    # The store waits on PostgreSQL (here: for the event lock another session holds; in production: a
    # connection gone silent) when the task's time limit interrupts it. psycopg's connection is left
    # busy, so the rollback fails ("can't change 'autocommit' now ... ACTIVE"); that cleanup error must
    # not pass for a row the database refused, which would record a final "error" and drop the URL.
    # The interruption reaches the caller (the task retries it), nothing is recorded, and the next try
    # stores the article on the same engine.
    import signal

    from storage import migrate
    from storage.db import make_engine
    from storage.repository import EVENT_LOCK_CLASS

    migrate.upgrade(pg_url)
    engine, holder = make_engine(pg_url, pool_size=1, max_overflow=0), make_engine(pg_url)
    c = PipelineContext(Settings(database_url=pg_url, allow_networks="127.0.0.0/8", politeness_delay=0),
                        engine=engine)

    def interrupt(signum, frame):
        raise _TimeLimit("soft time limit exceeded")

    try:
        with holder.connect() as other:
            other.exec_driver_sql(f"SELECT pg_advisory_lock({EVENT_LOCK_CLASS}, 0)")
            signal.signal(signal.SIGALRM, interrupt)
            signal.setitimer(signal.ITIMER_REAL, 1.0)
            try:
                with pytest.raises(_TimeLimit):
                    ingest(server.url("/a.htm"), ctx=c, task_id="t-1")
            finally:
                signal.setitimer(signal.ITIMER_REAL, 0)
                signal.signal(signal.SIGALRM, signal.SIG_DFL)
            other.exec_driver_sql(f"SELECT pg_advisory_unlock({EVENT_LOCK_CLASS}, 0)")
        assert _count(engine, FetchAttempt) == 0 and _count(engine, Article) == 0
        assert ingest(server.url("/a.htm"), ctx=c, task_id="t-1").outcome == Outcome.stored
        assert _count(engine, Article) == 1
    finally:
        c.fetcher.close()
        engine.dispose()
        holder.dispose()
