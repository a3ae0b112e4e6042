"""Thin Celery tasks: ids and URLs in, plain dicts out; the work is in :mod:`worker.pipeline`."""

from __future__ import annotations

import logging
from typing import Any

from celery import Task
from celery.exceptions import SoftTimeLimitExceeded
from celery.signals import worker_process_init, worker_process_shutdown

from storage.db import DatabaseUnavailable
from worker.celery_app import Queue, TaskName, app
from worker.fetch.errors import HostBusyError
from worker.fetch.retry import busy_delay, retry_delay
from worker.ledger import RequeueReport, enqueue_ingest, mark_done_quietly, requeue_lost
from worker.pipeline import PipelineContext, ingest
from worker.runtime import close_context, get_context

log = logging.getLogger(__name__)

#: Reschedules of a task whose host is busy before it waits for the slot in place instead.
MAX_BUSY_RESCHEDULES = 200
#: Database outages: how often a task is retried (capped exponential backoff) before it fails.
MAX_DB_RETRIES = 40

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
    max_retries=None,  # bounded below, per cause: fetch attempts, busy host, database outage
    ignore_result=True,
)
def ingest_url(self: Task, url: str, source_id: int | None = None, attempt: int = 1, busy: int = 0,
               db_retries: int = 0) -> dict[str, Any]:
    """Ingest one URL (one fetch attempt). A busy host reschedules the task (short jittered
    countdown, no request made); a fetch that may succeed later is retried after Retry-After or
    an exponential backoff, up to ``fetch_max_attempts``; a database outage is retried with
    capped backoff. Retries keep the task id, so ``enqueue --wait`` follows them."""
    ctx: PipelineContext = get_context()
    settings = ctx.settings
    retries_left = max(0, settings.fetch_max_attempts - attempt)
    state = {"attempt": attempt, "busy": busy, "db_retries": db_retries}

    def again(countdown: float, **changes: int) -> Exception:
        kwargs = {"source_id": source_id, **state, **changes}
        return self.retry(args=(url,), kwargs=kwargs, countdown=round(countdown, 3))

    max_wait = settings.politeness_max_wait if busy < MAX_BUSY_RESCHEDULES else None
    try:
        result = ingest(url, ctx=ctx, source_id=source_id, task_id=self.request.id, retries_left=retries_left,
                        max_wait=max_wait)
    except HostBusyError as exc:
        raise again(busy_delay(exc.wait), busy=busy + 1) from None
    except SoftTimeLimitExceeded:
        # Cut off in the middle of something (a database call during an outage, typically): a
        # pooled connection may be left half-used, so the pool is dropped before anything else
        # runs in this process. The URL is tried again like any failed attempt.
        ctx.engine.dispose()
        if retries_left <= 0:
            log.error("%s exceeded the task's soft time limit on its last attempt; giving up", url)
            raise
        delay = retry_delay(attempt, retry_after=None, base=settings.retry_backoff, cap=settings.retry_backoff_max)
        log.warning("%s exceeded the task's soft time limit (attempt %d); retry in %.1f s", url, attempt, delay)
        raise again(delay, attempt=attempt + 1) from None
    except DatabaseUnavailable as exc:
        if db_retries >= MAX_DB_RETRIES:
            log.error("database unavailable for %s after %d retries: %s; giving up", url, db_retries, exc)
            raise
        delay = retry_delay(db_retries + 1, retry_after=None, base=1.0, cap=settings.db_retry_max_delay)
        log.warning("database unavailable for %s: %s; retry in %.1f s", url, exc, delay)
        raise again(delay, db_retries=db_retries + 1) from exc
    if result.retryable and retries_left > 0:
        delay = retry_delay(attempt, retry_after=result.retry_after, base=settings.retry_backoff,
                            cap=settings.retry_backoff_max)
        log.info("%s %s (attempt %d): %s; retry in %.1f s", result.outcome.value, url, attempt,
                 result.error, delay)
        raise again(delay, attempt=attempt + 1)
    log.info("%s %s article=%s %s", result.outcome.value, url, result.article_id, result.error or "")
    # A final result: the ledger row is done (before the late ack; a failure here is only a warning).
    mark_done_quietly(ctx.engine, task_id=self.request.id)
    return result.to_dict()


@app.task(
    name=TaskName.discover_source.value,
    bind=True,
    acks_late=True,
    reject_on_worker_lost=True,
    max_retries=3,
    ignore_result=True,
)
def discover_source(self: Task, source_id: int) -> dict[str, Any]:
    """Discover a source's new articles and send an ``ingest_url`` task for each (worker/discover.py).

    A disabled or unknown source is a no-op, so a stale schedule entry costs nothing.
    """
    from worker.discover import run_discovery

    ctx: PipelineContext = get_context()

    def send(url: str) -> None:
        enqueue_ingest(ctx.engine, url=url, source_id=source_id, publish=publish_ingest)

    try:
        result = run_discovery(source_id, ctx=ctx, enqueue=send, task_id=self.request.id)
    except DatabaseUnavailable as exc:
        log.warning("database unavailable for discovery of source %s: %s; retrying", source_id, exc)
        raise self.retry(exc=exc, countdown=10) from exc
    return result.to_dict() if result is not None else {"source_id": source_id, "skipped": True}


#: Publishing of a task the ledger has recorded: a few quick retries while the broker blinks.
PUBLISH_RETRY = {"max_retries": 3, "interval_start": 0.2, "interval_step": 0.5}


def publish_ingest(task_id: str, url: str, source_id: int | None) -> None:
    """Send one ``ingest_url`` task under ``task_id`` (the ledger's ``publish`` callback)."""
    ingest_url.apply_async((url,), {"source_id": source_id}, task_id=task_id, retry=True,
                           retry_policy=PUBLISH_RETRY)


def requeue_lost_now(engine: Any, settings: Any, *, dry_run: bool = False,
                     retry_given_up: bool = False) -> RequeueReport:
    """One pass of the ledger's reaper with these settings (the task and ``newsingest requeue-lost``)."""
    return requeue_lost(engine, broker_url=settings.broker_url, queues=[q.value for q in Queue],
                        publish=publish_ingest, grace=settings.requeue_grace, max_requeues=settings.requeue_max,
                        dry_run=dry_run, retention=settings.ledger_retention_days * 86400,
                        retry_given_up=retry_given_up)


@app.task(
    name=TaskName.requeue_lost.value,
    bind=True,
    acks_late=True,
    max_retries=0,
    ignore_result=True,  # time limits: the app's (task_soft_time_limit / task_time_limit), like the others
)
def requeue_lost_task(self: Task) -> dict[str, Any]:
    """The ledger's reaper (worker/ledger.py): send again the ingest tasks the broker lost."""
    ctx: PipelineContext = get_context()
    try:
        return requeue_lost_now(ctx.engine, ctx.settings).to_dict()
    except DatabaseUnavailable as exc:  # the next beat tick tries again
        log.warning("task ledger: reaper skipped, %s", exc)
        return {"skipped": True, "error": str(exc)}
