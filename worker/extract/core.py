"""``extract_article``: decode, parse once, run the stages, merge, build the :class:`Article`.

Stage order (earlier wins per field, later stages fill gaps):
  1. structured data (JSON-LD, OpenGraph, meta)            -> :mod:`structured`
  2. site profile selectors                                 -> :mod:`profiles` / :mod:`selectors`
  3. generic content finder (title/lead/body/byline/date)   -> :mod:`content`
Title and lead are the exception: the visible on-page heading/sapo wins when it agrees with the
structured value (structured titles are often SEO variants; descriptions are often truncated).
"""

from __future__ import annotations

import gc
import ipaddress
import itertools
import logging
import re
import unicodedata
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, tzinfo
from urllib.parse import urljoin, urlsplit

from bs4 import BeautifulSoup, Tag

from worker.extract.article import Article
from worker.extract.blocks import Block, BodyResult
from worker.extract.bylines import byline_near_headline, co_writers, search_window
from worker.extract.charset import decode_html
from worker.extract.content import (
    CJK_RE,
    MIN_ARTICLE_CHARS,
    add_region_photos,
    body_html,
    decide_is_article,
    expand_container,
    find_body_container,
    find_visible_lead,
    is_dated_story_url,
    reconcile_lead,
    same_selector_parts,
    script_html_body,
    walk_body,
)
from worker.extract.dates import (
    VN_TZ,
    find_visible_date,
    find_written_date,
    is_date_line,
    named_zone,
    parse_iso,
    parse_visible,
    site_zone,
)
from worker.extract.dom import (
    TagIndex,
    attr,
    classes_and_id,
    is_text_paragraph,
    node_text,
    registered_name,
    short_text,
)
from worker.extract.photo_region import add_article_photos
from worker.extract.profiles import SiteProfile, profile_for
from worker.extract.prune import prune_html
from worker.extract.selectors import (
    BODY_SELECTORS,
    BREADCRUMB_SELECTORS,
    BYLINE_SELECTORS,
    DATE_SELECTORS,
    HOME_CRUMBS,
    KICKER_CLASS_RE,
    LEAD_SELECTORS,
    NON_SECTION_CRUMBS,
    SEO_HEADING_CLASS_RE,
    SOURCE_SELECTORS,
    TITLE_SELECTORS,
)
from worker.extract.structured import Structured, extract_structured
from worker.extract.text import extract_place, normalize_text, parse_byline, word_key

log = logging.getLogger(__name__)

MAX_HTML_CHARS = 12_000_000
# the pruned page handed to BeautifulSoup is cut here (time is linear in elements; real pruned news pages
# are 10-300 KB)
MAX_SOUP_CHARS = 1_000_000
# scripts (except JSON-LD), styles, <noscript> and inline SVG are dropped before parsing: they are most
# of the bytes of a news page and nothing reads them; this halves BeautifulSoup's parse time
_PRESTRIP_RE = re.compile(
    r"<script\b(?![^>]*ld\+json)[^>]*>.*?</script\s*>|<style\b[^>]*>.*?</style\s*>"
    r"|<svg\b.*?</svg\s*>|<noscript\b[^>]*>.*?</noscript\s*>",
    re.S | re.I,
)


def _looks_binary(text: str) -> bool:
    sample = text[:20_000]
    if not sample:
        return False
    return len(_BINARY_CHAR_RE.findall(sample)) / len(sample) > 0.05


# control characters other than tab, newlines and form feed, and the replacement character
_BINARY_CHAR_RE = re.compile("[\x00-\x08\x0b\x0e-\x1f\ufffd]")


# ----------------------------------------------------------------------------- helpers


def _tokens(s: str) -> set[str]:
    return {w for w in re.findall(r"\w+", s.casefold()) if len(w) > 1}


def similarity(a: str | None, b: str | None) -> float:
    if not a or not b:
        return 0.0
    ta, tb = _tokens(a), _tokens(b)
    if not ta or not tb:
        return 0.0
    return len(ta & tb) / len(ta | tb)


def _common_ancestor(a: Tag | None, b: Tag | None) -> Tag | None:
    if a is None or b is None:
        return (a or b).parent if (a or b) is not None else None  # type: ignore[union-attr]
    a_parents = [a, *a.parents]
    ids = {id(p) for p in a_parents}
    for p in [b, *b.parents]:
        if id(p) in ids:
            return p if isinstance(p, Tag) else None
    return None


def _is_home_page(url: str, canonical: str | None) -> bool:
    """The page (by its canonical URL when it names one) is the root of its site: no article lives
    at "/" (a query string, "?p=123", can still name one)."""
    for u in (canonical, url):
        if not u:
            continue
        try:
            parts = urlsplit(u)
        except ValueError:  # a broken canonical ("http://[bad/…"): the page's own URL decides
            continue
        if parts.scheme in ("http", "https") and parts.netloc:
            return parts.path in ("", "/") and not parts.query
    return False


def _default_tz(host: str, soup: BeautifulSoup, profile: SiteProfile | None) -> tzinfo | None:
    """The zone of times the page writes without an offset: the profile's (Vietnamese sites), else the
    site's country or language (:func:`dates.site_zone`), else none (UTC at the end)."""
    if profile is not None:
        return VN_TZ
    html_el = soup.find("html")
    lang = html_el.get("lang") if isinstance(html_el, Tag) else None
    return site_zone(host, lang if isinstance(lang, str) else None)


# ----------------------------------------------------------------------------- field finders


_KICKER_END_RE = re.compile(r"[:|–—-]\s*$")


def _kicker_variant(visible: str, structured: str) -> str | None:
    """The structured headline when it is the visible one plus or minus a kicker ("Kenia: " + h1):
    publishers' own headline field then carries the complete, deliberate form."""
    v, s = visible.strip(), structured.strip()
    if v == s or not v or not s:
        return None
    longer, shorter = (s, v) if len(s) > len(v) else (v, s)
    if not longer.endswith(shorter):
        return None
    prefix = longer[: -len(shorter)]
    if 2 <= len(prefix.strip()) <= 60 and _KICKER_END_RE.search(prefix):
        return s
    return None


_LEADING_ARTICLE_RE = re.compile(r"^(?:the|le|la|les|l|der|die|das|de|het|el|il|lo|os|as|o|a)\s+", re.I)


def _site_words(text: str) -> list[str]:
    """``text``'s words for comparing site names: casefolded, accents folded ("Dân Trí" -> dan, tri)."""
    folded = unicodedata.normalize("NFKD", text.casefold().replace("đ", "d"))
    return re.findall(r"[^\W_]+", "".join(c for c in folded if not unicodedata.combining(c)))


def _site_key(text: str) -> str:
    return "".join(_site_words(text))


def _site_keys(site_name: str | None, host: str) -> set[str]:
    """The site's name as keys: og:site_name with and without a leading article ("The Times of India"),
    and the host's registered name ("nytimes" for www.nytimes.com, "bbc" for www.bbc.co.uk, "yahoo"
    for news.yahoo.com; never the subdomain, which often names a section: kinhdoanh.vnexpress.net)."""
    name = registered_name(host)
    site = (site_name or "").strip()
    return {k for k in (_site_key(site), _site_key(_LEADING_ARTICLE_RE.sub("", site)), _site_key(name)) if k}


_SITE_TAIL_SEP_RE = re.compile(r"^\s*[:|–—\-,/·•]")


def _names_site(text: str, site: set[str]) -> bool:
    """``text`` is the site's name, alone or followed by a separator and a tagline ("EL PAÍS: el
    periódico global", "Israel Nachrichten – Chadashoth Israel"); "The Economist explains", "Time Off"
    and "Bildung" on bild.de are not."""
    if not site:
        return False
    if _site_key(text) in site:
        return True
    joined = ""
    for m in re.finditer(r"[^\W_]+", text):
        joined += _site_key(m.group(0))
        if joined in site:
            return bool(_SITE_TAIL_SEP_RE.match(text[m.end():]))
        if len(joined) > max(len(k) for k in site):
            break
    return False


def _structured_spelling(visible: str, st: Structured) -> str:
    """The JSON-LD headline when it has the visible title's very words: its spacing and punctuation
    are the publisher's, where the visible text is joined from nested elements ("drauf : Stadt").
    og:title only when it parts words the visible text glued (a kicker <span> set as a block by CSS:
    "Nationale DemoDer 9. Juli"): it often differs in quotes and case."""
    if st.headline and st.headline != visible and word_key(st.headline) == word_key(visible):
        return st.headline
    if st.og_title and _splits_glued_words(visible, st.og_title):
        return st.og_title
    return visible


def _splits_glued_words(visible: str, spelled: str) -> bool:
    """``spelled`` has ``visible``'s very letters, in case too, but more words: it separates words the
    visible text glued where two inline elements meet."""
    seen, other = re.findall(r"[^\W_]+", visible), re.findall(r"[^\W_]+", spelled)
    if len(other) <= len(seen) or "".join(seen) != "".join(other):
        return False
    # every new word boundary falls where the visible text runs from a small letter into a capital
    # ("DemoDer"), not inside a word ("Neu·infektionen")
    joined, at = "".join(seen), 0
    seen_cuts = set(itertools.accumulate(len(w) for w in seen))
    for w in other[:-1]:
        at += len(w)
        if at not in seen_cuts and not (joined[at - 1].islower() and joined[at].isupper()):
            return False
    return True


_SITE_SEP = r"[|–—·•ㅣ-]|::"  # what stands between a title and the site's name
_SITE_SEP_RE = re.compile(_SITE_SEP)
_TRAILING_SEP_RE = re.compile(rf"\s*(?:{_SITE_SEP})\s*$")


_MAX_SUFFIX_CHARS = 120


def strip_site_suffix(title: str, site_name: str | None, host: str, section: str | None = None) -> str:
    """``title`` without a trailing "| Site" / "- Site" naming the site (og:site_name or the host's
    name), as document and social titles carry it, and then without the ``section`` named before it;
    the title unchanged when no such suffix is found."""
    names = _site_keys(site_name, host)
    if not names:
        return title
    # a site's name is short: only separators near the end count (a page cut inside its <title> gives
    # a title of the whole page; every separator checked would make this quadratic)
    for m in _SITE_SEP_RE.finditer(title, max(0, len(title) - _MAX_SUFFIX_CHARS)):
        head, tail = title[: m.start()], title[m.end():]
        if len(head.strip()) < 10 or not tail.strip():
            continue
        if _site_key(tail) in names and not _TRAILING_SEP_RE.search(head[-16:]):
            return strip_section_suffix(head.strip(), section)
    # a colon or an underscore parts a headline's own words too ("Brexit: …"): it stands before the
    # site's name only when what follows is og:site_name itself ("…「Treeviz」:phpspot開発日誌")
    site = normalize_text(site_name or "")
    if site and title.endswith(site):
        head = title[: len(title) - len(site)]
        if len(head.strip()) >= 10 and head[-1:] in _WEAK_SITE_SEPS:
            return strip_section_suffix(head[:-1].strip(), section)
    return title


_WEAK_SITE_SEPS = frozenset(":：_")


def strip_section_suffix(title: str, section: str | None) -> str:
    """``title`` without a trailing "-정치" / "| Politics" naming the page's section, left where the
    site's name was cut ("…커졌다-정치ㅣ한국일보")."""
    if not section:
        return title
    names = {normalize_text(s).casefold() for s in section.split(",")} - {""}
    for m in _SITE_SEP_RE.finditer(title, max(0, len(title) - 60)):
        head, tail = title[: m.start()].strip(), title[m.end():].strip()
        if len(head) < 10 or tail.casefold() not in names:
            continue
        # a bare hyphen joins a compound ("Corona-Politik", "K-Pop"), except between CJK/Hangul words
        if m.group() == "-" and not (title[m.start() - 1: m.start()].isspace() or CJK_RE.match(title[m.start() - 1])):
            continue
        return head
    return title


def _headline_text(el: Tag, structured: tuple[str | None, ...]) -> tuple[str, bool]:
    """(text, kicker left out): the heading's text without a kicker set in its own element
    (:data:`KICKER_CLASS_RE`), unless a structured title starts with that kicker too (then it is part
    of the title: "Akkutechnik: …")."""
    text = node_text(el)
    for kicker in el.find_all(class_=KICKER_CLASS_RE, limit=2):
        k = node_text(kicker)
        if k and text.startswith(k) and len(text) > len(k) + 10:
            if any(t and t.casefold().startswith(k.casefold()) for t in structured):
                return text, False
            rest = text[len(k):].lstrip(" -–—:|·•/").strip()
            return rest, rest != text
    return text, False


_HEADLINE_GAP = 80  # elements between a page's own headline and the start of its text, at most


def _links_elsewhere(el: Tag, text: str, page_urls: tuple[str, ...]) -> bool:
    """``el`` is (nearly) all one link to another page: another story's teaser headline. A permalink to
    the page itself (WordPress's linked entry title), ``#`` and a link on a word or two are not."""
    link = el.find_parent("a", href=True)
    if link is None:
        links = el.find_all("a", href=True, limit=2)
        if len(links) != 1 or len(node_text(links[0])) < 0.9 * len(text):
            return False
        link = links[0]
    href = attr(link, "href").strip()
    if not href or href.startswith(("#", "javascript:")):
        return False
    target = urljoin(page_urls[0], href).split("#", 1)[0].rstrip("/") if page_urls else href
    return target not in {u.split("#", 1)[0].rstrip("/") for u in page_urls if u}


def _stands_as_headline(idx: TagIndex, el: Tag, text: str, container: Tag | None,
                        page_urls: tuple[str, ...] = (), short_ok: bool = False) -> bool:
    """A visible heading that differs from the structured title still is the page's headline when it
    reads as one (four words or more; twelve characters of CJK; ``short_ok``: any length, when the
    reference is only the document <title>), links to no other page (another story's teaser) and sits
    just before the article text. Site names, section names and other articles' headings fail one or
    another."""
    if container is None or el.name not in ("h1", "h2"):
        return False
    if not short_ok and not _reads_as_headline(text):
        return False
    if _links_elsewhere(el, text, page_urls):
        return False
    start = idx.pos.get(id(container))
    at = idx.pos.get(id(el))
    if start is None or at is None:
        return False
    if short_ok and start < at <= min(idx.end[start], start + 10):
        return True  # (the <title> as reference: a heading opening the article's own block)
    return 0 < start - at <= _HEADLINE_GAP


def _reads_as_headline(text: str) -> bool:
    """Four words or more, or twelve CJK characters: a headline, not a section or site name."""
    return len(text.split()) >= 4 or len(CJK_RE.findall(text)) >= 12


_HEAD_SEP_RE = re.compile(r"^\s*(?:[|–—·•ㅣ:：｜_-]|::)")


def _document_title(soup: BeautifulSoup, st: Structured, host: str) -> str | None:
    """The <title> without the site's name, when it reads as a headline of its own (not "Home | Site",
    not the site's name, at most 300 characters): the reference for pages without a structured title."""
    t = soup.find("title")
    text = node_text(t) if t is not None else ""
    if not text or len(text) > 300:
        return None
    text = strip_site_suffix(text, st.site_name, host, st.section)
    if not _reads_as_headline(text) or text.casefold() in HOME_CRUMBS or _names_site(text, _site_keys(st.site_name, host)):
        return None
    return text


def _heading_showing(idx: TagIndex, title: str, container: Tag | None, page_urls: tuple[str, ...]) -> Tag | None:
    """The heading that shows ``title`` when the first <h1> did not (a section name or a breadcrumb's
    SEO title in the <h1>, the headline set as an <h2> in an <hgroup>: funke's papers): an <h1>/<h2>
    with the title's words, linking nowhere else, the last one before the body's container."""
    key = word_key(title)
    if not key:
        return None
    c = idx.pos.get(id(container)) if container is not None else None
    found: Tag | None = None
    for i in sorted(idx.by_name.get("h1", []) + idx.by_name.get("h2", [])):
        if c is not None and i > c:
            break
        el = idx.tags[i]
        text = node_text(el)
        if len(text) <= 300 and word_key(text) == key and not _links_elsewhere(el, text, page_urls):
            found = el
    return found


def _shown_text(el: Tag) -> tuple[str, bool]:
    """(text, kicker left out): ``el``'s text without a kicker element in it and without what is hidden
    from readers (``aria-hidden`` dashes between kicker and headline)."""
    parts: list[str] = []
    kicker = False
    for s in el.find_all(string=True):
        skip = False
        for p in s.parents:
            if p is el:
                break
            if attr(p, "aria-hidden") == "true":
                skip = True
                break
            if KICKER_CLASS_RE.search(classes_and_id(p)):
                skip = kicker = True
                break
        if not skip:
            parts.append(str(s))
    return normalize_text("".join(parts)), kicker


def _headline_below_seo_heading(idx: TagIndex, st: Structured, container: Tag | None,
                                page_urls: tuple[str, ...]) -> tuple[str, Tag] | None:
    """When the page's first <h1> is a breadcrumb's last item or an SEO title, the headline readers see
    is a heading after it: the first <h2>/<h1> before the end of the text that reads as a headline,
    links nowhere else and says what a structured title says. Its own kicker element is left out;
    without one, the structured title that is this headline plus a kicker is taken (welt)."""
    h1s = idx.by_name.get("h1", [])
    if not h1s:
        return None
    first = idx.tags[h1s[0]]
    parent = first.parent if isinstance(first.parent, Tag) else None
    if not SEO_HEADING_CLASS_RE.search(classes_and_id(first) + " " + (classes_and_id(parent) if parent else "")):
        return None
    refs = [t for t in (st.og_title, st.title, st.headline) if t]
    c = idx.pos.get(id(container)) if container is not None else None
    for j in sorted(idx.by_name.get("h2", []) + h1s[1:]):
        if j <= h1s[0]:
            continue
        if j - h1s[0] > 60 or (c is not None and j > idx.end[c]):
            break
        el = idx.tags[j]
        text, own_kicker = _shown_text(el)
        if not text or len(text) > 300 or not _reads_as_headline(text) or _links_elsewhere(el, text, page_urls):
            continue
        if not any(similarity(text, r) >= 0.3 for r in refs):
            continue
        same = [r for r in refs if word_key(r) == word_key(text)]
        if same:
            return same[0], el  # the very words: the publisher's punctuation ("Die Eisheiligen 2024: …")
        if not own_kicker:
            for r in refs:
                kicked = _kicker_variant(text, r)
                if kicked and len(kicked) > len(text):
                    return kicked, el
        return text, el
    return None


def _find_title(idx: TagIndex, soup: BeautifulSoup, st: Structured, prof: SiteProfile | None,
                host: str = "", container: Tag | None = None,
                page_urls: tuple[str, ...] = ()) -> tuple[str | None, Tag | None]:
    ref = st.title or st.og_title
    doc_title = None
    if ref is None:  # no structured title: the document's <title>, without the site's name, stands in
        doc_title = ref = _document_title(soup, st, host)
    elif not (prof and prof.title):
        shown = _headline_below_seo_heading(idx, st, container, page_urls)
        if shown:
            return shown
    selectors = (prof.title if prof else ()) + TITLE_SELECTORS
    first: tuple[str, Tag] | None = None
    for el in idx.select_all(selectors, None, limit=3):
        text, own_kicker = _headline_text(el, (st.title, st.og_title, st.headline))
        if not text or len(text) > 300:
            continue
        if ref is None:
            return text, el
        if doc_title and len(text) >= len(doc_title) / 3 and doc_title.startswith(text) and (
                _HEAD_SEP_RE.match(doc_title[len(text):])):
            return text, el  # the <title> is the headline plus a suffix the site-name check missed
        # the structured title with a kicker of its own, unless the heading's own kicker was just left out
        # (srf.ch: "Eskalation im Nahen Osten" shown, og:title "Iranischer Angriff auf Israel: …")
        kicked = _kicker_variant(text, ref) if doc_title is None and not own_kicker else None
        if kicked:
            return kicked, el
        if similarity(text, ref) >= 0.5 or (st.og_title and similarity(text, st.og_title) >= 0.5):
            return _structured_spelling(text, st), el
        if first is None:
            first = (text, el)
    if doc_title:  # the <title> shown as a heading below a section-name <h1> (webmd): that heading
        for el in idx.select_all(("h2", "h3"), None, limit=12):
            shown = node_text(el)
            if similarity(shown, doc_title) >= 0.8:
                return shown, el
    if first and _stands_as_headline(idx, first[1], first[0], container, page_urls, short_ok=doc_title is not None):
        return first
    if ref:
        title = ref if st.headline else strip_site_suffix(ref, st.site_name, host, st.section)
        return title, _heading_showing(idx, title, container, page_urls)
    if first:
        return first
    t = soup.find("title")
    text = node_text(t) if t else ""
    return (strip_site_suffix(text, st.site_name, host, st.section) or None, None) if text else (None, None)


def _find_lead(idx: TagIndex, st: Structured, prof: SiteProfile | None, title_el: Tag | None,
               container: Tag | None) -> tuple[str | None, Tag | None]:
    selectors = (prof.lead if prof else ()) + LEAD_SELECTORS
    desc = st.description
    for el in idx.select_all(selectors, None, limit=3):
        if el.name == "meta":
            continue
        text = _lead_text(el)
        if len(text) < 30 or len(text) > 1500:
            continue
        heads = _heads_body(idx, el, container)
        if heads is False:
            continue  # inside the body after its first paragraph: a subheading or a box, not the lead
        if desc:
            if similarity(text, desc) >= 0.35 or desc[:40].casefold() in text.casefold() or heads:
                return text, el
            continue
        return text, el
    el = find_visible_lead(idx, title_el, container, node_text(title_el) if title_el is not None else None)
    if el is not None:
        return node_text(el), el
    return desc, None


def _lead_text(el: Tag) -> str:
    """The text of a lead element; a key-points box without its heading ("Darum gehts", "Highlights")
    and only when it is not a list of links (teasers of other stories)."""
    heading = el.find(["h2", "h3", "h4", "h5"])
    text = node_text(el)
    if el.find(["figure", "video", "iframe"]) is not None:  # a preamble holding a video after its lines
        paras = [p for p in el.find_all("p") if p.find_parent("figure") is None]
        text = " ".join(t for t in (node_text(p) for p in paras) if t) or text
    if heading is not None and len(el.find_all(["li", "p"], limit=2)) >= 2:
        label = node_text(heading)
        if len(label) <= 40 and text.startswith(label):
            text = text[len(label):].strip()
    linked = sum(len(node_text(a)) for a in el.find_all("a", limit=20))
    return "" if text and linked > 0.3 * len(text) else text


def _heads_body(idx: TagIndex, el: Tag, container: Tag | None) -> bool | None:
    """Where ``el`` stands in the body's container: True when it opens it, before its first paragraph of
    text (a dek set as the body's first block, hankookilbo's <h2 class="sub-tit-ll">: the lead whatever
    the description says); False when it comes after that paragraph; None outside the container."""
    c = idx.pos.get(id(container)) if container is not None else None
    e = idx.pos.get(id(el))
    if c is None or e is None or not c < e <= idx.end[c]:
        return None
    return not any(is_text_paragraph(idx.tags[i]) for i in range(c + 1, e))


def _find_date(idx: TagIndex, region: Tag | None, prof: SiteProfile | None,
               tz: tzinfo | None, language: str | None = None) -> datetime | None:
    if prof and prof.date:
        for el in idx.select_all(prof.date, None, limit=2):
            dt = parse_iso(el.get("datetime"), tz) if el.get("datetime") else None  # type: ignore[arg-type]
            dt = dt or parse_visible(node_text(el), tz)
            if dt:
                return dt
    scope = region
    for _ in range(3):
        if scope is None:
            break
        for el in idx.select_all(DATE_SELECTORS, scope, limit=4):
            val = el.get("datetime") or el.get("content") or _data_date(el)
            dt = parse_iso(val, tz) if isinstance(val, str) and val else None
            line = node_text(el)[:160]
            dt = dt or find_visible_date(line, tz) or find_written_date(line, tz, language)
            if dt:
                return dt
        scope = scope.parent if isinstance(scope.parent, Tag) else None
    return None


def _data_date(el: Tag) -> str | None:
    """A machine date a script reads from the element's data-* attribute ("data-origindate=
    '2017-03-01 14:27:02 +0800'", "data-date"), often with the offset its visible text lacks."""
    for name, value in el.attrs.items():
        if name.startswith("data-") and ("date" in name or "time" in name) and isinstance(value, str) and (
                re.match(r"\s*(?:19|20)\d{2}-\d{1,2}-\d{1,2}", value)):
            return value
    return None


_UPDATED_RE = re.compile(r"^\W*(?:updated|last updated|aktualisiert|mis à jour|actualizado|cập nhật)\b", re.I)


def _date_near_headline(idx: TagIndex, title_el: Tag | None, container: Tag | None, tz: tzinfo | None,
                        language: str | None) -> datetime | None:
    """A date line between the headline and the text when no date element or metadata gave one: a short
    element that is a date and a word or two ("December 16, 2016, 4:19 PM", "Published Dec 19, 2016");
    an "Updated …" line only when no other is there (it is then the only time the page gives)."""
    win = search_window(idx, title_el, container) if title_el is not None else None
    if win is None:
        return None
    lo, body_start, hi = win
    updated: datetime | None = None
    for i in range(lo, min(hi, len(idx.tags))):
        el = idx.tags[i]
        if i >= body_start and is_text_paragraph(el):
            break  # the text has begun: a date further on is one the text speaks of
        if el.name in ("a", "script", "style") or idx.end[i] - i > 6:
            continue
        line = short_text(el, 60)
        if not line or not is_date_line(line, strict=False):
            continue
        zone = named_zone(line) or tz  # "4:19 PM EST" on any site is Eastern time
        dt = find_written_date(line, zone, language) or find_visible_date(line, zone)
        if dt is None:
            continue
        if not _UPDATED_RE.match(line):
            return dt
        updated = updated or dt
    return updated


def _find_byline(idx: TagIndex, region: Tag | None, prof: SiteProfile | None,
                 named: list[str] | tuple[str, ...] = ()) -> str | None:
    """The byline: the site profile's, else the first byline element of the article's region; when the
    page's author <meta> ``named`` writers, the first such element naming one of them (a teaser of
    another story inside the region may carry a byline element of a higher-ranked kind: thenation)."""
    if prof and prof.author:
        for el in idx.select_all(prof.author, None, limit=2):
            t = node_text(el)
            if t and len(t) <= 120:
                return t
    if region is None:
        return None
    first: str | None = None
    keys = [n.casefold() for n in named if len(n) >= 4]
    for el in idx.select_all(BYLINE_SELECTORS, region, limit=8 if keys else 2):
        t = node_text(el)
        if t and len(t) <= 80:
            line = co_writers(el) or t
            if not keys or any(k in line.casefold() for k in keys):
                return line
            first = first or line
    return first


def _as_meta_names(authors: list[str], meta: list[str]) -> list[str]:
    """Byline names with the author <meta>'s spelling of each that holds one of them within more words
    ("Travel By Sophie FosterTravel": a section label glued on both sides; the meta says "Sophie Foster")."""
    if not meta:
        return authors
    exact = {m.casefold() for m in meta}
    out: list[str] = []
    for name in authors:
        low = name.casefold()
        inner = None
        if low not in exact:  # a name the meta gives as it is stays as it is
            inner = next((m for m in meta if 1 < len(m.split())
                          and re.search(rf"(?<![^\W\d_]){re.escape(m.casefold())}", low)), None)
        out.append(inner or name)
    return list(dict.fromkeys(out))


def _people(names: list[str], site: set[str]) -> list[str]:
    """``names`` without the site's own name or address ("Sam Stein, The Huffington Post", "lrt.lt"),
    and without the site's name after a writer's ("Mark Di Stefano BuzzFeed"); "S.Kumar" is a name,
    not an address."""
    out: list[str] = []
    for n in names:
        if _names_site(n, site) or (_HOST_LIKE_RE.match(n) and n.rsplit(".", 1)[-1].islower()):
            continue
        words = n.split()
        for k in (3, 2, 1):  # the site's name in its last one to three words, two words of name before it
            if len(words) - k >= 2 and _site_key(" ".join(words[-k:])) in site:
                n = " ".join(words[:-k])
                break
        out.append(n)
    return out


_HOST_LIKE_RE = re.compile(r"^[\w-]+(?:\.[\w-]+)*\.[a-z]{2,6}$", re.I)


def clean_category(crumbs: list[str], title: str | None, site_name: str | None, host: str) -> list[str]:
    """The sections of a breadcrumb: without the home page, the site's own name (or address), words
    naming a kind of page ("Uncategorized", "Article") and a last item that is the article's title."""
    site = _site_keys(site_name, host)
    out: list[str] = []
    for crumb in crumbs:
        low = crumb.casefold()
        key = word_key(crumb)
        if low in HOME_CRUMBS or low in NON_SECTION_CRUMBS or not key or _HOST_LIKE_RE.match(crumb):
            continue
        if _names_site(crumb, site):
            continue
        out.append(crumb)
    if out and title and (similarity(out[-1], title) >= 0.5 or word_key(out[-1]) == word_key(title)):
        out.pop()
    return out


def _find_category(idx: TagIndex, st: Structured, prof: SiteProfile | None) -> list[str]:
    if st.category:
        return st.category
    sels = (prof.category if prof else ())
    crumbs: list[str] = []
    for el in idx.select_all(sels, None, limit=10):
        t = node_text(el)
        if t and t.casefold() not in HOME_CRUMBS and t not in crumbs:
            crumbs.append(t)
    if crumbs:
        return crumbs
    for box in idx.select_all(BREADCRUMB_SELECTORS, None, limit=1):
        for a in box.find_all(["a", "span"] if box.find("a") is None else "a"):
            t = node_text(a)
            if t and len(t) < 60 and t.casefold() not in HOME_CRUMBS and t not in crumbs:
                crumbs.append(t)
        if crumbs:
            return crumbs
    if st.section:
        return [s for s in (normalize_text(x) for x in st.section.split(",")) if s]
    return []


def _use_ld_body(result: BodyResult, ld_body: str | None, lead: str | None) -> None:
    """Pages rendered by script carry the text only in JSON-LD ``articleBody``: when the page's own
    body text is less than half of it, the structured text is the body (photos kept)."""
    if not ld_body:
        return
    paras = [t for t in (normalize_text(x) for x in re.split(r"\n+", ld_body)) if t]
    total = sum(len(p) for p in paras)
    if total < 400 or len(result.body) >= total * 0.5:
        return
    if lead and paras and paras[0].casefold().startswith(lead.casefold()[:80]):
        first = paras[0][len(lead):].strip()
        paras = ([first] if first else []) + paras[1:]
    photos = [b for b in result.blocks if b.kind == "photo"]
    for b in photos:
        if b.photo is not None:
            b.photo.position = min(b.photo.position, len(paras))
    result.blocks = [Block(kind="p", text=p) for p in paras] + photos
    result.photos = [b.photo for b in photos if b.photo is not None]


# ----------------------------------------------------------------------------- main


def _aware(value: datetime | None, tz: tzinfo | None) -> datetime | None:
    """The contract: published/updated carry an offset. A time given without one is the site's
    local time when the site's zone is known, else UTC."""
    if value is None or value.utcoffset() is not None:
        return value
    return value.replace(tzinfo=tz or UTC)


def extract_article(html: str | bytes, url: str) -> Article:
    """HTML (str or bytes) of one page -> :class:`Article`. Never raises on bad input."""
    try:
        with _no_cycle_collection():
            return _extract(html, url)
    except Exception as exc:  # the contract: bad input gives is_article=False, not an exception
        log.warning("extraction failed for %s: %r", url, exc)
        return Article(url=url, site=_site(url), is_article=False, reason=f"extraction error: {type(exc).__name__}")


@contextmanager
def _no_cycle_collection() -> Iterator[None]:
    """The cycle collector paused while one page is extracted: the parse trees are hundred thousands of
    live objects that each young-generation pass would scan again for nothing (5-10% of extraction
    time). It runs again afterwards and frees the previous pages' trees; a caller that had it paused
    keeps it paused."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _site(url: str) -> str | None:
    try:
        host = (urlsplit(url).hostname or "").lower()
    except ValueError:
        return None
    return host.removeprefix("www.") or None


def _is_address(host: str | None) -> bool:
    """An IP literal or localhost names a machine, not a publisher."""
    if not host:
        return True
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return False
    return True


def _declared_site(soup: BeautifulSoup) -> str | None:
    """The publisher's host from the page's own rel=canonical or og:url (for pages served from an
    address, such as saved copies on a local server)."""
    link = soup.find("link", attrs={"rel": "canonical"})
    meta = soup.find("meta", attrs={"property": "og:url"})
    for el, name in ((link, "href"), (meta, "content")):
        value = el.get(name) if isinstance(el, Tag) else None
        if isinstance(value, str) and value.startswith(("http://", "https://")):
            declared = _site(value.strip())
            if declared and not _is_address(declared):
                return declared
    return None


def _extract(raw: str | bytes, url: str) -> Article:
    site = _site(url)
    if raw is None or len(raw) == 0:
        return Article(url=url, site=site, is_article=False, reason="empty document")
    text = decode_html(bytes(raw))[0] if isinstance(raw, (bytes, bytearray)) else str(raw)
    text = text.replace("\x00", "")
    if _looks_binary(text):
        return Article(url=url, site=site, is_article=False, reason="binary or undecodable content")
    if len(text) > MAX_HTML_CHARS:
        text = text[:MAX_HTML_CHARS]
    if "<" not in text[:100_000]:
        return Article(url=url, site=site, is_article=False, reason="not HTML")
    pruned = prune_html(text)
    markup = pruned if pruned is not None else _PRESTRIP_RE.sub(" ", text)
    if len(markup) > MAX_SOUP_CHARS:  # bounded time: no news article needs more than this after pruning
        markup = markup[:MAX_SOUP_CHARS]
    soup = BeautifulSoup(markup, "lxml")
    if soup.find("body") is None and soup.find("html") is None:
        return Article(url=url, site=site, is_article=False, reason="no HTML document")

    if _is_address(site):
        site = _declared_site(soup) or site
    host = site or ""
    prof = profile_for(host)
    tz = _default_tz(host, soup, prof)

    # stage 1
    if prof and prof.hook:  # hooks may reshape the tree: run them before indexing it
        prof.hook(soup)
    idx = TagIndex(soup)
    st = extract_structured(soup, tz, idx)

    # stages 2+3: containers
    container = find_body_container(idx, prof.body if prof else ())
    title, title_el = _find_title(idx, soup, st, prof, host, container, (url, st.canonical_url or ""))
    lead, lead_el = _find_lead(idx, st, prof, title_el, container)
    region = _common_ancestor(title_el, container) if container is not None else (
        title_el.parent if title_el is not None else None)

    extra_drop: set[int] = set()
    if prof and prof.drop and container is not None:
        extra_drop = {id(e) for e in idx.select_all(prof.drop, container, limit=50)}
    if lead_el is not None:
        extra_drop.add(id(lead_el))
    if title_el is not None:
        extra_drop.add(id(title_el))

    base = url
    parts: list[Tag] = []
    if container is not None:
        parts = same_selector_parts(idx, container, (prof.body if prof else ()) + BODY_SELECTORS)
        if len(parts) == 1:
            parts = expand_container(container)
    result = walk_body(parts, base, lead, title, extra_drop) if container is not None else None
    if result is None:
        result = BodyResult()
    else:
        add_region_photos(idx, title_el, parts, result, base)
        add_article_photos(idx, title_el, parts, result, base, st)
    _use_ld_body(result, st.article_body, lead)
    if len(result.body) < MIN_ARTICLE_CHARS and (st.has_article_ld or (st.og_type or "").lower() == "article"):
        scripted = script_html_body(text, base, lead, title)  # the article only in a script's JSON
        if scripted is not None and len(scripted[0].body) > len(result.body):
            result, container = scripted
    lead = reconcile_lead(result, lead, lead_el is not None, st.descriptions)
    published = _aware(st.published or _find_date(idx, region, prof, tz, st.language)
                       or _date_near_headline(idx, title_el, container, tz, st.language), tz)
    updated = _aware(st.updated, tz)
    category = clean_category(_find_category(idx, st, prof), title, st.site_name, host)
    is_article, reason = decide_is_article(result, container, st.has_article_ld, st.og_type, st.has_list_ld,
                                           published is not None, lead,
                                           is_dated_story_url(st.canonical_url or url))
    if is_article and not st.has_article_ld and _is_home_page(url, st.canonical_url):
        is_article, reason = False, "the site's home page"

    # authors / byline
    # each source in turn; the site's own name counts only when no source names a person
    byline = _find_byline(idx, region, prof, st.meta_authors) or result.byline
    own_names = _site_keys(st.site_name, host)
    site_named: list[str] = []

    def people(names: list[str]) -> list[str]:
        found = _people(names, own_names)
        if not found and names and not site_named:
            site_named.append(names[0])
        return found

    authors = people(list(st.authors))
    attribution: str | None = None
    if byline:
        b_authors, attribution = parse_byline(byline)
        if not authors:
            authors = _as_meta_names(people(b_authors), st.meta_authors)
    if not authors and st.meta_authors:
        authors = people(st.meta_authors)
    if not authors:
        near = byline_near_headline(idx, title_el, container)
        if near:
            near_authors, near_attribution = parse_byline(near)
            authors = people(near_authors)
            if near_authors or near_attribution:
                byline = byline or near
                attribution = attribution or near_attribution
    if not authors:
        authors = people(list(st.written_by)) or site_named
    if result.attribution_line and not attribution:
        _, attribution = parse_byline(result.attribution_line)
        attribution = attribution or normalize_text(re.sub(r"^(?:theo|nguồn)\s*:?\s*", "", result.attribution_line,
                                                           flags=re.I))
    src_el = idx.select_all((prof.source if prof else ()) + SOURCE_SELECTORS, None, limit=1)
    if src_el and not attribution:
        raw_src = node_text(src_el[0])
        if src_el[0].get("title") and str(src_el[0].get("title")) in raw_src:
            raw_src = str(src_el[0].get("title"))
        attribution = normalize_text(re.sub(r"^(?:theo|nguồn)\s*:?\s*", "", raw_src, flags=re.I)) or None


    canonical = st.canonical_url
    return Article(
        url=url,
        canonical_url=canonical,
        site=site,
        language=st.language,
        is_article=is_article,
        reason=reason,
        category=category,
        title=normalize_text(title) or None,  # (every source spelled alike: no soft hyphens, NFC, one space)
        place=extract_place(lead),
        lead=lead,
        body=result.body,
        body_html=body_html(result) if result.blocks else "",
        authors=authors,
        byline=byline,
        attribution=attribution,
        published=published,
        updated=updated,
        tags=st.tags,
        related=result.related,
        photos=result.photos,
    )
