"""Near-duplicate decision on the labelled set (tests/support/dedup_labels.py): precision and
recall of `worker.dedup.is_duplicate` + LSH band retrieval, per pair kind and per threshold.

    python benchmarks/dedup_eval.py
"""

from __future__ import annotations

import sys
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.support.dedup_labels import build_pairs
from worker import dedup


def signatures() -> list[tuple]:
    """Each labelled pair with both fingerprints, signatures and whether they share a band key."""
    rows = []
    for p in build_pairs():
        fa, fb = dedup.content_fingerprint(p.a), dedup.content_fingerprint(p.b)
        sa, sb = dedup.near_signature(p.a), dedup.near_signature(p.b)
        found = sa is not None and sb is not None and bool(set(dedup.band_keys(sa)) & set(dedup.band_keys(sb)))
        rows.append((p, fa, fb, sa, sb, found))
    return rows


def evaluate(rows: list[tuple], threshold: float | None = None) -> dict:
    """Decide every pair as the pipeline would: the pair must share an LSH band key (the only way
    a stored copy is found) and pass `is_duplicate`."""
    stats: Counter[str] = Counter()
    kinds: dict[str, Counter[str]] = {}
    sims = []
    for p, fa, fb, sa, sb, found in rows:
        if threshold is None:
            decided = found and dedup.is_duplicate(fa, fb, sa, sb)
        else:
            decided = found and dedup.similarity(sa, sb) >= threshold
        sims.append((p, dedup.similarity(sa, sb) if sa and sb else 0.0))
        key = {(True, True): "tp", (True, False): "fn", (False, True): "fp", (False, False): "tn"}[(p.same, decided)]
        stats[key] += 1
        kinds.setdefault(p.kind, Counter())[key] += 1
    precision = stats["tp"] / max(1, stats["tp"] + stats["fp"])
    recall = stats["tp"] / max(1, stats["tp"] + stats["fn"])
    return {"pairs": len(rows), "precision": precision, "recall": recall, "stats": stats, "kinds": kinds,
            "sims": sims}


def main() -> None:
    rows = signatures()
    result = evaluate(rows)
    print(f"labelled pairs: {result['pairs']} "
          f"({result['stats']['tp'] + result['stats']['fn']} same story, "
          f"{result['stats']['fp'] + result['stats']['tn']} different)")
    print(f"{'kind':<36} {'pairs':>6} {'merged':>7}")
    for kind, c in result["kinds"].items():
        kind_sims = sorted(s for p, s in result["sims"] if p.kind == kind)
        print(f"{kind:<36} {sum(c.values()):>6} {c['tp'] + c['fp']:>7}   similarity "
              f"{kind_sims[0]:.2f}..{kind_sims[-1]:.2f}")
    print(f"\nthreshold {dedup.NEAR_THRESHOLD} ({dedup.BANDS} bands x {dedup.ROWS} rows, "
          f"{dedup.SHINGLE_WORDS}-word shingles): precision {result['precision']:.4f}  "
          f"recall {result['recall']:.4f}  (targets 0.98 / 0.95)")
    pos = sorted(s for p, s in result["sims"] if p.same)
    neg = sorted(s for p, s in result["sims"] if not p.same)
    print(f"similarity of same-story pairs: min {pos[0]:.3f}, 5th pct {pos[len(pos) // 20]:.3f}; "
          f"of different pairs: max {neg[-1]:.3f}, 95th pct {neg[len(neg) * 19 // 20]:.3f}")
    print("threshold sweep:")
    for t in (0.3, 0.4, 0.5, 0.6, 0.7, 0.8):
        r = evaluate(rows, t)
        print(f"  {t:.1f}: precision {r['precision']:.4f} recall {r['recall']:.4f}")


if __name__ == "__main__":
    main()
