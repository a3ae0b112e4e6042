"""The near-duplicate decision on the labelled set built from real bodies (benchmarks/dedup_eval.py
prints the per-kind table and a threshold sweep)."""

import importlib.util
from pathlib import Path

from worker import dedup

_SCRIPT = Path(__file__).resolve().parents[2] / "benchmarks" / "dedup_eval.py"


def _eval_module():
    spec = importlib.util.spec_from_file_location("dedup_eval", _SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_precision_and_recall_on_the_labelled_set():
    module = _eval_module()
    result = module.evaluate(module.signatures())
    stats = result["stats"]
    assert stats["tp"] + stats["fn"] >= 400 and stats["fp"] + stats["tn"] >= 300  # a real set, both sides
    assert result["precision"] >= 0.98, result["kinds"]
    assert result["recall"] >= 0.95, result["kinds"]


def test_signatures_and_band_keys_are_stable():
    body = " ".join(f"từ{i} word{i % 7}" for i in range(200))
    sig = dedup.near_signature(body)
    assert sig is not None and len(sig) == dedup.NUM_PERM * 4
    assert dedup.near_signature(body) == sig
    keys = dedup.band_keys(sig)
    assert len(keys) == dedup.BANDS == len(set(keys))
    assert all(-(2**63) <= k < 2**63 for k in keys)
    assert dedup.similarity(sig, sig) == 1.0
    assert dedup.near_signature("quá ngắn để so sánh") is None
