"""Engines, transactions and connection checks.

Nothing is created at import time: call :func:`make_engine` with a URL. :func:`transaction` is the
only place in storage that commits; the functions of :mod:`storage.repository` never do.

SQLite note: the stdlib driver opens a transaction lazily, right before the first
INSERT/UPDATE/DELETE, so a transaction that starts with a write (as
:func:`storage.repository.insert_article_if_absent` does) holds the single write lock from its first
statement, and concurrent writers wait (``busy_timeout``) instead of failing.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, SQLAlchemyError
from sqlalchemy.pool import StaticPool
from sqlmodel import Session

#: SQLite waits this long for the write lock before giving up with "database is locked".
SQLITE_BUSY_TIMEOUT_MS = 30_000
#: PostgreSQL connect timeout (seconds) unless the URL sets ``connect_timeout``.
PG_CONNECT_TIMEOUT_S = 10

log = logging.getLogger(__name__)


class DatabaseUnavailable(RuntimeError):
    """The database cannot be reached. ``url`` never contains the password; the message is one line."""

    def __init__(self, url: str, reason: str) -> None:
        self.url = redact_url(url)
        self.reason = " ".join(line.strip() for line in str(reason).splitlines() if line.strip())
        super().__init__(f"database unavailable at {self.url}: {self.reason}")


_PASSWORD_IN_URL = re.compile(r"(?P<head>[a-zA-Z][a-zA-Z0-9+.\-]*://[^:/@\s]*:)(?P<pw>[^@\s]*)(?P<at>@)")


def redact_url(url: str | URL) -> str:
    """``url`` as text with any password replaced by ``***`` (safe for logs and messages)."""
    if isinstance(url, URL):
        return url.render_as_string(hide_password=True)
    try:
        return make_url(url).render_as_string(hide_password=True)
    except (ArgumentError, ValueError):
        return _PASSWORD_IN_URL.sub(r"\g<head>***\g<at>", url)


def _json_dumps(value: Any) -> str:
    # Readable UTF-8 in the database (Vietnamese text stays text, not \\u escapes).
    return json.dumps(value, ensure_ascii=False)


def _sqlite_in_memory(url: URL) -> bool:
    db = url.database or ""
    return db in ("", ":memory:") or "mode=memory" in db or url.query.get("mode") == "memory"


def _sqlite_engine(url: URL, **kwargs: Any) -> Engine:
    connect_args: dict[str, Any] = {"check_same_thread": False, "timeout": SQLITE_BUSY_TIMEOUT_MS / 1000}
    if _sqlite_in_memory(url):
        kwargs.setdefault("poolclass", StaticPool)  # one shared in-memory database
    else:
        db = url.database or ""
        if db.startswith("file:"):  # URI filename (?uri=true)
            db = db[len("file:") :].split("?", 1)[0]
        Path(db).expanduser().resolve().parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(url, connect_args=connect_args, json_serializer=_json_dumps, **kwargs)

    @event.listens_for(engine, "connect")
    def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
        cursor = dbapi_connection.cursor()
        try:
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA synchronous=NORMAL")  # safe with WAL
        finally:
            cursor.close()

    return engine


def make_engine(url: str | URL, **kwargs: Any) -> Engine:
    """A SQLAlchemy engine for ``url`` (SQLite or PostgreSQL), configured for newsingest.

    SQLite: ``check_same_thread=False``, WAL, ``busy_timeout`` 30 s, ``foreign_keys=ON`` on every
    connection; the file's folder is created. PostgreSQL: ``pool_pre_ping`` and a connect timeout.
    Extra ``kwargs`` go to :func:`sqlalchemy.create_engine`.
    """
    parsed = make_url(url)
    backend = parsed.get_backend_name()
    if backend == "sqlite":
        return _sqlite_engine(parsed, **kwargs)
    if backend == "postgresql":
        connect_args: dict[str, Any] = {}
        if "connect_timeout" not in parsed.query:
            connect_args["connect_timeout"] = PG_CONNECT_TIMEOUT_S
        kwargs.setdefault("pool_pre_ping", True)
        return create_engine(parsed, connect_args=connect_args, json_serializer=_json_dumps, **kwargs)
    return create_engine(parsed, **kwargs)


@contextmanager
def transaction(engine: Engine) -> Iterator[Session]:
    """A session in one transaction: commits when the block ends, rolls back if it raises.

    Objects stay usable after the block (``expire_on_commit=False``).

    A block cut short in the middle of a database call (a task's soft time limit raised from a
    signal) leaves the connection busy, so the rollback itself fails: then the connection is
    invalidated (closed, never returned to the pool) and the caller sees what cut the block short,
    not the rollback's error.
    """
    with Session(engine, expire_on_commit=False) as session:
        try:
            yield session
            session.commit()
        except BaseException as exc:
            try:
                session.rollback()
            except Exception as cleanup:
                if isinstance(exc, SQLAlchemyError):
                    log.debug("rollback after %s failed too: %s", type(exc).__name__, cleanup)
                else:
                    log.warning("rollback after an interruption (%s) failed: %s; connection discarded",
                                type(exc).__name__, _one_line(cleanup))
                session.invalidate()
            raise


def check_connection(engine: Engine) -> None:
    """Run ``SELECT 1``; raise :class:`DatabaseUnavailable` if the database cannot be reached."""
    try:
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
    except DBAPIError as exc:
        reason = str(exc.orig).strip() if exc.orig is not None else str(exc)
        raise DatabaseUnavailable(
            redact_url(engine.url), _scrub(reason or type(exc).__name__, engine.url)
        ) from exc
    except (SQLAlchemyError, OSError) as exc:
        raise DatabaseUnavailable(
            redact_url(engine.url), _scrub(str(exc) or type(exc).__name__, engine.url)
        ) from exc


def _scrub(reason: str, url: URL) -> str:
    """Drop the password from a driver message, should the driver ever echo it."""
    return reason.replace(str(url.password), "***") if url.password else reason


def _one_line(exc: BaseException) -> str:
    return " ".join(str(exc).split())[:300] or type(exc).__name__
