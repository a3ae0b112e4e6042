"""The beat schedule, built from the source registry: one ``discover_source`` entry per active source.

Two schedulers carry the same entries:

* :class:`RegistryRedBeatScheduler` (the service, broker on Redis): celery-redbeat keeps the
  schedule in Redis and holds a lock, so only one beat sends tasks; a second beat process blocks
  on the lock and takes over within ``redbeat_lock_timeout`` when the first dies.
* :class:`RegistryScheduler` (the embedded default, no Redis): Celery's file-backed scheduler.

Both re-read the registry every ``schedule_sync_interval`` seconds (and at start): they upsert it
into the ``source`` table, then add, change or remove the ``discover:<name>`` entries, so adding,
disabling (``newsingest sources disable``) or changing a source takes effect without restarting
anything. Workers need no restart either: ``discover_source`` reads the source row at run time
and skips a disabled source.

Next to them, one static entry, ``ledger:requeue-lost``: the task ledger's reaper
(``requeue_lost``, worker/ledger.py) every ``requeue_interval`` seconds (0: no entry).

Each entry runs at the source's interval plus a small, stable per-source jitter (so sources with
the same interval do not all fire in the same second), and its task expires before the next one
is due, so a backlog of discovery tasks never piles up behind a stopped worker.
"""

from __future__ import annotations

import hashlib
import logging
import time
from datetime import timedelta
from typing import Any

from celery.beat import PersistentScheduler
from celery.schedules import schedule as every

from storage import repository as repo
from storage.db import make_engine, transaction
from storage.models import Source
from worker.celery_app import Queue, TaskName
from worker.settings import get_settings

log = logging.getLogger(__name__)

PREFIX = "discover:"
MAX_JITTER = 60
#: The static entry of the task ledger's reaper.
REQUEUE_ENTRY = "ledger:requeue-lost"


def jitter_seconds(name: str, interval: int) -> int:
    """A stable jitter for a source: up to 10% of its interval, at most 60 s (0 below 10 s)."""
    span = min(MAX_JITTER, interval // 10)
    if span <= 0:
        return 0
    return int(hashlib.sha1(name.encode()).hexdigest(), 16) % (span + 1)


def first_run_delay(name: str, period: int) -> int:
    """Seconds after a source's entry is created until its first run: a stable phase within its
    period, so sources added together (a beat's first start) do not all run in the same second."""
    return int(hashlib.sha1(b"phase:" + name.encode()).hexdigest(), 16) % max(1, period)


def entry_for(source: Source) -> dict[str, Any]:
    """The beat entry of one source."""
    period = source.interval_seconds + jitter_seconds(source.name, source.interval_seconds)
    return {
        "task": TaskName.discover_source.value,
        "schedule": every(run_every=timedelta(seconds=period)),
        "args": (source.id,),
        "kwargs": {},
        # Expire a queued discovery before the next one is sent: no backlog.
        "options": {"queue": Queue.discover.value, "expires": max(1.0, period * 0.9)},
    }


def build_schedule(sources: list[Source], *, names: set[str] | None = None) -> dict[str, dict[str, Any]]:
    """``{"discover:<name>": entry}`` for every active source (of ``names``, when given)."""
    return {
        PREFIX + s.name: entry_for(s)
        for s in sources
        if s.active and s.id is not None and (names is None or s.name in names)
    }


def static_schedule(settings: Any = None) -> dict[str, dict[str, Any]]:
    """The entries that do not come from the registry: the ledger's reaper (none if its interval is 0)."""
    settings = settings or get_settings()
    period = int(settings.requeue_interval)
    if period <= 0:
        return {}
    return {
        REQUEUE_ENTRY: {
            "task": TaskName.requeue_lost.value,
            "schedule": every(run_every=timedelta(seconds=period)),
            "args": (),
            "kwargs": {},
            "options": {"queue": Queue.discover.value, "expires": max(1.0, period * 0.9)},
        }
    }


def registry_schedule(settings: Any = None, *, engine: Any = None) -> dict[str, dict[str, Any]]:
    """Load the registry, sync it to the ``source`` table, and build the schedule from the table
    (so ``sources enable|disable`` overrides apply), plus the :func:`static_schedule`."""
    from scheduler.sources import load_registry, sync_registry

    settings = settings or get_settings()
    registry = load_registry(settings=settings)
    own = engine is None
    engine = engine or make_engine(settings.database_url)
    try:
        with transaction(engine) as session:
            sync_registry(session, registry=registry)
            sources = repo.list_sources(session)
            for s in sources:
                session.expunge(s)
    finally:
        if own:
            engine.dispose()
    return {**build_schedule(sources, names=set(registry.names)), **static_schedule(settings)}


def _managed(name: str) -> bool:
    """An entry this module adds and removes: a source's, or the static reaper's."""
    return name.startswith(PREFIX) or name == REQUEUE_ENTRY


def _same(entry: Any, wanted: dict[str, Any]) -> bool:
    run_every = getattr(entry.schedule, "run_every", None)
    return (
        entry.task == wanted["task"]
        and tuple(entry.args or ()) == tuple(wanted["args"])
        and run_every == wanted["schedule"].run_every
        and dict(entry.options or {}) == wanted["options"]
    )


def _first_last_run(app: Any, name: str, wanted: dict[str, Any]) -> Any:
    """The ``last_run_at`` that makes a new entry first due after its :func:`first_run_delay`."""
    period = wanted["schedule"].run_every
    return app.now() - period + timedelta(seconds=first_run_delay(name, int(period.total_seconds())))


class _RegistryMixin:
    """Re-reads the registry every ``schedule_sync_interval`` seconds inside ``tick``."""

    _last_sync: float = 0.0
    _engine: Any = None

    def _desired(self) -> dict[str, dict[str, Any]] | None:
        settings = get_settings()
        if self._engine is None:
            self._engine = make_engine(settings.database_url)
        try:
            return registry_schedule(settings, engine=self._engine)
        except Exception as exc:  # a bad registry edit or a database blip: keep the current entries
            log.error("beat: cannot sync the source registry (%s); keeping the current schedule", exc)
            return None

    def sync_registry(self) -> None:
        self._last_sync = time.monotonic()
        desired = self._desired()
        if desired is not None:
            self.apply_schedule(desired)

    def apply_schedule(self, desired: dict[str, dict[str, Any]]) -> None:  # pragma: no cover - abstract
        raise NotImplementedError

    def maybe_sync(self) -> None:
        if time.monotonic() - self._last_sync >= get_settings().schedule_sync_interval:
            self.sync_registry()


class RegistryScheduler(_RegistryMixin, PersistentScheduler):
    """The embedded default's scheduler: Celery's file-backed one, with the registry's entries."""

    lock_key = None  # one process: no lock (tells redbeat's beat_init handler there is nothing to take)

    def setup_schedule(self) -> None:
        super().setup_schedule()
        self.sync_registry()

    def apply_schedule(self, desired: dict[str, dict[str, Any]]) -> None:
        current = self.schedule
        for name in [n for n in current if _managed(n) and n not in desired]:
            log.info("beat: removing %s", name)
            del current[name]
        for name, wanted in desired.items():
            entry = current.get(name)
            if entry is not None and _same(entry, wanted):
                continue  # unchanged: keep its last run time
            log.info("beat: %s %s every %s", "updating" if entry else "adding", name, wanted["schedule"].run_every)
            last = entry.last_run_at if entry is not None else _first_last_run(self.app, name, wanted)
            current[name] = self.Entry(name=name, app=self.app, last_run_at=last, **wanted)
        self.sync()

    def tick(self, *args: Any, **kwargs: Any) -> float:
        self.maybe_sync()
        return super().tick(*args, **kwargs)


def _redbeat_scheduler() -> type:
    """The RedBeat scheduler class, built on first use: the embedded default never imports redbeat
    (its module-level ``beat_init`` handler would then run for every beat)."""
    from redbeat import RedBeatScheduler

    class RegistryRedBeatScheduler(_RegistryMixin, RedBeatScheduler):  # type: ignore[misc, valid-type]
        """The service's scheduler: celery-redbeat (Redis, locked), with the registry's entries."""

        def setup_schedule(self) -> None:
            super().setup_schedule()
            self.sync_registry()

        def apply_schedule(self, desired: dict[str, dict[str, Any]]) -> None:
            from redbeat.schedulers import get_redis

            conf = self.app.redbeat_conf
            client = get_redis(self.app)
            for raw in client.zrange(conf.schedule_key, 0, -1):
                key = raw.decode() if isinstance(raw, bytes) else raw
                if key.startswith(conf.key_prefix) and _managed(key[len(conf.key_prefix):]) \
                        and key[len(conf.key_prefix):] not in desired:
                    log.info("beat: removing %s", key[len(conf.key_prefix):])
                    self.Entry(name=key[len(conf.key_prefix):], app=self.app).delete()
            changed = {}
            for name, wanted in desired.items():
                try:
                    entry = self.Entry.from_key(self.Entry.generate_key(self.app, name), app=self.app)
                except KeyError:
                    entry = None
                if entry is None:  # a new source: first run at its phase
                    log.info("beat: adding %s every %s", name, wanted["schedule"].run_every)
                    self.Entry(name=name, app=self.app, last_run_at=_first_last_run(self.app, name, wanted),
                               **wanted).save()
                elif not _same(entry, wanted):
                    changed[name] = wanted
            if changed:
                log.info("beat: writing %d entries: %s", len(changed), ", ".join(sorted(changed)))
                self.update_from_dict(changed)  # keeps each entry's last run time

        def tick(self, *args: Any, **kwargs: Any) -> float:
            self.maybe_sync()
            return super().tick(*args, **kwargs)

    RegistryRedBeatScheduler.__module__ = __name__
    return RegistryRedBeatScheduler


def __getattr__(name: str) -> Any:
    if name == "RegistryRedBeatScheduler":
        cls = _redbeat_scheduler()
        globals()[name] = cls
        return cls
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def scheduler_for(settings: Any) -> str:
    """The ``--scheduler`` of ``celery beat`` for these settings."""
    if settings.broker_is_redis:
        return "scheduler.beat:RegistryRedBeatScheduler"
    return "scheduler.beat:RegistryScheduler"
