"""Shared pieces of the ``newsingest`` commands: consoles, one-line errors, exit codes, and the
checks that the database and the broker are there. Command modules import from here."""

from __future__ import annotations

import json
import sys
from typing import Any, NoReturn

from rich.console import Console
from sqlalchemy import Engine

from storage.db import check_connection, make_engine, redact_url
from storage.models import Outcome
from worker.settings import Settings, get_settings

out = Console(highlight=False, soft_wrap=True)
if not out.is_terminal:  # piped or captured: do not squeeze tables into 80 columns
    out = Console(highlight=False, soft_wrap=True, width=160)
err = Console(stderr=True, highlight=False, soft_wrap=True)

def current_settings() -> Settings:
    """The settings of this command run."""
    return get_settings()


EXIT_USAGE = 2
EXIT_UNAVAILABLE = 3
EXIT_NOT_FOUND = 4
EXIT_FAILED = 1

OUTCOME_STYLE = {
    Outcome.stored.value: "green",
    Outcome.updated.value: "cyan",
    Outcome.duplicate.value: "yellow",
    Outcome.copy.value: "yellow",
}


class CLIError(Exception):
    """An error to report on one line, with the exit code to end with."""

    def __init__(self, message: str, code: int = EXIT_FAILED) -> None:
        super().__init__(message)
        self.code = code


def fail(message: str, code: int = EXIT_FAILED) -> NoReturn:
    raise CLIError(message, code)


# --------------------------------------------------------------------------- helpers


def prepare_database(settings: Settings) -> Engine:
    """An engine on a reachable, migrated database. The embedded SQLite default is migrated on
    first use; any other database must have been migrated (``newsingest db upgrade``)."""
    from storage import migrate

    engine = make_engine(settings.database_url)
    check_connection(engine)
    if engine.url.get_backend_name() == "sqlite":
        migrate.upgrade(settings.database_url)
    else:
        at, want = migrate.current(settings.database_url), migrate.head()
        if at != want:
            engine.dispose()
            fail(
                f"database {redact_url(settings.database_url)} is at revision {at or 'none'}, "
                f"code needs {want}: run `newsingest db upgrade`",
                EXIT_UNAVAILABLE,
            )
    return engine


def check_broker(settings: Settings) -> None:
    """Fail with a one-line hint when the broker does not answer."""
    url = settings.broker_url
    if settings.broker_is_redis:
        import redis

        client = redis.Redis.from_url(url, socket_connect_timeout=2, socket_timeout=2)
        try:
            client.ping()
        except (redis.exceptions.RedisError, OSError) as exc:
            fail(
                f"broker unreachable at {redact_url(url)} ({exc}); start Redis "
                "(`redis-server --daemonize yes` or `docker compose up -d redis`) "
                "or set NEWSINGEST_BROKER_URL",
                EXIT_UNAVAILABLE,
            )
        finally:
            client.close()



def print_json(data: Any) -> None:
    """Write ``data`` as UTF-8 JSON on stdout (for ``--json``)."""
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2, default=str) + "\n")
