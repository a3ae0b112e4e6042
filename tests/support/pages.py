"""Test pages: real saved news pages copied from ../shared/corpus into tests/fixtures."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

from scheduler.localsite import Page

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"


def pages_in(folder: str, *, articles_only: bool = True) -> list[Page]:
    """Every ``*.html.gz`` in ``tests/fixtures/<folder>`` that has an ``*.expected.json`` with a URL."""
    found = []
    for expected in sorted((FIXTURES / folder).glob("*.expected.json")):
        html = expected.with_name(expected.name.replace(".expected.json", ".html.gz"))
        meta = json.loads(expected.read_text(encoding="utf-8"))
        if not html.exists() or not meta.get("url"):
            continue
        found.append(Page(original_url=meta["url"], file=html))
    return found


def expected_for(page: Page) -> dict:
    path = page.file.with_name(page.file.name.replace(".html.gz", ".expected.json"))
    return json.loads(path.read_text(encoding="utf-8"))


def html_of(page: Page) -> str:
    return gzip.decompress(page.file.read_bytes()).decode("utf-8")


def twenty_pages() -> list[Page]:
    """20 distinct real article pages: the Vietnamese ones plus fundus pages with captioned photos."""
    vietnamese = [p for p in pages_in("vietnamese") if "fundus" not in p.file.name.lower()]
    others = pages_in("pages")
    chosen = (vietnamese + others)[:20]
    assert len(chosen) == 20, f"need 20 fixture pages, have {len(chosen)}"
    return chosen
