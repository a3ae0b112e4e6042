"""``newsingest status``: queues, workers, sources, outcomes and recent errors at a glance."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Annotated, Any

import typer
from rich.table import Table

from scheduler.clikit import current_settings, out, prepare_database, print_json
from storage import ledger as ledger_repo
from storage import repository as repo
from storage.db import redact_url, transaction
from worker.celery_app import Queue
from worker.settings import Settings

OK_OUTCOMES = ("stored", "updated", "duplicate", "copy")


def queue_depths(settings: Settings) -> dict[str, int | None]:
    """Messages waiting per queue (None when the broker cannot be asked)."""
    depths: dict[str, int | None] = {}
    if settings.broker_is_redis:
        import redis

        client = redis.Redis.from_url(settings.broker_url, socket_connect_timeout=2, socket_timeout=2)
        try:
            for q in Queue:
                # kombu keeps a queue as a list, plus one list per priority step ("name\x06\x16N")
                keys = [q.value] + [f"{q.value}\x06\x16{p}" for p in range(1, 10)]
                depths[q.value] = sum(client.llen(k) for k in keys)
        except (redis.exceptions.RedisError, OSError):
            depths = {q.value: None for q in Queue}
        finally:
            client.close()
        return depths
    if settings.broker_url.startswith(("sqla+", "sqlalchemy+")):
        from sqlalchemy import create_engine, text

        engine = create_engine(settings.broker_url.split("+", 1)[1])
        try:
            with engine.connect() as conn:
                rows = conn.execute(text(
                    "SELECT q.name, COUNT(m.id) FROM kombu_queue q LEFT JOIN kombu_message m "
                    "ON m.queue_id = q.id AND m.visible = 1 GROUP BY q.name"
                )).all()
            found = {name: n for name, n in rows}
            depths = {q.value: int(found.get(q.value, 0)) for q in Queue}
        except Exception:
            depths = {q.value: 0 for q in Queue}
        finally:
            engine.dispose()
        return depths
    return {q.value: None for q in Queue}


def workers_online(settings: Settings, timeout: float = 1.0) -> list[str] | None:
    """Names of the workers that answer a ping (Redis broker only; None: cannot be asked)."""
    if not settings.broker_is_redis:
        return None
    from worker.celery_app import app as celery

    try:
        replies = celery.control.inspect(timeout=timeout).ping() or {}
    except Exception:
        return []
    return sorted(replies)


def collect(settings: Settings) -> dict[str, Any]:
    engine = prepare_database(settings)
    now = datetime.now(UTC)
    try:
        with transaction(engine) as s:
            hour = repo.attempt_counts(s, since=now - timedelta(hours=1))
            day = repo.attempt_counts(s, since=now - timedelta(days=1))
            sources = repo.list_sources(s)
            runs = repo.last_discovery_by_source(s)
            articles = repo.last_article_by_source(s)
            errors = repo.recent_errors(s, outcomes_ok=OK_OUTCOMES, limit=10)
            total = repo.count_articles(s)
            ledger = {"pending": ledger_repo.count_pending(s), "given_up": ledger_repo.count_given_up(s)}
    finally:
        engine.dispose()

    def split(counts: dict[str, int]) -> dict[str, Any]:
        ok = sum(n for o, n in counts.items() if o in OK_OUTCOMES)
        return {"ok": ok, "failed": sum(counts.values()) - ok, "by_outcome": counts}

    per_source = []
    for src in sources:
        run = runs.get(src.id or 0)
        n, newest = articles.get(src.id, (0, None))
        per_source.append({
            "name": src.name, "enabled": src.enabled, "articles": n,
            "last_article_at": newest.isoformat() if newest else None,
            "last_discovery": None if run is None else {
                "started_at": run.started_at.isoformat(),
                "finished_at": run.finished_at.isoformat() if run.finished_at else None,
                "found": run.found, "new": run.new, "errors": run.errors,
            },
        })
    by_hand = articles.get(None)
    return {
        "at": now.isoformat(),
        "database": redact_url(settings.database_url),
        "broker": redact_url(settings.broker_url),
        "queues": queue_depths(settings),
        "workers": workers_online(settings),
        "articles": total,
        "task_ledger": ledger,
        "articles_without_source": by_hand[0] if by_hand else 0,
        "last_hour": split(hour),
        "last_day": split(day),
        "sources": per_source,
        "recent_errors": [
            {"at": e.started_at.isoformat(), "url": e.url, "outcome": e.outcome, "error": e.error,
             "source_id": e.source_id}
            for e in errors
        ],
    }


def status(as_json: Annotated[bool, typer.Option("--json", help="Print as JSON.")] = False) -> None:
    """Queue depths, workers online, per-source discovery and articles, outcomes, recent errors."""
    data = collect(current_settings())
    if as_json:
        print_json(data)
        return
    workers = data["workers"]
    out.print(f"database {data['database']}  broker {data['broker']}")
    out.print("queues: " + ", ".join(f"{q}={'?' if n is None else n}" for q, n in data["queues"].items()))
    out.print("workers: " + ("(cannot ask this broker)" if workers is None else (", ".join(workers) or "none online")))
    led = data["task_ledger"]
    out.print(f"task ledger: {led['pending']} pending"
              + (f", [red]{led['given_up']} given up[/] (newsingest requeue-lost --retry-given-up)"
                 if led["given_up"] else ""))
    out.print(f"articles: {data['articles']}  last hour: {data['last_hour']['ok']} ok / "
              f"{data['last_hour']['failed']} failed  last day: {data['last_day']['ok']} ok / "
              f"{data['last_day']['failed']} failed")
    if data["sources"]:
        table = Table(title="Sources")
        for col_name in ("source", "enabled", "articles", "last article", "last discovery", "found", "new", "errors"):
            table.add_column(col_name)
        for s in data["sources"]:
            run = s["last_discovery"] or {}
            table.add_row(s["name"], "yes" if s["enabled"] else "no", str(s["articles"]),
                          (s["last_article_at"] or "-")[:19], (run.get("started_at") or "-")[:19],
                          str(run.get("found", "-")), str(run.get("new", "-")), str(run.get("errors", "-")))
        out.print(table)
    if data["recent_errors"]:
        table = Table(title="Recent errors")
        for col_name in ("at", "outcome", "url", "error"):
            table.add_column(col_name, overflow="fold")
        for e in data["recent_errors"]:
            table.add_row(e["at"][:19], e["outcome"], e["url"], e["error"] or "")
        out.print(table)
