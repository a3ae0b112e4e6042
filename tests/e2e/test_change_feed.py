"""The same story (the original, a syndicated copy under another headline, a lightly edited\ncopy) on three local "sites" (127.0.0.1, .2, .3) ingested by a real worker on Redis and
PostgreSQL: three articles in one group, one original and two `duplicate` events; a consumer-group
reader of the Redis stream and a pager of article_event see the same sequence; the export is valid
against docs/schema."""

from __future__ import annotations

import gzip
import json

import pytest
import redis

from scheduler.localsite import LocalSite, Page
from storage import migrate
from storage import repository as repo
from storage.db import make_engine, transaction
from tests.support.pages import FIXTURES
from tests.support.schemas import validator
from tests.support.services import celery_worker, fresh_redis_url, newsingest, service_env
from worker.feed import STREAM

pytestmark = [pytest.mark.e2e, pytest.mark.postgres]

STORY = FIXTURES / "vietnamese" / "tuoitre_article.html.gz"
PATH = "https://tuoitre.vn/chien-su-day-gia-hoa-nhap-khau-dip-8-3-tang-manh-20260307075519174.htm"


def test_syndicated_story_groups_and_feeds_agree(pg_url, tmp_path):
    migrate.upgrade(pg_url)
    broker = fresh_redis_url(14)
    env = service_env(pg_url, broker, NEWSINGEST_ALLOW_NETWORKS="127.0.0.0/8")
    # Site 1 publishes the story; site 2 runs it under its own headline with "Theo TTXVN"; site 3
    # runs a lightly edited version.
    html = gzip.decompress(STORY.read_bytes()).decode("utf-8")
    title = "Chiến sự đẩy giá hoa nhập khẩu dịp 8-3 tăng mạnh"
    variants = [
        html,
        html.replace(title, "Giá hoa nhập khẩu tăng vọt dịp 8-3").replace(
            "Xung đột ở khu vực Trung Đông", "Theo TTXVN, xung đột ở khu vực Trung Đông"),
        html.replace("khan hiếm", "thiếu hụt").replace("tăng giá", "đội giá"),
    ]
    files = []
    for i, text in enumerate(variants):
        files.append(tmp_path / f"site{i + 1}.html")
        files[-1].write_text(text, encoding="utf-8")
    sites = [LocalSite([Page(original_url=PATH, file=f)], host=f"127.0.0.{i + 1}").start()
             for i, f in enumerate(files)]
    client = redis.Redis.from_url(broker, decode_responses=True)
    client.xgroup_create(STREAM, "consumers", id="0", mkstream=True)
    try:
        urls = [s.urls()[0] for s in sites]
        with celery_worker(env, tmp_path / "worker.log", concurrency=2):
            proc = newsingest("enqueue", *urls, "--wait", "--json", "--timeout", "120", env=env, timeout=180)
            assert proc.returncode == 0, proc.stderr
            outcomes = json.loads(proc.stdout)
            # another ingest of an already stored copy announces nothing new
            again = newsingest("enqueue", urls[0], "--wait", "--json", env=env, timeout=180)
            assert json.loads(again.stdout)[0]["outcome"] == "duplicate"
    finally:
        for s in sites:
            s.stop()

    assert sorted(o["outcome"] for o in outcomes) == ["copy", "copy", "stored"]
    original = next(o["article_id"] for o in outcomes if o["outcome"] == "stored")

    engine = make_engine(pg_url)
    try:
        with transaction(engine) as s:
            articles = [repo.get_article(s, article_id=o["article_id"]) for o in outcomes]
            table = [(e.id, e.kind, e.article_id) for e in repo.events_since(s, after_id=0, limit=100)]
    finally:
        engine.dispose()
    assert {a.group_id for a in articles} == {original}
    assert sorted((a.duplicate_of or 0) for a in articles) == [0, original, original]
    assert len({a.site for a in articles}) == 1  # the page names its publisher
    assert sorted(k for _, k, _ in table) == ["created", "duplicate", "duplicate"]

    # A consumer group reading the stream sees exactly the table's sequence.
    read = client.xreadgroup("consumers", "reader-1", {STREAM: ">"}, count=100, block=2000)
    entries = read[0][1] if read else []
    stream = [(int(f["event_id"]), f["kind"], int(f["article_id"])) for _, f in entries]
    assert stream == table
    assert [eid for eid, _ in entries] == [f"{e}-0" for e, _, _ in table]
    client.xack(STREAM, "consumers", *[eid for eid, _ in entries])

    export = newsingest("export", "--since-id", "0", env=env)
    assert export.returncode == 0, export.stderr
    records = [json.loads(line) for line in export.stdout.splitlines()]
    check = validator("event.schema.json")
    for rec in records:
        check.validate(rec)
    assert [(r["event_id"], r["kind"], r["article"]["id"]) for r in records] == table
    assert all(len(r["article"]["photos"]) >= 2 for r in records)
