"""Where do the corpus' ground-truth titles come from? The ceiling of any fixed title-source rule.

    python benchmarks/title_sources.py [--origin fundus]

For every page with a GT title, the candidate titles a page offers are read with lxml: the first
``<h1>``, ``og:title``, ``twitter:title``, ``<title>`` and the first JSON-LD ``headline``. The
script prints how often the GT equals each source (after the extraction benchmark's whitespace
normalisation and HTML unescaping), how many pages have their GT in exactly one source, and the
best score any fixed priority order of the five sources reaches (first non-empty source wins).
That order is the best a general "pick a source" rule can do; newsingest's own title score is
printed by ``benchmarks/extraction.py``.
"""

from __future__ import annotations

import argparse
import html as htmllib
import itertools
import json
import sys
from collections import Counter
from pathlib import Path

import lxml.html

sys.path.insert(0, str(Path(__file__).resolve().parent))

from extraction import load_corpus, norm

SOURCES = ("h1", "ld", "og", "twitter", "title")


def candidates(html: str) -> dict[str, str]:
    """The first value of each title source on the page ('' when absent)."""
    try:
        doc = lxml.html.document_fromstring(html)
    except (ValueError, lxml.etree.ParserError):
        return dict.fromkeys(SOURCES, "")

    def first(values: list[str]) -> str:
        for v in values:
            v = norm(htmllib.unescape(v))
            if v:
                return v
        return ""

    headlines: list[str] = []
    for script in doc.xpath('//script[@type="application/ld+json"]/text()'):
        try:
            data = json.loads(script)
        except ValueError:
            continue
        stack = [data]
        while stack:
            item = stack.pop(0)
            if isinstance(item, list):
                stack.extend(item)
            elif isinstance(item, dict):
                if isinstance(item.get("headline"), str):
                    headlines.append(item["headline"])
                stack.extend(v for v in item.values() if isinstance(v, dict | list))
    return {
        "h1": first([h.text_content() for h in doc.iter("h1")][:1]),
        "ld": first(headlines),
        "og": first(doc.xpath('//meta[@property="og:title"]/@content')),
        "twitter": first(doc.xpath('//meta[@name="twitter:title"]/@content')),
        "title": first(doc.xpath("//title/text()")),
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--origin", default="fundus")
    ap.add_argument("--misses", action="store_true",
                    help="also list newsingest's misses: which of the page's sources give the GT, which ours")
    args = ap.parse_args()
    rows = []
    for page in load_corpus(args.origin, None):
        gt = norm(htmllib.unescape(page.title or ""))
        if gt:
            rows.append((gt, candidates(page.html)))
    if not rows:
        sys.exit(f"no pages with a GT title for origin {args.origin!r}")
    n = len(rows)
    hits = Counter(k for gt, c in rows for k in SOURCES if c[k] == gt)
    alone = Counter(ks[0] for ks in ([k for k in SOURCES if c[k] == gt] for gt, c in rows) if len(ks) == 1)
    nowhere = sum(1 for gt, c in rows if gt not in c.values())
    print(f"{args.origin}: {n} pages with a GT title")
    print("GT equals source:  " + ", ".join(f"{k} {hits[k]} ({hits[k] / n:.2f})" for k in SOURCES))
    print("GT only in source: " + ", ".join(f"{k} {alone[k]}" for k in SOURCES) + f"; in none: {nowhere}")
    scored = []
    for order in itertools.permutations(SOURCES):
        ok = sum(next((c[k] for k in order if c[k]), "") == gt for gt, c in rows)
        scored.append((ok / n, order))
    scored.sort(key=lambda t: -t[0])
    best, order = scored[0]
    print(f"best fixed source order: {' > '.join(order)} = {best:.3f}; worst: {scored[-1][0]:.3f}")
    if args.misses:
        _misses(args.origin)


def _misses(origin: str) -> None:
    """newsingest's title misses, each with the sources that say the GT and those that say ours."""
    from worker.extract import extract_article

    n = 0
    by_source: Counter = Counter()
    for page in load_corpus(origin, None):
        gt = norm(htmllib.unescape(page.title or ""))
        if not gt:
            continue
        ours = norm(extract_article(page.html, page.url).title)
        if ours == gt:
            continue
        n += 1
        c = candidates(page.html)
        gt_in = [k for k in SOURCES if c[k] == gt] or ["none"]
        ours_in = [k for k in SOURCES if c[k] == ours] or ["none"]
        by_source["GT in " + "+".join(gt_in)] += 1
        print(f"{page.html_path}\n  GT   ({'+'.join(gt_in)}): {gt}\n  ours ({'+'.join(ours_in)}): {ours}")
    print(f"\n{n} misses; " + ", ".join(f"{k}: {v}" for k, v in by_source.most_common()))


if __name__ == "__main__":
    main()
