"""Alembic environment for newsingest.

The database URL comes from (first found): ``config.attributes["database_url"]`` (set by
:mod:`storage.migrate`), the ``sqlalchemy.url`` option, or ``NEWSINGEST_DATABASE_URL``.
Imports storage only (never worker/scheduler).
"""

from __future__ import annotations

import os
from logging.config import fileConfig
from typing import Any

from alembic import context
from sqlalchemy import text
from sqlmodel import SQLModel

import storage.models  # noqa: F401  (registers the tables on SQLModel.metadata)
from storage.db import make_engine

config = context.config

if config.config_file_name is not None and config.attributes.get("configure_logger", True):
    fileConfig(config.config_file_name, disable_existing_loggers=False)

target_metadata = SQLModel.metadata

#: Serialises concurrent ``upgrade`` runs on PostgreSQL (several services may migrate at start).
_PG_MIGRATION_LOCK_KEY = 0x6E657773  # "news"


def _database_url() -> str:
    url = config.attributes.get("database_url") or config.get_main_option("sqlalchemy.url")
    url = url or os.environ.get("NEWSINGEST_DATABASE_URL")
    if not url:
        raise RuntimeError(
            "no database URL: set NEWSINGEST_DATABASE_URL (or sqlalchemy.url in alembic.ini), "
            "or call storage.migrate.upgrade(database_url)"
        )
    return url


def render_item(type_: str, obj: Any, autogen_context: Any) -> str | bool:
    """Render newsingest/sqlmodel column types as plain SQLAlchemy types in new revisions."""
    if type_ != "type":
        return False
    from sqlmodel.sql.sqltypes import AutoString

    from storage.types import AwareDateTime

    if isinstance(obj, AwareDateTime):
        return "sa.DateTime(timezone=True)"
    if isinstance(obj, AutoString):
        return f"sa.String(length={obj.length})" if obj.length else "sa.String()"
    return False


def _configure_kwargs(dialect_name: str) -> dict[str, Any]:
    return {
        "target_metadata": target_metadata,
        "render_as_batch": dialect_name == "sqlite",  # SQLite cannot ALTER most things
        "compare_type": True,
        "compare_server_default": True,
        "render_item": render_item,
    }


def run_migrations_offline() -> None:
    url = _database_url()
    from sqlalchemy.engine import make_url

    context.configure(
        url=url,
        literal_binds=True,
        dialect_opts={"paramstyle": "named"},
        **_configure_kwargs(make_url(url).get_backend_name()),
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _run_with(connection)
        return
    engine = make_engine(_database_url())
    try:
        with engine.connect() as conn:
            _run_with(conn)
    finally:
        engine.dispose()


def _run_with(connection: Any) -> None:
    context.configure(connection=connection, **_configure_kwargs(connection.dialect.name))
    with context.begin_transaction():
        if connection.dialect.name == "postgresql":
            # Released at commit; a second migrator waits, then sees the new alembic_version.
            connection.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _PG_MIGRATION_LOCK_KEY})
        context.run_migrations()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
