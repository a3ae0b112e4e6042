"""Profile discipline (the Fundus rule): every site profile has a real golden page with expected JSON,
and that page passes its core fields. A profile added without a page fails here."""

from __future__ import annotations

import gzip
import json
import sys
from pathlib import Path
from urllib.parse import urlsplit

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _fixtures import FIXTURES
from expectations import compare_fields, failed_fields

from worker.extract import extract_article
from worker.extract.profiles import PROFILES, profile_for

CORE = ("title", "lead", "photos", "captions", "credits", "authors", "published")
LISTS = Path(__file__).resolve().parent.parent / "fixtures" / "extraction_lists"
LIST_URLS = {
    "baodautu_list": "http://baodautu.vn/tai-chinh-chung-khoan-d6/",
    "cafef_list": "https://cafef.vn/thi-truong-chung-khoan.chn",
    "nld_list": "https://nld.com.vn/kinh-te.htm",
    "vietnamnet_list": "https://vietnamnet.vn/kinh-doanh",
}


def _golden_pages() -> dict[str, list[str]]:
    """profile host suffix -> names of golden pages (html + hand-labelled expected JSON) of that site."""
    out: dict[str, list[str]] = {p.host_suffix: [] for p in PROFILES}
    for exp_file in sorted(FIXTURES.glob("*.expected.json")):
        name = exp_file.name.removesuffix(".expected.json")
        data = json.loads(exp_file.read_text(encoding="utf-8"))
        host = urlsplit(data.get("url") or "").hostname or ""
        prof = profile_for(host)
        if prof is not None and (FIXTURES / f"{name}.html.gz").exists() and data.get("hand_labeled"):
            out[prof.host_suffix].append(name)
    return out


@pytest.mark.parametrize("host", [p.host_suffix for p in PROFILES])
def test_every_profile_has_a_golden_page(host: str) -> None:
    pages = _golden_pages()[host]
    assert pages, (f"site profile {host!r} has no golden page: add tests/fixtures/vietnamese/<page>.html.gz "
                   "and a hand-labelled <page>.expected.json, or remove the profile")


def _cases() -> list[tuple[str, str]]:
    return [(host, name) for host, names in _golden_pages().items() for name in names]


@pytest.mark.parametrize(("host", "name"), _cases())
def test_profile_golden_page_core_fields(host: str, name: str) -> None:
    exp = json.loads((FIXTURES / f"{name}.expected.json").read_text(encoding="utf-8"))
    with gzip.open(FIXTURES / f"{name}.html.gz", "rt", encoding="utf-8") as fh:
        html = fh.read()
    art = extract_article(html, exp["url"]).to_dict()
    failed = [f for f in failed_fields(compare_fields(art, exp)) if f in CORE]
    assert not failed, f"{host} golden page {name}: {failed}"


@pytest.mark.parametrize("name", sorted(LIST_URLS))
def test_more_list_pages_are_not_articles(name: str) -> None:
    with gzip.open(LISTS / f"{name}.html.gz", "rt", encoding="utf-8") as fh:
        html = fh.read()
    a = extract_article(html, LIST_URLS[name])
    assert a.is_article is False, a.title
    assert a.reason
