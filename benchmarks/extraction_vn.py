"""Vietnamese extraction benchmark: page x field pass/fail and ms per page.

Run: .venv/bin/python benchmarks/extraction_vn.py [--repeat N]
Reads the fixtures in tests/fixtures/vietnamese (copies of the shared corpus pages).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests" / "extraction"))
sys.path.insert(0, str(ROOT))

from _fixtures import FUNDUS_PAGE, HAND_LABELLED, read_expected, read_html  # noqa: E402
from expectations import FIELDS, compare_fields, expected_from_fundus  # noqa: E402

from worker.extract import extract_article  # noqa: E402


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeat", type=int, default=5, help="timing runs per page (median reported)")
    ap.add_argument("-v", "--verbose", action="store_true", help="print failure messages")
    args = ap.parse_args()

    pages = [*HAND_LABELLED, FUNDUS_PAGE]
    short = {"captions": "capt", "credits": "cred", "published": "publ", "category": "cat", "authors": "auth"}
    head = f"{'page':28}" + "".join(f"{short.get(f, f)[:6]:>7}" for f in FIELDS) + f"{'ms':>8}"
    print(head)
    print("-" * len(head))
    totals = {f: [0, 0] for f in FIELDS}
    all_ms = []
    messages = []
    extract_article(read_html(pages[0]), "https://vnexpress.net/warmup.html")  # imports / caches
    for name in pages:
        raw = read_expected(name)
        exp = expected_from_fundus(raw) if name == FUNDUS_PAGE else raw
        html = read_html(name)
        times = []
        art = None
        for _ in range(max(1, args.repeat)):
            t0 = time.perf_counter()
            art = extract_article(html, raw["url"])
            times.append((time.perf_counter() - t0) * 1000)
        ms = sorted(times)[len(times) // 2]
        all_ms.append(ms)
        res = compare_fields(art.to_dict(), exp)
        cells = []
        for f in FIELDS:
            if f not in res:
                cells.append(f"{'-':>7}")
                continue
            ok, msg = res[f]
            totals[f][0] += ok
            totals[f][1] += 1
            cells.append(f"{'ok' if ok else 'FAIL':>7}")
            if not ok:
                messages.append(f"{name}.{f}: {msg}")
        print(f"{name[:28]:28}" + "".join(cells) + f"{ms:8.1f}")
    print("-" * len(head))
    print(f"{'passed':28}" + "".join(f"{f'{p}/{n}':>7}" for p, n in totals.values())
          + f"{sorted(all_ms)[len(all_ms) // 2]:8.1f}  (median ms/page; mean {sum(all_ms) / len(all_ms):.1f})")
    if messages and args.verbose:
        print("\nfailures:")
        for m in messages:
            print("  " + m)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
