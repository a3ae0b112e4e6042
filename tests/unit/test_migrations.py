"""The Alembic migrations and ``SQLModel.metadata`` describe the same schema, on both backends."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect, text
from sqlmodel import SQLModel

import storage.models  # noqa: F401
from storage import migrate
from storage.db import make_engine

ROOT = Path(__file__).resolve().parents[2]


def _diff(url: str) -> list:
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            ctx = MigrationContext.configure(
                conn, opts={"compare_type": True, "compare_server_default": True}
            )
            return compare_metadata(ctx, SQLModel.metadata)
    finally:
        engine.dispose()


def test_metadata_matches_migrations(db_url):
    assert _diff(db_url) == []


def test_current_and_head(sqlite_url):
    assert migrate.current(sqlite_url) is None
    migrate.upgrade(sqlite_url)
    assert migrate.current(sqlite_url) == migrate.head() == "0005"
    migrate.upgrade(sqlite_url)  # idempotent
    assert migrate.current(sqlite_url) == migrate.head()


@pytest.mark.postgres
def test_upgrade_downgrade_postgresql(pg_url):
    migrate.upgrade(pg_url)
    engine = make_engine(pg_url)
    try:
        with engine.connect() as conn:
            using = conn.execute(
                text("SELECT indexdef FROM pg_indexes WHERE indexname = 'ix_fetch_attempt_url'")
            ).scalar_one()
        assert "USING hash" in using
        migrate.downgrade(pg_url, "base")
        assert set(inspect(engine).get_table_names()) == {"alembic_version"}
        assert migrate.current(pg_url) is None
    finally:
        engine.dispose()


def test_sqlite_event_ids_use_autoincrement(sqlite_url):
    migrate.upgrade(sqlite_url)
    engine = make_engine(sqlite_url)
    try:
        with engine.connect() as conn:
            ddl = conn.execute(
                text("SELECT sql FROM sqlite_master WHERE name = 'article_event'")
            ).scalar_one()
        assert "AUTOINCREMENT" in ddl
    finally:
        engine.dispose()


def test_alembic_cli_from_any_cwd(tmp_path):
    """``alembic -c <repo>/alembic.ini upgrade head`` works from another folder, URL from the env."""
    url = f"sqlite:///{tmp_path / 'cli' / 'x.sqlite'}"
    env = {**os.environ, "NEWSINGEST_DATABASE_URL": url, "PYTHONPATH": str(ROOT)}
    alembic = Path(sys.executable).with_name("alembic")
    proc = subprocess.run(
        [str(alembic), "-c", str(ROOT / "alembic.ini"), "upgrade", "head"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    assert migrate.current(url) == migrate.head()


def test_migrations_do_not_import_worker(tmp_path):
    """storage (and its migrations) must not pull in worker, scheduler, Celery or HTTP clients."""
    url = f"sqlite:///{tmp_path / 'x.sqlite'}"
    code = (
        "import sys; from storage.migrate import upgrade; import storage.repository; "
        f"upgrade({url!r}); "
        "bad = [m for m in sys.modules if m.split('.')[0] in "
        "('worker', 'scheduler', 'celery', 'kombu', 'requests', 'httpx')]; "
        "assert not bad, bad"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code],
        cwd=tmp_path,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr


@pytest.mark.postgres
def test_concurrent_upgrades_postgresql(pg_url, tmp_path):
    """Services migrating at the same start-up (separate processes): the advisory lock serialises them."""
    code = f"from storage.migrate import upgrade; upgrade({pg_url!r})"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", code], cwd=tmp_path, env=env, stderr=subprocess.PIPE, text=True
        )
        for _ in range(4)
    ]
    for proc in procs:
        _, err = proc.communicate(timeout=120)
        assert proc.returncode == 0, err
    assert migrate.current(pg_url) == migrate.head()
