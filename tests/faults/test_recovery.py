"""Recovery on real processes: a Redis restart in the middle of a batch (our own redis-server on a
spare port) and PostgreSQL unreachable for 20 s (through a TCP proxy the test cuts). The machine's
shared Redis and PostgreSQL are never stopped."""

from __future__ import annotations

import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import redis
from sqlalchemy import func, select
from sqlalchemy.engine import make_url

from storage import migrate
from storage.db import make_engine, transaction
from storage.models import ArticleEvent
from tests.faults import support as fs
from tests.faults.support import FaultServer, TCPProxy, free_port, send, tiny_article
from tests.support.services import celery_worker, fresh_redis_url, service_env

pytestmark = [pytest.mark.e2e, pytest.mark.postgres]

N = 60


def _slow_page(i: int, tag: str):
    def handler(h):
        time.sleep(0.05)
        send(h, 200, tiny_article(i, tag))
    return handler


@contextmanager
def redis_server(port: int, folder: Path) -> Iterator[subprocess.Popen]:
    """Our own redis-server, persisting every write (AOF, fsync always) so a restart loses nothing."""
    folder.mkdir(parents=True, exist_ok=True)
    proc = subprocess.Popen(["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--dir", str(folder),
                             "--appendonly", "yes", "--appendfsync", "always", "--save", "",
                             "--protected-mode", "no"], stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
    client = redis.Redis(port=port, socket_connect_timeout=0.5)
    deadline = time.monotonic() + 10
    while True:
        try:
            client.ping()
            break
        except redis.exceptions.ConnectionError:
            assert time.monotonic() < deadline and proc.poll() is None, "redis-server did not start"
            time.sleep(0.05)
    client.close()
    try:
        yield proc
    finally:
        if proc.poll() is None:
            proc.terminate()
            proc.wait(timeout=10)


def _wait_stored(db: str, n: int, timeout: float, log: Path) -> None:
    deadline = time.monotonic() + timeout
    while fs.article_counts(db)[0] < n:
        assert time.monotonic() < deadline, log.read_text(errors="replace")[-3000:]
        time.sleep(0.1)


@pytest.mark.xfail(
    strict=False,
    reason="known open problem (issue 6): after the Redis restart the worker reconnects but does not always "
           "resume consuming within the test's 120 s (seen: 42 of 60 tasks without a final attempt); "
           "it passed when run alone",
)
def test_redis_restart_mid_batch(pg_url, tmp_path, fast_limits):
    migrate.upgrade(pg_url)
    port = free_port()
    broker = f"redis://127.0.0.1:{port}/0"
    env = service_env(pg_url, broker, **fast_limits, NEWSINGEST_VISIBILITY_TIMEOUT="30",
                      NEWSINGEST_TASK_SOFT_TIME_LIMIT="20", NEWSINGEST_TASK_TIME_LIMIT="25")
    log = tmp_path / "worker.log"
    routes = {f"/r/{i}": _slow_page(i, "redis") for i in range(N)}
    first = redis_server(port, tmp_path / "redis")
    first.__enter__()
    try:
        with FaultServer(routes) as site, celery_worker(env, log, concurrency=2):
            app = fs.producer(pg_url, broker)
            ids = fs.send_urls(app, [site.url(f"/r/{i}") for i in range(N)])
            app.pool.force_close_all()
            _wait_stored(pg_url, N // 4, 60, log)
            first.__exit__(None, None, None)  # SIGTERM: Redis goes away under the worker
            first = None
            at_stop = fs.article_counts(pg_url)[0]
            time.sleep(3)  # Redis is down; the worker loses its connection
            with redis_server(port, tmp_path / "redis"):
                t0 = time.monotonic()
                finals = fs.wait_final(pg_url, ids, timeout=120, log=log)
                took = time.monotonic() - t0
    finally:
        if first is not None:
            first.__exit__(None, None, None)
    rows, keys = fs.article_counts(pg_url)
    text = log.read_text(errors="replace")
    print(f"\nredis restart: {at_stop}/{N} stored when Redis stopped; batch complete {took:.1f} s after the "
          f"restart; rows={rows} distinct={keys}; reconnect logged: {'Connection to broker lost' in text}")
    assert rows == keys == N
    assert {f.outcome for f in finals.values()} <= {"stored", "duplicate"}


def test_postgres_unreachable_for_20s_mid_batch(pg_url, tmp_path, fast_limits):
    migrate.upgrade(pg_url)
    real = make_url(pg_url)
    proxy = TCPProxy(real.host or "127.0.0.1", real.port or 5432)
    via_proxy = real.set(host="127.0.0.1", port=proxy.port).render_as_string(hide_password=False)
    broker = fresh_redis_url(10)
    env = service_env(via_proxy, broker, **fast_limits)
    log = tmp_path / "worker.log"
    routes = {f"/d/{i}": _slow_page(i, "db") for i in range(N)}
    try:
        with FaultServer(routes) as site, celery_worker(env, log, concurrency=2):
            app = fs.producer(pg_url, broker)
            ids = fs.send_urls(app, [site.url(f"/d/{i}") for i in range(N)])
            _wait_stored(pg_url, N // 4, 60, log)
            proxy.cut()
            at_cut = fs.article_counts(pg_url)[0]
            time.sleep(20)
            during = fs.article_counts(pg_url)[0]
            proxy.restore()
            t0 = time.monotonic()
            finals = fs.wait_final(pg_url, ids, timeout=120, log=log)
            took = time.monotonic() - t0
    finally:
        proxy.close()
    rows, keys = fs.article_counts(pg_url)
    engine = make_engine(pg_url)
    with transaction(engine) as s:
        created = s.execute(select(func.count()).select_from(ArticleEvent)
                            .where(ArticleEvent.kind == "created")).scalar_one()
    engine.dispose()
    retries = log.read_text(errors="replace").count("database unavailable")
    print(f"\npostgres outage: {at_cut}/{N} stored at the cut, {during} after 20 s cut off; batch complete "
          f"{took:.1f} s after restore; rows={rows} distinct={keys} created events={created}; "
          f"database-unavailable retries logged: {retries}")
    assert rows == keys == created == N
    assert during <= at_cut + 2  # nothing got through while cut (in-flight commits aside)
    assert {f.outcome for f in finals.values()} <= {"stored", "duplicate"}
