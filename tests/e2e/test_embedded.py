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
            # Known open problem: under heavy load `newsingest run` has hung after "beat: Shutting
            # down" (embedded beat + SQLite broker), hence SIGKILL after the grace period. This test
            # checks ingestion, not shutdown.
            stop_process_group(proc, grace=60)
    assert (tmp_path / "newsingest.sqlite").exists() and (tmp_path / "newsingest-broker.sqlite").exists()
    assert "beat: Starting" in log.read_text()
    listing = newsingest("articles", "--json", env=env, cwd=tmp_path)
    assert len(json.loads(listing.stdout)) == len(pages)
