"""The Celery app. Its configuration is read from :mod:`worker.settings` lazily, the first time
the app needs it, so importing this module connects to nothing and reads no environment.
"""

from __future__ import annotations

import functools
from enum import StrEnum
from typing import Any

from celery import Celery
from kombu import Queue as KombuQueue

from worker.settings import Settings, get_settings


class Queue(StrEnum):
    """The queues. Discovery is split from ingestion so a slow crawl never starves fetching."""

    ingest = "ingest"
    discover = "discover"


#: Stable, explicit task names: the wire contract between producers and workers.
class TaskName(StrEnum):
    ingest_url = "newsingest.ingest_url"
    discover_source = "newsingest.discover_source"
    requeue_lost = "newsingest.requeue_lost"


def keep_redis_channel_connparams() -> None:
    """Let a kombu Redis channel rebuild its connection pool after its connection has gone.

    When the worker loses Redis, Celery tears the connection down twice
    (``Consumer.on_connection_error_after_connected``: ``connection.collect()``, then
    ``connection.close()``); ``collect()`` detaches the transport (``transport.client = None``).
    When the first close of the task channel stopped early (its pending BRPOP reply raised the
    connection error), the second close restores the channel's unacked messages, and kombu's
    ``Channel._connparams`` reads ``self.connection.client.hostname``: ``AttributeError``, not a
    connection error, so it escapes Celery's ``ignore_errors`` and the worker stops with
    "Unrecoverable error" (issue 6). The same happens when a task that ran across the outage is
    acknowledged afterwards on its old channel (an ack callback in the event loop).

    The channel keeps the parameters it connected with and uses them once detached; a channel
    that never built one gets a Redis ``ConnectionError``, which Celery and kombu handle (the
    message then returns after the visibility timeout). Idempotent; nothing else changes.
    """
    from kombu.transport import redis as kombu_redis

    original = kombu_redis.Channel._connparams
    if getattr(original, "_newsingest_keeps_params", False):
        return

    @functools.wraps(original)
    def _connparams(self: Any, asynchronous: bool = False) -> dict[str, Any]:
        saved: dict[bool, dict[str, Any]] = self.__dict__.setdefault("_newsingest_connparams", {})
        transport = self.connection
        if transport is not None and transport.client is not None:
            params = original(self, asynchronous=asynchronous)
            saved[asynchronous] = dict(params)
            return params
        if asynchronous in saved:
            return dict(saved[asynchronous])
        raise kombu_redis.get_redis_ConnectionError()(
            "kombu Redis channel detached from its connection (broker connection lost)")

    _connparams._newsingest_keeps_params = True  # type: ignore[attr-defined]
    kombu_redis.Channel._connparams = _connparams


def celery_config(settings: Settings) -> dict[str, Any]:
    """The Celery configuration for ``settings`` (see ARCHITECTURE.md, "settled choices")."""
    conf: dict[str, Any] = {
        "broker_url": settings.broker_url,
        "broker_connection_retry_on_startup": True,
        "task_serializer": "json",
        "result_serializer": "json",
        "accept_content": ["json"],
        "event_serializer": "json",
        "task_ignore_result": True,
        "result_backend": None,
        "task_acks_late": True,
        "task_reject_on_worker_lost": True,
        "worker_prefetch_multiplier": 1,
        "task_soft_time_limit": settings.task_soft_time_limit,
        "task_time_limit": settings.task_time_limit,
        "task_default_queue": Queue.ingest.value,
        "task_queues": [KombuQueue(q.value, routing_key=q.value) for q in Queue],
        "task_routes": {
            TaskName.ingest_url.value: {"queue": Queue.ingest.value},
            TaskName.discover_source.value: {"queue": Queue.discover.value},
            TaskName.requeue_lost.value: {"queue": Queue.discover.value},
        },
        "worker_hijack_root_logger": False,
        "worker_max_tasks_per_child": 1000,
        "task_send_sent_event": True,
        "timezone": "UTC",
        "enable_utc": True,
        "beat_schedule": {},
        # The discovery entries are built from the source registry by scheduler/beat.py, whose
        # schedulers the `newsingest beat` / `run` commands select (RedBeat on Redis).
        "beat_max_loop_interval": settings.beat_max_loop_interval,
    }
    if settings.broker_is_redis:
        conf["redbeat_redis_url"] = settings.effective_redis_url or settings.broker_url
        conf["redbeat_key_prefix"] = "newsingest:redbeat:"
        conf["redbeat_lock_timeout"] = settings.redbeat_lock_timeout
        conf["redbeat_redis_options"] = {}
    if settings.broker_is_redis:
        # Hard time limit stays far below the visibility timeout: an unacked task is only
        # redelivered once its worker is really gone.
        # Unacked messages of a dead worker are looked for every few seconds (kombu's default
        # sweep is every ~100 s), so they return soon after the visibility timeout.
        # That sweep holds a lock in Redis (kombu's default lifetime: 300 s). Redis stopping during
        # a sweep keeps the lock (it is persisted) and no message is restored until it expires:
        # it is kept to a tenth of the visibility timeout (5..300 s). A sweep outliving its lock
        # restores nothing twice: each message is moved in a transaction watching the hash.
        conf["broker_transport_options"] = {
            "visibility_timeout": settings.visibility_timeout,
            "unacked_restore_interval": max(1, min(10, settings.visibility_timeout // 10)),
            "unacked_restore_throttle": 1,
            "unacked_mutex_expire": max(5, min(300, settings.visibility_timeout // 10)),
        }
    elif settings.broker_url.startswith(("sqla+", "sqlalchemy+")):
        # These options go to sqlalchemy.create_engine: wait for SQLite's write lock, don't fail.
        conf["broker_transport_options"] = {"connect_args": {"timeout": 30}}
        conf["broker_pool_limit"] = 1
    return conf


def create_app(settings: Settings | None = None) -> Celery:
    """A configured Celery app; with no settings, they are read when first needed."""
    keep_redis_channel_connparams()  # a lost Redis connection must not stop the worker (issue 6)
    celery = Celery("newsingest", include=["worker.tasks", "worker.signals"])
    if settings is not None:
        celery.conf.update(celery_config(settings))
    else:
        celery.add_defaults(lambda: celery_config(get_settings()))
    return celery


#: The app ``celery -A worker.celery_app`` finds. Creating it opens no connection.
app = create_app()
