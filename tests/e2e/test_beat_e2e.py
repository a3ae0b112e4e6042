"""Beat-scheduled discovery end to end: the fixture news site on 127.0.0.1, two real `newsingest beat`
processes (celery beat + RedBeat on the machine's Redis), a real `celery worker`, PostgreSQL.

Every article is stored once; an article added to the feed mid-run is stored by the next tick; the
second beat does not double-schedule (discovery runs counted); killing the active beat lets the
second take over; disabling and adding sources take effect without restarting anything.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import func, select

from storage import migrate
from storage.db import make_engine, transaction
from storage.models import Article, DiscoveryRun, FetchAttempt, Source
from tests.support.newssite import FixtureNews, NewsSite
from tests.support.services import (
    ROOT,
    celery_worker,
    fresh_redis_url,
    newsingest,
    service_env,
    stop_process_group,
)

pytestmark = [pytest.mark.e2e, pytest.mark.postgres]

INTERVAL = 3  # seconds between two discovery runs of the fixture source
LOCK_TIMEOUT = 5


def _beat(env: dict[str, str], log: Path, cwd: Path) -> subprocess.Popen[bytes]:
    script = Path(sys.executable).with_name("newsingest")
    cmd = [str(script)] if script.exists() else [sys.executable, "-m", "scheduler.cli"]
    with open(log, "wb") as fh:
        return subprocess.Popen([*cmd, "beat", "--loglevel=INFO"], env={**env, "PYTHONPATH": str(ROOT)}, cwd=cwd,
                                stdout=fh, stderr=subprocess.STDOUT, start_new_session=True)


def _stop(proc: subprocess.Popen[bytes]) -> None:
    stop_process_group(proc, grace=15)


def _wait(what: str, predicate, timeout: float, *logs: Path) -> float:
    start = time.monotonic()
    while time.monotonic() - start < timeout:
        if predicate():
            return time.monotonic() - start
        time.sleep(0.25)
    tails = "\n".join(f"--- {p.name}\n{p.read_text(errors='replace')[-3000:]}" for p in logs)
    raise AssertionError(f"{what}: not within {timeout} s\n{tails}")


def test_two_beats_one_schedule_every_article_once(pg_url, tmp_path):
    migrate.upgrade(pg_url)
    broker = fresh_redis_url(5)
    engine = make_engine(pg_url)

    def scalar(stmt):
        with transaction(engine) as s:
            return s.execute(stmt).scalar_one()

    def runs(name: str = "fixture") -> int:
        return scalar(select(func.count()).select_from(DiscoveryRun).join(Source, Source.id == DiscoveryRun.source_id)
                      .where(Source.name == name))

    articles = lambda: scalar(select(func.count()).select_from(Article))  # noqa: E731

    with NewsSite() as site:
        fx = FixtureNews(site).build()
        toml = tmp_path / "sources.toml"
        toml.write_text(fx.registry_toml(interval=f"{INTERVAL}s"), encoding="utf-8")
        env = service_env(pg_url, broker, NEWSINGEST_SOURCES=str(toml), NEWSINGEST_ALLOW_NETWORKS="127.0.0.0/8",
                          NEWSINGEST_SCHEDULE_SYNC_INTERVAL="1", NEWSINGEST_BEAT_MAX_LOOP_INTERVAL="1",
                          NEWSINGEST_REDBEAT_LOCK_TIMEOUT=str(LOCK_TIMEOUT), NEWSINGEST_QUEUED_TTL="300")
        wlog, alog, blog = tmp_path / "worker.log", tmp_path / "beat-a.log", tmp_path / "beat-b.log"
        (tmp_path / "a").mkdir()
        (tmp_path / "b").mkdir()
        with celery_worker(env, wlog, concurrency=4):
            beat_a = _beat(env, alog, tmp_path / "a")
            beat_b = None
            try:
                _wait("beat A holds the lock", lambda: "Acquired lock" in alog.read_text(errors="replace"), 60, alog)
                beat_b = _beat(env, blog, tmp_path / "b")
                _wait("beat B started", lambda: "beat: Starting" in blog.read_text(errors="replace"), 60, blog)

                # 1. Every article of the site, found through feed, sitemaps and section pages.
                _wait("14 articles stored", lambda: articles() == 14, 120, wlog, alog)

                # 2. An article added to the feed mid-run: stored by the next tick.
                new_url = fx.add_to_feed()
                took = _wait("the new article stored",
                             lambda: scalar(select(func.count()).select_from(Article).where(Article.url == new_url)) == 1,
                             30, wlog)
                assert took < 3 * INTERVAL + 5, took

                # 3. Two beats alive: discovery runs at one schedule, not two.
                window = 15
                n0 = runs()
                time.sleep(window)
                in_window = runs() - n0
                # one beat: ~window / INTERVAL = 5 runs; double scheduling would give ~10.
                assert window / INTERVAL - 2 <= in_window <= window / INTERVAL + 1, in_window
                assert "Acquired lock" not in blog.read_text(errors="replace")
                print(f"discovery runs in {window} s with two beats: {in_window} (interval {INTERVAL} s)")

                # 4. Kill the active beat: the second takes over once the lock expires.
                os.killpg(beat_a.pid, signal.SIGKILL)
                beat_a.wait(timeout=10)
                killed_runs = runs()
                takeover = _wait("beat B takes over", lambda: "Acquired lock" in blog.read_text(errors="replace"),
                                 LOCK_TIMEOUT + 20, blog)
                _wait("discovery goes on under beat B", lambda: runs() >= killed_runs + 2, 20, blog, wlog)
                print(f"beat B took over {takeover:.1f} s after beat A was killed (lock timeout {LOCK_TIMEOUT} s)")

                # 5. Registry changes without restarting anything: disable one source, add another.
                assert newsingest("sources", "disable", "fixture", env=env).returncode == 0
                time.sleep(2)  # the beat syncs every second; a task already queued checks the flag itself
                frozen = runs()
                second_feed = "/second/rss.xml"
                site.put(second_feed, site.body(fx.FEED), "application/rss+xml")
                toml.write_text(toml.read_text() + "\n" + "\n".join([
                    "[[source]]", 'name = "second"', f'site = "{site.base}/"',
                    f'feeds = ["{site.url(second_feed)}"]', 'interval = "2s"']) + "\n", encoding="utf-8")
                _wait("the added source is discovered", lambda: runs("second") >= 2, 20, blog, wlog)
                assert runs() == frozen, "a disabled source was discovered"
            finally:
                if beat_b is not None:
                    _stop(beat_b)
                _stop(beat_a)

    # Every article stored once, fetched once: only unseen URLs were ever enqueued.
    with transaction(engine) as s:
        rows = list(s.execute(select(Article.url, Article.url_key)).all())
        attempts = list(s.execute(select(FetchAttempt.url, FetchAttempt.outcome)).all())
        errors = s.execute(select(func.sum(DiscoveryRun.errors))).scalar_one()
    engine.dispose()
    assert len(rows) == 15 and len({k for _, k in rows}) == 15
    assert sorted(u for u, _ in attempts) == sorted(u for u, _ in rows), "an article was fetched twice"
    assert {o for _, o in attempts} == {"stored"}
    assert errors == 0
