"""Loading the Vietnamese fixture pages (copied unchanged from the shared corpus)."""

from __future__ import annotations

import gzip
import json
from pathlib import Path
from typing import Any

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "vietnamese"

# the 10 hand-labelled article pages
HAND_LABELLED: tuple[str, ...] = (
    "baochinhphu_article",
    "baodautu_article",
    "cafef_article",
    "cafef_article_batdongsan",
    "dantri_article",
    "nld_article",
    "tuoitre_article",
    "vietnamnet_article",
    "vnexpress_article",
    "VnExpress.net-Kinh-doanh",
)
FUNDUS_PAGE = "VnExpress_2025_10_22"
LIST_PAGES: tuple[str, ...] = ("vnexpress_list", "tuoitre_list", "dantri_list", "baochinhphu_list")
LIST_URLS: dict[str, str] = {
    "vnexpress_list": "https://vnexpress.net/kinh-doanh",
    "tuoitre_list": "https://tuoitre.vn/kinh-doanh.htm",
    "dantri_list": "https://dantri.com.vn/kinh-doanh.htm",
    "baochinhphu_list": "https://baochinhphu.vn/chinh-sach-va-cuoc-song/chinh-sach-moi.htm",
}


def read_html(name: str) -> str:
    with gzip.open(FIXTURES / f"{name}.html.gz", "rt", encoding="utf-8") as fh:
        return fh.read()


def read_expected(name: str) -> dict[str, Any]:
    return json.loads((FIXTURES / f"{name}.expected.json").read_text(encoding="utf-8"))
