"""End to end: a local HTTP site of real saved pages, the real `newsingest enqueue` CLI, a real
`celery worker` process on the machine's Redis, and a fresh PostgreSQL database."""

from __future__ import annotations

import json
import time

import pytest
from sqlalchemy import func, select

from scheduler.localsite import LocalSite
from storage import migrate
from storage.db import make_engine, transaction
from storage.models import Article, ArticleEvent, FetchAttempt, Photo
from tests.support.pages import html_of, twenty_pages
from tests.support.services import celery_worker, fresh_redis_url, newsingest, service_env
from worker.extract import extract_article

pytestmark = [pytest.mark.e2e, pytest.mark.postgres]


@pytest.fixture(scope="module")
def site():
    with LocalSite(twenty_pages()) as s:
        yield s


@pytest.fixture(scope="module")
def stack(pg_url_session, site, tmp_path_factory):
    """PostgreSQL migrated, Redis db emptied, one celery worker running."""
    migrate.upgrade(pg_url_session)
    broker = fresh_redis_url(13)
    env = service_env(pg_url_session, broker)
    log = tmp_path_factory.mktemp("worker") / "worker.log"
    with celery_worker(env, log, concurrency=2) as proc:
        yield {"env": env, "db": pg_url_session, "log": log, "proc": proc, "broker": broker}


def _counts(db_url: str) -> tuple[int, int, int]:
    engine = make_engine(db_url)
    try:
        with transaction(engine) as s:
            rows = s.execute(select(func.count()).select_from(Article)).scalar_one()
            keys = s.execute(select(func.count(func.distinct(Article.url_key)))).scalar_one()
            photos = s.execute(select(func.count()).select_from(Photo)).scalar_one()
        return rows, keys, photos
    finally:
        engine.dispose()


def _enqueue_wait(stack, urls: list[str]) -> list[dict]:
    proc = newsingest("enqueue", *urls, "--wait", "--json", "--timeout", "240", env=stack["env"], timeout=300)
    assert proc.returncode == 0, f"enqueue failed ({proc.returncode}):\n{proc.stdout}\n{proc.stderr}\n" + \
        stack["log"].read_text()[-4000:]
    return json.loads(proc.stdout)


def test_twenty_urls_then_variants_then_double_delivery(stack, site):
    urls = site.urls()
    assert len(urls) == 20

    # 1. Twenty URLs through the broker: twenty rows, with their photos and captions.
    first = _enqueue_wait(stack, urls)
    assert [o["outcome"] for o in first] == ["stored"] * 20, first
    rows, keys, photos = _counts(stack["db"])
    assert (rows, keys) == (20, 20)

    engine = make_engine(stack["db"])
    try:
        with transaction(engine) as s:
            by_id = {a.id: a for a in s.execute(select(Article)).scalars()}
            stored_photos = {
                a.id: [(p.src, p.caption, p.credit) for p in
                       s.execute(select(Photo).where(Photo.article_id == a.id).order_by(Photo.position)).scalars()]
                for a in by_id.values()
            }
    finally:
        engine.dispose()
    captioned = 0
    article_of = {o["url"]: o["article_id"] for o in first}
    for page in site.pages.values():
        url = site.url_for(page)
        expected = extract_article(html_of(page), url)
        row = by_id[article_of[url]]
        assert row.title == expected.title
        assert stored_photos[row.id] == [(p.src, p.caption, p.credit) for p in expected.photos], url
        captioned += sum(1 for p in expected.photos if p.caption)
        if row.published is not None:
            assert row.published.tzinfo is not None
    assert photos >= 20 and captioned >= 20, (photos, captioned)

    # 2. The same articles by other spellings of their URLs: still twenty rows.
    variants = []
    for i, url in enumerate(urls):
        kind = i % 4
        if kind == 0:
            variants.append(url + ("&" if "?" in url else "?") + "utm_source=rss&utm_medium=feed")
        elif kind == 1:
            variants.append(url + "#comments")
        elif kind == 2:
            variants.append(url.replace("http://", "HTTP://", 1) + ("&" if "?" in url else "?") + "fbclid=IwAR0x")
        else:
            variants.append(url.rstrip("/") + "/")
    second = _enqueue_wait(stack, variants)
    assert {o["outcome"] for o in second} <= {"duplicate", "updated"}, second
    assert [o["article_id"] for o in second] == [o["article_id"] for o in first]
    assert _counts(stack["db"])[:2] == (20, 20)

    # 3. One task delivered twice (same task id, as after a redelivery): one row.
    from worker.celery_app import create_app
    from worker.settings import Settings

    producer = create_app(Settings(database_url=stack["db"], broker_url=stack["broker"]))
    task_id = "redelivered-task-0001"
    for _ in range(2):
        producer.send_task("newsingest.ingest_url", args=[urls[0]], task_id=task_id, queue="ingest")
    engine = make_engine(stack["db"])
    try:
        deadline = time.monotonic() + 120
        attempts: list[FetchAttempt] = []
        while time.monotonic() < deadline:
            with transaction(engine) as s:
                attempts = list(s.execute(select(FetchAttempt).where(FetchAttempt.task_id == task_id)).scalars())
            if len(attempts) >= 2:
                break
            time.sleep(0.3)
        assert len(attempts) == 2, stack["log"].read_text()[-3000:]
        assert {a.outcome for a in attempts} == {"duplicate"}
        assert {a.article_id for a in attempts} == {first[0]["article_id"]}
        with transaction(engine) as s:
            events = list(s.execute(select(ArticleEvent)).scalars())
    finally:
        engine.dispose()
    assert _counts(stack["db"])[:2] == (20, 20)
    # One `created` event per article, nothing else: re-ingesting unchanged pages announces nothing.
    assert sorted(e.kind for e in events) == ["created"] * 20
