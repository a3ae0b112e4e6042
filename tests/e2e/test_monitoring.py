"""Monitoring on real processes: `newsingest worker` with metrics and JSON logs on Redis and
PostgreSQL, `newsingest status --json` while and after it works, the /metrics endpoint."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from scheduler.localsite import LocalSite
from storage import migrate
from tests.support.pages import twenty_pages
from tests.support.services import fresh_redis_url, newsingest, service_env, stop_process_group

pytestmark = [pytest.mark.e2e, pytest.mark.postgres]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _metric(text: str, name: str, **labels: str) -> float:
    total = 0.0
    for line in text.splitlines():
        if not line.startswith(name) or line.startswith("#"):
            continue
        head, value = line.rsplit(" ", 1)
        if all(f'{k}="{v}"' in head for k, v in labels.items()):
            total += float(value)
    return total


def test_status_metrics_and_json_logs(pg_url, tmp_path):
    migrate.upgrade(pg_url)
    broker = fresh_redis_url(15)
    port = _free_port()
    env = service_env(pg_url, broker, NEWSINGEST_ALLOW_NETWORKS="127.0.0.0/8", NEWSINGEST_METRICS_PORT=str(port),
                      NEWSINGEST_LOG_JSON="1")
    pages = twenty_pages()[:8]
    log = tmp_path / "worker.log"

    # queued before any worker runs: status shows them waiting
    with LocalSite(pages) as site:
        urls = site.urls()
        sent = newsingest("enqueue", *urls, env=env)
        assert sent.returncode == 0, sent.stderr
        before = json.loads(newsingest("status", "--json", env=env).stdout)
        assert before["queues"]["ingest"] == len(urls)
        assert before["workers"] == []

        script = Path(sys.executable).with_name("newsingest")
        with open(log, "wb") as fh:
            proc = subprocess.Popen([str(script), "worker", "-c", "2", "--hostname", "mon@%h"], env=env,
                                    stdout=fh, stderr=subprocess.STDOUT, start_new_session=True)
        try:
            deadline = time.monotonic() + 120
            after = before
            while time.monotonic() < deadline:
                after = json.loads(newsingest("status", "--json", env=env).stdout)
                if after["articles"] == len(urls) and after["queues"]["ingest"] == 0:
                    break
                time.sleep(1)
            assert after["articles"] == len(urls), log.read_text()[-3000:]
            assert after["queues"]["ingest"] == 0
            assert any(w.startswith("mon@") for w in after["workers"])
            assert after["last_hour"]["ok"] == len(urls) and after["last_hour"]["failed"] == 0
            assert after["last_hour"]["by_outcome"] == {"stored": len(urls)}

            body = urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=5).read().decode()
            assert _metric(body, "newsingest_fetches_total", outcome="stored") == len(urls)
            assert _metric(body, "newsingest_articles_stored_total", outcome="stored") == len(urls)
            assert _metric(body, "newsingest_stage_seconds_count", stage="extract") == len(urls)
        finally:
            assert stop_process_group(proc, grace=30), "the worker did not stop on SIGTERM"

    lines = [json.loads(ln) for ln in log.read_text().splitlines() if ln.startswith("{")]
    task_lines = [ln for ln in lines if ln.get("url") not in (None, "-")]
    assert task_lines, log.read_text()[-2000:]
    assert {ln["url"] for ln in task_lines} >= set(urls)
    assert all(ln["task_id"] != "-" for ln in task_lines)
