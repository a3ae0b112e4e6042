"""kill -9 of a worker in the middle of 500 queued URLs, then a new worker: all 500 stored exactly
once. The killed worker's unacknowledged tasks come back after the (shortened) visibility timeout."""

from __future__ import annotations

import os
import signal
import time

import pytest

from storage import migrate
from tests.faults import support as fs
from tests.faults.support import FaultServer, send, tiny_article
from tests.support.services import celery_worker, fresh_redis_url, service_env

pytestmark = [pytest.mark.e2e, pytest.mark.postgres]

N = 500


def test_kill9_mid_batch_then_new_worker_stores_all_exactly_once(pg_url, tmp_path, fast_limits):
    migrate.upgrade(pg_url)
    broker = fresh_redis_url(12)
    env = service_env(pg_url, broker, **fast_limits, NEWSINGEST_VISIBILITY_TIMEOUT="30",
                      NEWSINGEST_TASK_SOFT_TIME_LIMIT="20", NEWSINGEST_TASK_TIME_LIMIT="25")
    routes = {f"/k/{i}": (lambda h, i=i: send(h, 200, tiny_article(i, "k"))) for i in range(N)}
    with FaultServer(routes) as site:
        app = fs.producer(pg_url, broker)
        ids = fs.send_urls(app, [site.url(f"/k/{i}") for i in range(N)])
        t0 = time.monotonic()
        with celery_worker(env, tmp_path / "first.log", concurrency=4) as proc:
            while fs.article_counts(pg_url)[0] < N // 4:
                assert time.monotonic() - t0 < 120, (tmp_path / "first.log").read_text()[-3000:]
                time.sleep(0.1)
            os.killpg(proc.pid, signal.SIGKILL)  # the main process and its pool children, no goodbye
            proc.wait(timeout=10)
        at_kill = fs.article_counts(pg_url)[0]
        t_kill = time.monotonic()
        with celery_worker(env, tmp_path / "second.log", concurrency=4):
            finals = fs.wait_final(pg_url, ids, timeout=180, log=tmp_path / "second.log")
        t_done = time.monotonic()
    rows, keys = fs.article_counts(pg_url)
    attempts = fs.all_attempts(pg_url)
    print(f"\nkill -9: {at_kill} of {N} stored when the worker was killed; after a new worker: rows={rows} "
          f"distinct keys={keys}; {len(attempts)} attempts for {N} URLs; done {t_done - t_kill:.1f} s after the "
          f"kill, {t_done - t0:.1f} s in all")
    assert rows == keys == N
    assert {f.outcome for f in finals.values()} <= {"stored", "duplicate"}
    assert sum(1 for f in finals.values() if f.outcome == "stored") >= N - 20
