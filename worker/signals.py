"""Worker process wiring, kept out of the tasks: logging set-up, per-task log context, and the
Prometheus endpoint of the worker's main process."""

from __future__ import annotations

import logging
import os
from typing import Any

from celery.signals import setup_logging, task_postrun, task_prerun, worker_process_shutdown, worker_ready

from worker import logs, metrics
from worker.settings import get_settings

log = logging.getLogger(__name__)

_bound: dict[str, Any] = {}


@setup_logging.connect
def _setup_logging(loglevel: Any = None, **_: Any) -> None:
    settings = get_settings()
    level = loglevel if isinstance(loglevel, str) else logging.getLevelName(loglevel or settings.log_level)
    logs.configure_logging(level=str(level), json_lines=settings.log_json)


@task_prerun.connect
def _bind_task(task_id: str | None = None, args: Any = None, kwargs: Any = None, **_: Any) -> None:
    args = list(args or [])
    kwargs = dict(kwargs or {})
    url = kwargs.get("url") or (args[0] if args and isinstance(args[0], str) else None)
    source_id = kwargs.get("source_id") or (args[1] if len(args) > 1 and isinstance(args[1], int) else None)
    if task_id:
        _bound[task_id] = logs.log_context(task_id=task_id, source_id=source_id, url=url)
        _bound[task_id].__enter__()


@task_postrun.connect
def _unbind_task(task_id: str | None = None, **_: Any) -> None:
    ctx = _bound.pop(task_id, None) if task_id else None
    if ctx is not None:
        ctx.__exit__(None, None, None)


@worker_ready.connect
def _serve_metrics(**_: Any) -> None:
    port = get_settings().metrics_port
    if port:
        metrics.serve(port)
        log.info("metrics on :%d/metrics", port)


@worker_process_shutdown.connect
def _metrics_process_gone(**_: Any) -> None:
    metrics.process_exited(os.getpid())
