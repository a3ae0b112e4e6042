"""Logging: every line carries the task id, source id and URL being worked on; ``--log-json`` /
``NEWSINGEST_LOG_JSON=1`` makes each line one JSON object (python-json-logger)."""

from __future__ import annotations

import logging
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from pythonjsonlogger.json import JsonFormatter

_task_id: ContextVar[str | None] = ContextVar("newsingest_task_id", default=None)
_source_id: ContextVar[int | None] = ContextVar("newsingest_source_id", default=None)
_url: ContextVar[str | None] = ContextVar("newsingest_url", default=None)

TEXT_FORMAT = "%(asctime)s %(levelname)s %(processName)s %(name)s [task=%(task_id)s source=%(source_id)s url=%(url)s] %(message)s"
JSON_FIELDS = "%(asctime)s %(levelname)s %(processName)s %(name)s %(task_id)s %(source_id)s %(url)s %(message)s"


class ContextFilter(logging.Filter):
    """Adds task_id, source_id and url (``-`` when none) to every record."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.task_id = getattr(record, "task_id", None) or _task_id.get() or "-"
        record.source_id = getattr(record, "source_id", None) or _source_id.get() or "-"
        record.url = getattr(record, "url", None) or _url.get() or "-"
        return True


@contextmanager
def log_context(*, task_id: str | None = None, source_id: int | None = None, url: str | None = None) -> Iterator[None]:
    """Within the block, every log line names this task, source and URL."""
    tokens = (_task_id.set(task_id), _source_id.set(source_id), _url.set(url))
    try:
        yield
    finally:
        _task_id.reset(tokens[0])
        _source_id.reset(tokens[1])
        _url.reset(tokens[2])


def make_handler(*, json_lines: bool) -> logging.Handler:
    handler = logging.StreamHandler(sys.stderr)
    handler.addFilter(ContextFilter())
    handler.setFormatter(JsonFormatter(JSON_FIELDS) if json_lines else logging.Formatter(TEXT_FORMAT))
    return handler


def configure_logging(*, level: str = "INFO", json_lines: bool = False) -> None:
    """Replace the root logger's handlers with one newsingest handler."""
    root = logging.getLogger()
    for h in list(root.handlers):
        root.removeHandler(h)
    root.addHandler(make_handler(json_lines=json_lines))
    root.setLevel(level.upper())
