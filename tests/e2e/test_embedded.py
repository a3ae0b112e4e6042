"""The embedded default with no configuration at all: `newsingest run` (worker + beat on a SQLite
broker and a SQLite database, no Redis) and `newsingest enqueue --wait` from another process."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

import pytest

from scheduler.localsite import LocalSite
from tests.support.pages import pages_in
from tests.support.services import newsingest, service_env, stop_process_group

pytestmark = pytest.mark.e2e


def test_run_and_enqueue_without_any_configuration(tmp_path):
    env = service_env("unused", "unused")
    del env["NEWSINGEST_DATABASE_URL"], env["NEWSINGEST_BROKER_URL"]  # nothing configured
    pages = pages_in("vietnamese")[:4]
    log = tmp_path / "run.log"
    script = Path(sys.executable).with_name("newsingest")
    with LocalSite(pages) as site, open(log, "wb") as fh:
        proc = subprocess.Popen([str(script), "run", "-c", "2"], cwd=tmp_path, env=env, stdout=fh,
                                stderr=subprocess.STDOUT, start_new_session=True)
        try:
            deadline = time.monotonic() + 60
            while " ready." not in log.read_text(errors="replace"):
                assert proc.poll() is None, log.read_text()
                assert time.monotonic() < deadline, log.read_text()
                time.sleep(0.2)
            out = newsingest("enqueue", *site.urls(), "--wait", "--json", "--timeout", "120", env=env,
                             cwd=tmp_path, timeout=180)
            assert out.returncode == 0, out.stderr + log.read_text()[-3000:]
            outcomes = json.loads(out.stdout)
            assert [o["outcome"] for o in outcomes] == ["stored"] * len(pages)
        finally:
            assert stop_process_group(proc, grace=60), "newsingest run did not stop on SIGTERM"
    assert (tmp_path / "newsingest.sqlite").exists() and (tmp_path / "newsingest-broker.sqlite").exists()
    assert "beat: Starting" in log.read_text()
    listing = newsingest("articles", "--json", env=env, cwd=tmp_path)
    assert len(json.loads(listing.stdout)) == len(pages)


def _start_run(tmp_path: Path, env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    script = Path(sys.executable).with_name("newsingest")
    with open(log, "ab") as fh:
        proc = subprocess.Popen([str(script), "run", "-c", "4"], cwd=tmp_path, env=env, stdout=fh,
                                stderr=subprocess.STDOUT, start_new_session=True)
    deadline = time.monotonic() + 60
    while log.read_text(errors="replace").count(" ready.") < 1 + log.read_text(errors="replace").count("#restart#"):
        assert proc.poll() is None, log.read_text()[-3000:]
        assert time.monotonic() < deadline, log.read_text()[-3000:]
        time.sleep(0.2)
    return proc


def test_sigterm_to_the_process_group_mid_batch_stops_run_and_loses_nothing(tmp_path):
    """`newsingest run` busy with a batch gets SIGTERM on its whole process group (Ctrl-C, systemd's
    KillMode=control-group): it exits instead of hanging in the pool's exit finalizer (pool processes
    killed while holding the pool's queue lock), and a second `run` finishes the batch: every URL
    stored exactly once."""
    env = service_env(f"sqlite:///{tmp_path / 'db.sqlite'}", f"sqla+sqlite:///{tmp_path / 'broker.sqlite'}",
                      NEWSINGEST_ALLOW_NETWORKS="127.0.0.0/8", NEWSINGEST_POLITENESS_DELAY="0")
    pages = pages_in("pages") + pages_in("vietnamese")
    log = tmp_path / "run.log"
    with LocalSite(pages) as site:
        proc = _start_run(tmp_path, env, log)
        try:
            out = newsingest("enqueue", *site.urls(), "--json", env=env, cwd=tmp_path, timeout=120)
            assert out.returncode == 0, out.stderr
            time.sleep(2)  # tasks in flight
            t0 = time.monotonic()
            stopped = stop_process_group(proc, grace=30)
            took = time.monotonic() - t0
        finally:
            stop_process_group(proc, grace=5)
        stored_first = len(json.loads(newsingest("articles", "--json", "--limit", "1000", env=env,
                                                 cwd=tmp_path).stdout))
        print(f"SIGTERM to the group: exited={stopped} after {took:.1f} s, {stored_first}/{len(pages)} stored")
        assert stopped, log.read_text()[-3000:]

        with open(log, "a") as fh:
            fh.write("#restart#\n")
        proc = _start_run(tmp_path, env, log)
        try:
            deadline = time.monotonic() + 120
            while True:
                rows = json.loads(newsingest("articles", "--json", "--limit", "1000", env=env, cwd=tmp_path).stdout)
                if len(rows) >= len(pages) or time.monotonic() > deadline:
                    break
                time.sleep(1)
        finally:
            assert stop_process_group(proc, grace=30), log.read_text()[-3000:]
    urls = [r["url"] for r in rows]
    print(f"after the second run: {len(rows)} articles for {len(pages)} URLs")
    assert len(rows) == len(pages) and len(set(urls)) == len(urls), log.read_text()[-3000:]
