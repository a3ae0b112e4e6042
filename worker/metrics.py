"""Prometheus metrics of the pipeline, served by the worker on ``NEWSINGEST_METRICS_PORT``.

Celery's prefork pool runs tasks in child processes, so the metrics use prometheus_client's
multiprocess mode: every process writes its samples to files in ``PROMETHEUS_MULTIPROC_DIR`` and
the worker's main process serves the sum (``newsingest worker`` sets the folder up before this
module is imported: see :mod:`worker.metrics_dir`). Without that
variable (``newsingest ingest``, tests) the metrics live in the process's default registry.

Metrics:
  newsingest_fetches_total{outcome}            every ingest attempt, by outcome
  newsingest_articles_stored_total{outcome}    stored / updated / copy
  newsingest_duplicates_total                  copies of stored content + unchanged re-fetches
  newsingest_stage_seconds{stage}              fetch, extract, dedup, store durations (histogram)
"""

from __future__ import annotations

import os

# A folder named by PROMETHEUS_MULTIPROC_DIR must exist before the first sample is written.
if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
    os.makedirs(os.environ["PROMETHEUS_MULTIPROC_DIR"], exist_ok=True)

from prometheus_client import CollectorRegistry, Counter, Histogram, start_http_server

_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)

FETCHES = Counter("newsingest_fetches", "Ingest attempts by outcome", ["outcome"])
STORED = Counter("newsingest_articles_stored", "Articles written, by outcome", ["outcome"])
DUPLICATES = Counter("newsingest_duplicates", "Pages whose content was already stored")
STAGE_SECONDS = Histogram("newsingest_stage_seconds", "Time per pipeline stage", ["stage"], buckets=_BUCKETS)


def observe(outcome: str, timings: dict[str, float]) -> None:
    """Record one ingest attempt."""
    FETCHES.labels(outcome=outcome).inc()
    if outcome in ("stored", "updated", "copy"):
        STORED.labels(outcome=outcome).inc()
    if outcome in ("duplicate", "copy"):
        DUPLICATES.inc()
    for stage, seconds in timings.items():
        STAGE_SECONDS.labels(stage=stage).observe(seconds)


def serve(port: int, addr: str = "0.0.0.0") -> None:
    """Serve /metrics on ``port``: the sum of all processes in multiprocess mode."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
        start_http_server(port, addr=addr, registry=registry)
    else:
        start_http_server(port, addr=addr)


def process_exited(pid: int) -> None:
    """Drop a dead child's live gauges (multiprocess mode)."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(pid)
