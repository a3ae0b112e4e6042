"""``newsingest sources ...`` and ``newsingest crawl NAME``: the source registry and discovery."""

from __future__ import annotations

from typing import Annotated, Any

import typer
from rich.table import Table

from scheduler.clikit import (
    EXIT_FAILED,
    EXIT_NOT_FOUND,
    EXIT_UNAVAILABLE,
    check_broker,
    current_settings,
    err,
    fail,
    out,
    prepare_database,
    print_json,
)
from scheduler.sources import Registry, RegistryError, load_registry, sync_registry
from storage import repository as repo
from storage.db import redact_url, transaction
from storage.models import DiscoveryRun, Source

sources_app = typer.Typer(
    help="The source registry (TOML: NEWSINGEST_SOURCES, --sources PATH, or the shipped one).",
    no_args_is_help=True,
)

SourcesOpt = Annotated[
    str | None,
    typer.Option("--sources", help="Registry TOML file (default: NEWSINGEST_SOURCES, else the shipped one)."),
]


def _load(path: str | None) -> Registry:
    try:
        return load_registry(path, settings=current_settings())
    except RegistryError as exc:
        for line in exc.errors:
            err.print(f"[red]error:[/] {line}", markup=True, highlight=False)
        raise typer.Exit(EXIT_FAILED) from None


def _synced(path: str | None) -> tuple[Registry, Any, list[Source]]:
    registry = _load(path)
    engine = prepare_database(current_settings())
    with transaction(engine) as session:
        sync_registry(session, registry=registry)
        rows = [r for r in repo.list_sources(session) if r.name in set(registry.names)]
        for r in rows:
            session.expunge(r)
    return registry, engine, rows


def _run_dict(run: DiscoveryRun | None) -> dict[str, Any] | None:
    if run is None:
        return None
    return {"id": run.id, "started_at": run.started_at.isoformat(),
            "finished_at": run.finished_at.isoformat() if run.finished_at else None,
            "documents": run.documents, "not_modified": run.not_modified, "found": run.found, "new": run.new,
            "recrawl": run.recrawl, "errors": run.errors, "error_detail": run.error_detail}


def _interval(seconds: int) -> str:
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60)):
        if seconds % size == 0 and seconds >= size:
            return f"{seconds // size}{unit}"
    return f"{seconds}s"


@sources_app.command("list")
def sources_list(
    sources: SourcesOpt = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print as JSON.")] = False,
) -> None:
    """List the registry's sources (synced to the database) with their last discovery run."""
    registry, engine, rows = _synced(sources)
    with transaction(engine) as session:
        last = repo.last_discovery_runs(session)
    engine.dispose()
    defs = {d.name: d for d in registry.sources}
    if as_json:
        print_json([{**defs[r.name].to_dict(), "id": r.id, "active": r.active,
                     "enabled_override": r.enabled_override, "last_run": _run_dict(last.get(r.id or 0))}
                    for r in rows])
        return
    table = Table(title=f"Sources ({registry.path})")
    for col in ("name", "active", "every", "feeds", "sitemaps", "sections", "last run", "found", "new"):
        table.add_column(col, justify="right" if col in ("feeds", "sitemaps", "sections", "found", "new") else "left")
    for r in rows:
        run = last.get(r.id or 0)
        active = "yes" if r.active else "no"
        if r.enabled_override is not None:
            active += " (override)"
        if defs[r.name].unverified:
            active += " ?"
        table.add_row(r.name, active, _interval(r.interval_seconds), str(len(r.feeds)), str(len(r.sitemaps)),
                      str(len(r.sections)), run.started_at.strftime("%Y-%m-%d %H:%M:%S") if run else "-",
                      str(run.found) if run else "", str(run.new) if run else "")
    out.print(table)
    out.print("[dim]?: discovery URLs not verified from here (see the registry's notes)[/]")


@sources_app.command("show")
def sources_show(
    name: Annotated[str, typer.Argument(help="The source name.", show_default=False)],
    sources: SourcesOpt = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print as JSON.")] = False,
) -> None:
    """Show one source: its definition, state and recent discovery runs."""
    registry, engine, rows = _synced(sources)
    definition = registry.get(name)
    row = next((r for r in rows if r.name == name), None)
    if definition is None or row is None:
        engine.dispose()
        fail(f"no source {name!r} in {registry.path} (known: {', '.join(registry.names)})", EXIT_NOT_FOUND)
    with transaction(engine) as session:
        runs = repo.discovery_runs(session, source_id=row.id)[-10:]
    engine.dispose()
    data = {**definition.to_dict(), "id": row.id, "active": row.active, "enabled_override": row.enabled_override,
            "runs": [_run_dict(r) for r in runs]}
    if as_json:
        print_json(data)
        return
    out.print(f"[bold]{name}[/] #{row.id} · {row.site} · every {_interval(row.interval_seconds)} · "
              f"{'active' if row.active else 'disabled'}"
              + (" (override)" if row.enabled_override is not None else ""))
    for key in ("feeds", "sitemaps", "sections"):
        for url in data[key]:
            out.print(f"  {key[:-1]:8} {url}")
    for key in ("article_pattern", "link_selector", "max_urls", "language", "notes"):
        if data.get(key) is not None:
            out.print(f"  {key}: {data[key]}")
    if definition.unverified:
        out.print("  [yellow]unverified: the discovery URLs could not be checked from here[/]")
    for r in runs:
        out.print(f"  run {r.started_at:%Y-%m-%d %H:%M:%S} documents={r.documents} 304={r.not_modified} "
                  f"found={r.found} new={r.new} recrawl={r.recrawl} errors={r.errors}")


@sources_app.command("validate")
def sources_validate(
    path: Annotated[str | None, typer.Argument(help="Registry file (default: the configured one).")] = None,
    sources: SourcesOpt = None,
) -> None:
    """Check a registry file: every error is printed with its source and field; exit 1 if any."""
    target = path or sources
    registry = _load(target)
    out.print(f"ok: {registry.path}: {len(registry.sources)} sources "
              f"({sum(1 for s in registry.sources if s.enabled)} enabled)")


def _set(name: str, enabled: bool, sources: str | None) -> None:
    registry = _load(sources)
    if registry.get(name) is None:
        fail(f"no source {name!r} in {registry.path} (known: {', '.join(registry.names)})", EXIT_NOT_FOUND)
    engine = prepare_database(current_settings())
    with transaction(engine) as session:
        sync_registry(session, registry=registry)
        repo.set_source_override(session, name=name, enabled=enabled)
    engine.dispose()
    secs = current_settings().schedule_sync_interval
    out.print(f"{'enabled' if enabled else 'disabled'} {name} (the beat picks it up within {secs} s; "
              "discovery tasks already queued check it when they run)")


@sources_app.command("enable")
def sources_enable(name: Annotated[str, typer.Argument(show_default=False)], sources: SourcesOpt = None) -> None:
    """Enable a source (an override of the registry's `enabled`, kept in the database)."""
    _set(name, True, sources)


@sources_app.command("disable")
def sources_disable(name: Annotated[str, typer.Argument(show_default=False)],
                    sources: SourcesOpt = None) -> None:
    """Disable a source: no more scheduled discovery (an override kept in the database)."""
    _set(name, False, sources)


def crawl(
    name: Annotated[str, typer.Argument(help="The source name.", show_default=False)],
    enqueue: Annotated[bool, typer.Option("--enqueue", help="Send the new URLs to the workers instead of "
                                          "ingesting them in this process.")] = False,
    sources: SourcesOpt = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the run as JSON.")] = False,
) -> None:
    """Run a discovery of one source now: print found/new counts; ingest the new URLs here (default)."""
    from worker.discover import run_discovery
    from worker.pipeline import PipelineContext
    from worker.pipeline import ingest as run_ingest

    settings = current_settings()
    registry, engine, rows = _synced(sources)
    row = next((r for r in rows if r.name == name), None)
    if row is None or row.id is None:
        engine.dispose()
        fail(f"no source {name!r} in {registry.path} (known: {', '.join(registry.names)})", EXIT_NOT_FOUND)
    send = None
    if enqueue:
        from worker.ledger import enqueue_ingest
        from worker.tasks import publish_ingest

        check_broker(settings)

        def send(url: str) -> None:
            # recorded in the task ledger, then published (the reaper re-sends what the broker loses)
            enqueue_ingest(engine, url=url, source_id=row.id, publish=publish_ingest)

    ctx = PipelineContext(settings, engine=engine)
    outcomes: list[dict[str, Any]] = []
    try:
        try:
            result = run_discovery(row.id, ctx=ctx, enqueue=send, force=True)
        except Exception as exc:  # kombu errors when the broker goes away mid-run
            fail(f"discovery failed: {exc} (broker {redact_url(settings.broker_url)})", EXIT_UNAVAILABLE)
        assert result is not None
        if not as_json:
            out.print(f"{name}: documents {result.documents} (not modified {result.not_modified}), "
                      f"found {result.found}, new {result.new}, recrawl {result.recrawl}, "
                      f"errors {len(result.errors)}" + (" (capped)" if result.capped else ""))
            for e in result.errors:
                err.print(f"[yellow]warning:[/] {e}")
        if enqueue:
            if not as_json:
                for url in result.urls:
                    out.print(f"queued {url}")
        else:
            for url in result.urls:
                r = run_ingest(url, ctx=ctx, source_id=row.id)
                outcomes.append(r.to_dict())
                if not as_json:
                    from scheduler.cli import _outcome_line

                    out.print(_outcome_line(url, r.outcome.value, r.article_id, r.error, r.duplicate_of))
    finally:
        ctx.close()
    if as_json:
        print_json({**result.to_dict(), "outcomes": outcomes})
    if result.errors and result.documents == len(result.errors):
        raise typer.Exit(EXIT_FAILED)  # not one document could be read
