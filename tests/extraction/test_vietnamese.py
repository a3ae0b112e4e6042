"""Real Vietnamese pages against hand-labelled expectations, per page and per field."""

from __future__ import annotations

import sys
from functools import cache
from pathlib import Path
from typing import Any

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _fixtures import FUNDUS_PAGE, HAND_LABELLED, LIST_PAGES, LIST_URLS, read_expected, read_html
from expectations import FIELDS, compare_fields, expected_from_fundus, failed_fields

from worker.extract import ARTICLE_KEYS, extract_article

# fields every page must get right for the "9 of 10" acceptance test
CORE_FIELDS: tuple[str, ...] = ("title", "lead", "photos", "captions", "credits", "authors", "published")

# (page, field) -> reason; strict xfails.
KNOWN_FAILURES: dict[tuple[str, str], str] = {
    ("baodautu_article", "body"): (
        "label conflict: body_must_contain 'Ông Tống Anh Linh' (capital Ô) occurs only in the sapo, which "
        "the conventions keep out of the body; the body itself says 'ông Tống Anh Linh'. All other body "
        "checks pass (test_baodautu_body_apart_from_lead_only_string)."
    ),
}


@cache
def _extract(name: str) -> dict[str, Any]:
    exp = read_expected(name)
    return extract_article(read_html(name), exp["url"]).to_dict()


@cache
def _results(name: str) -> dict[str, tuple[bool, str]]:
    return compare_fields(_extract(name), read_expected(name))


def _cases() -> list[Any]:
    cases = []
    for name in HAND_LABELLED:
        for field in FIELDS:
            marks = []
            if (name, field) in KNOWN_FAILURES:
                marks.append(pytest.mark.xfail(strict=True, reason=KNOWN_FAILURES[(name, field)]))
            cases.append(pytest.param(name, field, id=f"{name}-{field}", marks=marks))
    return cases


@pytest.mark.parametrize(("name", "field"), _cases())
def test_field(name: str, field: str) -> None:
    results = _results(name)
    assert field in results, f"{field} not labelled for {name}"
    ok, msg = results[field]
    assert ok, f"{name}.{field}: {msg}"


def test_at_least_nine_of_ten_pages_pass_core_fields() -> None:
    passing = []
    report = []
    for name in HAND_LABELLED:
        failed = [f for f in failed_fields(_results(name)) if f in CORE_FIELDS]
        if not failed:
            passing.append(name)
        else:
            report.append(f"{name}: {failed}")
    assert len(passing) >= 9, "pages failing core fields: " + "; ".join(report)


@pytest.mark.parametrize("name", HAND_LABELLED)
def test_article_shape(name: str) -> None:
    d = _extract(name)
    assert tuple(d) == ARTICLE_KEYS
    assert d["is_article"] is True, d["reason"]
    assert d["site"] and not d["site"].startswith("www.")
    assert d["language"] == "vi"
    assert d["canonical_url"]
    assert d["lead"] not in d["body"]
    assert "\xa0" not in d["body"] and "\ufeff" not in d["body"]
    assert d["body_html"].startswith("<")
    for photo in d["photos"]:
        assert photo["src"].startswith("https://")
        assert "&amp;" not in photo["src"]


def test_baodautu_body_apart_from_lead_only_string() -> None:
    exp = dict(read_expected("baodautu_article")["expected"])
    exp["body_must_contain"] = [s for s in exp["body_must_contain"] if s != "Ông Tống Anh Linh"]
    d = _extract("baodautu_article")
    ok, msg = compare_fields(d, exp)["body"]
    assert ok, msg
    assert "ông Tống Anh Linh" in d["body"]
    assert d["lead"].startswith("Ông Tống Anh Linh") and d["lead"] not in d["body"]


def test_related_links_from_related_boxes() -> None:
    d = _extract("baochinhphu_article")
    titles = [r["title"] for r in d["related"]]
    assert "Châu Âu: Nhiều chính sách mới có hiệu lực năm 2026" in titles
    assert all(r["url"].startswith("https://baochinhphu.vn/") for r in d["related"])


def test_syndicated_attribution() -> None:
    d = _extract("cafef_article_batdongsan")
    assert d["authors"] == ["Hồ Hương"]
    assert d["attribution"] == "Đại Đoàn kết"
    d = _extract("cafef_article")
    assert d["attribution"] == "Nhịp sống thị trường"


def test_photo_positions_keep_document_order() -> None:
    d = _extract("vnexpress_article")
    positions = [p["position"] for p in d["photos"]]
    assert positions == sorted(positions) and positions[0] > 0
    lines = d["body"].split("\n")
    # the first photo sits after the paragraph that precedes it in the page
    assert "Trung Quốc" in lines[positions[0] - 1] or positions[0] <= len(lines)


# ---- fundus VnExpress page (upstream ground truth, converted to the same shape)


@pytest.mark.parametrize("field", ["title", "lead", "authors", "published", "photos", "captions", "credits", "body"])
def test_fundus_vnexpress(field: str) -> None:
    entry = read_expected(FUNDUS_PAGE)
    exp = expected_from_fundus(entry)
    d = extract_article(read_html(FUNDUS_PAGE), entry["url"]).to_dict()
    ok, msg = compare_fields(d, exp)[field]
    assert ok, msg


# ---- section / list pages


@pytest.mark.parametrize("name", LIST_PAGES)
def test_list_pages_are_not_articles(name: str) -> None:
    a = extract_article(read_html(name), LIST_URLS[name])
    assert a.is_article is False
    assert a.reason
