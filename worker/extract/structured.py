"""Stage 1: structured metadata (JSON-LD, OpenGraph, <meta>, <time>, canonical, lang)."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta, tzinfo
from typing import Any

from bs4 import BeautifulSoup, Tag

from worker.extract.dates import is_date_only, parse_iso
from worker.extract.dom import TagIndex
from worker.extract.selectors import ARTICLE_TYPES, HOME_CRUMBS
from worker.extract.text import clean, normalize_text, split_authors, unescape_deep


@dataclass(slots=True)
class Structured:
    title: str | None = None
    headline: str | None = None  # the JSON-LD article headline alone
    og_title: str | None = None
    site_name: str | None = None
    description: str | None = None
    published: datetime | None = None
    updated: datetime | None = None
    authors: list[str] = field(default_factory=list)
    category: list[str] = field(default_factory=list)
    section: str | None = None
    tags: list[str] = field(default_factory=list)
    images: list[str] = field(default_factory=list)
    # JSON-LD ImageObjects: url -> (caption, credit)
    image_info: dict[str, tuple[str | None, str | None]] = field(default_factory=dict)
    canonical_url: str | None = None
    language: str | None = None
    og_type: str | None = None
    has_article_ld: bool = False
    has_list_ld: bool = False
    article_body: str | None = None
    # author names from <meta> (author, parsely-author, citation_author, …) in page order: a fallback
    # for pages whose structured data and visible byline name nobody
    meta_authors: list[str] = field(default_factory=list)
    # Yoast's "Written by" <meta>: the posting user; the last fallback, after the visible byline
    written_by: list[str] = field(default_factory=list)
    # every distinct description the page gives (JSON-LD, og:, meta, twitter:), ``description`` first
    descriptions: list[str] = field(default_factory=list)


def _s(value: Any) -> str | None:
    if isinstance(value, str):
        return clean(unescape_deep(value))
    if isinstance(value, (int, float)):
        return str(value)
    return None


def _types(obj: dict[str, Any]) -> set[str]:
    t = obj.get("@type")
    if isinstance(t, str):
        return {t.lower()}
    if isinstance(t, list):
        return {x.lower() for x in t if isinstance(x, str)}
    return set()


def _walk_ld(data: Any, out: list[dict[str, Any]], depth: int = 0) -> None:
    if depth > 6:
        return
    if isinstance(data, list):
        for item in data:
            _walk_ld(item, out, depth + 1)
    elif isinstance(data, dict):
        out.append(data)
        graph = data.get("@graph")
        if graph is not None:
            _walk_ld(graph, out, depth + 1)
        main = data.get("mainEntity")
        if isinstance(main, (dict, list)):
            _walk_ld(main, out, depth + 1)


_CTRL_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
_CDATA_START_RE = re.compile(r"^(?://|/\*)?\s*<!\[CDATA\[\s*(?:\*/)?")


def _local_time_marked_utc(published: datetime, times: list[str]) -> datetime:
    """A UTC time whose clock reading a <time datetime> of the page gives with the local offset is that
    local time: the CMS wrote local time and labelled it "Z" (gizmodo.jp: meta "2019-04-19T20:00:00.000Z",
    <time datetime="2019-04-19T20:00:00+09:00">)."""
    if published.utcoffset() != timedelta(0):
        return published
    clock = published.replace(tzinfo=None)
    for value in times[:8]:
        local = parse_iso(value, None)
        if local is not None and local.utcoffset() and local.replace(tzinfo=None) == clock:
            return local
    return published


_CLOCK_RE = re.compile(r"\d:\d\d")


def _time_of_day(day: datetime, times: list[str]) -> datetime:
    """A published value given as a date alone ("2016-12-15" in ``<meta name="date">``) takes its time
    from the first ``<time datetime>`` of the page on that same day that has one (npr.org:
    ``<time datetime="2016-12-15T15:33:00-05:00">``); else it stays as it is."""
    for value in times[:8]:
        if not _CLOCK_RE.search(value):
            continue
        dt = parse_iso(value, None)
        if dt is not None and dt.tzinfo is not None and dt.date() == day.date():
            return dt
    return day


def _load_json(text: str) -> Any:
    text = text.strip()
    if text.startswith("<!--"):
        text = text.removeprefix("<!--").removesuffix("-->").strip()
    # an XHTML habit: the script's text wrapped in a CDATA section ("//<![CDATA[ … //]]>" too)
    if "<![CDATA[" in text[:40]:
        text = _CDATA_START_RE.sub("", text, count=1).rstrip().removesuffix("*/").rstrip().removesuffix("]]>")
        text = text.rstrip().removesuffix("//").removesuffix("/*")
    text = _CTRL_RE.sub(" ", text)
    try:
        return json.loads(text, strict=False)
    except ValueError:
        # trailing commas / stray semicolons written by hand-made templates
        fixed = re.sub(r",\s*([}\]])", r"\1", text).rstrip().rstrip(";")
        try:
            return json.loads(fixed, strict=False)
        except ValueError:
            return None


_SLUG_RE = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)+")


def _ld_authors(value: Any, nodes: dict[str, dict[str, Any]] | None = None) -> list[str]:
    """Writers' names of a JSON-LD ``author``: strings, Person names (or given + family name), a
    reference ``{"@id": …}`` to a Person elsewhere in the page's graph (Yoast); never an organisation
    or a URL slug ("chuck-ross")."""
    items = value if isinstance(value, list) else [value]
    names: list[str] = []
    for it in items:
        if isinstance(it, dict) and set(it) == {"@id"} and nodes:
            it = nodes.get(str(it["@id"]), it)
        if isinstance(it, str):
            names.extend(split_authors(unescape_deep(it)))
        elif isinstance(it, dict):
            if _types(it) & {"organization", "newsmediaorganization", "corporation"}:
                continue
            parts = [it.get(k) for k in ("givenName", "familyName")]
            name = _s(it.get("name")) or _s(" ".join(x for x in parts if isinstance(x, str)))
            if name:
                names.extend(split_authors(name))
    return [n for n in names if not _SLUG_RE.fullmatch(n)]


def _ld_name(value: Any) -> str | None:
    """A credit-like value: a string, or the name of a Person/Organization (first of a list)."""
    if isinstance(value, list):
        value = value[0] if value else None
    if isinstance(value, dict):
        value = value.get("name")
    return _s(value)


def _ld_image_info(obj: dict[str, Any], out: dict[str, tuple[str | None, str | None]]) -> None:
    """Caption and credit of an ImageObject, keyed by each of its URLs."""
    caption = _s(obj.get("caption")) or _s(obj.get("description"))
    credit = (_ld_name(obj.get("creditText")) or _ld_name(obj.get("copyrightHolder"))
              or _ld_name(obj.get("author")) or _ld_name(obj.get("creator")))
    if not caption and not credit:
        return
    for key in ("url", "contentUrl"):
        u = obj.get(key)
        if isinstance(u, str) and u.strip():
            out.setdefault(u.strip(), (caption, credit))


def _ld_images(value: Any) -> list[str]:
    items = value if isinstance(value, list) else [value]
    urls: list[str] = []
    for it in items:
        if isinstance(it, str):
            urls.append(it)
        elif isinstance(it, dict):
            u = it.get("url") or it.get("contentUrl")
            if isinstance(u, str):
                urls.append(u)
    return urls


def _breadcrumb(obj: dict[str, Any]) -> list[str]:
    items = obj.get("itemListElement")
    flat: list[dict[str, Any]] = []

    def _flatten(x: Any) -> None:
        if isinstance(x, list):
            for y in x:
                _flatten(y)
        elif isinstance(x, dict):
            flat.append(x)

    _flatten(items)
    flat.sort(key=lambda d: int(d.get("position") or 0) if str(d.get("position") or "0").isdigit() else 0)
    names: list[str] = []
    for li in flat:
        name = _s(li.get("name"))
        item = li.get("item")
        if not name and isinstance(item, dict):
            name = _s(item.get("name"))
        if name and name.casefold() not in HOME_CRUMBS:
            names.append(name)
    return names


# a separator left at the end of a description whose site suffix was emptied ("…내용입니다. | ")
_DESCRIPTION_END_SEP_RE = re.compile(r"\s+[|·•–—-]+\s*$")


def _is_url(s: str) -> bool:
    return bool(re.match(r"^(?:https?:)?//", s))


def _more_precise(first: datetime | None, second: datetime | None) -> datetime | None:
    """``first`` unless ``second`` is the same minute with seconds that ``first`` lacks."""
    if first is None:
        return second
    if second is None:
        return first
    try:
        same_minute = abs((first - second).total_seconds()) < 60
    except TypeError:  # naive vs aware
        return first
    if same_minute and first.second == 0 and second.second != 0:
        return second
    return first


# <meta> names that carry an author's name (the plain "author" and the tags of common analytics,
# recommendation and citation tools); ``article:author`` is mostly a profile URL and is read apart
META_AUTHOR_KEYS: tuple[str, ...] = (
    "author", "cxenseparse:author", "sailthru.author", "parsely-author", "citation_author", "dc.creator",
    "dcterms.creator",
)
_META_AUTHOR_PREFIXES: tuple[str, ...] = ("branch:deeplink:authorname",)


# placeholders a CMS writes into its author tag, no one's name
_NO_AUTHOR_NAMES = frozenset({"admin", "administrator", "webmaster", "root", "user", "unknown", "null", "none",
                              "editor", "author", "guest"})
MAX_META_AUTHORS = 20
_WRITTEN_BY_RE = re.compile(r"(?:written by|verfasst von|geschrieben von|escrito por|écrit par|scritto da|"
                            r"geschreven door|autor|autorin|author)\s*:?\s*$", re.I)


def _meta_author_names(metas: dict[str, list[str]]) -> list[str]:
    """Names from author <meta> tags, each once, at most :data:`MAX_META_AUTHORS`: e-mail addresses,
    URLs, numbers and CMS placeholders ("admin") are no names."""
    return _names_in(metas, [*META_AUTHOR_KEYS, *sorted(k for k in metas if k.startswith(_META_AUTHOR_PREFIXES))])


def _written_by(metas: dict[str, list[str]]) -> list[str]:
    """Yoast's "Written by" (twitter:misc:Written by, or twitter:label1 "Written by" + twitter:data1):
    the WordPress user who posted the article, often but not always its writer."""
    keys = ["twitter:misc:written by"] + [
        f"twitter:data{n}" for n in range(1, 4)
        if any(_WRITTEN_BY_RE.match(v.strip()) for v in metas.get(f"twitter:label{n}", []))]
    return _names_in(metas, keys)


def _names_in(metas: dict[str, list[str]], keys: list[str]) -> list[str]:
    names: list[str] = []
    seen: set[str] = set()
    for key in keys:
        for raw in metas.get(key, []):
            value = clean(unescape_deep(raw))
            if not value or "@" in value or _is_url(value) or "://" in value:
                continue
            for name in split_authors(value):
                if (not re.search(r"[^\W\d_]", name) or len(name) > 80 or name.casefold() in _NO_AUTHOR_NAMES
                        or _SLUG_RE.fullmatch(name)):
                    continue
                if name not in seen:
                    seen.add(name)
                    names.append(name)
                    if len(names) >= MAX_META_AUTHORS:
                        return names
    return names


def extract_structured(soup: BeautifulSoup, default_tz: tzinfo | None, idx: TagIndex | None = None) -> Structured:
    """Read every structured source once. Earlier sources in this function win for each field."""
    st = Structured()
    objs: list[dict[str, Any]] = []
    metas: dict[str, list[str]] = {}
    canonical: str | None = None
    times: list[str] = []
    pub_raw: str | None = None  # the published value as the chosen source wrote it

    if idx is not None:
        order = sorted(i for n in ("script", "meta", "link", "time") for i in idx.by_name.get(n, []))
        head_like = [idx.tags[i] for i in order]
    else:
        head_like = soup.find_all(["script", "meta", "link", "time"])
    for el in head_like:
        name = el.name
        if name == "script":
            if (el.get("type") or "").lower().strip() == "application/ld+json":
                data = _load_json(el.string or el.get_text() or "")
                if data is not None:
                    _walk_ld(data, objs)
        elif name == "meta":
            key = el.get("property") or el.get("name") or el.get("itemprop")
            # ``value`` instead of ``content``: pages saved through Mercury/Postlight-style tooling
            content = el.get("content") if el.has_attr("content") else el.get("value")
            if key and content is not None and isinstance(key, str):
                metas.setdefault(key.strip().lower(), []).append(content)
        elif name == "link":
            rel = el.get("rel") or []
            if "canonical" in [r.lower() for r in rel] and canonical is None:
                canonical = el.get("href")
        elif name == "time":
            dt = el.get("datetime")
            if dt:
                times.append(dt)

    st.meta_authors = _meta_author_names(metas)
    st.written_by = _written_by(metas)

    def meta(*keys: str) -> str | None:
        for k in keys:
            for v in metas.get(k, []):
                out = clean(unescape_deep(v))
                if out:
                    return out
        return None

    # ---- JSON-LD
    nodes: dict[str, dict[str, Any]] = {}  # each @id's node; the one with a name when several share it
    for obj in objs:
        key = obj.get("@id")
        if isinstance(key, str) and len(obj) > 1 and (
                key not in nodes or ("name" in obj and "name" not in nodes[key])):
            nodes[key] = obj
    for obj in objs:
        types = _types(obj)
        if types & ARTICLE_TYPES:
            st.has_article_ld = True
            st.headline = st.headline or _s(obj.get("headline"))
            st.title = st.title or st.headline or _s(obj.get("name"))
            st.description = st.description or _s(obj.get("description"))
            body = obj.get("articleBody")
            if isinstance(body, str) and not st.article_body:
                st.article_body = unescape_deep(body)
            if st.published is None:
                pub_raw = _s(obj.get("datePublished"))
                st.published = parse_iso(pub_raw, default_tz)
            st.updated = st.updated or parse_iso(_s(obj.get("dateModified")), default_tz)
            if not st.authors:
                st.authors = _ld_authors(obj.get("author"), nodes)
            st.images.extend(_ld_images(obj.get("image")))
            sec = obj.get("articleSection")
            if isinstance(sec, str) and not st.section:
                st.section = _s(sec)
            kw = obj.get("keywords")
            if isinstance(kw, str) and not st.tags:
                st.tags = [t for t in (clean(x) for x in unescape_deep(kw).split(",")) if t]
            elif isinstance(kw, list) and not st.tags:
                st.tags = [t for t in (_s(x) for x in kw) if t]
        if "imageobject" in types:
            _ld_image_info(obj, st.image_info)
        if types & ARTICLE_TYPES:
            imgs = obj.get("image")
            for it in imgs if isinstance(imgs, list) else [imgs]:
                if isinstance(it, dict):
                    _ld_image_info(it, st.image_info)
        if "breadcrumblist" in types and not st.category:
            st.category = _breadcrumb(obj)
        if types & {"itemlist", "collectionpage"} and not types & ARTICLE_TYPES:
            st.has_list_ld = True

    # ---- OpenGraph / meta
    st.og_title = meta("og:title", "twitter:title")
    st.site_name = meta("og:site_name", "application-name")
    st.title = st.title or st.og_title
    st.description = st.description or meta("og:description", "description", "twitter:description")
    for value in (st.description, meta("og:description"), meta("description"), meta("twitter:description")):
        value = _DESCRIPTION_END_SEP_RE.sub("", value) if value else value
        if value and value not in st.descriptions:
            st.descriptions.append(value)
    st.description = _DESCRIPTION_END_SEP_RE.sub("", st.description) if st.description else st.description
    st.og_type = meta("og:type")
    meta_pub_raw = meta("article:published_time", "article:published:time", "pubdate", "datepublished", "publishdate",
                        "date", "dc.date.issued", "og:published_time", "og:article:published_time", "publish-date")
    meta_pub = parse_iso(meta_pub_raw, default_tz)
    meta_mod = parse_iso(meta("article:modified_time", "article:modified:time", "lastmod", "datemodified", "og:updated_time",
                              "og:article:modified_time"), default_tz)
    if st.published is None:
        pub_raw = meta_pub_raw
    st.published = _more_precise(st.published, meta_pub)
    st.updated = _more_precise(st.updated, meta_mod)
    if not st.published and times:
        st.published = parse_iso(times[0], default_tz)
    elif st.published is not None and times:
        st.published = _local_time_marked_utc(st.published, times)
        if pub_raw and is_date_only(pub_raw):
            st.published = _time_of_day(st.published, times)
    if not st.authors:
        dable = meta("dable:author")
        if dable:
            st.authors = split_authors(dable)
    if not st.authors:
        art_author = meta("article:author")
        if (
            art_author
            and not _is_url(art_author)
            and art_author[0].isupper()
            and "." not in art_author.split()[-1]
        ):
            st.authors = split_authors(art_author)
    if not st.tags:
        kw = meta("news_keywords", "keywords", "article:tag")
        if kw:
            st.tags = [t for t in (clean(x) for x in kw.split(",")) if t]
    st.section = st.section or meta("article:section")
    if not st.section:  # the site-wide names some CMSs use instead ("section", Hankook's "content_category")
        named = meta("section", "content_category")
        if named and not named.startswith("/") and len(named) <= 60:
            st.section = named
    for key in ("og:image", "og:image:url", "og:image:secure_url", "twitter:image", "twitter:image:src"):
        for v in metas.get(key, []):
            u = clean(unescape_deep(v))
            if u and u not in st.images:
                st.images.append(u)
    st.canonical_url = clean(canonical) or meta("og:url")

    html_el = soup.find("html")
    lang = html_el.get("lang") if isinstance(html_el, Tag) else None
    if isinstance(lang, str) and lang.strip():
        st.language = lang.strip().split("-")[0].split("_")[0].lower()
    else:
        loc = meta("og:locale")
        if loc:
            st.language = loc.split("_")[0].split("-")[0].lower()
    st.title = normalize_text(st.title) or None
    st.headline = normalize_text(st.headline) or None
    return st
