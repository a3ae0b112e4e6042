"""Run the Alembic migrations from code: no ``alembic.ini`` and no particular cwd needed.

Alembic keeps its migration context in module globals: run one migration at a time per process
(separate processes may migrate concurrently; on PostgreSQL they are serialised by an advisory lock).

>>> upgrade("sqlite:///data/newsingest.sqlite")        # doctest: +SKIP
>>> current("sqlite:///data/newsingest.sqlite")        # doctest: +SKIP
'0001'
"""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory

from storage.db import make_engine

#: The migrations shipped inside the installed ``storage`` package.
MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"


def alembic_config(database_url: str | None = None) -> Config:
    """An Alembic :class:`Config` built in code, pointing at the packaged migrations."""
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    cfg.attributes["configure_logger"] = False  # leave the application's logging alone
    if database_url is not None:
        cfg.attributes["database_url"] = database_url  # attributes: no ``%`` interpolation issues
    return cfg


def upgrade(database_url: str, revision: str = "head") -> None:
    """Migrate the database at ``database_url`` up to ``revision`` (creates it from empty)."""
    command.upgrade(alembic_config(database_url), revision)


def downgrade(database_url: str, revision: str) -> None:
    """Migrate the database at ``database_url`` down to ``revision`` (``"base"``: drop everything)."""
    command.downgrade(alembic_config(database_url), revision)


def current(database_url: str) -> str | None:
    """The revision the database is at, or ``None`` if it was never migrated."""
    engine = make_engine(database_url)
    try:
        with engine.connect() as conn:
            return MigrationContext.configure(conn).get_current_revision()
    finally:
        engine.dispose()


def head() -> str:
    """The newest revision shipped with this code."""
    rev = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert rev is not None, "no migrations found"
    return rev
