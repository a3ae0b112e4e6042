"""Build tests/fixtures/dedup/bodies.jsonl.gz: real article bodies for the near-duplicate labelled
set (benchmarks/dedup_eval.py), from the fundus ground truth in ../shared/corpus (development-time
only: the product never reads shared/).

    python benchmarks/make_dedup_corpus.py
"""

from __future__ import annotations

import gzip
import json
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT.parent / "shared" / "corpus"
OUT = ROOT / "tests" / "fixtures" / "dedup" / "bodies.jsonl.gz"


def main() -> None:
    rows = []
    for path in sorted(CORPUS.glob("fundus/*/*.expected.json")):
        meta = json.loads(path.read_text(encoding="utf-8"))
        exp = meta.get("expected") or {}
        body = exp.get("body") or {}
        paragraphs = [p for sec in body.get("sections", []) for p in sec.get("paragraphs", [])]
        text = "\n".join(paragraphs)
        if len(text.split()) < 150:
            continue
        rows.append({"id": path.stem.replace(".expected", ""), "publisher": meta.get("publisher"),
                     "country": path.parent.name, "title": exp.get("title"), "body": text})
    OUT.parent.mkdir(parents=True, exist_ok=True)
    with gzip.open(OUT, "wt", encoding="utf-8") as fh:
        for row in rows:
            fh.write(json.dumps(row, ensure_ascii=False) + "\n")
    print(f"{len(rows)} bodies -> {OUT.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
