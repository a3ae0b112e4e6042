"""``newsingest export``: the change feed (article_event + articles) as JSON lines or CSV."""

from __future__ import annotations

import csv
import json
import sys
from contextlib import nullcontext
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, Any, TextIO

import typer

from scheduler.clikit import EXIT_USAGE, current_settings, err, fail, prepare_database
from worker.feed import iter_events

CSV_COLUMNS = ("event_id", "kind", "at", "article_id", "url", "canonical_url", "site", "language", "title",
               "published", "updated", "authors", "category", "tags", "photos", "captioned_photos",
               "duplicate_of", "group_id", "revision")


def _parse_since(value: str | None) -> datetime | None:
    if value is None:
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        fail(f"--since {value!r} is not an ISO 8601 time (e.g. 2026-03-07T08:00:00+07:00)", EXIT_USAGE)
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def _csv_row(rec: dict[str, Any]) -> list[Any]:
    a = rec["article"]
    photos = a.get("photos", [])
    return [rec["event_id"], rec["kind"], rec["at"], a["id"], a["url"], a["canonical_url"], a["site"],
            a["language"], a["title"], a["published"], a["updated"], "; ".join(a["authors"]),
            " > ".join(a["category"]), "; ".join(a["tags"]), len(photos),
            sum(1 for p in photos if p["caption"]), a["duplicate_of"], a["group_id"], a["revision"]]


def export(
    since_id: Annotated[int, typer.Option("--since-id", min=0, help="Only events with a larger id.")] = 0,
    since: Annotated[str | None, typer.Option(help="Only events at or after this ISO 8601 time.")] = None,
    fmt: Annotated[str, typer.Option("--format", help="jsonl (full records) or csv (one line each).")] = "jsonl",
    out: Annotated[Path | None, typer.Option("--out", help="Write here instead of stdout.")] = None,
    batch: Annotated[int, typer.Option(min=1, max=10_000, help="Events read per query.")] = 500,
) -> None:
    """Stream the change feed (created / updated / duplicate events with their articles)."""
    if fmt not in ("jsonl", "csv"):
        fail(f"--format must be jsonl or csv, not {fmt!r}", EXIT_USAGE)
    since_time = _parse_since(since)
    engine = prepare_database(current_settings())
    count = 0
    target = open(out, "w", encoding="utf-8", newline="") if out else nullcontext(sys.stdout)
    try:
        with target as fh:
            stream: TextIO = fh
            writer = csv.writer(stream) if fmt == "csv" else None
            if writer is not None:
                writer.writerow(CSV_COLUMNS)
            for rec in iter_events(engine, after_id=since_id, since=since_time, batch=batch):
                if writer is not None:
                    writer.writerow(_csv_row(rec))
                else:
                    stream.write(json.dumps(rec, ensure_ascii=False) + "\n")
                count += 1
    finally:
        engine.dispose()
    if out:
        err.print(f"exported {count} events to {out}")
