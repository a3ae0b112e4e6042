"""The cheap store path of worker.pipeline (issue 5): same results as before, fewer statements.

Runs on both backends (``db_url``) unless marked; the Redis tests use the machine's Redis (db 7).
"""

from __future__ import annotations

import gzip
import threading
import time
from contextlib import contextmanager

import pytest
import redis
from sqlalchemy import event, select

from storage import repository as repo
from storage.db import transaction
from storage.models import Article, ArticleBand, Photo, PhotoBase
from tests.support.httpserver import RouteServer, send
from tests.support.pages import FIXTURES
from tests.support.services import fresh_redis_url
from worker import dedup
from worker.feed import RELAY_LOCK, STREAM, Announcer, _stream_fields, iter_events, relay_events
from worker.pipeline import PipelineContext, ingest
from worker.settings import Settings


def _values(n: int, fingerprint: str, **extra: object) -> dict:
    return {"url": f"https://a.vn/{n}", "canonical_url": f"https://a.vn/{n}", "body": f"body {n}",
            "content_fingerprint": fingerprint, **extra}


def _store(engine, n: int, fingerprint: str, keys: list[int] = (), **extra: object) -> int:
    with transaction(engine) as s:
        row, created = repo.insert_article_if_absent(s, values=_values(n, fingerprint, **extra), url_key=f"k{n}")
        assert created
        repo.add_bands(s, article_id=row.id, keys=list(keys))
        return row.id


@contextmanager
def _statements(engine):
    seen: list[str] = []

    def count(conn, cursor, statement, parameters, context, executemany):
        seen.append(statement)

    event.listen(engine, "before_cursor_execute", count)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", count)


# --------------------------------------------------------------------------- repository


def test_dedup_candidates_answer_what_the_two_lookups_answer(engine):
    a = _store(engine, 1, "same", [10, 11, 12])
    b = _store(engine, 2, "same", [12, 13])
    c = _store(engine, 3, "other", [13, 14], duplicate_of=a, group_id=a)
    _store(engine, 4, "unrelated", [99])
    cases = [("same", [12, 13], None), ("same", [12, 13], a), ("other", [10], c), ("none", [], None),
             ("none", [14, 11], b), ("same", [], a)]
    with transaction(engine) as s:
        for fingerprint, keys, exclude in cases:
            exact = repo.find_by_fingerprint(s, fingerprint=fingerprint, exclude_id=exclude)
            near = repo.near_candidates(s, keys=keys, exclude_id=exclude)
            expected = ([(exact.id, True)] if exact else []) + [(r.id, False) for r in near]
            got = repo.dedup_candidates(s, fingerprint=fingerprint, keys=keys, exclude_id=exclude)
            assert [(r.id, r.exact) for r in got] == expected, (fingerprint, keys, exclude)
            for r in got:
                stored = repo.get_article(s, article_id=r.id)
                assert (r.content_fingerprint, r.minhash, r.duplicate_of, r.group_id) == (
                    stored.content_fingerprint, stored.minhash, stored.duplicate_of, stored.group_id)
        ids = [_store(engine, 10 + i, f"fp{i}", [500]) for i in range(5)]
        assert [r.id for r in repo.dedup_candidates(s, fingerprint="x", keys=[500], limit=3)] == ids[:3]


def test_own_group_is_set_by_the_insert(engine):
    with transaction(engine) as s:
        row, created = repo.insert_article_if_absent(s, values=_values(1, "f"), url_key="g", own_group=True)
        assert created and row.group_id == row.id
        again, created_again = repo.insert_article_if_absent(s, values=_values(2, "f"), url_key="g", own_group=True)
        assert not created_again and again is row
    with transaction(engine) as s:
        stored = repo.get_article(s, article_id=row.id)
        assert stored.group_id == stored.id and stored.duplicate_of is None
        repo.set_duplicate_of(s, article=stored, duplicate_of=None, group_id=7)
        assert stored.group_id == 7 and not s.dirty
    with transaction(engine) as s:
        assert repo.get_article(s, article_id=row.id).group_id == 7


def test_add_photos_and_bands_are_one_statement_each(engine):
    article_id = _store(engine, 1, "f")
    photos = [PhotoBase(position=5, src="b.jpg", caption="B", alternatives=["b2.jpg"]),
              PhotoBase(position=1, src="a.jpg", caption="Ảnh A")]
    with transaction(engine) as s, _statements(engine) as seen:
        repo.add_photos(s, article_id=article_id, photos=photos)
        repo.add_bands(s, article_id=article_id, keys=[-(2**63), 5, 2**63 - 1])
        repo.add_photos(s, article_id=article_id, photos=[])
        repo.add_bands(s, article_id=article_id, keys=[])
    assert len(seen) == 2
    with transaction(engine) as s:
        stored = repo.photos_for(s, article_id=article_id)
        assert [(p.position, p.src, p.caption, p.alternatives) for p in stored] == [
            (0, "a.jpg", "Ảnh A", []), (1, "b.jpg", "B", ["b2.jpg"])]
        bands = s.execute(select(ArticleBand.band, ArticleBand.key).where(ArticleBand.article_id == article_id)
                          .order_by(ArticleBand.band)).all()
        assert [tuple(b) for b in bands] == [(0, -(2**63)), (1, 5), (2, 2**63 - 1)]
    with transaction(engine) as s:  # replace_* still replace
        repo.replace_photos(s, article_id=article_id, photos=[PhotoBase(position=3, src="c.jpg")])
        repo.replace_bands(s, article_id=article_id, keys=[8])
    with transaction(engine) as s:
        assert [(p.position, p.src) for p in repo.photos_for(s, article_id=article_id)] == [(0, "c.jpg")]
        assert s.execute(select(ArticleBand.key).where(ArticleBand.article_id == article_id)).scalars().all() == [8]
        assert s.execute(select(Photo.id)).scalars().all()


@pytest.mark.postgres
def test_lock_content_makes_a_concurrent_copy_wait_for_the_original(pg_url):
    """The guarantee lock_content exists for: a writer storing a near-copy (one band key in common)
    waits until the original is committed, then its next statement finds it."""
    from storage.db import make_engine
    from storage.migrate import upgrade

    upgrade(pg_url)
    engine = make_engine(pg_url)
    original_locked, release = threading.Event(), threading.Event()
    seen: dict[str, object] = {}

    def original() -> None:
        with transaction(engine) as s:
            repo.lock_content(s, fingerprint="a" * 64, band_keys=[1, 2, 3])
            row, _ = repo.insert_article_if_absent(s, values=_values(1, "a" * 64), url_key="orig", own_group=True)
            repo.add_bands(s, article_id=row.id, keys=[1, 2, 3])
            seen["original"] = row.id
            original_locked.set()
            release.wait(10)
            seen["committed_at"] = time.monotonic()

    def copy() -> None:
        original_locked.wait(10)
        with transaction(engine) as s:
            repo.lock_content(s, fingerprint="b" * 64, band_keys=[9, 3, 8])  # shares band key 3
            seen["locked_at"] = time.monotonic()
            seen["found"] = [c.id for c in repo.dedup_candidates(s, fingerprint="b" * 64, keys=[9, 3, 8])]

    try:
        threads = [threading.Thread(target=original), threading.Thread(target=copy)]
        for t in threads:
            t.start()
        original_locked.wait(10)
        time.sleep(0.5)
        assert "locked_at" not in seen  # still waiting for the original's transaction
        release.set()
        for t in threads:
            t.join(30)
        assert seen["locked_at"] >= seen["committed_at"]
        assert seen["found"] == [seen["original"]]
    finally:
        engine.dispose()


@pytest.mark.postgres
def test_event_ids_follow_the_lock_under_concurrency(pg_url):
    """add_event takes the event lock and its id in one statement: ids still become visible in
    increasing order when many writers commit at once."""
    from storage.db import make_engine
    from storage.migrate import upgrade

    upgrade(pg_url)
    engine = make_engine(pg_url, pool_size=8)
    article_id = _store(engine, 1, "f")
    visible: list[list[int]] = []
    stop = threading.Event()

    def writer() -> None:
        for _ in range(25):
            with transaction(engine) as s:
                repo.add_event(s, article_id=article_id, kind="updated")

    def reader() -> None:
        while not stop.is_set():
            with transaction(engine) as s:
                visible.append([e.id for e in repo.events_since(s, after_id=0, limit=1000)])

    try:
        threads = [threading.Thread(target=writer) for _ in range(6)]
        watcher = threading.Thread(target=reader)
        watcher.start()
        for t in threads:
            t.start()
        for t in threads:
            t.join(60)
        stop.set()
        watcher.join(10)
        with transaction(engine) as s:
            final = [e.id for e in repo.events_since(s, after_id=0, limit=1000)]
        assert len(final) == 150 and final == sorted(final)
        for ids in visible:  # every snapshot is a prefix of the final sequence: no id appears late
            assert ids == final[:len(ids)]
    finally:
        engine.dispose()


# --------------------------------------------------------------------------- pipeline


def _page(name: str) -> str:
    return gzip.decompress((FIXTURES / "vietnamese" / f"{name}.html.gz").read_bytes()).decode("utf-8")


@pytest.mark.postgres
def test_statements_per_article(pg_url):
    """A new article is 7 statements (lock, insert, dedup lookup, photos, bands, attempt, event);
    an unchanged re-fetch 6; no statement reads an article body back."""
    from storage.db import make_engine
    from storage.migrate import upgrade

    upgrade(pg_url)
    engine = make_engine(pg_url)
    html = _page("tuoitre_article")
    with RouteServer({"/a": lambda h: send(h, 200, html.encode())}) as srv:
        ctx = PipelineContext(Settings(database_url=pg_url, allow_networks="127.0.0.0/8", politeness_delay=0),
                              engine=engine)
        try:
            with _statements(engine) as seen:
                assert ingest(srv.url("/a"), ctx=ctx).outcome == "stored"
            new = list(seen)
            with _statements(engine) as seen:
                assert ingest(srv.url("/a"), ctx=ctx).outcome == "duplicate"
            again = list(seen)
        finally:
            ctx.close()
    assert len(new) == 7, new
    assert len(again) == 6, again
    assert not any("body" in s.split("FROM")[0] for s in new if s.lstrip().startswith("SELECT"))


# --------------------------------------------------------------------------- change feed


@pytest.fixture
def feed_redis():
    url = fresh_redis_url(7)
    client = redis.Redis.from_url(url, decode_responses=True)
    yield url, client
    client.flushdb()
    client.close()


@pytest.mark.postgres
def test_announced_entries_equal_the_relayed_ones(pg_url, feed_redis, monkeypatch):
    """The writer's direct append (no database query) gives the stream the very entries the
    relay builds from the tables; gaps and a running relay fall back to the relay."""
    from storage.db import make_engine
    from storage.migrate import upgrade

    upgrade(pg_url)
    url, client = feed_redis
    engine = make_engine(pg_url)
    html = _page("tuoitre_article")
    nld = _page("nld_article")
    pages = {"/a": html, "/copy": html, "/b": nld}
    routes = {p: (lambda h, p=p: send(h, 200, pages[p].encode())) for p in pages}
    with RouteServer(routes) as srv:
        ctx = PipelineContext(Settings(database_url=pg_url, broker_url=url, allow_networks="127.0.0.0/8",
                                       politeness_delay=0), engine=engine)
        relayed = []

        def spy(*args, **kwargs):
            relayed.append(1)
            return relay_events(*args, **kwargs)

        monkeypatch.setattr("worker.feed.relay_events", spy)
        try:
            assert ingest(srv.url("/a"), ctx=ctx).outcome == "stored"
            assert ingest(srv.url("/copy"), ctx=ctx).outcome == "copy"
            assert relayed == []  # both appended directly
            # an event nobody announced (a writer that died after its commit): the next falls back
            with transaction(engine) as s:
                first = s.execute(select(Article.id).order_by(Article.id)).scalars().first()
                repo.add_event(s, article_id=first, kind="updated")
            assert ingest(srv.url("/b"), ctx=ctx).outcome == "stored"
            assert relayed == [1]
            # a relay running elsewhere: nothing appended now, the relay (or the next one) does it
            client.set(RELAY_LOCK, "someone", px=30_000)
            pages["/a"] = html.replace("Xung đột ở khu vực Trung Đông", "Xung đột kéo dài ở Trung Đông")
            assert ingest(srv.url("/a"), ctx=ctx).outcome == "updated"
            assert relayed == [1, 1]
            client.delete(RELAY_LOCK)
            assert relay_events(engine, redis.Redis.from_url(url)) == 1
        finally:
            ctx.close()
    expected = [_stream_fields(r) for r in iter_events(engine, full=False)]
    entries = client.xrange(STREAM)
    assert [f for _, f in entries] == expected
    assert [e for e, _ in entries] == [f"{f['event_id']}-0" for f in expected]
    assert [f["kind"] for f in expected] == ["created", "duplicate", "updated", "created", "updated"]
    engine.dispose()


def test_announcer_without_redis_does_not_fail(db_url):
    announcer = Announcer("redis://127.0.0.1:1/0")
    from storage.db import make_engine

    engine = make_engine(db_url)
    try:
        assert announcer.announce(engine) == 0
    finally:
        announcer.close()
        engine.dispose()


# --------------------------------------------------------------------------- dedup


def test_fingerprint_and_signature_are_the_separate_functions():
    bodies = ["", "ngắn", " ".join(f"từ{i} word{i % 7}" for i in range(200)), _page("nld_article")]
    for body in bodies:
        assert dedup.fingerprint_and_signature(body) == (dedup.content_fingerprint(body), dedup.near_signature(body))
    assert dedup.EMPTY_FINGERPRINT == dedup.content_fingerprint("")


def test_signature_is_unchanged_across_releases():
    """Stored signatures must stay comparable: this value was computed by the first release."""
    import hashlib

    body = " ".join(f"từ{i} word{i % 7}" for i in range(200))
    sig = dedup.near_signature(body)
    assert hashlib.sha256(sig).hexdigest() == SIGNATURE_SHA256
    assert dedup.shingles("Một hai  ba, bốn!") == {"một hai ba".encode(), "hai ba bốn".encode()}


SIGNATURE_SHA256 = "419c73a927b3c4be2bc6db45ac3a7fc1aa3936021f4d1b559f0e351efcec86ce"
