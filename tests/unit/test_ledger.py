"""The task ledger's lost-task detection on the machine's real Redis (db 4) and PostgreSQL: a task
taken off the queue list by hand (the BRPOP window of a killed worker) is the only one found lost,
and it is sent again under the same task id."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest
import redis
from sqlalchemy import update
from sqlmodel import select

from storage import ledger as ledger_repo
from storage import migrate
from storage.db import make_engine, transaction
from storage.models import QueuedTask
from tests.support.services import fresh_redis_url
from worker import ledger
from worker.celery_app import Queue, TaskName, create_app
from worker.settings import Settings

pytestmark = [pytest.mark.postgres]

QUEUES = [q.value for q in Queue]


@pytest.fixture
def env(pg_url: str) -> Iterator[dict[str, Any]]:
    migrate.upgrade(pg_url)
    broker = fresh_redis_url(4)
    engine = make_engine(pg_url)
    app = create_app(Settings(database_url=pg_url, broker_url=broker))
    client = redis.Redis.from_url(broker)
    published: list[str] = []

    def publish(task_id: str, url: str, source_id: int | None) -> None:
        app.send_task(TaskName.ingest_url.value, args=[url], kwargs={"source_id": source_id}, task_id=task_id,
                      queue=Queue.ingest.value)
        published.append(task_id)

    try:
        yield {"engine": engine, "broker": broker, "client": client, "publish": publish, "published": published}
    finally:
        client.flushdb()
        client.close()
        engine.dispose()


def _queued(client: redis.Redis) -> dict[str, bytes]:
    """task id -> raw message of the messages in the ingest queue list."""
    return {json.loads(raw)["headers"]["id"]: raw for raw in client.lrange(Queue.ingest.value, 0, -1)}


def _take(client: redis.Redis, task_id: str) -> bytes:
    """Take one message off the queue list by hand, as a BRPOP does."""
    raw = _queued(client)[task_id]
    assert client.lrem(Queue.ingest.value, 1, raw) == 1
    return raw


def _row(engine: Any, task_id: str) -> QueuedTask:
    with transaction(engine) as s:
        row = ledger_repo.get(s, task_id=task_id)
    assert row is not None
    return row


def _pass(env: dict[str, Any], **kw: Any) -> ledger.RequeueReport:
    kw.setdefault("grace", 0.0)
    kw.setdefault("settle", 0.05)
    return ledger.requeue_lost(env["engine"], broker_url=env["broker"], queues=QUEUES, publish=env["publish"], **kw)


def test_only_the_task_taken_off_the_queue_is_lost_and_resent_with_its_id(env):
    engine, client = env["engine"], env["client"]
    urls = [f"https://example.com/news/{i}" for i in range(4)]
    queued, lost, running, done = ledger.enqueue_many(engine, items=[(u, 7) for u in urls], publish=env["publish"])
    assert env["published"] == [queued, lost, running, done]  # recorded, committed, then published
    assert set(_queued(client)) == {queued, lost, running, done}

    _take(client, lost)  # a worker killed between its BRPOP and its hset
    raw = _take(client, running)  # a task being run (or waiting for its countdown): in `unacked`
    client.hset("unacked", "tag-1", json.dumps([json.loads(raw), "ingest", "ingest"]))
    _take(client, done)  # finished and acknowledged
    with transaction(engine) as s:
        assert ledger_repo.mark_done(s, task_id=done)

    # inside the grace period nothing is even looked at
    assert _pass(env, grace=3600).checked == 0

    report = _pass(env)
    assert report.supported
    assert report.checked == 3
    assert [x["task_id"] for x in report.lost] == [lost]
    assert report.requeued == [lost] and report.given_up == []
    assert lost in _queued(client)  # sent again, same task id
    msg = json.loads(_queued(client)[lost])
    assert msg["headers"]["task"] == TaskName.ingest_url.value
    row = _row(engine, lost)
    assert row.requeues == 1 and row.requeued_at is not None and row.done_at is None
    assert row.url == urls[1] and row.source_id == 7
    assert _row(engine, running).requeues == 0 and _row(engine, queued).requeues == 0

    # re-sent just now: not looked at again before the grace period has passed since
    assert _pass(env, grace=60).checked == 0
    # and once it is in the queue, it is not lost
    again = _pass(env)
    assert again.lost == [] and again.requeued == []


def test_dry_run_and_giving_up(env):
    engine, client = env["engine"], env["client"]
    (task_id,) = ledger.enqueue_many(engine, items=[("https://example.com/a", None)], publish=env["publish"])
    _take(client, task_id)

    dry = _pass(env, dry_run=True)
    assert [x["task_id"] for x in dry.lost] == [task_id] and dry.requeued == []
    assert task_id not in _queued(client) and _row(engine, task_id).requeues == 0

    with transaction(engine) as s:
        s.execute(update(QueuedTask).where(QueuedTask.task_id == task_id).values(requeues=5))
    dry = _pass(env, max_requeues=5, dry_run=True)
    assert dry.given_up == [task_id] and _row(engine, task_id).given_up_at is None
    report = _pass(env, max_requeues=5)
    assert report.given_up == [task_id] and report.requeued == []
    assert task_id not in _queued(client)
    assert _row(engine, task_id).given_up_at is not None

    # given up: not examined (nor logged) again, not pending, counted apart
    again = _pass(env, max_requeues=5)
    assert again.lost == [] and again.given_up == [] and again.checked == 0
    with transaction(engine) as s:
        assert ledger_repo.count_pending(s) == 0 and ledger_repo.count_given_up(s) == 1
        assert [r.task_id for r in ledger_repo.given_up(s)] == [task_id]

    # --retry-given-up: pending again with a fresh budget, and this very pass sends it
    retried = _pass(env, max_requeues=5, retry_given_up=True)
    assert retried.retried == 1 and retried.requeued == [task_id]
    assert task_id in _queued(client)
    row = _row(engine, task_id)
    assert row.given_up_at is None and row.requeues == 1
    with transaction(engine) as s:
        assert ledger_repo.count_given_up(s) == 0


def test_a_message_reappearing_between_the_two_looks_is_not_lost(env):
    """A worker between its BRPOP and its hset: missing in the first look only."""
    engine, client = env["engine"], env["client"]
    (task_id,) = ledger.enqueue_many(engine, items=[("https://example.com/b", None)], publish=env["publish"])
    raw = _take(client, task_id)

    def hset_later() -> None:
        time.sleep(0.15)
        client.hset("unacked", "tag-2", json.dumps([json.loads(raw), "ingest", "ingest"]))

    thread = threading.Thread(target=hset_later)
    thread.start()
    report = _pass(env, settle=0.6)
    thread.join()
    assert report.checked == 1 and report.lost == [] and report.requeued == []


def test_a_task_done_between_the_looks_is_not_lost(env):
    """Marked done (then acknowledged) while the reaper looks: the database has the last word."""
    engine, client = env["engine"], env["client"]
    (task_id,) = ledger.enqueue_many(engine, items=[("https://example.com/c", None)], publish=env["publish"])
    _take(client, task_id)

    def finish_later() -> None:
        time.sleep(0.1)
        assert ledger.mark_done_quietly(engine, task_id=task_id)

    thread = threading.Thread(target=finish_later)
    thread.start()
    report = _pass(env, settle=0.5)
    thread.join()
    assert report.lost == [] and report.requeued == []


def test_other_brokers_requeue_nothing(env, tmp_path):
    engine, client = env["engine"], env["client"]
    (task_id,) = ledger.enqueue_many(engine, items=[("https://example.com/d", None)], publish=env["publish"])
    _take(client, task_id)
    report = ledger.requeue_lost(engine, broker_url=f"sqla+sqlite:///{tmp_path / 'b.sqlite'}", queues=QUEUES,
                                 publish=env["publish"], grace=0)
    assert not report.supported and "not Redis" in report.message
    assert report.requeued == [] and _row(engine, task_id).requeues == 0


def test_mark_done_never_raises():
    down = make_engine("postgresql+psycopg://postgres@127.0.0.1:1/none?connect_timeout=2")
    try:
        assert ledger.mark_done_quietly(down, task_id="x") is False
    finally:
        down.dispose()


def test_beat_carries_the_reaper_entry():
    from scheduler.beat import REQUEUE_ENTRY, static_schedule

    entry = static_schedule(Settings(requeue_interval=45))[REQUEUE_ENTRY]
    assert entry["task"] == TaskName.requeue_lost.value
    assert entry["schedule"].run_every.total_seconds() == 45
    assert entry["options"]["queue"] == Queue.discover.value
    assert static_schedule(Settings(requeue_interval=0)) == {}


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_done_rows_past_the_retention_are_purged_in_batches(backend, request, tmp_path):
    """Only rows done before the cut-off go; pending, given-up and recent done rows stay. Batches of 2
    rows, 2 batches a pass: the rest goes at the next pass. With any broker (the embedded one too)."""
    from datetime import UTC, datetime, timedelta

    url = request.getfixturevalue("pg_url") if backend == "postgresql" else f"sqlite:///{tmp_path / 'l.db'}"
    migrate.upgrade(url)
    engine = make_engine(url)
    now = datetime.now(UTC)
    try:
        with transaction(engine) as s:
            for i in range(5):  # done 10 days ago
                ledger_repo.record_sent(s, task_id=f"old-{i}", url=f"https://e.com/{i}", at=now - timedelta(days=11))
                ledger_repo.mark_done(s, task_id=f"old-{i}", at=now - timedelta(days=10))
            ledger_repo.record_sent(s, task_id="recent", url="https://e.com/r", at=now - timedelta(days=2))
            ledger_repo.mark_done(s, task_id="recent", at=now - timedelta(days=1))
            ledger_repo.record_sent(s, task_id="pending", url="https://e.com/p", at=now - timedelta(days=30))
            ledger_repo.record_sent(s, task_id="gaveup", url="https://e.com/g", at=now - timedelta(days=30))
            ledger_repo.mark_given_up(s, task_id="gaveup", at=now - timedelta(days=20))
        assert ledger.purge_done(engine, older_than=7 * 86400, batch=2, batches=2) == 4
        assert ledger.purge_done(engine, older_than=7 * 86400, batch=2, batches=2) == 1
        assert ledger.purge_done(engine, older_than=7 * 86400, batch=2, batches=2) == 0
        with transaction(engine) as s:
            left = sorted(r.task_id for r in s.exec(select(QueuedTask)).all())
        assert left == ["gaveup", "pending", "recent"]
        # the reaper pass purges with any broker; a dry run purges nothing
        with transaction(engine) as s:
            ledger_repo.mark_done(s, task_id="pending", at=now - timedelta(days=8))
        broker = f"sqla+sqlite:///{tmp_path / 'b.sqlite'}"
        dry = ledger.requeue_lost(engine, broker_url=broker, queues=QUEUES, publish=lambda *a: None,
                                  retention=7 * 86400, dry_run=True)
        assert dry.purged == 0
        report = ledger.requeue_lost(engine, broker_url=broker, queues=QUEUES, publish=lambda *a: None,
                                     retention=7 * 86400)
        assert not report.supported and report.purged == 1
    finally:
        engine.dispose()


def test_held_task_ids_scans_deep_queues_server_side_and_matches_only_task_ids(env):
    """3,000 queued messages: the scan returns exactly the candidate ids that are queued or unacked;
    a task id that only appears inside another message's arguments is not held."""
    client = env["client"]
    ids = [ledger.new_task_id() for _ in range(3000)]
    for task_id in ids:
        env["publish"](task_id, f"https://example.com/{task_id}", None)
    ghost = ledger.new_task_id()
    env["publish"](ledger.new_task_id(), f'https://example.com/?q="id": "{ghost}"', None)
    raw = _take(client, ids[7])  # a worker's BRPOP ...
    client.hset("unacked", "tag-1", json.dumps([json.loads(raw), "", "ingest"]))  # ... and its unacked record
    _take(client, ids[8])  # lost
    candidates = [ids[0], ids[7], ids[8], ids[-1], ghost, "not-a-task"]
    held = ledger.held_task_ids(client, queues=QUEUES, task_ids=candidates)
    assert held == {ids[0], ids[7], ids[-1]}
    assert ledger.held_task_ids(client, queues=QUEUES, task_ids=[]) == set()


def test_an_unreadable_message_makes_the_reaper_resend_nothing(env):
    """A message whose task id the scan cannot read (another serializer, task protocol 1) must not
    make every pending task look lost: the pass re-sends nothing and says why."""
    engine, client = env["engine"], env["client"]
    (task_id,) = ledger.enqueue_many(engine, items=[("https://example.com/u", None)], publish=env["publish"])
    client.lpush(Queue.ingest.value, b"\x80\x04pickled-message-without-json")
    with pytest.raises(ledger.UnreadableBrokerError):
        ledger.held_task_ids(client, queues=QUEUES, task_ids=[task_id])
    report = _pass(env)
    assert report.lost == [] and report.requeued == [] and "without a readable task id" in report.message
