"""``newsingest``: the command line. Every command has ``--help``; listing commands have ``--json``.

Errors that a user can fix (a malformed URL, an unreachable broker or database, an unknown id)
end with one line on stderr and a non-zero exit code, never a traceback.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta, timezone
from typing import Annotated, Any

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table
from sqlalchemy.exc import SQLAlchemyError

from scheduler import cli_failures, cli_feed, cli_status
from scheduler.clikit import (
    EXIT_FAILED,
    EXIT_NOT_FOUND,
    EXIT_UNAVAILABLE,
    EXIT_USAGE,
    OUTCOME_STYLE,
    CLIError,
    check_broker,
    current_settings,
    err,
    fail,
    out,
    prepare_database,
    print_json,
)
from storage import repository as repo
from storage.db import DatabaseUnavailable, check_connection, make_engine, redact_url, transaction
from storage.models import Article
from worker.dedup import InvalidURL, normalize_url
from worker.feed import article_record
from worker.settings import Settings

app = typer.Typer(
    name="newsingest",
    help="Event-driven news-article ingestion: fetch, extract, deduplicate and store news articles.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
db_app = typer.Typer(help="Database schema (Alembic migrations).", no_args_is_help=True)
app.add_typer(db_app, name="db")
from scheduler.cli_sources import crawl as _crawl  # noqa: E402
from scheduler.cli_sources import sources_app  # noqa: E402

app.add_typer(sources_app, name="sources")
app.command("crawl")(_crawl)

def _valid_urls(urls: list[str]) -> list[str]:
    for url in urls:
        try:
            normalize_url(url)
        except InvalidURL as exc:
            fail(f"{exc}", EXIT_USAGE)
    return urls


def _iso(value: datetime | None, offset_minutes: int | None = None) -> str | None:
    if value is None:
        return None
    if offset_minutes is not None:
        value = value.astimezone(timezone(timedelta(minutes=offset_minutes)))
    return value.isoformat()


def _short_time(value: datetime | None, offset_minutes: int | None) -> str:
    """``2026-03-07 08:01 +07:00``: minutes and the page's own offset, for tables."""
    iso = _iso(value, offset_minutes)
    return f"{iso[:10]} {iso[11:16]} {iso[19:] if len(iso) > 19 else ''}".strip() if iso else ""


def _outcome_line(url: str, outcome: str, article_id: int | None, error: str | None,
                  duplicate_of: int | None = None) -> str:
    style = OUTCOME_STYLE.get(outcome, "red")
    label = outcome if outcome in OUTCOME_STYLE else f"failed ({outcome})"
    parts = [f"[{style}]{label:<10}[/]"]
    parts.append(f"#{article_id}" if article_id is not None else "-")
    parts.append(url)
    if duplicate_of:
        parts.append(f"(copy of #{duplicate_of})")
    if error and outcome not in OUTCOME_STYLE:
        parts.append(f"— {error}")
    return " ".join(parts)


# --------------------------------------------------------------------------- ingest / enqueue


@app.command()
def ingest(
    urls: Annotated[list[str], typer.Argument(help="Article URLs to fetch and store.", show_default=False)],
    source_id: Annotated[int | None, typer.Option(help="Source id to attribute the articles to.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the outcomes as JSON.")] = False,
) -> None:
    """Fetch, extract and store URLs now, in this process (no broker needed)."""
    from worker.pipeline import PipelineContext
    from worker.pipeline import ingest as run_ingest

    settings = current_settings()
    _valid_urls(urls)
    engine = prepare_database(settings)
    ctx = PipelineContext(settings, engine=engine)
    results = []
    try:
        for url in urls:
            result = run_ingest(url, ctx=ctx, source_id=source_id)
            results.append(result)
            if not as_json:
                out.print(_outcome_line(url, result.outcome.value, result.article_id, result.error,
                                        result.duplicate_of))
    finally:
        ctx.close()
    if as_json:
        print_json([r.to_dict() for r in results])
    if not all(r.ok for r in results):
        raise typer.Exit(EXIT_FAILED)


@app.command()
def enqueue(
    urls: Annotated[list[str], typer.Argument(help="Article URLs to send to the workers.", show_default=False)],
    source_id: Annotated[int | None, typer.Option(help="Source id to attribute the articles to.")] = None,
    wait: Annotated[bool, typer.Option("--wait", help="Wait for the workers and show each outcome.")] = False,
    timeout: Annotated[float, typer.Option(help="With --wait: give up after this many seconds.")] = 300.0,
    as_json: Annotated[bool, typer.Option("--json", help="Print the task ids / outcomes as JSON.")] = False,
) -> None:
    """Send `ingest_url` tasks through the broker (workers do the work).

    Each task is first recorded in the task ledger (the database), so a task the broker loses is
    sent again by the reaper (`newsingest requeue-lost`)."""
    from worker.ledger import enqueue_ingest
    from worker.tasks import publish_ingest

    settings = current_settings()
    _valid_urls(urls)
    engine = prepare_database(settings)
    check_broker(settings)
    sent: list[tuple[str, str]] = []
    try:
        for url in urls:
            sent.append((url, enqueue_ingest(engine, url=url, source_id=source_id, publish=publish_ingest)))
    except SQLAlchemyError as exc:
        engine.dispose()
        fail(f"cannot record the tasks in the database {redact_url(settings.database_url)}: "
             f"{str(exc).splitlines()[0]}", EXIT_UNAVAILABLE)
    except Exception as exc:  # kombu raises OperationalError and friends
        engine.dispose()
        fail(f"cannot send to broker {redact_url(settings.broker_url)}: {exc}", EXIT_UNAVAILABLE)
    if not wait:
        engine.dispose()
        if as_json:
            print_json([{"url": u, "task_id": t} for u, t in sent])
        else:
            for url, task_id in sent:
                out.print(f"queued {task_id} {url}")
        return
    outcomes = _wait_for(engine, sent, timeout=timeout, quiet=as_json)
    engine.dispose()
    if as_json:
        print_json(outcomes)
    failed = [o for o in outcomes if o["outcome"] not in OUTCOME_STYLE]
    if failed:
        raise typer.Exit(EXIT_FAILED)


def _wait_for(engine: Any, sent: list[tuple[str, str]], *, timeout: float, quiet: bool) -> list[dict[str, Any]]:
    """Poll fetch_attempt (the record of what happened) until every task has a final attempt."""
    pending = dict((task_id, url) for url, task_id in sent)
    done: dict[str, dict[str, Any]] = {}
    deadline = time.monotonic() + timeout
    progress = Progress(TextColumn("waiting for workers"), BarColumn(), MofNCompleteColumn(),
                        TimeElapsedColumn(), console=err, disable=quiet, transient=False)
    with progress:
        bar = progress.add_task("ingest", total=len(sent))
        while pending and time.monotonic() < deadline:
            with transaction(engine) as session:
                for task_id in list(pending):
                    attempts = repo.fetch_attempts_for(session, task_id=task_id)
                    final = [a for a in attempts if a.final]
                    if not final:
                        continue
                    a = final[-1]
                    url = pending.pop(task_id)
                    done[task_id] = {"url": url, "task_id": task_id, "outcome": a.outcome,
                                     "article_id": a.article_id, "error": a.error}
                    progress.advance(bar)
                    if not quiet:
                        progress.console.print(_outcome_line(url, a.outcome, a.article_id, a.error))
            if pending:
                time.sleep(0.25)
    for task_id, url in pending.items():
        done[task_id] = {"url": url, "task_id": task_id, "outcome": "timeout_waiting", "article_id": None,
                         "error": f"no final outcome within {timeout:g} s (is a worker running?)"}
        if not quiet:
            err.print(_outcome_line(url, "timeout_waiting", None, done[task_id]["error"]))
    return [done[t] for _, t in sent]


# --------------------------------------------------------------------------- read


@app.command()
def articles(
    limit: Annotated[int, typer.Option(min=1, max=10_000, help="How many articles, newest first.")] = 20,
    site: Annotated[str | None, typer.Option(help="Only articles of this site (e.g. vnexpress.net).")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print as JSON.")] = False,
) -> None:
    """List stored articles, newest first."""
    engine = prepare_database(current_settings())
    with transaction(engine) as session:
        rows = repo.list_articles(session, limit=limit, site=site)
        counts = repo.photo_counts(session, article_ids=[r.id for r in rows if r.id is not None])
    engine.dispose()
    if as_json:
        data = []
        for r in rows:
            d = article_record(r, full=False)
            d["photos"], d["captioned_photos"] = counts.get(r.id or 0, (0, 0))
            data.append(d)
        print_json(data)
        return
    out.print(articles_table(rows, counts))


def articles_table(rows: list[Article], counts: dict[int, tuple[int, int]], title: str = "Articles") -> Table:
    table = Table(title=title, show_lines=False)
    table.add_column("id", justify="right")
    table.add_column("site")
    table.add_column("title", overflow="fold", max_width=60)
    table.add_column("published")
    table.add_column("photos", justify="right")
    table.add_column("captions", justify="right")
    for r in rows:
        n, captioned = counts.get(r.id or 0, (0, 0))
        table.add_row(str(r.id), r.site or "", r.title or "", _short_time(r.published, r.tz_offset_minutes),
                      str(n), str(captioned))
    return table


@app.command()
def show(
    article_id: Annotated[int, typer.Argument(help="The article id.", show_default=False)],
    as_json: Annotated[bool, typer.Option("--json", help="Print as JSON.")] = False,
) -> None:
    """Show one article with its photos, captions and credits."""
    engine = prepare_database(current_settings())
    with transaction(engine) as session:
        row = repo.get_article(session, article_id=article_id)
        photos = repo.photos_for(session, article_id=article_id) if row else []
    engine.dispose()
    if row is None:
        fail(f"no article with id {article_id}", EXIT_NOT_FOUND)
    data = article_record(row, photos)
    if as_json:
        print_json(data)
        return
    out.print(f"[bold]{row.title}[/]")
    out.print(f"#{row.id} · {row.site} · {data['published'] or 'no date'} · {', '.join(row.authors) or '-'}")
    out.print(f"[dim]{row.canonical_url}[/]")
    if row.category:
        out.print("category: " + " › ".join(row.category))
    if row.lead:
        out.print(f"\n[italic]{row.lead}[/]")
    out.print("")
    out.print(row.body)
    for p in photos:
        out.print(f"\n[bold]photo {p.position}[/] {p.src}")
        out.print(f"  caption: {p.caption or '-'}")
        out.print(f"  credit:  {p.credit or '-'}")


# --------------------------------------------------------------------------- service


def _celery_argv(settings: Settings, *, concurrency: int | None, loglevel: str, queues: str | None,
                 beat: bool) -> list[str]:
    argv = ["worker", f"--loglevel={loglevel}", f"--concurrency={concurrency or settings.worker_concurrency}"]
    argv.append(f"--queues={queues or 'ingest,discover'}")
    if settings.broker_is_redis:
        argv.append("--task-events")  # for Flower and `newsingest status`
    else:
        # Virtual transports without fanout exchanges: no broadcast features.
        argv += ["--without-mingle", "--without-gossip", "--without-heartbeat"]
    if beat:
        from scheduler.beat import scheduler_for

        argv += ["--beat", "--schedule=newsingest-beat-schedule", f"--scheduler={scheduler_for(settings)}"]
    return argv


def _worker_main(argv: list[str]) -> None:
    """Run the Celery worker, then leave the process at once with its exit status.

    The interpreter's exit finalizers are skipped on purpose: billiard's pool finalizer
    (``_terminate_pool`` -> ``_help_stuff_finish``) takes the pool's inqueue lock, and waits for ever
    when a pool process was killed while holding it, which is what a SIGTERM sent to the whole
    process group does (Ctrl-C in a terminal, systemd's KillMode=control-group, ``kill -- -PGID``).
    By the time the worker command returns it has shut down: tasks finished or sent back to the
    broker, pool processes gone. The exit status is the worker's; the metrics folder this process
    made is removed, logs and standard streams are flushed first.
    """
    import logging
    import os
    import sys

    from worker.celery_app import app as celery
    from worker.metrics_dir import remove_own_multiprocess_dir

    code = 0
    try:
        returned = celery.start(argv)  # (worker_main would drop the worker's exit status)
        code = returned if isinstance(returned, int) else 0
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    remove_own_multiprocess_dir()  # its atexit removal is skipped below
    logging.shutdown()
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):
            pass  # a closed or broken stream: nothing more can be written to it anyway
    os._exit(code)


@app.command()
def worker(
    concurrency: Annotated[int | None, typer.Option("-c", "--concurrency", help="Worker processes.")] = None,
    queues: Annotated[str | None, typer.Option("-Q", "--queues", help="Comma-separated queues.")] = None,
    loglevel: Annotated[str, typer.Option("-l", "--loglevel")] = "INFO",
    hostname: Annotated[str | None, typer.Option("-n", "--hostname", help="Node name, e.g. w1@%h.")] = None,
) -> None:
    """Run a Celery worker (consumes the ingest and discover queues)."""
    settings = current_settings()
    prepare_database(settings).dispose()
    check_broker(settings)
    argv = _celery_argv(settings, concurrency=concurrency, loglevel=loglevel, queues=queues, beat=False)
    if hostname:
        argv.append(f"--hostname={hostname}")
    _worker_main(argv)


@app.command()
def beat(loglevel: Annotated[str, typer.Option("-l", "--loglevel")] = "INFO") -> None:
    """Run the beat scheduler (exactly one per deployment)."""
    from worker.celery_app import app as celery

    settings = current_settings()
    prepare_database(settings).dispose()  # the schedule is built from the registry synced to the DB
    check_broker(settings)
    from scheduler.beat import scheduler_for

    # RedBeat (Redis, locked: a second beat waits and takes over) on Redis; else the file-backed one.
    celery.start(["beat", f"--loglevel={loglevel}", "--schedule=newsingest-beat-schedule",
                  f"--scheduler={scheduler_for(settings)}"])


@app.command()
def run(
    concurrency: Annotated[int | None, typer.Option("-c", "--concurrency", help="Worker processes.")] = None,
    loglevel: Annotated[str, typer.Option("-l", "--loglevel")] = "INFO",
) -> None:
    """Run the whole service in one process tree: worker + beat (the embedded default: SQLite, no Redis)."""
    settings = current_settings()
    prepare_database(settings).dispose()
    check_broker(settings)
    out.print(f"newsingest: database {redact_url(settings.database_url)}, broker {redact_url(settings.broker_url)}")
    _worker_main(_celery_argv(settings, concurrency=concurrency, loglevel=loglevel, queues=None, beat=True))


@app.command()
def demo(
    port: Annotated[int, typer.Option(help="Port of the local demo site (0: any free port).")] = 8765,
    as_json: Annotated[bool, typer.Option("--json", help="Print the stored articles as JSON.")] = False,
) -> None:
    """Serve bundled real news pages on 127.0.0.1, ingest them end to end, print what was stored."""
    from scheduler.demo import demo_context, run_demo

    settings = current_settings()
    engine = prepare_database(settings)
    ctx = demo_context(settings, engine=engine)
    try:
        if not as_json:
            out.print(f"newsingest demo: database {redact_url(settings.database_url)}")
        run = run_demo(ctx, port=port)
        if not as_json:
            out.print(f"served {len(run.results)} saved pages at {run.site_url}")
            for r in run.results:
                out.print(_outcome_line(r.url, r.outcome.value, r.article_id, r.error, r.duplicate_of))
        ids = [r.article_id for r in run.results if r.article_id is not None]
        with transaction(engine) as session:
            rows = [a for a in (repo.get_article(session, article_id=i) for i in ids) if a is not None]
            counts = repo.photo_counts(session, article_ids=ids)
            photos = {i: repo.photos_for(session, article_id=i) for i in ids} if as_json else {}
    finally:
        ctx.close()
    if as_json:
        print_json([article_record(r, photos.get(r.id or 0, [])) for r in rows])
    else:
        out.print(articles_table(rows, counts, title=f"Stored articles ({len(rows)})"))
    if not all(r.ok for r in run.results):
        raise typer.Exit(EXIT_FAILED)


# --------------------------------------------------------------------------- db


@db_app.command("upgrade")
def db_upgrade(revision: Annotated[str, typer.Argument(help="Target revision.")] = "head") -> None:
    """Create or migrate the database schema (Alembic)."""
    from storage import migrate

    settings = current_settings()
    engine = make_engine(settings.database_url)
    check_connection(engine)
    engine.dispose()
    migrate.upgrade(settings.database_url, revision)
    out.print(f"database {redact_url(settings.database_url)} at revision {migrate.current(settings.database_url)}")


@db_app.command("current")
def db_current() -> None:
    """Print the schema revision of the database."""
    from storage import migrate

    settings = current_settings()
    engine = make_engine(settings.database_url)
    check_connection(engine)
    engine.dispose()
    out.print(f"{migrate.current(settings.database_url) or 'none'} (code head {migrate.head()})")


# --------------------------------------------------------------------------- command groups

app.command("export")(cli_feed.export)
app.command("status")(cli_status.status)
app.command("failures")(cli_failures.failures)
app.command("retry")(cli_failures.retry)
app.command("requeue-lost")(cli_failures.requeue_lost)


# --------------------------------------------------------------------------- entry point


@contextmanager
def _errors_as_lines() -> Iterator[None]:
    try:
        yield
    except CLIError as exc:
        err.print(f"[red]error:[/] {exc}")
        raise SystemExit(exc.code) from None
    except DatabaseUnavailable as exc:
        err.print(f"[red]error:[/] {exc} (check NEWSINGEST_DATABASE_URL and that the server runs)")
        raise SystemExit(EXIT_UNAVAILABLE) from None
    except KeyboardInterrupt:
        err.print("interrupted")
        raise SystemExit(130) from None


def main(argv: list[str] | None = None) -> None:
    """Console-script entry point."""
    command: Callable[..., Any] = typer.main.get_command(app)
    with _errors_as_lines():
        command.main(args=argv, prog_name="newsingest", standalone_mode=True)


if __name__ == "__main__":
    main()


