"""Stage 2: per-site profiles as data.

A profile only names what generic rules get wrong or miss for that site. Every selector list is tried
in order; the first non-empty match wins. Fields left empty fall back to the generic stages.

thanhnien.vn, vietnamplus.vn, nhandan.vn and baotintuc.vn have no profile yet: their pages carry
JSON-LD/OpenGraph plus the generic ``data-role``/``article__body``/``sapo`` markup that the generic
stages already read. Add a profile here only when a real page of theirs shows a gap.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from bs4 import BeautifulSoup


@dataclass(frozen=True, slots=True)
class SiteProfile:
    host_suffix: str
    title: tuple[str, ...] = ()
    lead: tuple[str, ...] = ()
    body: tuple[str, ...] = ()
    category: tuple[str, ...] = ()
    author: tuple[str, ...] = ()
    date: tuple[str, ...] = ()
    caption: tuple[str, ...] = ()
    source: tuple[str, ...] = ()
    # extra selectors removed from the body before text/photo extraction
    drop: tuple[str, ...] = ()
    # small hook: (soup) -> None, e.g. to unwrap an odd wrapper; keep these tiny
    hook: Callable[[BeautifulSoup], None] | None = field(default=None, compare=False)


PROFILES: tuple[SiteProfile, ...] = (
    SiteProfile(
        host_suffix="vnexpress.net",
        title=("h1.title-detail",),
        lead=("p.description",),
        body=("article.fck_detail",),
        category=("ul.breadcrumb li a",),
        author=("p.author_mail strong", "p.author_mail", "p.author strong"),
        date=("span.date",),
        drop=("[data-component-type]", ".box-tinlienquanv2", ".list-news", ".box_brief_info"),
    ),
    SiteProfile(
        host_suffix="tuoitre.vn",
        author=(".detail-author-bot .name", "[data-role=author]", ".author-info .name"),
        date=("[data-role=publishdate]",),
    ),
    SiteProfile(
        host_suffix="dantri.com.vn",
        body=("[data-slot=content]", ".singular-content", ".dt-news__content"),
        author=("[data-slot=author] a", "div.author-name a", ".author-name b"),
    ),
    SiteProfile(
        host_suffix="vietnamnet.vn",
        body=("#maincontent", ".maincontent"),
        author=(".article-detail-author__info .name", ".author-name"),
        category=(".breadcrumb-box a",),
    ),
    SiteProfile(host_suffix="nld.com.vn", author=("[data-role=author]", ".author-info .name")),
    SiteProfile(host_suffix="baochinhphu.vn", author=(".detail-author .name", "[data-role=author]")),
    SiteProfile(
        host_suffix="cafef.vn",
        author=("p.author", "[data-role=author]"),
        source=(".link-source-text-name", ".link-source-name", "p.source"),
        date=("[data-role=publishdate]", ".pdate"),
    ),
    SiteProfile(
        host_suffix="baodautu.vn",
        title=(".title-detail",),
        lead=(".sapo_detail",),
        body=("#content_detail_news",),
        author=("a.author",),
        category=("div.text-uppercase a",),
        date=(".post-time", ".author-share-top"),
    ),
)


def profile_for(host: str | None) -> SiteProfile | None:
    """The profile whose host suffix matches ``host`` (www. ignored), or None."""
    if not host:
        return None
    host = host.lower().removeprefix("www.")
    for prof in PROFILES:
        if host == prof.host_suffix or host.endswith("." + prof.host_suffix):
            return prof
    return None


def select_first(root: object, selectors: tuple[str, ...]) -> object | None:
    """First element matching any selector, in selector order."""
    for sel in selectors:
        try:
            el = root.select_one(sel)  # type: ignore[attr-defined]
        except Exception:  # invalid selector for soupsieve: skip it
            continue
        if el is not None:
            return el
    return None
