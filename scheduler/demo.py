"""``newsingest demo``: serve the bundled real pages on 127.0.0.1 and ingest them end to end."""

from __future__ import annotations

import json
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from sqlalchemy.engine import Engine

from scheduler.localsite import LocalSite, Page
from worker.pipeline import IngestResult, PipelineContext, ingest
from worker.settings import Settings

DEMO_PORT = 8765


def demo_pages() -> list[Page]:
    """The pages bundled with newsingest (copies of real news pages; see pages.json)."""
    folder = Path(str(resources.files("scheduler") / "demo_pages"))
    entries = json.loads((folder / "pages.json").read_text(encoding="utf-8"))
    return [Page(original_url=e["url"], file=folder / e["file"]) for e in entries]


def start_demo_site(port: int = DEMO_PORT) -> LocalSite:
    """Start the demo site on ``port`` (any free port if that one is taken)."""
    pages = demo_pages()
    try:
        return LocalSite(pages, port=port).start()
    except OSError:
        return LocalSite(pages, port=0).start()


@dataclass(slots=True)
class DemoRun:
    site_url: str
    results: list[IngestResult]


def demo_context(settings: Settings, *, engine: Engine | None = None) -> PipelineContext:
    """The pipeline for the demo: its own server on 127.0.0.1 is allowed (the SSRF guard refuses
    loopback otherwise) and, being ours, is not rate-limited."""
    return PipelineContext(settings.model_copy(update={"politeness_delay": 0.0}), engine=engine,
                           allow_networks="127.0.0.1/32")


def run_demo(ctx: PipelineContext, *, port: int = DEMO_PORT) -> DemoRun:
    """Serve the demo pages, ingest each through :func:`worker.pipeline.ingest`, stop the server."""
    site = start_demo_site(port)
    try:
        results = [ingest(url, ctx=ctx) for url in site.urls()]
    finally:
        site.stop()
    return DemoRun(site_url=site.base_url, results=results)
