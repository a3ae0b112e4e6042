"""Stage 3: generic content finder and body walker.

``find_body_container`` picks the article body (site/generic selectors first, tightened to the block the
lxml pre-pass scored best when that one lies inside; else that block: see
:func:`worker.extract.prune.mark_main_content`); ``walk_body`` turns it into ordered text blocks and
photos, dropping what the pre-pass marked as teasers/link lists, related boxes, share bars, newsletter
and author boxes, embedded social posts, captions (credited lines, text repeating a photo's caption,
blocks holding one photo and a little text), labels, time stamps, a leading and the trailing byline.
``reconcile_lead`` keeps lead and body from repeating each other; ``find_visible_lead`` finds a
standfirst no selector names; ``script_html_body`` reads an article given only inside a script.
"""

from __future__ import annotations

import html
import json
import re
import unicodedata
from urllib.parse import urlsplit

import nh3
from bs4 import BeautifulSoup, Comment, NavigableString, Tag

from worker.extract.article import Photo, RelatedLink
from worker.extract.blocks import Block, BodyResult, set_blocks
from worker.extract.bylines import names_of_by_line
from worker.extract.dates import is_date_line
from worker.extract.dom import (
    BLOCK_TAGS,
    TagIndex,
    attr,
    classes_and_id,
    has_descendant,
    is_hidden,
    link_density,
    node_text,
)
from worker.extract.photos import absolute_url, is_photo_box, photo_from_box, photo_from_img
from worker.extract.prune import GOOD_ATTR, JUNK_ATTR, MAIN_ATTR
from worker.extract.selectors import (
    BODY_SELECTORS,
    BOILERPLATE_LINES_RE,
    BOILERPLATE_TYPES,
    CAPTION_CLASS_RE,
    DROP_TAGS,
    NEGATIVE_TOKEN_RE,
    POSITIVE_TOKEN_RE,
    RELATED_HEADINGS,
    WIDGET_ATTR_RE,
)
from worker.extract.text import looks_like_names, normalize_text

MIN_ARTICLE_CHARS = 250
_TEXT_BLOCKS = {"p", "h2", "h3", "h4", "h5", "h6", "li", "blockquote", "pre", "dd", "dt"}
_NESTED_BLOCKS = frozenset({"img", "figure", "table", "div", "p", "ul"})
_HEADINGS = {"h1", "h2", "h3", "h4", "h5", "h6"}
_CONTAINERS = {"div", "section", "ul", "ol", "table", "aside", "article", "tbody", "tr", "td", "dl", "center",
               "span"}




# ----------------------------------------------------------------------------- container choice


def _quick_ok(el: Tag) -> bool:
    """A selector hit is accepted when it really holds text paragraphs."""
    text_len = 0
    paras = 0
    for p in el.find_all(["p", "h2", "h3", "li", "div"], limit=400):
        if p.name == "div" and p.find(["p", "div"]) is not None:
            continue
        n = len(p.get_text(strip=True))
        if n >= 40:
            paras += 1
            text_len += n
        if paras >= 3 and text_len >= 400:
            return True
    return paras >= 1 and text_len >= 150


def _select_container(idx: TagIndex, selectors: tuple[str, ...]) -> Tag | None:
    for sel in selectors:
        for el in idx.select(sel, limit=5):
            if _quick_ok(el):
                return el
    return None


def same_selector_parts(idx: TagIndex, container: Tag, selectors: tuple[str, ...]) -> list[Tag]:
    """When the body selector that found ``container`` matches several blocks (a body cut in parts by
    ads or photos: ``.story-body-1``, ``.story-body-2``), every non-nested match holding paragraph text
    and sharing a near ancestor with the first one, in document order."""
    for sel in selectors:
        hits = idx.select(sel, limit=40)
        if container not in hits:
            continue
        near = {id(a) for a in list(container.parents)[:4]}
        depth = len(list(container.parents))
        first_cls = _signature(container)
        out: list[Tag] = []
        for el in hits:
            if el is container:
                out.append(el)
                continue
            if any(idx.contains(o, el) or idx.contains(el, o) for o in out) or idx.contains(container, el):
                continue
            if idx.contains(el, container):
                continue
            if not any(id(a) in near for a in list(el.parents)[:4]) or len(list(el.parents)) != depth:
                continue
            sig = _signature(el)
            if sig[0] != first_cls[0] or sig[1][:1] != first_cls[1][:1]:
                continue
            text, _ = _para_text(el)
            if text >= 150 and link_density(el) <= 0.25:
                out.append(el)
        return out
    return [container]


def score_container(idx: TagIndex) -> Tag | None:
    """Readability-style scoring: paragraph text credits its parent and grandparent."""
    scores: dict[int, float] = {}
    nodes: dict[int, Tag] = {}
    order = sorted(i for name in ("p", "pre", "td", "h2", "h3", "li") for i in idx.by_name.get(name, []))
    for p in (idx.tags[i] for i in order):
        text = p.get_text(" ", strip=True)
        n = len(text)
        if n < 25:
            continue
        s = 1.0 + text.count(",") + min(n / 100.0, 3.0)
        parent = p.parent
        for level, share in ((0, 1.0), (1, 0.5), (2, 0.25)):
            if not isinstance(parent, Tag) or parent.name in ("body", "html", "[document]"):
                break
            key = id(parent)
            if key not in nodes:
                nodes[key] = parent
                tokens = classes_and_id(parent)
                bonus = 0.0
                if POSITIVE_TOKEN_RE.search(tokens):
                    bonus += 25
                if NEGATIVE_TOKEN_RE.search(tokens):
                    bonus -= 25
                if parent.name in ("article", "main"):
                    bonus += 10
                scores[key] = bonus
            scores[key] += s * share
            parent = parent.parent
            _ = level
    if not scores:
        return None
    top = sorted(scores, key=lambda k: -scores[k])[:5]
    best: Tag | None = None
    best_score = float("-inf")
    for key in top:
        el = nodes[key]
        final = scores[key] * (1.0 - link_density(el))
        if final > best_score:
            best, best_score = el, final
    return best


def _marked_container(idx: TagIndex) -> Tag | None:
    for i in idx.by_attr.get(MAIN_ATTR, []):
        return idx.tags[i]
    return None


def _good_text(el: Tag) -> int:
    try:
        return int(attr(el, GOOD_ATTR) or 0)
    except ValueError:
        return 0


def find_body_container(idx: TagIndex, profile_selectors: tuple[str, ...] = ()) -> Tag | None:
    """The article body: a site profile's selector, else the generic body selectors, else the block the
    pre-pass scored best (:func:`worker.extract.prune.mark_main_content`). When a generic selector
    matched a block that holds the scored one plus little more paragraph text, the scored block is the
    tighter body (selectors such as ``[itemprop=articleBody]`` often sit on a wrapper with the headline,
    teasers and boxes)."""
    prof = _select_container(idx, profile_selectors)
    if prof is not None:
        return prof
    sel = _select_container(idx, BODY_SELECTORS)
    marked = _marked_container(idx)
    if sel is None or marked is None:
        return sel or marked or score_container(idx)
    if idx.contains(sel, marked) and _good_text(marked) >= 0.85 * _good_text(sel):
        return marked
    return sel


def _para_text(el: Tag) -> tuple[int, int]:
    """(characters of paragraph text, characters of linked text inside those paragraphs)."""
    if el.name == "p":
        paras = [el]
    else:
        paras = el.find_all("p")
    total = linked = 0
    for p in paras:
        t = len(p.get_text(" ", strip=True))
        if t >= 25:
            total += t
            linked += sum(len(a.get_text(strip=True)) for a in p.find_all("a"))
    return total, linked


def _signature(el: Tag) -> tuple[str, tuple[str, ...]]:
    """Tag and class names, without generated ones (ids, hashes: any name with a digit)."""
    cls = el.get("class") or []
    names = cls if isinstance(cls, list) else str(cls).split()
    return el.name, tuple(c for c in names if not any(ch.isdigit() for ch in c))


def expand_container(container: Tag) -> list[Tag]:
    """The container plus its siblings that continue the article.

    Bodies are often cut into several blocks by ads, photos or "read more" inserts: sibling blocks
    with the same tag and classes as the container, and sibling blocks of clean paragraph text (little
    linked text), belong to it (the readability rule). Siblings that look like boilerplate by their
    class/id never do.
    """
    parent = container.parent
    if not isinstance(parent, Tag) or parent.name in ("html", "[document]"):
        return [container]
    sig = _signature(container)
    own, _ = _para_text(container)
    out: list[Tag] = []
    for sib in parent.children:
        if sib is container:
            out.append(sib)
            continue
        if not isinstance(sib, Tag) or sib.name in DROP_TAGS or sib.name in ("h1", "script"):
            continue
        if sig[1] and _signature(sib) == sig and not sib.has_attr(JUNK_ATTR):
            out.append(sib)  # the body's own kind of block, whatever its name says
            continue
        tokens = classes_and_id(sib)
        if tokens and NEGATIVE_TOKEN_RE.search(tokens):
            continue
        if attr(sib, "type").lower() in BOILERPLATE_TYPES or is_hidden(sib):
            continue
        if sig[1] and _signature(sib) == sig:
            out.append(sib)
            continue
        text, linked = _para_text(sib)
        if text >= 80 and linked <= text * 0.25 and (sib.name == "p" or text >= max(200, own * 0.1)):
            if sib.name != "p":
                if _starts_with_related_heading(sib) or link_density(sib) > 0.2:
                    continue
                # teaser lists: several headings that are links to other pages
                if sum(1 for h in sib.find_all(["h2", "h3", "h4"], limit=10) if h.find("a") is not None) >= 2:
                    continue
            out.append(sib)
    return out


# ----------------------------------------------------------------------------- body walk


def _starts_with_related_heading(el: Tag) -> bool:
    first = ""
    for s in el.stripped_strings:
        first = s
        break
    f = normalize_text(first).casefold().rstrip(": ")
    return any(f == h or (f.startswith(h) and len(f) < len(h) + 3) for h in RELATED_HEADINGS)


def _collect_links(box: Tag, base: str, out: list[RelatedLink]) -> None:
    seen = {r.url for r in out}
    for a in box.find_all("a", href=True):
        href = attr(a, "href").strip()
        if not href or href.startswith(("#", "javascript:", "mailto:")):
            continue
        title = node_text(a) or normalize_text(attr(a, "title"))
        if len(title) < 15 or len(title.split()) < 4:
            continue
        url = absolute_url(href, base)
        if url in seen:
            continue
        seen.add(url)
        out.append(RelatedLink(url=url, title=title))


class _Walker:
    def __init__(self, base: str, extra_drop: set[int]) -> None:
        self.base = base
        self.blocks: list[Block] = []
        self.buf: list[str] = []
        self.related: list[RelatedLink] = []
        self.extra_drop = extra_drop
        self.good = 0  # paragraph text of the body (pre-pass figure), see skip()

    # a paragraph-level block counts for photo positions
    def _n_text(self) -> int:
        return sum(1 for b in self.blocks if b.kind != "photo")

    def flush(self) -> None:
        if not self.buf:
            return
        text = normalize_text("".join(self.buf))
        self.buf = []
        if text:
            self._add_text("p", text, None)

    def _add_text(self, kind: str, text: str, el: Tag | None) -> None:
        if BOILERPLATE_LINES_RE.match(text):
            return
        self.blocks.append(Block(kind=kind, text=text, el=el))

    def _add_photo(self, photo: Photo | None, el: Tag | None = None) -> None:
        if photo is None:
            return
        if any(b.photo is not None and b.photo.src == photo.src for b in self.blocks):
            return
        photo.position = self._n_text()
        self.blocks.append(Block(kind="photo", photo=photo, el=el))

    def skip(self, el: Tag) -> bool:
        """True when ``el`` is boilerplate; related boxes give their links to ``self.related``."""
        if id(el) in self.extra_drop or is_hidden(el):
            return True
        if el.has_attr(JUNK_ATTR):
            if el.name != "p":
                _collect_links(el, self.base, self.related)
            return True
        typ = attr(el, "type").lower()
        if typ in BOILERPLATE_TYPES:
            if "related" in typ or "news" in typ:
                _collect_links(el, self.base, self.related)
            return True
        tokens = classes_and_id(el)
        if tokens and NEGATIVE_TOKEN_RE.search(tokens):
            # a block holding much of the body's paragraph text is not boilerplate, whatever its name
            # ("sidebar-grid__container" around the article text)
            if self.good and _good_text(el) >= 0.1 * self.good:
                return False
            if re.search(r"relat|lienquan|xemthem|readmore|read-more", tokens, re.I):
                _collect_links(el, self.base, self.related)
            return True
        if tokens and _WALK_SKIP_RE.search(tokens):
            if tokens.lower().find("relat") >= 0:
                _collect_links(el, self.base, self.related)
            return True
        for a in ("data-component-type", "data-widget", "data-box"):
            if el.has_attr(a) and WIDGET_ATTR_RE.search(attr(el, a)):
                return True
        if el.name in _CONTAINERS and el.name != "span" and _starts_with_related_heading(el):
            _collect_links(el, self.base, self.related)
            return True
        return False

    def walk(self, el: Tag) -> None:
        for child in el.children:
            if isinstance(child, Comment):
                continue
            if isinstance(child, NavigableString):
                if type(child) is NavigableString:
                    self.buf.append(str(child))
                continue
            if not isinstance(child, Tag):
                continue
            name = child.name
            if name in DROP_TAGS:
                continue
            if name == "br":
                self.flush()
                continue
            if name == "img":
                self.flush()
                self._add_photo(photo_from_img(child, self.base, 0, None), child)
                continue
            if name in ("figcaption", "h1"):  # a headline inside the body is the title's, not body text
                continue
            if self.skip(child):
                continue
            if name in BLOCK_TAGS or name == "figure" or attr(child, "type"):
                if is_photo_box(child):
                    self.flush()
                    self._add_photo(photo_from_box(child, self.base, 0), child)
                    continue
                if name in _TEXT_BLOCKS and not has_descendant(child, _NESTED_BLOCKS):
                    self.flush()
                    text = node_text(child)
                    if text:
                        kind = "h" if name in _HEADINGS else ("li" if name == "li" else "p")
                        if name == "blockquote":
                            kind = "quote"
                        self._add_text(kind, text, child)
                    continue
                self.flush()
                if name in ("div", "section") and self._media_block(child):
                    continue
                self.walk(child)
                self.flush()
            else:
                self.walk(child)

    def _media_block(self, el: Tag) -> bool:
        """A block holding one article photo and a little text (its caption, a "zoom" button): the photo
        is taken, the text is not body text."""
        img: Tag | None = None
        n = 0
        for d in el.descendants:
            if type(d) is Tag:
                if d.name == "img":
                    if img is not None:
                        return False
                    img = d
                elif d.name in _MEDIA_BLOCK_STOP:
                    return False
            elif type(d) is NavigableString:
                n += len(d.strip())
                if n > 300:
                    return False
        if img is None:
            return False
        photo = photo_from_img(img, self.base, 0, None)
        if photo is None:
            # a placeholder (a video's poster gif): its caption is still no body text
            captions = el.find_all(class_=CAPTION_CLASS_RE, limit=3)
            return n > 0 and sum(len(node_text(c)) for c in captions) >= 0.9 * n
        self._add_photo(photo, img)
        return True


# names of boxes inside a body that are never article text; matched as a name's start, so that
# "relatedbroadcast", "NewsletterBox_root" and "c-inlineSignup" count
_WALK_SKIP_RE = re.compile(
    r"(?:^|[-_\s])(?:related|newsletter|inlinesignup|signup|sign-up|author-?bio|authorbio|about-?the-?author|"
    r"twitter|tweet|instagram|tiktok|fb-post)",  # embedded social posts are not the article's text
    re.I,
)
_MEDIA_BLOCK_STOP = frozenset({"p", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "table", "blockquote", "li"})
_RIGHT_RE = re.compile(r"text-align\s*:\s*right", re.I)


def _is_byline_block(b: Block) -> bool:
    if b.kind != "p" or b.el is None or len(b.text) > 80 or b.text.endswith((".", "?", "!", ":")):
        if not (b.el is not None and len(b.text) <= 80 and b.text.endswith(")")):
            return False
    el = b.el
    if el is None:
        return False
    if _RIGHT_RE.search(attr(el, "style")) or attr(el, "align").lower() == "right":
        return True
    if re.search(r"author|byline|tacgia|tac-gia", classes_and_id(el), re.I):
        return True
    strong = el.find(["strong", "b"])
    if strong is not None and normalize_text(strong.get_text()) and len(b.text.split()) <= 8:
        st = normalize_text(strong.get_text())
        if b.text.startswith(st) and len(st) >= len(b.text) * 0.5:
            words = [w for w in re.split(r"[\s\-–]+", st) if w]
            return bool(words) and all(w[:1].isupper() for w in words)
    return False


def walk_body(container: Tag | list[Tag], base: str, lead: str | None = None, title: str | None = None,
              extra_drop: set[int] | None = None) -> BodyResult:
    w = _Walker(base, extra_drop or set())
    # the scored body's children are trusted by their text rather than their names (a body chosen by a
    # selector keeps the name rules: galleries, widgets inside [itemprop=articleBody])
    w.good = sum(_good_text(p) for p in (container if isinstance(container, list) else [container])
                 if p.has_attr(MAIN_ATTR))
    for part in container if isinstance(container, list) else [container]:
        if isinstance(container, list) and len(container) > 1 and part.name in BLOCK_TAGS | {"p"}:
            w.flush()
            if part.name in _TEXT_BLOCKS and not has_descendant(part, _NESTED_BLOCKS):
                text = node_text(part)
                if text:
                    w._add_text("h" if part.name in _HEADINGS else "p", text, part)
                continue
            if is_photo_box(part):
                w._add_photo(photo_from_box(part, base, 0), part)
                continue
        w.walk(part)
        w.flush()
    blocks = w.blocks
    # lead / title repeated inside the container
    skip_texts = {t.casefold() for t in (lead, title) if t}
    cleaned = [b for i, b in enumerate(blocks) if b.kind == "photo" or i >= 6 or b.text.casefold() not in skip_texts]
    if not any(b.kind != "photo" for b in cleaned):
        # the lead's text is all the container says (a one-paragraph story whose description repeats
        # it): that text is the body, not a repetition of it
        cleaned = [b for b in blocks if b.kind == "photo" or not title or b.text.casefold() != title.casefold()]
    cleaned = _drop_caption_text(cleaned)
    result = BodyResult(related=w.related)
    # a byline heading the body ("By Brenda Goodman, MA")
    head = [i for i, b in enumerate(cleaned) if b.kind != "photo"][:3]
    for i in head:
        if (_LEADING_BYLINE_RE.match(cleaned[i].text) and len(cleaned[i].text) <= 80 and cleaned[i].kind == "p"
                and looks_like_names(names_of_by_line(cleaned[i].text))):  # not "By December the plant …"
            result.byline = cleaned[i].text
            del cleaned[i]
            break
    # trailing byline / attribution lines
    tail_checked = 0
    idx = len(cleaned) - 1
    while idx >= 0 and tail_checked < 3:
        b = cleaned[idx]
        if b.kind == "photo":
            idx -= 1
            continue
        tail_checked += 1
        low = b.text.casefold()
        if len(b.text) <= 80 and re.match(r"^(?:theo|nguồn|nguồn)\s*:?\s+\S", low) and not b.text.endswith("."):
            result.attribution_line = result.attribution_line or b.text
            del cleaned[idx]
        elif len(b.text) <= 80 and b.kind == "p" and (_SOURCE_LINE_RE.match(b.text) or (
                _EMAIL_RE.search(b.text) and len(b.text.split()) <= 6)):
            del cleaned[idx]  # "(Quelle: APA/dpa)", "Source: Reuters", a reporter's name and e-mail
        elif b.kind == "p" and ((len(b.text) <= 300 and (_HOUSE_NOTICE_RE.match(b.text)
                                                         or _NEWSLETTER_CALL_RE.search(b.text)))
                                or (len(b.text) <= 500 and _COPYRIGHT_RE.search(b.text))):
            del cleaned[idx]  # the site's own call to the reader after the story ("Got a story? …")
        elif result.byline is None and _is_byline_block(b):
            result.byline = b.text
            del cleaned[idx]
        idx -= 1
    # a date alone heads or ends a body (its first two or last block); a body with two date lines or
    # more is a timeline, whose dates head its entries
    cleaned = [b for b in cleaned if not _stray_label(b) and not _credited_caption(b) and not _time_stamp(b)
               and not (b.kind == "p" and len(b.text.split()) <= 8 and _HOUSE_NOTICE_RE.match(b.text))
               and not (b.kind == "p" and _FILE_NAME_RE.fullmatch(b.text))]
    texts = [i for i, b in enumerate(cleaned) if b.kind != "photo"]  # (edges counted once labels are gone)
    dated = sum(1 for i in texts if cleaned[i].kind == "p" and is_date_line(cleaned[i].text, strict=False))
    edges = set(texts[:2] + texts[-1:]) if dated < 2 else set()
    cleaned = [b for i, b in enumerate(cleaned) if not (i in edges and b.kind == "p" and is_date_line(b.text))]
    set_blocks(result, cleaned)  # renumber photo positions after removals
    return result


# a newsletter offer ("Sign up for our daily newsletter"), alone or inside a closing paragraph
_NEWSLETTER_OFFER = r"(?:sign up|subscribe) (?:for|to) (?:our|the) [\w -]{0,30}newsletters?\b"
# what a site says to its readers under every story: tip lines, "follow us", newsletter and app offers
_HOUSE_NOTICE_RE = re.compile(
    r"(?:got|have|do you have) a story\b|get in touch with (?:us|our)\b|for more stories like this\b|"
    r"follow (?:us|[\w.&' -]{2,40}?) on (?:twitter|facebook|instagram|x|tiktok|linkedin|threads|whatsapp|telegram)\b|"
    rf"{_NEWSLETTER_OFFER}|like us on facebook\b|"
    r"download (?:our|the) [\w -]{0,30}app\b|folgen sie uns (?:auf|bei)\b|"
    r"s[ií]guenos en\b|suivez-nous sur\b|seguici su\b|siga-nos n[oa]\b|puede escribirnos\b|"
    # the Vietnamese press: "Mời bạn đọc đón xem …", "Bạn đọc có thể gửi bài viết, ý kiến … về email …"
    r"mời (?:quý )?(?:bạn đọc|độc giả) (?:đón (?:đọc|xem)|theo dõi|xem thêm)\b|"
    r"(?:quý )?(?:bạn đọc|độc giả) (?:có thể )?gửi (?:bài|thông tin|ý kiến|câu hỏi|phản ánh)",
    re.I)
# the same inside a closing paragraph ("For the latest news …, sign up for our newsletters.")
_NEWSLETTER_CALL_RE = re.compile(
    rf"{_NEWSLETTER_OFFER}|please bookmark \S+\.\w|"
    # the same in Spanish, French, German, Italian, Portuguese ("suscribirse aquí a nuestra newsletter")
    r"\b(?:suscr[ií]b|abonn|iscriv|assin)\w*[\w\s-]{0,30}?\b(?:nuestr[oa]|notre|unseren|nostra|nossa)\s+newsletter\b|"
    r"our website is the place for\b", re.I)
# a paragraph that is only an image's file name, left by a CMS migration ("seized cash and cards.jpg")
_FILE_NAME_RE = re.compile(r"[\w ()&,'+-]{1,120}\.(?:jpe?g|png|gif|webp|avif|tiff?|bmp)", re.I)
# a copyright notice closing the text ("© 2019 Science X Network", "Copyright © ITmedia, Inc. All Rights
# Reserved.", "© The Financial Times Ltd. 2024")
_COPYRIGHT_RE = re.compile(
    r"^\s*(?:copyright\b|©|\(c\)\s)|\ball rights reserved\b|\balle rechte vorbehalten\b|"
    r"\btous droits réservés\b|\btodos los derechos reservados\b|\btutti i diritti riservati\b", re.I)
_SOURCE_LINE_RE = re.compile(r"\(?(?:Quelle|Quellen|Source|Sources|Fuente|Fonte|Kilde|Källa|Bron)\s*:", re.I)
_EMAIL_RE = re.compile(r"[\w.+-]+@[\w-]+\.[\w.-]+")
_LEADING_BYLINE_RE = re.compile(r"(?i:by|von|por|par|di|door|av|af)\s+[A-ZÀ-Þ][^\s.!?]*(?:\s+\S+){0,6}$")
# Chinese, Japanese and Korean characters (one carries about what a short word does)
CJK_RE = re.compile("[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af\uf900-\ufaff]")
_NUMBERED_RE = re.compile(r"\d{1,3}[.)]\s")  # "1. Finland": an item of a ranked list
_SENTENCE_END_RE = re.compile(r"[.!?…;\"'”“»«)\]]$")


def _stray_label(b: Block) -> bool:
    """A paragraph of one or two words that is not a sentence: a widget label ("Advertisement",
    "Newsletter", "Weiterlesen"), a counter ("1/3") or a tag, not article text."""
    if (b.kind != "p" or len(b.text) > 30 or _SENTENCE_END_RE.search(b.text) or CJK_RE.search(b.text)
            or _NUMBERED_RE.match(b.text)):
        return False
    if len(_WORD_RE.findall(b.text)) > 2:
        return False
    # a bold line is a subheading
    strong = b.el.find(["strong", "b"]) if b.el is not None else None
    return strong is None or len(node_text(strong)) < len(b.text)


_PHOTO_CREDIT_END_RE = re.compile(
    r"(?:^|[\s.!?()\[\]|–—-])(?:Foto|Fotos|Photo|Photos|Bild|Bildrechte|Bildquelle|Image|Images|Ảnh|Credit|"
    r"Crédit|Fotografía|Imagen|Picture)\s*:\s*[^:.!?]{2,80}$"
)


_STAMP_CLOCK_RE = re.compile(r"\b\d{1,2}:\d{2}\b|\b\d{1,2}[.:]\d{2}\s*(?:uhr|am|pm)\b", re.I)
_WORDY_RE = re.compile(r"[^\W\d_]{2,}")
_MINUTES_END_RE = re.compile(r"\bmin\.?$", re.I)


# the words a publication stamp says ("Uppdaterad 15.59 | Publicerad 14.14", "Oppdatert 12.03"), by which
# a clock written with a dot ("15.59", which may be a number elsewhere) is known for one
_STAMP_WORD_RE = re.compile(
    r"\b(?:updated|published|posted|uppdaterad|publicerad|oppdatert|publisert|opdateret|udgivet|"
    r"p(?:ä|a)ivitetty|julkaistu|aktualisiert|ver(?:ö|o)ffentlicht|stand|mis (?:à|a) jour|publi(?:é|e)|"
    r"actualizado|publicado|aggiornato|pubblicato|bijgewerkt|gepubliceerd)\b", re.I)
_DOT_CLOCK_RE = re.compile(r"(?<![\d.,])\d{1,2}\.[0-5]\d(?![\d.,]\d)")


def _time_stamp(b: Block) -> bool:
    """A short line around a clock time that is not a sentence: a dateline ("Stand: 26.04.2024, 20:44 Uhr",
    "Uppdaterad 15.59 | Publicerad 14.14"), a live blog entry's stamp ("21 mins ago 11:48 Jon King"), a
    player's "0:00"."""
    t = b.text
    if b.kind != "p" or len(t) > 80 or CJK_RE.search(t):
        return False
    if not _STAMP_CLOCK_RE.search(t) and not (_STAMP_WORD_RE.search(t) and _DOT_CLOCK_RE.search(t)):
        return False
    if t.endswith((".", "!", "?", "…", "\"", "”")) and not _MINUTES_END_RE.search(t):
        return False
    return len(_WORDY_RE.findall(t)) <= 8


def _credited_caption(b: Block) -> bool:
    """A short paragraph ending in a photo credit ("… Foto: dpa", "… Bildrechte: MDR/X") is the caption
    of a photo the walk did not recognise as one."""
    return b.kind == "p" and len(b.text) <= 400 and bool(_PHOTO_CREDIT_END_RE.search(b.text))


def _caption_like(text: str, photo: Photo) -> bool:
    t = text.casefold()
    cap = (photo.caption or "").casefold()
    cred = (photo.credit or "").casefold()
    if cap and (t == cap or (t.startswith(cap) and len(t) <= len(cap) + 80) or (len(t) >= 12 and t in cap)):
        return True
    return bool(cred) and t.endswith(cred) and len(t) <= len(cred) + 25


def _drop_caption_text(blocks: list[Block]) -> list[Block]:
    """Text blocks next to a photo that repeat its caption or credit (a caption the photo box did not
    enclose, walked as text) are the photo's, not the body's."""
    drop: set[int] = set()
    for i, b in enumerate(blocks):
        if b.kind != "photo" or b.photo is None or not (b.photo.caption or b.photo.credit):
            continue
        for j in (i - 2, i - 1, i + 1, i + 2, i + 3):
            if 0 <= j < len(blocks) and blocks[j].kind != "photo" and _caption_like(blocks[j].text, b.photo):
                drop.add(j)
    return [b for i, b in enumerate(blocks) if i not in drop] if drop else blocks


# ----------------------------------------------------------------------------- body_html

_ALLOWED_TAGS = {"p", "h2", "h3", "h4", "ul", "ol", "li", "blockquote", "a", "figure", "img", "figcaption",
                 "strong", "em", "b", "i", "br"}
_ALLOWED_ATTRS = {"a": {"href"}, "img": {"src", "alt"}}


def body_html(result: BodyResult) -> str:
    parts: list[str] = []
    in_list = False
    for b in result.blocks:
        if b.kind == "li" and not in_list:
            parts.append("<ul>")
            in_list = True
        elif b.kind != "li" and in_list:
            parts.append("</ul>")
            in_list = False
        if b.kind == "photo" and b.photo is not None:
            p = b.photo
            cap = html.escape(p.caption or "")
            if p.credit:
                cap = f"{cap} Ảnh: {html.escape(p.credit)}".strip()
            fc = f"<figcaption>{cap}</figcaption>" if cap else ""
            parts.append(f'<figure><img src="{html.escape(p.src)}" alt="{html.escape(p.alt or "")}">{fc}</figure>')
            continue
        inner = html.escape(b.text)
        if b.el is not None and b.el.find("a") is not None:
            inner = b.el.decode_contents()
        tag = {"h": "h3", "li": "li", "quote": "blockquote"}.get(b.kind, "p")
        if b.kind == "h" and b.el is not None and b.el.name in ("h2", "h3", "h4"):
            tag = b.el.name
        parts.append(f"<{tag}>{inner}</{tag}>")
    if in_list:
        parts.append("</ul>")
    raw = "\n".join(parts)
    try:
        return nh3.clean(raw, tags=_ALLOWED_TAGS, attributes=_ALLOWED_ATTRS, link_rel=None)
    except Exception:  # nh3 never should, but the extractor must not raise
        return html.escape(result.body)


# ----------------------------------------------------------------------------- is_article


def _in_junk(el: Tag, stop: Tag) -> bool:
    for p in el.parents:
        if p is stop or not isinstance(p, Tag):
            return False
        if p.has_attr(JUNK_ATTR):
            return True
    return False


def _teaser_items(container: Tag) -> int:
    """Teasers of other pages: a URL linked both from a thumbnail image and from a headline-like text
    (>= 20 characters) inside the content block, outside the boxes the pre-pass marked as boilerplate
    (a live blog's wide body holds its sidebar). A list page is made of these; an article has at most a
    small related box of them."""
    thumbs: set[str] = set()
    titled: set[str] = set()
    for a in container.find_all("a", href=True, limit=600):
        href = attr(a, "href").strip()
        if not href or href.startswith(("#", "javascript:")) or _in_junk(a, container):
            continue
        if a.find("img") is not None:
            thumbs.add(href)
        text = node_text(a)
        if len(text) >= 20 and len(text.split()) >= 4:
            titled.add(href)
    return len(thumbs & titled)


def decide_is_article(result: BodyResult, container: Tag | None, has_article_ld: bool, og_type: str | None,
                      has_list_ld: bool, has_date: bool = True, lead: str | None = None,
                      dated_url: bool = False) -> tuple[bool, str | None]:
    """Whether the page is one article, and why not. ``lead``: the lead found apart from the body; on a
    page that declares itself an article its text counts toward the minimum length (a paywalled
    article shows its lead and a first paragraph only). ``dated_url``: the page's address names a day
    and a story (:func:`is_dated_story_url`), which a page without article metadata may stand on
    instead of three long paragraphs."""
    if container is None:
        return False, "no content container found"
    text_blocks = result.text_blocks
    is_article_meta = has_article_ld or (og_type or "").lower() == "article"
    # a Chinese/Japanese/Korean character carries about what a short word does: it counts twice
    body_len = sum(len(b.text) for b in text_blocks)
    counted = [b.text for b in text_blocks] + ([lead] if lead and is_article_meta else [])
    weight = sum(len(t) + len(CJK_RE.findall(t)) for t in counted)
    long_paras = sum(1 for b in text_blocks if len(b.text) >= 60)
    if weight < MIN_ARTICLE_CHARS:
        return False, f"too little article text ({body_len} chars)"
    teasers = _teaser_items(container)
    if teasers >= 3 and (teasers >= 0.75 * long_paras or (teasers >= 8 and teasers >= 0.5 * long_paras)):
        return False, f"list/section page ({teasers} teasers of other pages in the content block)"
    if not is_article_meta:
        ld = link_density(container)
        # a short article, or a page saved with its first paragraphs only: one long unlinked paragraph
        prose = ld < 0.1 and max((len(b.text) for b in text_blocks), default=0) >= 400
        # a short story under a dated address ("/2016/12/nfl-concussion-settlement-payments-can-begin/")
        prose = prose or (dated_url and long_paras >= 1 and ld < 0.3)
        if not has_date and (og_type or "").lower() == "website" and not prose:
            return False, "no article metadata and no publication date (section/list page)"
        if has_list_ld or ld > 0.45 or (long_paras < 3 and not prose):
            return False, f"list/section page (link density {ld:.2f}, {long_paras} long paragraphs)"
    elif long_paras < 1:
        return False, "no article paragraph"
    return True, None


#: A dated story's address: /YYYY/MM/ or /YYYY/MM/DD/, then one last path segment, the story's slug.
_DATED_PATH_RE = re.compile(r"/(?:19|20)\d\d/(?:0?[1-9]|1[0-2])/(?:(?:0?[1-9]|[12]\d|3[01])/)?")
_MAX_SLUG = 300


def is_dated_story_url(url: str) -> bool:
    """Whether ``url``'s path names a day and a story: /2016/12/<slug>/ or /2016/12/05/<slug>, the slug of
    three words at least (an archive of the month, /2016/12/, is no story)."""
    try:
        path = urlsplit(url).path
    except ValueError:
        return False
    m = _DATED_PATH_RE.search(path)
    if m is None:
        return False
    slug = path[m.end():].rstrip("/")
    return (0 < len(slug) <= _MAX_SLUG and "/" not in slug and slug.count("-") >= 2
            and any(c.isalpha() for c in slug))


# ----------------------------------------------------------------------------- photos outside the walk


def _in_teaser_or_boilerplate(el: Tag, stop: int = 6) -> bool:
    """A figure that is a link to another page, or sits in a related/ads/share block."""
    node: Tag | None = el
    for _ in range(stop):
        if node is None or not isinstance(node, Tag) or node.name in ("body", "html", "article", "main"):
            break
        if node.name == "a" and node.has_attr("href"):
            href = attr(node, "href").lower().split("?")[0]
            if not re.search(r"\.(?:jpe?g|png|gif|webp|avif)$", href):
                return True
        if node is not el:
            tokens = classes_and_id(node)
            if tokens and NEGATIVE_TOKEN_RE.search(tokens):
                return True
        node = node.parent
    return any(a.has_attr("href") and not re.search(r"\.(?:jpe?g|png|gif|webp|avif)(?:\?|$)", attr(a, "href").lower())
               and a.find("img") is not None for a in el.find_all("a", limit=3))


def add_region_photos(idx: TagIndex, title_el: Tag | None, parts: list[Tag], result: BodyResult,
                      base: str) -> None:
    """Photos the body walk did not reach: the lead (hero) figure between the headline and the body,
    and figures beside the body blocks, up to the end of the body. Teasers (figures that link to
    other pages) and figures in related/ads/share blocks are left out. Photos are ordered by their
    place in the document; ``position`` counts the text blocks before each."""
    if not parts:
        return
    p0 = idx.pos.get(id(parts[0]))
    plast = idx.pos.get(id(parts[-1]))
    if p0 is None or plast is None:
        return
    start = p0
    if title_el is not None:
        t = idx.pos.get(id(title_el))
        if t is not None and t < p0:
            start = t
    end = idx.end[plast]
    have: set[str] = set()
    for ph in result.photos:
        have.add(ph.src)
        have.update(ph.alternatives)
    added: list[tuple[int, Photo]] = []
    last_fig_end = -1
    for i in idx.by_name.get("figure", []):
        if i < start or i > end or i <= last_fig_end:
            continue
        fig = idx.tags[i]
        last_fig_end = idx.end[i]
        if any(idx.contains(part, fig) for part in parts) and not _in_teaser_or_boilerplate(fig):
            # inside the body: the walker saw it (or dropped it on purpose)
            continue
        if _in_teaser_or_boilerplate(fig) or is_hidden(fig):
            continue
        photo = photo_from_box(fig, base, 0)
        if photo is None or photo.src in have or have & set(photo.alternatives):
            continue
        have.add(photo.src)
        added.append((i, photo))
    if not added:
        return
    # keep the walk order for blocks without a position; insert the new photos by position
    ordered: list[Block] = []
    new = sorted(((i, Block(kind="photo", photo=p)) for i, p in added), key=lambda t: t[0])
    k = 0
    for b in result.blocks:
        pos = idx.pos.get(id(b.el)) if b.el is not None else None
        while pos is not None and k < len(new) and new[k][0] < pos:
            ordered.append(new[k][1])
            k += 1
        ordered.append(b)
    ordered.extend(b for _, b in new[k:])
    set_blocks(result, ordered)




# ----------------------------------------------------------------------------- lead vs body

_WORD_RE = re.compile(r"\w+")


def _shingle_set(text: str, n: int = 3) -> set[tuple[str, ...]]:
    """Word n-grams; character 4-grams for Chinese/Japanese/Korean text (written without spaces)."""
    if CJK_RE.search(text):
        chars = [c for c in text.casefold() if not c.isspace()]
        return {tuple(chars[i:i + 4]) for i in range(max(1, len(chars) - 3))} if chars else set()
    toks = [t.casefold() for t in _WORD_RE.findall(text)]
    return {tuple(toks[i:i + n]) for i in range(max(1, len(toks) - n + 1))} if toks else set()


def reconcile_lead(result: BodyResult, lead: str | None, visible: bool,
                   alternatives: list[str] | tuple[str, ...] = ()) -> str | None:
    """Keep the lead and the body from saying the same thing twice; returns the lead to use.

    Body blocks at the start that repeat (part of) the lead are dropped. A lead that is not on the page
    (``visible`` false: the meta description) and repeats the body's first paragraph makes that
    paragraph the lead (the paragraph leaves the body), as does any of the page's other descriptions
    (``alternatives``: og/meta/twitter beside JSON-LD's) that repeats it; a description that repeats a
    later opening paragraph is only a teaser of the body and is dropped (None)."""
    if not lead:
        return lead
    low = normalize_text(lead).casefold()
    blocks = result.blocks
    out: list[Block] = []
    leading = True
    for b in blocks:
        if leading and b.kind != "photo":
            t = b.text.casefold()
            if b.kind in ("p", "quote") and len(t) >= 20 and t in low:
                continue
            leading = False
        out.append(b)
    if len(out) != len(blocks):
        if not visible and not any(b.kind != "photo" for b in out):
            return None  # a description holding the whole text: the body stays, the description goes
        set_blocks(result, out)
    if visible:
        return lead
    ls = _shingle_set(lead)
    texts = result.text_blocks
    if not ls or not texts:
        return lead
    opening = _opening_as_description(texts, ls)
    if opening:
        set_blocks(result, [b for b in result.blocks if all(b is not o for o in opening)])
        return " ".join(b.text for b in opening)
    first = texts[0]
    if first.kind == "p" and len(texts) > 1:
        first_set = _shingle_set(first.text)
        for desc in dict.fromkeys((lead, *alternatives)):
            ds = ls if desc is lead else _shingle_set(desc)
            if ds and len(first.text) <= 2 * len(desc) + 150 and len(ds & first_set) >= 0.5 * len(ds):
                if sum(len(b.text) for b in texts[1:]) < 100:
                    return None  # the paragraph is the whole text (a label after it): it stays the body
                # a description repeats the first paragraph: that paragraph is the lead
                set_blocks(result, [b for b in result.blocks if b is not first])
                return first.text
    head = " ".join(b.text for b in texts[:5])
    if len(ls & _shingle_set(head)) >= 0.5 * len(ls):
        return None
    return lead


def _opening_as_description(texts: list[Block], desc: set[tuple[str, ...]]) -> list[Block]:
    """The body's opening paragraphs (two to six, after any headings) when together they say what the
    description says and no more: a standfirst set as paragraphs (aftonbladet's three opening lines) or
    lines parted by <br> (mk.co.kr's "midtitle"), which the description repeats, perhaps cut short.
    Empty when they are not, or when nothing would be left of the body."""
    start = 0
    while start < len(texts) and texts[start].kind == "h":
        start += 1
    picked: list[Block] = []
    for b in texts[start:start + 6]:
        if b.kind != "p":
            break
        picked.append(b)
        joined = _shingle_set(" ".join(x.text for x in picked))
        shared = len(joined & desc)
        if not joined or shared < 0.8 * len(joined):
            return []  # this paragraph says more than the description
        if len(picked) >= 2 and shared >= 0.8 * len(desc):
            rest = sum(len(x.text) for x in texts[start + len(picked):])
            return picked if rest >= 200 else []
    return []


_LEAD_HINT_RE = re.compile(
    r"(?:^|[-_\s])(?:deck|dek|sub-?title|subline|sub-?head(?:line)?|excerpt|epigraph|intro|lead|lede|teaser|"
    r"summary|standfirst|abstract|description|chapeau|sapo)",
    re.I,
)
# the same names set in CamelCase inside a longer class name ("SplitScreenContentHeaderDek-juoqbv")
_CAMEL_LEAD_RE = re.compile(
    r"(?<=[a-z])(?:Deck|Dek|Sub[Tt]itle|Subline|Sub[Hh]ead(?:line)?|Excerpt|Intro|Lead|Lede|Standfirst|Summary|"
    r"Chapeau|Sapo)(?![a-z])")


def _says_lead(tokens: str) -> bool:
    """A class or id naming a standfirst."""
    return bool(_LEAD_HINT_RE.search(tokens) or _CAMEL_LEAD_RE.search(tokens))


_LEAD_SKIP_RE = re.compile(
    r"author|byline|date|time|meta|caption|credit|share|social|breadcrumb|kicker|label|categor|rubric|topic|"
    r"overline|eyebrow|copyright|photo|image|media|video|read|title|headline|bio|profile|"
    r"alert|notification|notice|disclaimer|callout",  # ("this article from 2017 may be out of date")
    re.I,
)
_LEAD_STOP = frozenset({"p", "div", "h2", "h3", "h4", "ul", "ol", "table", "figure", "img", "section", "article"})
_LEAD_PASS = frozenset({"figure", "figcaption", "nav", "aside", "button", "time", "ul", "ol", "table", "form",
                        "script", "picture", "img", "header", "footer"})
# wrappers that keep even a block named a standfirst out: a photo's description is its caption
# ("has-video" on the article's wrapper only says the article has one)
_LEAD_BOX_NEVER_RE = re.compile(r"author|byline|(?:^|[-_\s])bio(?:$|[-_\s])|profile|caption|teaser|related|promo|"
                                r"(?<!has-)(?<!with-)(?:photo|image|media|video|galler|figure)", re.I)
_AUTHOR_BOX_RE = re.compile(r"author|byline|(?:^|[-_\s])bio(?:$|[-_\s])|profile|caption", re.I)
# names that are never a lead, even beside "subtitle"/"lead" ("article-subscribe--subtitle")
_CTA_ATTR_RE = re.compile(r"(?:^|[-_\s=\"'])(?:cta|callout|promo)(?:$|[-_\s\"'])", re.I)
_LEAD_NEVER_RE = re.compile(r"drop-?cap|subscri|paywall|promo|newsletter|sign-?up|signature|caption", re.I)
_BYLINE_START_RE = re.compile(r"^(?:by|von|por|par|di|door|av|af|de|from)\s", re.I)
_BOLD_CLASS_RE = re.compile(r"font-(?:medium|semibold|bold)|(?:^|[-_\s])bold(?:$|[-_\s])", re.I)


_CLOCK_RE = re.compile(r"\b\d{1,2}[:.]\d{2}\s*(?:uhr|h\b|am\b|pm\b|[（(]|$)|\b\d{1,2}:\d{2}\b|\b\d{1,2}h\d{2}\b",
                       re.I)


def _repeats_title(text: str, title: str | None) -> bool:
    """The headline again (with a kicker, in another element)."""
    if not title:
        return False
    ts = _shingle_set(title, 2)
    return bool(ts) and len(ts & _shingle_set(text, 2)) >= 0.6 * len(ts)


def _anchored_heading(el: Tag, text: str) -> bool:
    """``el``'s id is its own text as an address slug: a heading a table of contents links to."""
    anchor = attr(el, "id").casefold()
    if len(anchor) < 8:
        return False
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().casefold()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text).strip("-")
    return bool(slug) and (anchor == slug or (len(anchor) >= 12 and slug.startswith(anchor)))


def find_visible_lead(idx: TagIndex, title_el: Tag | None, container: Tag | None,
                      title: str | None = None) -> Tag | None:
    """The standfirst shown under the headline when no lead selector names it: the first block of
    sentence text after the ``<h1>`` and before the body, or the body's first block when its markup says
    lead (a "deck"/"subtitle"/"intro" class, bold type). Bylines, dates, captions and labels on the way
    are passed over."""
    if title_el is None:
        return None
    t = idx.pos.get(id(title_el))
    if t is None:
        return None
    c = idx.pos.get(id(container)) if container is not None else None
    i = idx.end[t] + 1
    limit = min(len(idx.tags), i + 120)
    while i < limit:
        el = idx.tags[i]
        name = el.name
        if name in _LEAD_PASS or el.has_attr(JUNK_ATTR) or is_hidden(el):
            i = idx.end[i] + 1
            continue
        if name not in ("p", "h2", "h3", "div", "span") or has_descendant(el, _LEAD_STOP):
            i += 1
            continue
        inside = c is not None and c <= i <= idx.end[c]
        tokens = classes_and_id(el)
        ups = [classes_and_id(x) for x in list(el.parents)[:4] if isinstance(x, Tag)]
        anc = " ".join(ups[:2])
        text = node_text(el)
        # a name saying byline/caption/title/author on the block's wrappers always disqualifies (an
        # author card further up too); on the block itself only when it does not also say lead
        # ("article-subtitle")
        # (a block named a standfirst may sit in the headline's block: "ContentHeaderTitleBlock")
        says_lead = _says_lead(tokens)
        if (not text or _LEAD_NEVER_RE.search(tokens)
                or (_LEAD_BOX_NEVER_RE if says_lead else _LEAD_SKIP_RE).search(anc)
                or _AUTHOR_BOX_RE.search(" ".join(ups[2:]))
                or (_LEAD_SKIP_RE.search(tokens) and not says_lead)):
            i = idx.end[i] + 1
            continue
        words = len(text.split())
        if name in ("h2", "h3") and _anchored_heading(el, text):
            i = idx.end[i] + 1  # a section heading with its own anchor ("#trump-kan-ha-svangt-…"), no dek
            continue
        links = el.find_all("a")
        if any(_CTA_ATTR_RE.search(f"{k}={v}") for a in links for k, v in a.attrs.items() if k.startswith("data-")):
            i = idx.end[i] + 1  # a promotion ("Become a member today … Learn More", its link tracked as a CTA)
            continue
        linked = sum(len(node_text(a)) for a in links)
        if (40 <= len(text) <= 800 and words >= 6 and linked < 0.3 * len(text) and not _BYLINE_START_RE.match(text)
                and not _CLOCK_RE.search(text) and not _repeats_title(text, title)
                and not _PHOTO_CREDIT_END_RE.search(text)):
            if not inside:
                return el
            bold = el.find(["strong", "b"]) is not None and len(node_text(el.find(["strong", "b"]))) >= 0.8 * len(text)
            if says_lead or _BOLD_CLASS_RE.search(tokens) or bold:
                return el
            return None
        if inside and len(text) >= 40:
            return None  # the body has begun
        i = idx.end[i] + 1
    return None


# ----------------------------------------------------------------------------- article HTML inside scripts

_INLINE_SCRIPT_RE = re.compile(r"<script\b(?![^>]*\bsrc=)[^>]*>(.*?)</script\s*>", re.S | re.I)
_JSON_STRING_RE = re.compile(r'"((?:[^"\\]|\\.){200,})"')
_P_TAG_RE = re.compile(r"<p[\s>]")


def script_html_body(raw: str, base: str, lead: str | None = None,
                     title: str | None = None) -> tuple[BodyResult, Tag] | None:
    """Pages rendered by script (Next.js, React Query, Nuxt states) may carry the article's HTML only as a
    JSON string inside an inline ``<script>``: the string with the most ``<p>`` paragraphs (three at
    least) is parsed and walked like a body. Only called when the page itself showed no body."""
    best_n, best = 0, ""
    for m in _INLINE_SCRIPT_RE.finditer(raw):
        script = m.group(1)
        if "\\u003cp" not in script and "<p" not in script:
            continue
        for sm in _JSON_STRING_RE.finditer(script):
            value = sm.group(1)
            if "\\u003cp" not in value and "<p" not in value:
                continue
            try:
                frag = json.loads(f'"{value}"')
                if "\\u003c" in frag or '\\"' in frag:  # escaped twice
                    frag = json.loads(f'"{frag}"')
            except ValueError:
                continue
            n = len(_P_TAG_RE.findall(frag))
            if n > best_n:
                best_n, best = n, frag
    if best_n < 3:
        return None
    root = BeautifulSoup(f"<div>{best}</div>", "lxml").find("div")
    if not isinstance(root, Tag):
        return None
    return walk_body(root, base, lead, title), root
