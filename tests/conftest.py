"""Shared pytest fixtures (database).

Fixtures
--------
``sqlite_url``
    A fresh SQLite file URL under ``tmp_path`` (the file does not exist yet; not migrated).
``pg_url``
    A fresh, empty PostgreSQL database for one test (``newsingest_t_<hex>``), created through the
    ``postgres`` maintenance database and dropped ``WITH (FORCE)`` afterwards. Not migrated.
``pg_url_session``
    The same, created once per test session (share it only for read-mostly tests).
``db_url``
    Parametrized over ``["sqlite", "postgresql"]``: one of the above, already migrated to head
    with :func:`storage.migrate.upgrade`. Test ids end in ``[sqlite]`` / ``[postgresql]``.
``engine``
    :func:`storage.db.make_engine` on ``db_url``; disposed after the test.

PostgreSQL comes from ``NEWSINGEST_TEST_PG_URL`` (a URL to the server's maintenance database,
default ``postgresql+psycopg://postgres@127.0.0.1:5432/postgres``). If the server does not answer,
the PostgreSQL fixtures FAIL (they never skip): CI starts PostgreSQL, so an absent server is a bug.
PostgreSQL tests carry the ``postgres`` marker (``-m "not postgres"`` deselects them locally).
"""

from __future__ import annotations

import os
import secrets
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine
from sqlalchemy.engine import make_url

# Import the project from this checkout even when it is not pip-installed.
_ROOT = str(Path(__file__).resolve().parents[1])
if _ROOT not in sys.path:
    sys.path.insert(0, _ROOT)

PG_ADMIN_URL = os.environ.get(
    "NEWSINGEST_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)


def _pg_connect_admin():
    import psycopg

    url = make_url(PG_ADMIN_URL).set(drivername="postgresql")
    try:
        return psycopg.connect(url.render_as_string(hide_password=False), autocommit=True, connect_timeout=10)
    except psycopg.OperationalError as exc:
        reason = str(exc).strip()
    shown = make_url(PG_ADMIN_URL).render_as_string(hide_password=True)
    pytest.fail(
        f"PostgreSQL is not reachable at {shown} ({reason}). "
        "Start it (CI does) or point NEWSINGEST_TEST_PG_URL at a running server.",
        pytrace=False,
    )


def _create_pg_database() -> str:
    name = f"newsingest_t_{secrets.token_hex(6)}"
    with _pg_connect_admin() as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    return make_url(PG_ADMIN_URL).set(database=name).render_as_string(hide_password=False)


def _drop_pg_database(url: str) -> None:
    name = make_url(url).database
    with _pg_connect_admin() as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def sqlite_url(tmp_path) -> str:
    """A fresh SQLite file URL (not migrated)."""
    return f"sqlite:///{tmp_path / 'db' / 'newsingest.sqlite'}"


@pytest.fixture
def pg_url() -> Iterator[str]:
    """A fresh, empty PostgreSQL database for this test (not migrated); dropped after."""
    url = _create_pg_database()
    try:
        yield url
    finally:
        _drop_pg_database(url)


@pytest.fixture(scope="session")
def pg_url_session() -> Iterator[str]:
    """A fresh, empty PostgreSQL database shared by the whole test session (not migrated)."""
    url = _create_pg_database()
    try:
        yield url
    finally:
        _drop_pg_database(url)


@pytest.fixture(
    params=[
        pytest.param("sqlite", id="sqlite"),
        pytest.param("postgresql", id="postgresql", marks=pytest.mark.postgres),
    ]
)
def db_url(request: pytest.FixtureRequest) -> str:
    """A migrated database URL, once per backend."""
    from storage.migrate import upgrade

    if request.param == "sqlite":
        url = request.getfixturevalue("sqlite_url")
    else:
        url = request.getfixturevalue("pg_url")
    upgrade(url)
    return url


@pytest.fixture
def engine(db_url: str) -> Iterator[Engine]:
    """An engine on ``db_url``; disposed after the test."""
    from storage.db import make_engine

    eng = make_engine(db_url)
    try:
        yield eng
    finally:
        eng.dispose()
