"""The real `newsingest` command: help, errors as one line with an exit code, listing and JSON."""

from __future__ import annotations

import json

import pytest

from tests.support.services import newsingest, service_env

COMMANDS = [[], ["ingest"], ["enqueue"], ["articles"], ["show"], ["worker"], ["beat"], ["run"], ["demo"],
            ["db"], ["db", "upgrade"], ["db", "current"], ["requeue-lost"]]


@pytest.fixture
def env(tmp_path):
    return service_env(f"sqlite:///{tmp_path / 'db.sqlite'}", f"sqla+sqlite:///{tmp_path / 'broker.sqlite'}")


@pytest.mark.parametrize("cmd", COMMANDS, ids=lambda c: " ".join(c) or "top")
def test_every_command_has_help(cmd, env, tmp_path):
    proc = newsingest(*cmd, "--help", env=env, cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert "Usage" in proc.stdout


def _one_line_error(proc) -> str:
    lines = [ln for ln in proc.stderr.strip().splitlines() if ln.strip()]
    assert len(lines) == 1, proc.stderr
    assert "Traceback" not in proc.stderr
    return lines[0]


def test_malformed_url_is_refused(env, tmp_path):
    proc = newsingest("ingest", "htp:/not-a-url", env=env, cwd=tmp_path)
    assert proc.returncode == 2
    assert "not an http(s) URL" in _one_line_error(proc)


def test_unreachable_broker_names_url_and_how_to_start_redis(tmp_path):
    env = service_env(f"sqlite:///{tmp_path / 'db.sqlite'}", "redis://127.0.0.1:1/0")
    proc = newsingest("enqueue", "https://vnexpress.net/a-1.html", env=env, cwd=tmp_path)
    assert proc.returncode == 3
    line = _one_line_error(proc)
    assert "redis://127.0.0.1:1/0" in line and "start Redis" in line


def test_unreachable_database_is_one_line(tmp_path):
    env = service_env("postgresql+psycopg://postgres:secret@127.0.0.1:1/nothing", "redis://127.0.0.1:1/0")
    proc = newsingest("articles", env=env, cwd=tmp_path)
    assert proc.returncode == 3
    line = _one_line_error(proc)
    assert "database unavailable" in line and "secret" not in line


def test_unknown_article_id(env, tmp_path):
    proc = newsingest("show", "999", env=env, cwd=tmp_path)
    assert proc.returncode == 4
    assert "no article with id 999" in _one_line_error(proc)


def test_bad_option_value_is_a_usage_error(env, tmp_path):
    proc = newsingest("articles", "--limit", "zero", env=env, cwd=tmp_path)
    assert proc.returncode == 2 and "Traceback" not in proc.stderr


def test_demo_stores_bundled_pages_then_lists_and_shows_them(env, tmp_path):
    proc = newsingest("demo", "--port", "0", "--json", env=env, cwd=tmp_path, timeout=240)
    assert proc.returncode == 0, proc.stderr
    stored = json.loads(proc.stdout)
    assert len(stored) >= 10
    assert sum(1 for a in stored if a["photos"]) >= 8
    assert sum(1 for a in stored for p in a["photos"] if p["caption"]) >= 12
    assert sum(1 for a in stored if a["published"] and a["published"].endswith("+07:00")) >= 8

    listing = newsingest("articles", "--limit", "50", "--json", env=env, cwd=tmp_path)
    assert listing.returncode == 0, listing.stderr
    rows = json.loads(listing.stdout)
    assert {r["id"] for r in rows} == {a["id"] for a in stored}

    one = newsingest("show", str(stored[0]["id"]), "--json", env=env, cwd=tmp_path)
    assert one.returncode == 0 and json.loads(one.stdout)["title"] == stored[0]["title"]

    text = newsingest("demo", "--port", "0", env=env, cwd=tmp_path, timeout=240)
    assert text.returncode == 0, text.stderr
    assert "Stored articles" in text.stdout


def test_requeue_lost_on_the_embedded_broker_resends_nothing_and_says_so(env, tmp_path):
    proc = newsingest("requeue-lost", "--json", env=env, cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    report = json.loads(proc.stdout)
    assert report["supported"] is False and report["requeued"] == [] and "not Redis" in report["message"]
    text = newsingest("requeue-lost", "--dry-run", env=env, cwd=tmp_path)
    assert text.returncode == 0 and "nothing is re-sent" in text.stdout


def test_requeue_lost_retry_given_up_with_dry_run_is_a_usage_error(env, tmp_path):
    proc = newsingest("requeue-lost", "--dry-run", "--retry-given-up", env=env, cwd=tmp_path)
    assert proc.returncode == 2
    assert "--retry-given-up" in _one_line_error(proc)


def test_requeue_lost_lists_given_up_tasks_and_status_counts_them(env, tmp_path):
    """A task given up (marked so in the ledger) is listed by requeue-lost and counted by status;
    --retry-given-up makes it pending again."""
    from storage import ledger as ledger_repo
    from storage import migrate
    from storage.db import make_engine, transaction

    url = env["NEWSINGEST_DATABASE_URL"]
    migrate.upgrade(url)
    engine = make_engine(url)
    try:
        with transaction(engine) as s:
            ledger_repo.record_sent(s, task_id="t-lost", url="https://example.com/lost")
            ledger_repo.mark_given_up(s, task_id="t-lost")
    finally:
        engine.dispose()
    report = json.loads(newsingest("requeue-lost", "--json", env=env, cwd=tmp_path).stdout)
    assert report["given_up_total"] == 1 and report["given_up_tasks"][0]["url"] == "https://example.com/lost"
    status = json.loads(newsingest("status", "--json", env=env, cwd=tmp_path).stdout)
    assert status["task_ledger"] == {"pending": 0, "given_up": 1}
    text = newsingest("status", env=env, cwd=tmp_path).stdout
    assert "1 given up" in text
    retried = json.loads(newsingest("requeue-lost", "--retry-given-up", "--json", env=env, cwd=tmp_path).stdout)
    assert retried["retried"] == 1 and retried["given_up_total"] == 0
    status = json.loads(newsingest("status", "--json", env=env, cwd=tmp_path).stdout)
    assert status["task_ledger"] == {"pending": 1, "given_up": 0}


def test_worker_main_exits_with_the_workers_status_and_removes_its_metrics_folder(tmp_path):
    """`newsingest worker`/`run` leave through os._exit once Celery's worker command has returned; the
    status is the worker's own, and the metrics folder the process made is removed (its atexit
    removal is skipped). The Celery command is replaced by a stub returning status 3."""
    import subprocess
    import sys

    code = (
        "import os, sys\n"
        "from worker.metrics_dir import prepare_multiprocess_dir\n"
        "folder = prepare_multiprocess_dir()\n"
        "print(folder, flush=True)\n"
        "from worker.celery_app import app\n"
        "app.start = lambda argv=None: 3\n"
        "from scheduler.cli import _worker_main\n"
        "_worker_main(['worker'])\n"
        "print('not reached')\n"
    )
    env = {k: v for k, v in __import__("os").environ.items() if k != "PROMETHEUS_MULTIPROC_DIR"}
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, env=env,
                          cwd=tmp_path)
    folder = proc.stdout.splitlines()[0]
    assert proc.returncode == 3, proc.stderr
    assert "not reached" not in proc.stdout
    assert not __import__("os").path.exists(folder)
