"""Stage 0: an lxml pre-pass that makes the BeautifulSoup tree small.

Building a BeautifulSoup tree costs Python time per element, not per byte; lxml parses the same page
in C about 15x faster. So the page is parsed once with lxml, the subtrees no stage ever reads are
dropped in one pass over the tree, and the much smaller result is handed to BeautifulSoup, which does
the extraction proper.

Dropped (general rules, no site names):
  * comments, processing instructions; ``<script>`` except JSON-LD; ``<style>``, ``<noscript>``,
    ``<svg>``, ``<iframe>``, ``<template>``, form controls (a ``<button>`` wrapped around a photo, a
    lightbox opener, becomes a plain ``<div>``), media players, ``<link>`` outside <head>;
  * ``<nav>`` (breadcrumbs kept), ``<footer>`` and ``<aside>`` outside ``<article>``/``<main>``,
    ``<header>`` and ``<form>`` without the page heading or paragraphs;
  * blocks whose class/id says comments, sidebar, menu, cookie banner, newsletter, share bar, ads,
    recommendation widgets, footer ... unless they hold the ``<h1>``, or (names saying comments
    excepted) a large share of the page's paragraph text or a run of article paragraphs (a wrapper
    misnamed "main-menu-wrapper" or "sidebar-grid__container" keeps the article);
  * elements hidden with ``hidden`` / ``display:none``; two-click embed placeholders (the embed in a
    ``data-embed*`` attribute, or a short notice with a consent toggle) and reader polls; short
    screen-reader-only labels of controls (``<span class="sr-only">`` in a ``role="button"``);
    donation, paywall and subscription boxes around a button link with a campaign tag or to a sign-in,
    registration or subscription page.

Then :func:`mark_main_content` scores the remaining tree in one more pass and leaves its findings as
attributes for the soup: the article body (``data-ns-main``), the paragraph text of big blocks
(``data-ns-good``) and boilerplate blocks (``data-ns-junk``: teasers, link lists). Link lists and teasers
outside the body are dropped, so the soup is smaller still.
"""

from __future__ import annotations

import itertools
import re
from functools import lru_cache
from itertools import accumulate

from lxml import etree
from lxml import html as lh

from worker.extract.photos import LAZY_ATTRS, usable_url
from worker.extract.selectors import (
    ACCOUNT_PATH_RE,
    BUTTON_CLASS_RE,
    CAMPAIGN_RE,
    DROP_CAP_CLASS_RE,
    OFFSCREEN_CLASS_RE,
    SLOT_TOKEN_RE,
)

_ALWAYS_DROP = frozenset(
    {"style", "noscript", "svg", "iframe", "template", "button", "input", "select", "textarea", "option",
     "canvas", "object", "embed", "video", "audio", "map", "dialog", "frameset", "frame", "math"}
)
_BOILERPLATE_WORDS = (
    r"(?:comments?|comment-list|commentbox|disqus|sidebar|side-bar|sidebox|cookie|cookies|consent|"
    r"gdpr|newsletter|subscribe|subscription|paywall|modal|popup|overlay|menu|navbar|nav-bar|navigation|"
    r"mega-menu|social|share|sharing|sharebar|share-bar|outbrain|taboola|recommend|recommended|"
    r"recommendations|mostread|most-read|most-popular|trending|ads?|advert|advertisement|adslot|ad-slot|"
    r"banner|sponsor|sponsored|promo|teaser-list|skip-link|login|signin|account|search-form|footer|cta)"
)
# a class/id token that starts with one of the words ("comments-list") or ends with it ("right-sidebar");
# a word in the middle ("author-share-top") does not count
_BOILERPLATE_RE = re.compile(
    rf"(?:^|\s){_BOILERPLATE_WORDS}(?:$|[-_\s])|[-_]{_BOILERPLATE_WORDS}(?:$|\s)"
    r"|[-_]ad[-_]",  # "proper-ad-unit": "ad" is never part of a content name
    re.I,
)
# a token naming content ("sidebar-grid__content", "article-share-body") is not boilerplate
_CONTENT_WORD_RE = re.compile(r"content|article|body|story|text|main|entry|post|detail", re.I)
# Condé Nast (Wired, The New Yorker) mark the article's gated paragraphs and lists class="paywall"
_TEXT_TAGS = frozenset({"p", "li"})
_PAYWALL_TOKEN_RE = re.compile(r"(?:^|(?<=\s))paywall(?=\s|$)", re.I)
_COMMENT_RE = re.compile(r"comment|disqus|repl(?:y|ies)|discussion|forum", re.I)
_HIDDEN_STYLE_RE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.I)
_PARSER = lh.HTMLParser(encoding="utf-8", remove_comments=True, remove_pis=True, default_doctype=False)


def _is_boilerplate(tokens: str) -> bool:
    # a page repeats its class strings: short ones are judged once (long ones are not kept in memory)
    return _is_boilerplate_cached(tokens) if len(tokens) <= 200 else _judge_boilerplate(tokens)


@lru_cache(maxsize=8192)
def _is_boilerplate_cached(tokens: str) -> bool:
    return _judge_boilerplate(tokens)


def _judge_boilerplate(tokens: str) -> bool:
    if not _BOILERPLATE_RE.search(tokens):  # one search for the usual case, then token by token
        return False
    for tok in tokens.split():
        if (_BOILERPLATE_RE.search(tok) and not _CONTENT_WORD_RE.search(tok) and "crumb" not in tok.lower()
                and not SLOT_TOKEN_RE.search(tok)):
            return True
    return False


def _keep_region(el: etree._Element, total_p: int, tokens: str = "") -> bool:
    """True when ``el`` holds the page heading; or, unless its name says comments, a large part of the
    paragraph text, or a run of article paragraphs: three long paragraphs side by side and a tenth of the
    page's paragraph text (a body cut into "sidebar-grid__container" blocks by ads)."""
    if el.find(".//h1") is not None:
        return True
    if total_p <= 0 or (tokens and _COMMENT_RE.search(tokens)):
        return False  # comments can outweigh an article given only in JSON-LD (taz)
    n = 0
    runs: dict[etree._Element, int] = {}
    for p in el.iter("p"):
        k = len(p.text_content())
        n += k
        if n > total_p * 0.25:
            return True
        if k >= 100:
            parent = p.getparent()
            runs[parent] = runs.get(parent, 0) + 1
    return n >= total_p * 0.1 and bool(runs) and max(runs.values()) >= 3


def prune_html(text: str) -> str | None:
    """The page with boilerplate subtrees removed, serialised for BeautifulSoup; None if lxml fails."""
    try:
        root = lh.document_fromstring(text.encode("utf-8", "replace"), parser=_PARSER)
    except (etree.ParserError, ValueError, etree.XMLSyntaxError):
        return None
    if root is None:
        return None
    total_p = sum(len(p.text_content()) for p in root.iter("p"))
    toggles = _toggle_blocks(root) | _call_to_action_boxes(root)
    drop: list[etree._Element] = []
    stack: list[etree._Element] = [root]
    while stack:
        el = stack.pop()
        tag = el.tag
        if not isinstance(tag, str):  # comments / entities left by the parser
            drop.append(el)
            continue
        mark = False
        if tag == "noscript":
            mark = not _noscript_image(el)
        elif tag == "button" and (el.find(".//img") is not None or el.find(".//picture") is not None):
            el.tag = "div"  # a lightbox opener wrapped around the photo: keep the photo, lose the button
        elif tag in _ALWAYS_DROP:
            mark = True
        elif tag == "script":
            mark = "ld+json" not in (el.get("type") or "").lower()
        elif tag == "link":
            mark = "canonical" not in (el.get("rel") or "").lower()
        elif tag == "nav":
            label = f"{el.get('class') or ''} {el.get('id') or ''} {el.get('aria-label') or ''}".lower()
            mark = "breadcrumb" not in label and "crumb" not in label and not _holds_byline(el)
        elif tag in ("footer", "aside"):
            mark = not _inside(el, ("article", "main")) and not _keep_region(el, total_p)
        elif tag == "header":  # an <article>'s own header keeps its headline, lead photo, writer and date
            mark = not _keep_region(el, total_p) and not (
                (el.find(".//h2") is not None or el.find(".//figure") is not None
                 or el.find(".//picture") is not None or _holds_meta(el))
                and _inside(el, ("article",)))
        elif tag == "form":
            mark = not _keep_region(el, total_p)
        elif tag in ("div", "section", "ul", "ol", "span", "table", "article", "p", "li", "dl"):
            style = el.get("style")
            if el.get("hidden") is not None or (style and _HIDDEN_STYLE_RE.search(style)):
                mark = el.find(".//h1") is None
            elif tag == "span" and OFFSCREEN_CLASS_RE.search(el.get("class") or "") and _in_control(el) and (
                    _text_at_most(el, 80)):
                mark = True  # a screen-reader label of a control ("Box aufklappen")
            elif tag in ("div", "section") and ((el in toggles and not _holds_meta(el)) or (
                    any(k.startswith("data-embed") for k in el.attrib) and is_consent_placeholder(el))):
                mark = True
            else:
                cls = el.get("class") or ""
                if tag in _TEXT_TAGS and _PAYWALL_TOKEN_RE.search(cls) and _text_at_least(el, 80) and not any(
                        ACCOUNT_PATH_RE.search((a.get("href") or "").split("?", 1)[0]) for a in el.iter("a")):
                    # class="paywall" on a paragraph of prose marks gated article text, not a box
                    cls = _PAYWALL_TOKEN_RE.sub(" ", cls)
                tokens = f"{cls} {el.get('id') or ''}"
                if tokens.strip() and _is_boilerplate(tokens) and el.find(".//figcaption") is None:
                    # (a figure's "footer" holds its caption; an "author-share" box the writer and date)
                    mark = not _keep_region(el, total_p, tokens) and not _holds_meta(el)
                elif tag == "span" and DROP_CAP_CLASS_RE.search(tokens):
                    _join_drop_cap(el)
        if mark:
            drop.append(el)
        else:
            stack.extend(reversed(el))
    for el in drop:
        parent = el.getparent()
        if parent is None:
            continue
        if isinstance(el, lh.HtmlElement):
            el.drop_tree()
        else:
            tail = el.tail
            if tail:
                prev = el.getprevious()
                if prev is not None:
                    prev.tail = (prev.tail or "") + tail
                else:
                    parent.text = (parent.text or "") + tail
            parent.remove(el)
    mark_main_content(root, drop_junk=True)
    try:
        return lh.tostring(root, encoding="unicode", method="html")
    except (ValueError, etree.SerialisationError):
        return None


# letters that are words of their own ("A woman", "I remember", "O Brasil", "Y luego", "À Paris"): a drop
# cap of one of them may be the whole first word
_ONE_LETTER_WORDS = frozenset("AIOYEUÀÅÓÒÈVZKSW")


def _join_drop_cap(el: etree._Element) -> None:
    """A one-letter drop cap is the start of its paragraph's first word: the space the markup leaves
    after it (the letter floats in the browser) goes, so "N" + " a endlich" reads "Na endlich". Letters
    that are words by themselves keep their space; so do two-letter caps ("In the morning")."""
    if len(el) or not el.text:
        return
    letter = el.text.strip()
    if len(letter) != 1 or not letter.isalpha() or letter.upper() in _ONE_LETTER_WORDS:
        return
    node = el
    # the space may follow wrappers holding nothing but the letter: climb while the parent is one
    while not (node.tail or "").strip():
        parent = node.getparent()
        if (node.tail and node.tail.isspace()) or parent is None or (parent.text or "").strip() or (
                node.getprevious() is not None or node.getnext() is not None):  # (len() counts: O(n))
            break
        node = parent
    if node.tail and node.tail[:1].isspace():
        node.tail = node.tail.lstrip()
        if not node.tail:
            nxt = node.getnext()
            if nxt is not None and nxt.text:
                nxt.text = nxt.text.lstrip()


def _in_control(el: etree._Element, levels: int = 4) -> bool:
    """``el`` sits in a control: a ``role="button"`` element or one that expands or collapses a box."""
    node = el.getparent()
    for _ in range(levels):
        if node is None:
            return False
        if (node.get("role") or "").lower() == "button" or node.get("aria-expanded") is not None:
            return True
        node = node.getparent()
    return False


def _call_to_action_boxes(root: etree._Element, limit: int = 1500) -> set[etree._Element]:
    """Donation, subscription, paywall and campaign boxes: the largest small ``<div>``/``<section>``
    (:func:`_small_box`) around a button-styled link that carries a campaign tag (``utm_campaign``,
    ``pk_campaign``) or opens a sign-in, registration or subscription page: taz's "Links lesen, Rechts
    bekämpfen" appeal, Chunichi's "この記事は会員限定です" notice. Each block is judged once."""
    found: set[etree._Element] = set()
    judged: dict[etree._Element, bool] = {}
    for a in root.iter("a"):
        href = a.get("href") or ""
        if not (("campaign=" in href and CAMPAIGN_RE.search(href)) or ACCOUNT_PATH_RE.search(href.split("?", 1)[0])):
            continue
        if not BUTTON_CLASS_RE.search(f"{a.get('class') or ''} {a.get('role') or ''}"):
            continue
        box, anc = None, a.getparent()
        for _ in range(6):
            if anc is None or anc.tag in ("body", "html", "article", "main"):
                break
            if anc.tag in ("div", "section"):
                if anc not in judged:
                    judged[anc] = _small_box(anc, limit)
                if not judged[anc]:
                    break
                box = anc
            anc = anc.getparent()
        if box is not None:
            found.add(box)
    return found


def _small_box(el: etree._Element, limit: int, max_elements: int = 400) -> bool:
    """``el`` is a small box, not article prose: at most ``limit`` characters and ``max_elements``
    elements, no page heading or photo, fewer than three paragraphs of 60 characters or more (a short
    article around its own button is prose). One walk, stopped as soon as a bound is passed."""
    chars = paragraphs = elements = 0
    for node in el.iter():
        elements += 1
        if elements > max_elements or node.tag in ("h1", "figure", "picture"):
            return False
        if node.text and isinstance(node.tag, str):
            chars += len(node.text.strip())
        if node is not el and node.tail:
            chars += len(node.tail.strip())
        if chars > limit:
            return False
        if node.tag == "p" and _text_at_least(node, 60):
            paragraphs += 1
            if paragraphs >= 3:
                return False
    return True


def _text_at_least(el: etree._Element, n: int) -> bool:
    return not _text_at_most(el, n - 1)


def _toggle_blocks(root: etree._Element) -> set[etree._Element]:
    """The consent notices and polls of the page (:func:`is_consent_placeholder`), found from their
    checkboxes and radio buttons upwards: a few ancestors per input, each block judged once."""
    found: set[etree._Element] = set()
    judged: dict[etree._Element, bool] = {}
    for inp in root.iter("input"):
        if (inp.get("type") or "").lower() not in ("checkbox", "radio"):
            continue
        anc, outermost = inp.getparent(), None
        for _ in range(6):  # the outermost block that still qualifies: the poll with its question
            if anc is None or anc.tag in ("body", "html", "article", "main", "form"):
                break
            if anc.tag in ("div", "section"):
                if anc not in judged:
                    judged[anc] = is_consent_placeholder(anc)
                if judged[anc]:
                    outermost = anc
            anc = anc.getparent()
        if outermost is not None:
            found.add(outermost)
    return found


def _text_at_most(el: etree._Element, limit: int) -> bool:
    """The text of ``el`` has at most ``limit`` characters (reading stops as soon as it has more)."""
    n = 0
    for chunk in el.itertext():
        n += len(chunk.strip())
        if n > limit:
            return False
    return True


def is_consent_placeholder(el: etree._Element) -> bool:
    """A "two-click" embed placeholder: the embed itself waits in a ``data-embed*`` attribute, or the
    block is a short notice with a consent toggle (``<input type=checkbox>`` and its ``<label>``) and a
    link or two (the privacy policy): "Empfohlener redaktioneller Inhalt … YouTube-Inhalte erlauben".
    Also a reader poll: a short block of radio buttons of one group, without links. Never a block with
    the headline or with pictures (a CSS carousel is radio buttons too)."""
    embed = any(k.startswith("data-embed") for k in el.attrib)
    if not _text_at_most(el, 1500 if embed else 600):
        return False
    if el.find(".//h1") is not None or any(True for _ in el.iter("img", "picture", "figure")):
        return False
    if embed:
        return True
    radios = [i.get("name") for i in el.iter("input") if (i.get("type") or "").lower() == "radio"]
    if len(radios) >= 2 and len(set(radios)) == 1 and el.find(".//a[@href]") is None:
        return True  # a reader poll: a question and its answer buttons
    toggle = next((i for i in el.iter("input") if (i.get("type") or "").lower() == "checkbox" and i.get("id")), None)
    if toggle is None or not 1 <= len(el.findall(".//a[@href]")) <= 2:
        return False  # a notice links to the privacy policy; a list of links with a toggle is a menu
    return any(lb.get("for") == toggle.get("id") for lb in el.iter("label"))


def _real_image(img: etree._Element) -> bool:
    """The <img> names a real image: a usable src, a lazy-loading attribute or a srcset."""
    if usable_url(img.get("src")) or any(img.get(a) for a in LAZY_ATTRS):
        return True
    return any(k.endswith("srcset") and v.strip() for k, v in img.attrib.items())


def _nearby_images(el: etree._Element) -> list[etree._Element]:
    """The images just before a ``<noscript>`` (its three previous element siblings, or the single
    image inside one of them) and right after it: where the script-loaded copy sits."""
    out: list[etree._Element] = []
    sib = el.getprevious()
    for _ in range(3):
        if sib is None:
            break
        if isinstance(sib.tag, str):
            if sib.tag == "img":
                out.append(sib)
            elif sib.tag != "noscript":
                inner = list(itertools.islice(sib.iter("img"), 2))
                if len(inner) == 1:
                    out.append(inner[0])
        sib = sib.getprevious()
    nxt = el.getnext()
    if nxt is not None and nxt.tag == "img":
        out.append(nxt)
    return out


def _noscript_image(el: etree._Element) -> bool:
    """A ``<noscript>`` fallback that is the only real copy of a photo (the script-loaded one beside it
    is a placeholder, or absent): its <img> takes the placeholder's place (keeping the text after it),
    or the noscript is unwrapped where a picture has nothing else. True when the noscript was used so
    (the caller keeps it), False when it is to be dropped."""
    imgs = [i for i in itertools.islice(el.iter("img"), 3) if _real_image(i)]
    parent = el.getparent()
    if len(imgs) != 1 or parent is None:
        return False
    fallback = imgs[0]
    nearby = _nearby_images(el)
    if any(_real_image(i) for i in nearby):
        return False  # the script-loaded copy has its URL: the noscript one is a duplicate
    if nearby:
        placeholder = nearby[0]
        holder = placeholder.getparent()
        if holder is not None:
            fallback.tail, placeholder.tail = placeholder.tail, None
            holder.replace(placeholder, fallback)
        return False
    if parent.tag == "picture" or (len(parent) <= 3 and parent.find(".//img") is fallback):
        el.tag = "span"  # <picture><noscript><img></noscript></picture>: the image stays where it was
        return True
    return False


def _holds_byline(el: etree._Element) -> bool:
    """``el`` names the article's writer in markup (``itemprop="author"``, ``rel="author"``): a byline set
    in a <nav> (ndtv's "pst-by"), not navigation."""
    return bool(el.xpath(".//*[@itemprop='author' or @rel='author'][1]"))


_META_XPATH = ("(.//*[not(ancestor::a) and (@itemprop='author' or @itemprop='datePublished' or @rel='author'"
               " or (self::time and @datetime) or starts-with(@class, 'author') or starts-with(@class, 'byline')"
               " or starts-with(@class, 'date') or contains(@class, ' date') or contains(@class, '__date')"
               " or contains(@class, '-date') or starts-with(@class, 'publish'))])[1]")


def _holds_meta(el: etree._Element) -> bool:
    """``el`` is a small box holding the article's writer or date (qdaily's "author-share" box with the
    name, the date and the share buttons; linkedin's article <header> with the author card): a few
    links and little text, so that a "most read" list with dates of its own is not one."""
    if not _text_at_most(el, 300) or not el.xpath(_META_XPATH):
        return False
    return sum(1 for a in el.iter("a") if not _text_at_most(a, 0)) <= 6  # (icon-only share links uncounted)


def _inside(el: etree._Element, names: tuple[str, ...]) -> bool:
    parent = el.getparent()
    while parent is not None:
        if parent.tag in names:
            return True
        parent = parent.getparent()
    return False


# ----------------------------------------------------------------------------- main content scoring

MAIN_ATTR = "data-ns-main"
GOOD_ATTR = "data-ns-good"
JUNK_ATTR = "data-ns-junk"
_HEADINGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})
_MEDIA_TAGS = frozenset({"img", "picture", "figure", "video", "audio", "source"})
_JUNK_TAGS = frozenset({"div", "section", "ul", "ol", "aside", "table", "p", "dl", "span", "header", "footer",
                        "article", "li"})
# what the title/date/byline/category/structured-data stages read is never dropped with a link list
_PROTECTED_TAGS = frozenset({"h1", "time", "script", "meta", "link", "address", "abbr"})
_PROTECTED_RE = re.compile(r"crumb|author|byline|date|time|categor|tags?\b|source|meta|credit|sapo|lead|"
                           r"title|headline", re.I)
_CONTAINER_TAGS = frozenset({"div", "section", "article", "main", "td", "ul", "ol", "span", "center", "font",
                             "body", "header", "footer", "aside", "form", "table", "tbody", "tr", "dl", "dd"})

_BLOCKS = frozenset(
    {"p", "div", "section", "article", "main", "aside", "header", "footer", "nav", "h1", "h2", "h3", "h4", "h5",
     "h6", "ul", "ol", "li", "dl", "dt", "dd", "blockquote", "pre", "table", "thead", "tbody", "tfoot", "tr",
     "td", "th", "figure", "figcaption", "form", "fieldset", "address", "center", "details", "summary",
     "body", "html", "hgroup", "picture"}
)
# blocks whose inline text counts as a paragraph of the page
_PARA_TAGS = frozenset({"p", "pre", "td", "blockquote", "div", "section", "article", "li", "dd", "h2", "h3",
                        "h4", "h5", "h6", "center", "main"})
_TAG_FACTOR = {"article": 1.15, "main": 1.1, "ol": 0.8, "ul": 0.8, "dl": 0.8, "li": 0.7, "form": 0.8,
               "address": 0.5, "h1": 0.5, "h2": 0.5, "h3": 0.5, "h4": 0.5, "h5": 0.5, "h6": 0.5, "th": 0.5,
               "figure": 0.5, "figcaption": 0.3, "blockquote": 0.8}
_DIVIDER = (1.0, 1.0, 2.0, 4.5, 6.0)
_FOOTER_RE = re.compile(r"(?:^|[-_\s])(?:footer|comments?|copyright)(?:$|[-_\s])", re.I)
_POSITIVE_RE = re.compile(
    r"(?:^|[-_\s])(?:article|body|content|entry|main|post|story|text|detail|blog)(?:$|[-_\s])|articlebody|"
    r"storybody|postbody|entrycontent",
    re.I,
)
_NEGATIVE_RE = re.compile(
    r"(?:^|[-_\s])(?:comments?|related|sidebar|widget|footer|masthead|meta|promo|sponsor|share|social|"
    r"shopping|tags?|teaser|teasers|recommend|more|rail|aside|nav|breadcrumbs?|author|byline|caption|"
    r"credit|newsletter|ad|ads|advert)(?:$|[-_\s])",
    re.I,
)


def _weight(el: etree._Element) -> float:
    """Markup semantics as a factor on a candidate's score: names saying article body raise it, names
    saying comments/related/sidebar lower it, list and heading tags lower it."""
    w = _TAG_FACTOR.get(el.tag, 1.0)
    if el.get("itemprop") == "articleBody":
        w *= 1.5
    tokens = f"{el.get('class') or ''} {el.get('id') or ''}"
    if tokens.strip():
        if _NEGATIVE_RE.search(tokens):
            w *= 0.2 if _FOOTER_RE.search(tokens) else 0.6
        if _POSITIVE_RE.search(tokens):
            w *= 1.3
    return w


def mark_main_content(root: etree._Element, drop_junk: bool = False) -> etree._Element | None:
    """Score the tree (one pass) and mark the element that holds the article text with ``MAIN_ATTR``.

    Every paragraph-like block (a block's own inline text, >= 25 characters, at most half of it linked)
    credits its parent fully, its grandparent half and two more ancestors less per level; a candidate's
    score is that credit times markup factors (:func:`_weight`) times (1 - its link density). Nothing
    inside a teaser (a linked headline and one blurb) is a candidate. The best candidate is then
    widened: to a wrapper holding only it, to the ancestor holding more blocks of its own tag and
    classes (live blog entries, a body cut in parts), to an ancestor holding more paragraph text beside
    it than in it with little other text. Teasers and link lists are marked ``JUNK_ATTR`` (never the
    body or its ancestors); with ``drop_junk`` those outside the body leave the tree.
    """
    nodes: list[etree._Element] = list(root.iter())  # kept alive: the walk below meets the same proxies
    size = len(nodes)
    parent = [-1] * size
    owner = [0] * size
    last = list(range(size))  # index of the subtree's last element (a subtree is nodes[i..last[i]])
    total = [0] * size  # text length of the subtree
    linked = [0] * size  # of which inside links
    good = [0] * size  # paragraph text (the paragraphs' unlinked text) of the subtree
    glink = [0] * size  # link text inside those paragraphs
    nlinks = [0] * size
    npara = [0] * size
    own = [0] * size  # a block's own inline text (not in nested blocks)
    own_link = [0] * size
    commas = [0] * size
    first = [0] * size  # the subtree's first text: 0 none yet, 1 plain, 2 linked (a teaser's headline)
    has_block = [False] * size
    media = [False] * size
    hlink = [False] * size  # holds a linked heading
    nh1: dict[int, int] = {}  # <h1> elements in a subtree (two: two articles, an endless-scroll page)
    credit: dict[int, float] = {}
    teasers: list[int] = []
    junk: list[int] = []
    stack: list[int] = []
    is_link: list[bool] = []  # per open element on the stack
    link_depth = 0
    i = -1
    for event, el in etree.iterwalk(root, events=("start", "end")):
        tag = el.tag
        if event == "start":
            i += 1
            if i >= size or nodes[i] is not el:  # never: the tree does not change during the walk
                return None
            p = stack[-1] if stack else -1
            parent[i] = p
            if tag in _BLOCKS:
                own_i = i
                if p >= 0:
                    has_block[p] = True
            else:
                own_i = owner[p] if p >= 0 else i
            owner[i] = own_i
            if tag in _MEDIA_TAGS:
                media[i] = True
            elif tag == "h1":
                nh1[i] = 1
            lk = tag == "a" and el.get("href") is not None  # <a name=...> anchors are not links
            if lk:
                link_depth += 1
                if p >= 0:
                    nlinks[p] += 1
            is_link.append(lk)
            stack.append(i)
            if tag == "script":
                continue
            t = el.text
            if t:
                n = len(t.strip())
                if n:
                    total[i] = n
                    own[own_i] += n
                    if link_depth:
                        linked[i] = n
                        own_link[own_i] += n
                        first[i] = 2
                    else:
                        first[i] = 1
                    commas[own_i] += t.count(",") + t.count("\uff0c") + t.count("\u3001")
            continue
        i_end = stack.pop()
        if is_link.pop():
            link_depth -= 1
        k = i_end
        last[k] = i
        if owner[k] == k and tag in _PARA_TAGS:
            n = own[k]
            if n >= 25 and n * 0.5 < own_link[k] <= n * 0.9 and tag not in _HEADINGS:
                glink[k] += own_link[k]  # a paragraph thick with inline links: its links are not a headline
            if n >= 25 and own_link[k] <= n * 0.5:
                good[k] += n - own_link[k]
                if tag not in _HEADINGS:  # a teaser's (linked) headline is not its paragraph
                    glink[k] += own_link[k]
                    npara[k] += 1
                sc = 1.0 + commas[k] + min(n / 100.0, 3.0)
                level = 0 if has_block[k] else 1  # inline text beside blocks is a paragraph of its own block
                a = k if level == 0 else parent[k]
                while a >= 0 and level < 5:
                    credit[a] = credit.get(a, 0.0) + sc / _DIVIDER[level]
                    a = parent[a]
                    level += 1
        tot = total[k]
        if tot:
            if tag in _HEADINGS and linked[k] >= 15:
                hlink[k] = True
            if tag in _JUNK_TAGS:
                lnk = linked[k]
                if tag != "p" and npara[k] == 1 and tot <= 800 and lnk - glink[k] >= 20 and (
                        first[k] == 2 or hlink[k]):
                    good[k] = glink[k] = npara[k] = 0  # a teaser: a linked headline and a short blurb
                    teasers.append(k)
                    junk.append(k)
                elif lnk > tot * 0.5:
                    # link lists (related stories, tags, share bars, job ads); a paragraph only when it
                    # is all link or one link behind a label ("Read more: ..."); a block with a photo only
                    # when it is a list of several linked items (a linked caption stays with its photo)
                    if tag == "p":  # judged by its own text (a box nested in a paragraph is judged apart)
                        n, ln = own[k], own_link[k]
                        if n >= 20 and (ln > n * 0.9 or (nlinks[k] == 1 and ln > n * 0.5 and n - ln <= 40)):
                            junk.append(k)
                    elif not media[k] or tot >= 100:
                        junk.append(k)
        p = parent[k]
        if p < 0:
            continue
        if tot:
            total[p] += tot
            linked[p] += linked[k]
            if not first[p]:
                first[p] = first[k]
        if good[k] or glink[k]:
            good[p] += good[k]
            glink[p] += glink[k]
            npara[p] += npara[k]
        if nlinks[k]:
            nlinks[p] += nlinks[k]
        if media[k]:
            media[p] = True
        if hlink[k]:
            hlink[p] = True
        if k in nh1:
            nh1[p] = nh1.get(p, 0) + nh1[k]
        t = el.tail
        if t:
            n = len(t.strip())
            if n:
                if not first[p]:
                    first[p] = 2 if link_depth else 1
                total[p] += n
                o = owner[p]
                own[o] += n
                if link_depth:
                    linked[p] += n
                    own_link[o] += n
                commas[o] += t.count(",") + t.count("\uff0c") + t.count("\u3001")
    if i + 1 != size:
        return None
    for k in range(len(nodes)):  # paragraph text of the bigger blocks, for the container choice later
        if good[k] >= 150 and nodes[k].tag in _CONTAINER_TAGS:
            nodes[k].set(GOOD_ATTR, str(good[k]))
    for a in teasers:  # nothing inside a teaser is the article
        for k in range(a, last[a] + 1):
            credit.pop(k, None)
    raw = sorted(((c * (1.0 - linked[k] / total[k]), k) for k, c in credit.items()
                  if total[k] and nodes[k].tag not in ("html", "body")), reverse=True)
    best = -1
    best_score = 0.0
    for r, k in raw[:20]:  # markup factors (regex work) only for the strongest candidates
        score = r * _weight(nodes[k])
        if score > best_score:
            best, best_score = k, score
    if best < 0:
        return None
    top = best
    # a wrapper holding nothing but the candidate stands for it (its siblings are then the candidate's)
    anc = parent[top]
    while anc >= 0 and nodes[anc].tag not in ("body", "html") and total[anc] == total[top]:
        top = anc
        anc = parent[anc]
    # widen: the body repeats its own kind of block (same tag and class) a few levels up: a live blog's
    # entries, a body cut in parts by ads or photos
    top = _repeated_blocks(top, nodes, parent, good, total, nh1, last)
    # widen: an ancestor holding more paragraph text beside the candidate than in it, with little other
    # text, is the body (live blogs, bodies cut in many blocks)
    anc = parent[top]
    while anc >= 0 and nodes[anc].tag not in ("body", "html"):
        add_good = good[anc] - good[top]
        add_other = (total[anc] - total[top]) - add_good
        if add_good >= good[top] and add_other <= add_good * 0.6:
            top = anc
        anc = parent[anc]
    keep = set()
    k = top
    while k >= 0:
        keep.add(k)
        k = parent[k]
    for k in junk:
        # inside the body, a block holding most of its paragraph text is no link list, however many
        # links sit beside that text (a short paywalled article with its share and keyword buttons)
        if k not in keep and not (top < k <= last[top] and good[k] >= 0.5 * good[top] > 0):
            nodes[k].set(JUNK_ATTR, "1")
    el = nodes[top]
    el.set(MAIN_ATTR, "1")
    if drop_junk:
        _drop_outer_junk(nodes, junk, keep, top, last, nlinks)
    return el


def _drop_outer_junk(nodes: list[etree._Element], junk: list[int], keep: set[int], top: int,
                     last: list[int], nlinks: list[int]) -> None:
    """Link lists and teasers outside the body leave the tree (the soup is built per element): after the
    body all of them, before it lists of five links or more. Those holding what other stages read (a
    time, a byline, a breadcrumb, structured data) stay."""
    cands = [k for k in sorted(junk) if k not in keep and not top <= k <= last[top]
             and (k > top or nlinks[k] >= 5)]  # before the body: a category or author link stays
    if not cands:
        return
    seen = bytearray(len(nodes))
    prot = bytearray(len(nodes))
    for k in cands:
        for j in range(k, last[k] + 1):
            if not seen[j]:
                seen[j] = 1
                if _protected(nodes[j]):
                    prot[j] = 1
    marks = [0, *accumulate(prot)]  # marks[j] = protected elements before index j
    done = -1
    for k in cands:
        end = last[k]
        if k <= done or marks[end + 1] - marks[k]:
            continue
        el = nodes[k]
        if el.getparent() is not None:
            el.drop_tree()
        done = end


def _protected(el: etree._Element) -> bool:
    tag = el.tag
    if tag in _PROTECTED_TAGS:
        return True
    if el.get("itemprop") is not None or el.get("itemtype") is not None or el.get("rel") == "author":
        return True
    tokens = el.get("class")
    ident = el.get("id")
    if ident:
        tokens = f"{tokens or ''} {ident}"
    return bool(tokens) and _PROTECTED_RE.search(tokens) is not None


def _signature(el: etree._Element) -> tuple[str, str]:
    cls = el.get("class") or ""
    return el.tag, " ".join(c for c in cls.split() if not any(ch.isdigit() for ch in c))


_REPEAT_LEVELS = 2


def _same_kind(a: tuple[str, str], b: tuple[str, str]) -> bool:
    """Two blocks of one kind: the same tag and classes, or the same first two classes (a BEM block and
    its modifier: "page-content__row page-content__row--story" with or without "main-section")."""
    if a == b:
        return True
    ca, cb = a[1].split(), b[1].split()
    return a[0] == b[0] and len(ca) >= 2 and len(cb) >= 2 and ca[:2] == cb[:2]


def _repeated_blocks(top: int, nodes: list[etree._Element], parent: list[int], good: list[int],
                     total: list[int], nh1: dict[int, int], last: list[int]) -> int:
    """The lowest ancestor (at most two levels up) holding another block of the candidate's own tag and
    classes with paragraph text, when what it adds is mostly paragraph text and it holds one headline."""
    sig = _signature(nodes[top])
    if len(sig[1]) < 10:  # "row", "col", "con": layout names repeat everywhere
        return top
    ancestors: dict[int, int] = {}
    k, level = parent[top], 1
    while k >= 0 and level <= _REPEAT_LEVELS and nodes[k].tag not in ("body", "html"):
        ancestors[k] = level
        k, level = parent[k], level + 1
    if not ancestors:
        return top
    best = top
    best_level = 0
    end = last[top]
    for j in range(len(nodes)):
        if top <= j <= end or good[j] < 200 or nodes[j].tag != sig[0] or not _same_kind(_signature(nodes[j]), sig):
            continue
        k = parent[j]
        while k >= 0 and k not in ancestors:
            k = parent[k]
        if k < 0 or ancestors[k] <= best_level or nh1.get(k, 0) > 1:
            continue
        add_good = good[k] - good[top]
        add_other = (total[k] - total[top]) - add_good
        if add_good > 0 and add_other <= 1.5 * add_good:
            best, best_level = k, ancestors[k]
    return best

