"""``newsingest failures`` and ``newsingest retry``: the URLs whose last attempt failed for good,
and sending them to the workers again."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import Annotated, Any

import typer
from rich.table import Table
from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError

from scheduler.clikit import (
    EXIT_UNAVAILABLE,
    EXIT_USAGE,
    check_broker,
    current_settings,
    fail,
    out,
    prepare_database,
    print_json,
)
from storage.db import redact_url, transaction
from storage.models import FetchAttempt, Outcome, Source

#: Outcomes of a successful attempt: a URL whose latest final attempt has one is no failure.
OK_OUTCOMES = frozenset({Outcome.stored.value, Outcome.updated.value, Outcome.duplicate.value, Outcome.copy.value})

_SPAN = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([smhdw])\s*$")
_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}


def parse_since(value: str | None) -> datetime | None:
    """``30m``, ``6h``, ``2d``, ``1w`` (ago) or an ISO date/time; None for all time."""
    if not value:
        return None
    match = _SPAN.match(value)
    if match:
        return datetime.now(UTC) - timedelta(seconds=float(match.group(1)) * _UNITS[match.group(2)])
    try:
        stamp = datetime.fromisoformat(value)
    except ValueError:
        fail(f"--since {value!r}: give a span like 30m, 6h, 2d or an ISO date/time", EXIT_USAGE)
    return stamp if stamp.tzinfo else stamp.replace(tzinfo=UTC)


def _source_id(session: Any, source: str | None) -> int | None:
    if source is None:
        return None
    if source.isdigit():
        return int(source)
    row = session.execute(select(Source).where(Source.name == source)).scalars().first()
    if row is None:
        fail(f"unknown source {source!r} (see `newsingest sources list`)", 4)
    return row.id


def final_failures(engine: Any, *, since: datetime | None = None, outcome: str | None = None,
                   source: str | None = None) -> list[FetchAttempt]:
    """The latest final attempt of each URL, where that attempt failed (oldest first)."""
    with transaction(engine) as session:
        source_id = _source_id(session, source)
        query = select(FetchAttempt).where(FetchAttempt.final.is_(True)).order_by(FetchAttempt.id)
        if since is not None:
            query = query.where(FetchAttempt.started_at >= since)
        if source_id is not None:
            query = query.where(FetchAttempt.source_id == source_id)
        latest: dict[str, FetchAttempt] = {}
        for attempt in session.execute(query).scalars():
            latest.pop(attempt.url, None)
            latest[attempt.url] = attempt
    rows = [a for a in latest.values() if a.outcome not in OK_OUTCOMES]
    if outcome is not None:
        rows = [a for a in rows if a.outcome == outcome]
    return rows


def _as_dict(a: FetchAttempt) -> dict[str, Any]:
    return {"id": a.id, "url": a.url, "source_id": a.source_id, "outcome": a.outcome,
            "http_status": a.http_status, "error": a.error, "bytes": a.bytes, "duration_ms": a.duration_ms,
            "started_at": a.started_at.isoformat() if a.started_at else None, "task_id": a.task_id}


def _check_outcome(outcome: str | None) -> None:
    if outcome is not None and outcome not in {o.value for o in Outcome}:
        fail(f"--outcome {outcome!r} is not one of: {', '.join(o.value for o in Outcome)}", EXIT_USAGE)


SinceOpt = Annotated[str | None, typer.Option("--since", help="Only attempts since: 30m, 6h, 2d or an ISO time.")]
OutcomeOpt = Annotated[str | None, typer.Option("--outcome", help="Only this outcome (e.g. timeout).")]
SourceOpt = Annotated[str | None, typer.Option("--source", help="Only this source (name or id).")]


def failures(
    since: SinceOpt = None,
    outcome: OutcomeOpt = None,
    source: SourceOpt = None,
    limit: Annotated[int, typer.Option(help="Show at most this many (newest).")] = 200,
    as_json: Annotated[bool, typer.Option("--json", help="Print them as JSON.")] = False,
) -> None:
    """List URLs whose last attempt failed for good (not to be retried automatically)."""
    _check_outcome(outcome)
    settings = current_settings()
    engine = prepare_database(settings)
    try:
        rows = final_failures(engine, since=parse_since(since), outcome=outcome, source=source)[-limit:]
    finally:
        engine.dispose()
    if as_json:
        print_json([_as_dict(a) for a in rows])
        return
    table = Table(title=f"Final failures ({len(rows)})")
    for col in ("id", "when", "outcome", "status", "url", "error"):
        table.add_column(col, overflow="fold")
    for a in rows:
        table.add_row(str(a.id), a.started_at.strftime("%Y-%m-%d %H:%M:%S") if a.started_at else "",
                      a.outcome, str(a.http_status or ""), a.url, (a.error or "")[:160])
    out.print(table)


def retry(
    outcome: OutcomeOpt = None,
    source: SourceOpt = None,
    since: SinceOpt = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Only show what would be sent.")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print the sent task ids as JSON.")] = False,
) -> None:
    """Send the final failures (optionally of one outcome / source) to the workers again."""
    from worker.ledger import enqueue_ingest
    from worker.tasks import publish_ingest

    _check_outcome(outcome)
    settings = current_settings()
    engine = prepare_database(settings)
    try:
        rows = final_failures(engine, since=parse_since(since), outcome=outcome, source=source)
        sent: list[dict[str, Any]] = []
        if not dry_run and rows:
            check_broker(settings)
            try:
                for a in rows:
                    task_id = enqueue_ingest(engine, url=a.url, source_id=a.source_id, publish=publish_ingest)
                    sent.append({"url": a.url, "task_id": task_id, "outcome_was": a.outcome})
            except SQLAlchemyError as exc:
                fail(f"cannot record the tasks in the database {redact_url(settings.database_url)}: "
                     f"{str(exc).splitlines()[0]}", EXIT_UNAVAILABLE)
            except Exception as exc:  # kombu's OperationalError and friends
                fail(f"cannot send to broker {redact_url(settings.broker_url)}: {exc}", EXIT_UNAVAILABLE)
    finally:
        engine.dispose()
    if dry_run or not rows:
        sent = [{"url": a.url, "task_id": None, "outcome_was": a.outcome} for a in rows]
    if as_json:
        print_json(sent)
        return
    for item in sent:
        out.print(f"{'would retry' if dry_run else 'queued ' + str(item['task_id'])} "
                  f"[{item['outcome_was']}] {item['url']}")
    out.print(f"{len(sent)} URL(s) {'to retry' if dry_run else 're-enqueued'}")


def requeue_lost(
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Only show what would be sent again.")] = False,
    retry_given_up: Annotated[bool, typer.Option(
        "--retry-given-up", help="First make the tasks given up (lost again after NEWSINGEST_REQUEUE_MAX "
        "re-sends) pending again, so this pass sends them.")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print the pass as JSON.")] = False,
) -> None:
    """Send again the ingest tasks the broker lost (the task ledger's reaper; beat runs it every
    NEWSINGEST_REQUEUE_INTERVAL seconds). Redis broker only: elsewhere nothing is re-sent. The pass
    also deletes ledger rows done more than NEWSINGEST_LEDGER_RETENTION_DAYS ago, and lists the
    tasks given up."""
    from storage import ledger as ledger_repo
    from worker.tasks import requeue_lost_now

    if dry_run and retry_given_up:
        fail("--retry-given-up changes the ledger; it cannot be combined with --dry-run", EXIT_USAGE)
    settings = current_settings()
    engine = prepare_database(settings)
    try:
        if settings.broker_is_redis:
            check_broker(settings)
        try:
            report = requeue_lost_now(engine, settings, dry_run=dry_run, retry_given_up=retry_given_up)
            with transaction(engine) as session:
                still_given_up = [{"task_id": r.task_id, "url": r.url, "requeues": r.requeues,
                                   "given_up_at": r.given_up_at.isoformat() if r.given_up_at else None}
                                  for r in ledger_repo.given_up(session, limit=50)]
                n_given_up = ledger_repo.count_given_up(session)
        except SQLAlchemyError as exc:
            fail(f"database {redact_url(settings.database_url)}: {str(exc).splitlines()[0]}", EXIT_UNAVAILABLE)
        except Exception as exc:  # redis / kombu errors
            fail(f"cannot reach broker {redact_url(settings.broker_url)}: {exc}", EXIT_UNAVAILABLE)
    finally:
        engine.dispose()
    if as_json:
        print_json({**report.to_dict(), "given_up_total": n_given_up, "given_up_tasks": still_given_up})
        return
    if not report.supported:
        out.print(f"[yellow]{report.message}[/]")
    for item in report.lost:
        if item["task_id"] in report.given_up:
            label = "[red]would give up[/]" if dry_run else "[red]given up[/] "
        else:
            label = "would requeue" if dry_run else "requeued"
        out.print(f"{label} {item['task_id']} (requeues {item['requeues']}) {item['url']}")
    if report.supported:
        out.print(report.message)
    elif report.purged or report.retried:
        out.print(f"{report.purged} done row(s) purged" + (f", {report.retried} given-up task(s) retried"
                                                           if report.retried else ""))
    if n_given_up:
        out.print(f"[red]{n_given_up} task(s) given up[/] (newsingest requeue-lost --retry-given-up sends them "
                  "again):")
        for item in still_given_up[:20]:
            out.print(f"  {item['task_id']} {item['url']}")
