"""Thin Celery tasks: ids and URLs in, plain dicts out; the work is in :mod:`worker.pipeline`."""

from __future__ import annotations

import logging
from typing import Any

from celery import Task
from celery.signals import worker_process_init, worker_process_shutdown

from storage.db import DatabaseUnavailable
from worker.celery_app import TaskName, app
from worker.pipeline import PipelineContext, ingest
from worker.runtime import close_context, get_context

log = logging.getLogger(__name__)

#: How often a fetch that may succeed later (timeout, 5xx, connection error) is tried again.
FETCH_RETRIES = 2


@worker_process_init.connect
def _fresh_context_after_fork(**_: Any) -> None:
    # Connections made in the parent must not be shared with forked children.
    close_context(after_fork=True)


@worker_process_shutdown.connect
def _close_context(**_: Any) -> None:
    close_context()


@app.task(
    name=TaskName.ingest_url.value,
    bind=True,
    acks_late=True,
    reject_on_worker_lost=True,
    max_retries=20,  # database outages: retried with capped backoff (about 15 minutes in all)
    ignore_result=True,
)
def ingest_url(self: Task, url: str, source_id: int | None = None) -> dict[str, Any]:
    """Ingest one URL. Retries (with backoff) while the database is down or a fetch may succeed later."""
    ctx: PipelineContext = get_context()
    retries_left = max(0, FETCH_RETRIES - self.request.retries)
    try:
        result = ingest(url, ctx=ctx, source_id=source_id, task_id=self.request.id, retries_left=retries_left)
    except DatabaseUnavailable as exc:
        log.warning("database unavailable for %s: %s; retrying", url, exc)
        raise self.retry(exc=exc, countdown=min(60, 2 ** self.request.retries * 2)) from exc
    if result.retryable and retries_left > 0:
        raise self.retry(countdown=min(60, 5 * 2 ** self.request.retries))
    log.info("%s %s article=%s %s", result.outcome.value, url, result.article_id, result.error or "")
    return result.to_dict()
