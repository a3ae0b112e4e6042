"""The embedded default (no Redis: SQLite database and broker) runs the same beat entries:
`newsingest run` discovers the fixture news site on its own and stores every article once."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import func, select

from storage.db import make_engine, transaction
from storage.models import Article, DiscoveryRun, FetchAttempt
from tests.support.newssite import FixtureNews, NewsSite
from tests.support.services import service_env

pytestmark = pytest.mark.e2e


def test_run_discovers_on_schedule_without_redis(tmp_path):
    db = f"sqlite:///{tmp_path / 'newsingest.sqlite'}"
    with NewsSite() as site:
        fx = FixtureNews(site).build()
        toml = tmp_path / "sources.toml"
        toml.write_text(fx.registry_toml(interval="2s"), encoding="utf-8")
        env = service_env(db, f"sqla+sqlite:///{tmp_path / 'broker.sqlite'}", NEWSINGEST_SOURCES=str(toml),
                          NEWSINGEST_ALLOW_NETWORKS="127.0.0.0/8", NEWSINGEST_SCHEDULE_SYNC_INTERVAL="1",
                          NEWSINGEST_BEAT_MAX_LOOP_INTERVAL="1")
        log = tmp_path / "run.log"
        script = Path(sys.executable).with_name("newsingest")
        cmd = [str(script)] if script.exists() else [sys.executable, "-m", "scheduler.cli"]
        with open(log, "wb") as fh:
            proc = subprocess.Popen([*cmd, "run", "-c", "2"], cwd=tmp_path, env=env, stdout=fh,
                                    stderr=subprocess.STDOUT, start_new_session=True)
        engine = None
        try:
            deadline = time.monotonic() + 90
            while True:
                assert proc.poll() is None, log.read_text()[-3000:]
                assert time.monotonic() < deadline, log.read_text()[-4000:]
                if (tmp_path / "newsingest.sqlite").exists():
                    engine = engine or make_engine(db)
                    try:
                        with transaction(engine) as s:
                            n = s.execute(select(func.count()).select_from(Article)).scalar_one()
                            runs = s.execute(select(func.count()).select_from(DiscoveryRun)).scalar_one()
                    except Exception:  # the schema is being created
                        n = runs = 0
                    if n == 14 and runs >= 3:
                        break
                time.sleep(0.5)
        finally:
            os.killpg(proc.pid, signal.SIGTERM)
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait(timeout=10)
    assert "discover:fixture" in log.read_text()
    with transaction(engine) as s:
        urls = list(s.execute(select(FetchAttempt.url)).scalars())
    engine.dispose()
    assert len(urls) == len(set(urls)) == 14  # each article fetched once, however many runs
