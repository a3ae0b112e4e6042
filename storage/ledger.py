"""The task ledger (table ``queued_task``): one row per ``ingest_url`` task sent.

Like :mod:`storage.repository`: keyword-only functions on a session, they never commit — the caller
owns the transaction (:func:`storage.db.transaction`). The domain side (when to write, what "lost"
means) is in :mod:`worker.ledger`.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import delete, func, update
from sqlmodel import Session, col, select

from storage.models import QueuedTask, utcnow


def record_sent(session: Session, *, task_id: str, url: str, source_id: int | None = None,
                at: datetime | None = None) -> QueuedTask:
    """Add the ledger row of a task about to be published (pending: ``done_at`` is None)."""
    row = QueuedTask(task_id=task_id, url=url, source_id=source_id, enqueued_at=at or utcnow())
    session.add(row)
    session.flush()
    return row


def get(session: Session, *, task_id: str) -> QueuedTask | None:
    """The ledger row of ``task_id``, if any."""
    return session.exec(select(QueuedTask).where(QueuedTask.task_id == task_id)).first()


def mark_done(session: Session, *, task_id: str, at: datetime | None = None) -> bool:
    """Mark a task finished (its final result is recorded). True if a pending row was marked;
    a task sent before the ledger existed, or already done, changes nothing."""
    result = session.execute(
        update(QueuedTask)
        .where(col(QueuedTask.task_id) == task_id, col(QueuedTask.done_at).is_(None))
        .values(done_at=at or utcnow())
    )
    return bool(result.rowcount)


def pending_older_than(session: Session, *, before: datetime, limit: int = 10_000) -> list[QueuedTask]:
    """Pending rows sent (or last re-sent) before ``before``, oldest first, at most ``limit``; rows
    given up are not pending."""
    last_sent = func.coalesce(col(QueuedTask.requeued_at), col(QueuedTask.enqueued_at))
    query = (
        select(QueuedTask)
        .where(col(QueuedTask.done_at).is_(None), col(QueuedTask.given_up_at).is_(None),
               col(QueuedTask.enqueued_at) < before, last_sent < before)
        .order_by(col(QueuedTask.enqueued_at))
        .limit(limit)
    )
    return list(session.exec(query).all())


def pending_among(session: Session, *, task_ids: Sequence[str]) -> list[QueuedTask]:
    """Those of ``task_ids`` whose rows are still pending."""
    if not task_ids:
        return []
    query = select(QueuedTask).where(col(QueuedTask.task_id).in_(list(task_ids)), col(QueuedTask.done_at).is_(None))
    return list(session.exec(query).all())


def mark_requeued(session: Session, *, task_id: str, at: datetime | None = None) -> bool:
    """Record that the reaper sends a pending task again: ``requeued_at`` now, ``requeues`` + 1.
    False if the row is gone or done meanwhile (then it must not be sent)."""
    result = session.execute(
        update(QueuedTask)
        .where(col(QueuedTask.task_id) == task_id, col(QueuedTask.done_at).is_(None))
        .values(requeued_at=at or utcnow(), requeues=col(QueuedTask.requeues) + 1)
    )
    return bool(result.rowcount)


def mark_given_up(session: Session, *, task_id: str, at: datetime | None = None) -> bool:
    """Record that the reaper gives a pending task up: it is not examined again (until
    :func:`retry_given_up`). False if the row is gone, done or given up already."""
    result = session.execute(
        update(QueuedTask)
        .where(col(QueuedTask.task_id) == task_id, col(QueuedTask.done_at).is_(None),
               col(QueuedTask.given_up_at).is_(None))
        .values(given_up_at=at or utcnow())
    )
    return bool(result.rowcount)


def retry_given_up(session: Session) -> int:
    """Make every given-up task pending again with a fresh re-send budget (``requeues`` 0); the
    reaper's next pass sends them. Returns how many."""
    result = session.execute(
        update(QueuedTask)
        .where(col(QueuedTask.given_up_at).isnot(None), col(QueuedTask.done_at).is_(None))
        .values(given_up_at=None, requeues=0, requeued_at=None)
    )
    return int(result.rowcount or 0)


def given_up(session: Session, *, limit: int = 100) -> list[QueuedTask]:
    """The given-up tasks, most recent first, at most ``limit``."""
    query = (
        select(QueuedTask)
        .where(col(QueuedTask.given_up_at).isnot(None), col(QueuedTask.done_at).is_(None))
        .order_by(col(QueuedTask.given_up_at).desc())
        .limit(limit)
    )
    return list(session.exec(query).all())


def purge_done(session: Session, *, before: datetime, limit: int = 10_000) -> int:
    """Delete at most ``limit`` rows done before ``before`` (oldest first). Returns how many."""
    ids = (
        select(QueuedTask.id)
        .where(col(QueuedTask.done_at).isnot(None), col(QueuedTask.done_at) < before)
        .order_by(col(QueuedTask.done_at))
        .limit(limit)
    )
    result = session.execute(delete(QueuedTask).where(col(QueuedTask.id).in_(ids.scalar_subquery())))
    return int(result.rowcount or 0)


def count_pending(session: Session) -> int:
    """How many tasks are pending (not done, not given up)."""
    query = select(func.count()).select_from(QueuedTask).where(
        col(QueuedTask.done_at).is_(None), col(QueuedTask.given_up_at).is_(None))
    return int(session.exec(query).one())


def count_given_up(session: Session) -> int:
    """How many tasks the reaper has given up (and nobody has retried)."""
    query = select(func.count()).select_from(QueuedTask).where(
        col(QueuedTask.given_up_at).isnot(None), col(QueuedTask.done_at).is_(None))
    return int(session.exec(query).one())
