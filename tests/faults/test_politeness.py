"""Per-host politeness shared by all workers: 4 `celery worker` processes x concurrency 4 against
two hosts whose sources say 2 requests/s. The servers' access logs never show more than 2 requests
in any one-second window, and the two hosts are served in parallel."""

from __future__ import annotations

import time
from contextlib import ExitStack

import pytest

from storage import migrate
from storage import repository as repo
from storage.db import make_engine, transaction
from storage.models import SourceBase
from tests.faults import support as fs
from tests.faults.support import FaultServer, send, tiny_article
from tests.support.services import celery_worker, fresh_redis_url, service_env
from worker.fetch.politeness import HostLimits, LocalLimiter, host_slot

pytestmark = [pytest.mark.e2e, pytest.mark.postgres]

PER_HOST = 16
RATE = 2


def max_in_window(times: list[float], window: float = 1.0) -> int:
    """The most requests seen in any half-open window [t, t + window)."""
    times = sorted(times)
    best, j = 0, 0
    for i, t in enumerate(times):
        while times[j] <= t - window:
            j += 1
        best = max(best, i - j + 1)
    return best


def test_max_in_window():
    assert max_in_window([0, 0.5, 1.0, 1.5]) == 2
    assert max_in_window([0, 0.2, 0.9, 1.0]) == 3


def test_local_limiter_spaces_requests_and_caps_concurrency():
    limiter, limits = LocalLimiter(), HostLimits(delay=0.2, concurrency=1)
    starts = []
    for _ in range(4):
        with host_slot(limiter, "h:80", limits, max_wait=None, lease=5):
            starts.append(time.monotonic())
    gaps = [b - a for a, b in zip(starts, starts[1:], strict=False)]
    assert min(gaps) >= 0.2, gaps
    token, _ = limiter.try_acquire("other:80", HostLimits(delay=0, concurrency=1), 5)
    assert token is not None
    assert limiter.try_acquire("other:80", HostLimits(delay=0, concurrency=1), 5)[0] is None  # busy
    limiter.release("other:80", token)
    assert limiter.try_acquire("other:80", HostLimits(delay=0, concurrency=1), 5)[0] is not None


def test_four_workers_by_four_keep_two_per_second_per_host(pg_url, tmp_path, fast_limits):
    migrate.upgrade(pg_url)
    broker = fresh_redis_url(11)
    engine = make_engine(pg_url)
    with transaction(engine) as s:
        src = [repo.upsert_source(s, source=SourceBase(name=f"polite-{k}", site=f"site{k}.test",
                                                      politeness={"rate": RATE, "concurrency": 2})).id
               for k in "ab"]
    engine.dispose()

    def pages(tag: str) -> dict:
        return {f"/p/{i}": (lambda h, i=i: send(h, 200, tiny_article(i, tag))) for i in range(PER_HOST)}

    env = service_env(pg_url, broker, **{**fast_limits, "NEWSINGEST_POLITENESS_DELAY": "0",
                                         "NEWSINGEST_POLITENESS_MAX_WAIT": "0.5"})
    with FaultServer(pages("a")) as a, FaultServer(pages("b")) as b, ExitStack() as stack:
        logs = [tmp_path / f"worker{i}.log" for i in range(4)]
        for log in logs:
            stack.enter_context(celery_worker(env, log, concurrency=4))
        app = fs.producer(pg_url, broker)
        t0 = time.monotonic()
        ids = []
        for i in range(PER_HOST):
            ids += fs.send_urls(app, [a.url(f"/p/{i}")], source_id=src[0])
            ids += fs.send_urls(app, [b.url(f"/p/{i}")], source_id=src[1])
        finals = fs.wait_final(pg_url, ids, timeout=120, log=logs[0])
        elapsed = time.monotonic() - t0
        log_a, log_b = list(a.log), list(b.log)
    assert {f.outcome for f in finals.values()} == {"stored"}
    peak_a = max_in_window([t for t, _ in log_a])
    peak_b = max_in_window([t for t, _ in log_b])
    rescheduled = sum(log.read_text(errors="replace").count("retry: Retry in") for log in logs)
    start_a, end_a = min(t for t, _ in log_a), max(t for t, _ in log_a)
    start_b, end_b = min(t for t, _ in log_b), max(t for t, _ in log_b)
    overlap = min(end_a, end_b) - max(start_a, start_b)
    print(f"\npoliteness: 4 workers x 4, {2 * PER_HOST} pages on 2 hosts at {RATE}/s each in {elapsed:.1f} s; "
          f"requests seen: a={len(log_a)} b={len(log_b)} (incl. robots.txt); max in any 1-s window: "
          f"a={peak_a} b={peak_b}; hosts overlapped {overlap:.1f} s of "
          f"{end_a - start_a:.1f}/{end_b - start_b:.1f} s; busy reschedules: {rescheduled}")
    for name, entries in (("a", log_a), ("b", log_b)):
        t_first = entries[0][0]
        print(name, " ".join(f"{t - t_first:.3f}{'r' if 'robots' in p else ''}" for t, p in entries))
    assert peak_a <= RATE and peak_b <= RATE
    # both hosts served in parallel, each near its own rate
    assert overlap >= 0.8 * min(end_a - start_a, end_b - start_b)
    assert elapsed < 2 * (PER_HOST + 2) / RATE


def _file_limited_fetches(path: str, url: str, n: int) -> None:
    """One process of the embedded worker's pool: n requests to ``url`` through the shared file."""
    import requests

    from worker.fetch.politeness import FileLimiter, host_key

    limiter = FileLimiter(path)
    try:
        for _ in range(n):
            with host_slot(limiter, host_key(url), HostLimits(delay=0.0, concurrency=1).with_crawl_delay(0.25),
                           max_wait=None, lease=5):
                requests.get(url, timeout=5)
    finally:
        limiter.close()


def test_file_limiter_is_shared_by_the_processes_of_one_machine(tmp_path):
    """The embedded default (no Redis): 4 processes x 5 requests to one host with a 0.25 s delay.
    The server sees them one at a time, at least the delay apart; with a limiter per process they
    came 4 at a time."""
    import multiprocessing

    path = str(tmp_path / "newsingest-politeness.sqlite")
    with FaultServer({"/p": lambda h: send(h, 200, tiny_article(1, "file-limiter"))}) as site:
        ctx = multiprocessing.get_context("fork")
        procs = [ctx.Process(target=_file_limited_fetches, args=(path, site.url("/p"), 5)) for _ in range(4)]
        for p in procs:
            p.start()
        for p in procs:
            p.join(60)
        times = sorted(t for t, _ in site.log)
    assert [p.exitcode for p in procs] == [0, 0, 0, 0]
    gaps = [b - a for a, b in zip(times, times[1:], strict=False)]
    print(f"\nfile limiter: 4 processes x 5 requests, delay 0.25 s: {len(times)} requests in "
          f"{times[-1] - times[0]:.2f} s, smallest gap {min(gaps):.3f} s, max in any 1-s window "
          f"{max_in_window(times)}")
    assert len(times) == 20
    assert min(gaps) >= 0.2, gaps  # granted >= 0.295 s apart; arrival jitter of a few ms
    assert max_in_window(times) <= 4


def test_file_limiter_leases_stale_times_and_fallback(tmp_path):
    from worker.fetch.politeness import FileLimiter

    limiter = FileLimiter(str(tmp_path / "p.sqlite"))
    one = HostLimits(delay=0, concurrency=1)
    token, _ = limiter.try_acquire("h:80", one, lease=0.3)
    assert token is not None
    assert limiter.try_acquire("h:80", one, lease=0.3)[0] is None  # busy: one in flight
    time.sleep(0.35)  # its process died without releasing: the lease runs out
    again, _ = limiter.try_acquire("h:80", one, lease=5)
    assert again is not None
    limiter.release("h:80", again)
    # a next-allowed time hours away (a clock step, a previous boot) is stale
    conn = limiter._connection()
    conn.execute("UPDATE host_next SET next_at = ? WHERE host = 'h:80'", (time.time() + 86400,))
    assert limiter.try_acquire("h:80", one, lease=5)[0] is not None
    limiter.close()
    # an unusable file: this process limits on its own, and says so
    broken = FileLimiter(str(tmp_path / "missing-dir" / "p.sqlite"))
    token, _ = broken.try_acquire("h:80", one, lease=5)
    assert token is not None and token.startswith("local:")
    assert broken.try_acquire("h:80", one, lease=5)[0] is None
    broken.release("h:80", token)
    assert broken.try_acquire("h:80", one, lease=5)[0] is not None


def test_file_limiter_interrupted_mid_grant_rolls_back_and_lets_the_interruption_through(tmp_path):
    """A task's time limit can fire inside a grant: the exception reaches the task unchanged, the
    transaction is rolled back, and the file's write lock is free for the other processes."""
    from worker.fetch.politeness import FileLimiter

    class Interrupted(Exception):
        pass

    class Exploding:  # read inside the transaction, after the first statements
        interval_ms = 0

        @property
        def concurrency(self) -> int:
            raise Interrupted("soft time limit")

    path = str(tmp_path / "p.sqlite")
    one, other = FileLimiter(path), FileLimiter(path)
    assert one.try_acquire("h:80", HostLimits(delay=0, concurrency=1), lease=5)[0] is not None  # file set up
    with pytest.raises(Interrupted):
        one.try_acquire("h:80", Exploding(), lease=5)  # type: ignore[arg-type]
    assert one._conn is None or not one._conn.in_transaction
    token, _ = other.try_acquire("k:80", HostLimits(delay=0, concurrency=1), lease=5)
    # from the file, not the fallback: a write lock left held would have made it time out
    assert token is not None and not token.startswith("local:")
    assert not one.try_acquire("k:80", HostLimits(delay=0, concurrency=1), lease=5)[0]  # k is busy, seen in the file
    one.close()
    other.close()
