"""storage.db: engines, transactions, connection checks, URL redaction."""

from __future__ import annotations

import signal

import pytest
from sqlalchemy import text

from storage.db import DatabaseUnavailable, check_connection, make_engine, redact_url, transaction


def test_redact_url():
    assert redact_url("postgresql+psycopg://u:s3cret@db:5432/x") == "postgresql+psycopg://u:***@db:5432/x"
    assert redact_url("sqlite:///a/b.sqlite") == "sqlite:///a/b.sqlite"
    assert "s3cret" not in redact_url("redis://:s3cret@host:6379/0")
    assert "s3cret" not in redact_url("not a url://u:s3cret@h")


def test_sqlite_engine_settings(tmp_path):
    path = tmp_path / "deep" / "er" / "x.sqlite"
    engine = make_engine(f"sqlite:///{path}")
    try:
        assert path.parent.is_dir()
        with engine.connect() as conn:
            assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
            assert conn.execute(text("PRAGMA busy_timeout")).scalar() >= 30_000
            assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1
        check_connection(engine)
    finally:
        engine.dispose()


def test_sqlite_memory_engine():
    engine = make_engine("sqlite://")
    try:
        check_connection(engine)
    finally:
        engine.dispose()


@pytest.mark.postgres
def test_postgresql_engine(pg_url):
    engine = make_engine(pg_url)
    try:
        assert engine.pool._pre_ping
        check_connection(engine)
    finally:
        engine.dispose()


def test_check_connection_unreachable_postgresql():
    # a closed port: fails fast with the URL (password hidden) and the driver's reason
    engine = make_engine("postgresql+psycopg://postgres:hunter2@127.0.0.1:1/nope?connect_timeout=3")
    try:
        with pytest.raises(DatabaseUnavailable) as info:
            check_connection(engine)
    finally:
        engine.dispose()
    err = info.value
    assert "hunter2" not in str(err)
    assert err.url == "postgresql+psycopg://postgres:***@127.0.0.1:1/nope?connect_timeout=3"
    assert err.reason and "\n" not in str(err)  # one line, for CLIs and logs
    assert str(err).startswith("database unavailable at postgresql+psycopg://postgres:***@127.0.0.1:1/nope")


def test_check_connection_unreachable_sqlite(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("")
    engine = make_engine(f"sqlite:///{tmp_path}")  # a folder is not a database
    try:
        with pytest.raises(DatabaseUnavailable):
            check_connection(engine)
    finally:
        engine.dispose()


def test_transaction_commits_and_rolls_back(sqlite_url):
    engine = make_engine(sqlite_url)
    try:
        with transaction(engine) as s:
            s.exec(text("CREATE TABLE t (x INTEGER)"))
        with transaction(engine) as s:
            s.exec(text("INSERT INTO t VALUES (1)"))
        with pytest.raises(RuntimeError):
            with transaction(engine) as s:
                s.exec(text("INSERT INTO t VALUES (2)"))
                raise RuntimeError("boom")
        with transaction(engine) as s:
            assert s.exec(text("SELECT x FROM t")).all() == [(1,)]
    finally:
        engine.dispose()


class _Interrupted(Exception):
    """Raised from a signal handler in the middle of a database call, as Celery's soft time limit is."""


def _interrupt_after(seconds: float) -> None:
    def handler(signum, frame):
        raise _Interrupted("time limit")

    signal.signal(signal.SIGALRM, handler)
    signal.setitimer(signal.ITIMER_REAL, seconds)


def test_transaction_interrupted_mid_query_raises_the_interruption_and_the_pool_recovers(pg_url):
    """A query cut short by an exception from a signal (a task's soft time limit) leaves psycopg's
    connection busy; rolling it back then fails ("can't change 'autocommit' now"). The caller must
    see the interruption itself, not that cleanup error (which it would take for a row the database
    refused), and the busy connection must never go back to the pool."""
    engine = make_engine(pg_url, pool_size=1, max_overflow=0)
    try:
        _interrupt_after(0.3)
        try:
            with pytest.raises(_Interrupted):
                with transaction(engine) as s:
                    s.execute(text("SELECT pg_sleep(3)"))
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, signal.SIG_DFL)
        for _ in range(3):  # the one pooled connection works again at once
            with transaction(engine) as s:
                assert s.execute(text("SELECT 41 + 1")).scalar_one() == 42
    finally:
        engine.dispose()
