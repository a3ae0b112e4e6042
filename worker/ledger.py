"""The durable task ledger: nothing sent is ever lost, whatever the broker does.

kombu's Redis transport can lose a message: BRPOP takes it off the queue list before the worker
records it in the ``unacked`` hash (``QoS.append``); a worker killed in between loses it for good.
So every ``ingest_url`` task is written to the ``queued_task`` table, and committed, *before* it
is published (:func:`enqueue_ingest`); the task marks its row done when it reaches a final result
(:func:`mark_done_quietly`); and the reaper (:func:`requeue_lost`, run by beat every
``requeue_interval`` seconds and by ``newsingest requeue-lost``) sends the lost ones again, with
the same task id. A task lost again after ``requeue_max`` re-sends is marked given up: logged once,
not examined again, listed by ``newsingest requeue-lost`` and made pending again by its
``--retry-given-up``. Each pass also deletes the rows done more than ``ledger_retention_days`` ago
(in batches), so the table holds the recent work only.

"Lost" is decided exactly, for the Redis broker only: a pending row older than ``requeue_grace``
whose task id is neither in a queue list nor in kombu's ``unacked`` hash (one atomic server-side scan
that returns only the ids it finds, so a deep queue costs Redis time, not transfer) (where a task being run,
or waiting for its countdown, sits under ``acks_late``), in two consecutive looks a few hundred ms
apart (a worker may be between its BRPOP and its ``hset``), and still pending in the database after
the second look (a task marks done before it is acknowledged). A lost task is re-sent at most
``requeue_max`` times, then given up. With any other broker (the embedded SQLite one) nothing can
be told apart, so nothing is re-sent (the purge of old done rows still runs).

No Celery in here: the callers pass a ``publish(task_id, url, source_id)`` callback
(:func:`worker.tasks.publish_ingest`) and the queue names (:class:`worker.celery_app.Queue`).
"""

from __future__ import annotations

import logging
import time
import uuid
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import Engine

from storage import ledger
from storage.db import redact_url, transaction
from worker.settings import is_redis_url

log = logging.getLogger(__name__)

#: ``publish(task_id, url, source_id)``: send one ``ingest_url`` task with this id.
Publish = Callable[[str, str, int | None], None]

#: Seconds between the two looks at the broker.
SETTLE_SECONDS = 0.3
#: At most this many pending rows are examined per pass (oldest first).
SCAN_LIMIT = 10_000
#: Done rows deleted per statement, and statements per pass, by the purge.
PURGE_BATCH = 5_000
PURGE_BATCHES = 20


def new_task_id() -> str:
    """A fresh task id (what Celery would pick: a UUID4)."""
    return str(uuid.uuid4())


def enqueue_ingest(engine: Engine, *, url: str, source_id: int | None, publish: Publish) -> str:
    """Record one task in the ledger, commit, then publish it. Returns its task id.

    Should publishing fail, the row stays pending and the reaper sends it after the grace period.
    """
    return enqueue_many(engine, items=[(url, source_id)], publish=publish)[0]


def enqueue_many(engine: Engine, *, items: Sequence[tuple[str, int | None]], publish: Publish) -> list[str]:
    """:func:`enqueue_ingest` for many ``(url, source_id)``: one transaction records them all,
    then each is published in order. Returns the task ids, in the order of ``items``."""
    ids = [new_task_id() for _ in items]
    with transaction(engine) as session:
        for task_id, (url, source_id) in zip(ids, items, strict=True):
            ledger.record_sent(session, task_id=task_id, url=url, source_id=source_id)
    for task_id, (url, source_id) in zip(ids, items, strict=True):
        publish(task_id, url, source_id)
    return ids


def mark_done_quietly(engine: Engine, *, task_id: str | None) -> bool:
    """Mark a task's ledger row done in its own small transaction. Never raises: a failure is a
    warning (the reaper may then re-send a finished URL, which storage dedup makes a ``duplicate``)."""
    if not task_id:
        return False
    try:
        with transaction(engine) as session:
            return ledger.mark_done(session, task_id=task_id)
    except Exception as exc:  # the database may be gone right now: the task's result stands
        log.warning("task ledger: cannot mark task %s done: %s", task_id, exc)
        return False


# --------------------------------------------------------------------------- the broker side


def queue_keys(queues: Iterable[str]) -> list[str]:
    """The Redis lists of ``queues``: kombu keeps one list per priority step (``name``,
    ``name\\x06\\x163``, ...)."""
    from kombu.transport.redis import PRIORITY_STEPS, Channel

    keys = []
    for queue in queues:
        for pri in PRIORITY_STEPS:
            keys.append(f"{queue}{Channel.sep}{pri}" if pri else queue)
    return keys


#: Server-side scan of the queue lists (in chunks) and of the ``unacked`` hash: returns those of the
#: candidate task ids (ARGV) that the broker holds. One script runs atomically, like a MULTI, but only
#: the ids found travel back, whatever the depth of the queues. A kombu message is JSON written by
#: Python (``"id": "<task id>"`` in its headers; every other id key ends in ``_id``).
_HELD_IDS_LUA = """
local want = {}
for _, id in ipairs(ARGV) do want[id] = true end
local found = {}
local unread = 0
local function check(raw)
  local at = string.find(raw, '"id": "', 1, true)
  if not at then unread = unread + 1 end
  while at do
    local stop = string.find(raw, '"', at + 7, true)
    if not stop then return end
    local id = string.sub(raw, at + 7, stop - 1)
    if want[id] then
      found[#found + 1] = id
      want[id] = nil
      return
    end
    at = string.find(raw, '"id": "', stop, true)
  end
end
for i = 1, #KEYS - 1 do
  local n = redis.call('LLEN', KEYS[i])
  local start = 0
  while start < n do
    for _, raw in ipairs(redis.call('LRANGE', KEYS[i], start, start + 999)) do check(raw) end
    start = start + 1000
  end
end
for _, raw in ipairs(redis.call('HVALS', KEYS[#KEYS])) do check(raw) end
table.insert(found, 1, unread)
return found
"""


class UnreadableBrokerError(RuntimeError):
    """The broker holds messages whose task id the scan cannot read (another serializer, task
    protocol 1): lost and queued tasks cannot be told apart, so nothing is re-sent."""


def held_task_ids(client: Any, *, queues: Iterable[str], task_ids: Iterable[str],
                  unacked_key: str = "unacked") -> set[str]:
    """Those of ``task_ids`` the Redis broker holds right now: in a queue list or in kombu's
    ``unacked`` hash (each value ``[message, exchange, routing_key]``). One atomic server-side scan
    (:data:`_HELD_IDS_LUA`): a consistent snapshot, and only the ids found come back."""
    wanted = sorted(set(task_ids))
    if not wanted:
        return set()
    keys = [*queue_keys(queues), unacked_key]
    unread, *found = client.eval(_HELD_IDS_LUA, len(keys), *keys, *wanted)
    if int(unread):  # a message format the scan cannot read: it must not make queued tasks look lost
        raise UnreadableBrokerError(f"{int(unread)} message(s) in the broker without a readable task id")
    return {x.decode() if isinstance(x, bytes) else str(x) for x in found}


# --------------------------------------------------------------------------- the reaper


@dataclass
class RequeueReport:
    """What one reaper pass found and did."""

    supported: bool
    message: str = ""
    dry_run: bool = False
    checked: int = 0  # pending rows older than the grace period
    lost: list[dict[str, Any]] = field(default_factory=list)  # found lost (re-sent unless dry run / given up)
    requeued: list[str] = field(default_factory=list)  # task ids sent again
    given_up: list[str] = field(default_factory=list)  # lost again after max requeues: not sent
    purged: int = 0  # done rows older than the retention deleted
    retried: int = 0  # given-up tasks made pending again (--retry-given-up)

    def to_dict(self) -> dict[str, Any]:
        return {"supported": self.supported, "message": self.message, "dry_run": self.dry_run,
                "checked": self.checked, "lost": self.lost, "requeued": self.requeued,
                "given_up": self.given_up, "purged": self.purged, "retried": self.retried}


def purge_done(engine: Engine, *, older_than: float, batch: int = PURGE_BATCH,
               batches: int = PURGE_BATCHES) -> int:
    """Delete the rows done more than ``older_than`` seconds ago, ``batch`` rows per transaction,
    at most ``batches`` transactions (the next pass goes on). Returns how many were deleted."""
    before = datetime.now(UTC) - timedelta(seconds=older_than)
    total = 0
    for _ in range(batches):
        with transaction(engine) as session:
            n = ledger.purge_done(session, before=before, limit=batch)
        total += n
        if n < batch:
            break
    return total


def find_lost(engine: Engine, client: Any, *, queues: Iterable[str], grace: float,
              settle: float = SETTLE_SECONDS, limit: int = SCAN_LIMIT) -> tuple[int, list[Any]]:
    """``(checked, lost rows)``: pending rows older than ``grace`` s that the broker does not hold
    in two looks ``settle`` s apart and that are still pending after the second look."""
    queues = list(queues)
    before = datetime.now(UTC) - timedelta(seconds=grace)
    with transaction(engine) as session:
        candidates = {row.task_id: row for row in ledger.pending_older_than(session, before=before, limit=limit)}
    if not candidates:
        return 0, []
    missing = set(candidates) - held_task_ids(client, queues=queues, task_ids=candidates)
    if missing:
        time.sleep(settle)
        missing -= held_task_ids(client, queues=queues, task_ids=missing)
    if not missing:
        return len(candidates), []
    # A task marks its row done before it is acknowledged: still pending now means it was not done
    # at the second look either, so it was really nowhere.
    with transaction(engine) as session:
        still = ledger.pending_among(session, task_ids=sorted(missing))
    still.sort(key=lambda row: row.enqueued_at)
    return len(candidates), still


def requeue_lost(engine: Engine, *, broker_url: str, queues: Iterable[str], publish: Publish,
                 grace: float = 120.0, max_requeues: int = 5, dry_run: bool = False,
                 settle: float = SETTLE_SECONDS, client: Any = None, retention: float | None = None,
                 retry_given_up: bool = False) -> RequeueReport:
    """One reaper pass: find the lost tasks (Redis broker only) and send them again, same task id;
    give up those lost ``max_requeues`` times already; delete the rows done more than ``retention``
    seconds ago (None or 0: keep them). ``retry_given_up``: first make the given-up tasks pending
    again, so this pass sends them."""
    retried = 0
    if retry_given_up and not dry_run:
        with transaction(engine) as session:
            retried = ledger.retry_given_up(session)
        if retried:
            log.warning("task ledger: %d given-up task(s) made pending again", retried)
    purged = purge_done(engine, older_than=retention) if retention and not dry_run else 0
    if not is_redis_url(broker_url):
        msg = (f"the broker {redact_url(broker_url)} is not Redis: a lost task cannot be told apart from a "
               "queued one there, so nothing is re-sent")
        log.info("task ledger: %s", msg)
        return RequeueReport(supported=False, message=msg, dry_run=dry_run, purged=purged, retried=retried)
    own = client is None
    if own:
        import redis

        client = redis.Redis.from_url(broker_url, socket_connect_timeout=5, socket_timeout=30)
    try:
        checked, lost = find_lost(engine, client, queues=queues, grace=grace, settle=settle)
    except UnreadableBrokerError as exc:
        log.error("task ledger: %s; nothing is re-sent", exc)
        return RequeueReport(supported=True, message=f"{exc}; nothing is re-sent", dry_run=dry_run,
                             purged=purged, retried=retried)
    finally:
        if own:
            client.close()
    report = RequeueReport(supported=True, dry_run=dry_run, checked=checked, purged=purged, retried=retried)
    for row in lost:
        report.lost.append({"task_id": row.task_id, "url": row.url, "source_id": row.source_id,
                            "enqueued_at": row.enqueued_at.isoformat(), "requeues": row.requeues})
        if row.requeues >= max_requeues:
            if not dry_run:
                with transaction(engine) as session:
                    if not ledger.mark_given_up(session, task_id=row.task_id):
                        continue  # done meanwhile
            report.given_up.append(row.task_id)
            continue
        if dry_run:
            continue
        with transaction(engine) as session:
            if not ledger.mark_requeued(session, task_id=row.task_id):
                continue  # done meanwhile
        publish(row.task_id, row.url, row.source_id)
        report.requeued.append(row.task_id)
        log.warning("task ledger: task %s (%s) was lost by the broker; sent again (requeue %d)",
                    row.task_id, row.url, row.requeues + 1)
    if report.given_up:
        gave_up = set(report.given_up)
        urls = [item["url"] for item in report.lost if item["task_id"] in gave_up]
        log.log(logging.INFO if dry_run else logging.ERROR,
                "task ledger: %d task(s) lost again after %d requeues, %s: %s%s", len(urls), max_requeues,
                "would be given up" if dry_run else "given up (newsingest requeue-lost --retry-given-up sends "
                "them again)", ", ".join(urls[:10]), " ..." if len(urls) > 10 else "")
    resent = len(lost) - len(report.given_up) if dry_run else len(report.requeued)
    report.message = (f"{checked} pending task(s) older than {grace:g} s checked, {len(lost)} lost, "
                      f"{resent} {'would be re-sent' if dry_run else 're-sent'}, {len(report.given_up)} "
                      f"{'would be given up' if dry_run else 'given up'}; {purged} done row(s) purged"
                      + (f"; {retried} given-up task(s) retried" if retried else ""))
    log.log(logging.INFO if lost or purged or retried else logging.DEBUG, "task ledger: %s", report.message)
    return report
