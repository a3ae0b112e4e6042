"""Stage 3: generic content finder and body walker.

``find_body_container`` picks the article body (selectors first, then text-density scoring);
``walk_body`` turns it into ordered text blocks and photos, dropping related boxes, share bars,
captions, tags and the trailing byline.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field

import nh3
from bs4 import Comment, NavigableString, Tag

from worker.extract.article import Photo, RelatedLink
from worker.extract.dom import BLOCK_TAGS, TagIndex, attr, classes_and_id, is_hidden, link_density, node_text
from worker.extract.photos import absolute_url, is_photo_box, photo_from_box, photo_from_img
from worker.extract.selectors import (
    BODY_SELECTORS,
    BOILERPLATE_LINES_RE,
    BOILERPLATE_TYPES,
    DROP_TAGS,
    NEGATIVE_TOKEN_RE,
    POSITIVE_TOKEN_RE,
    RELATED_HEADINGS,
    WIDGET_ATTR_RE,
)
from worker.extract.text import normalize_text

MIN_ARTICLE_CHARS = 250
_TEXT_BLOCKS = {"p", "h2", "h3", "h4", "h5", "h6", "li", "blockquote", "pre", "dd", "dt"}
_HEADINGS = {"h1", "h2", "h3", "h4", "h5", "h6"}
_CONTAINERS = {"div", "section", "ul", "ol", "table", "aside", "article", "tbody", "tr", "td", "dl", "center",
               "span"}


@dataclass(slots=True)
class Block:
    kind: str  # "p", "h", "li", "quote", "photo"
    text: str = ""
    el: Tag | None = None
    photo: Photo | None = None


@dataclass(slots=True)
class BodyResult:
    blocks: list[Block] = field(default_factory=list)
    photos: list[Photo] = field(default_factory=list)
    related: list[RelatedLink] = field(default_factory=list)
    byline: str | None = None
    attribution_line: str | None = None

    @property
    def text_blocks(self) -> list[Block]:
        return [b for b in self.blocks if b.kind != "photo"]

    @property
    def body(self) -> str:
        return "\n".join(b.text for b in self.text_blocks)


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


def find_body_container(idx: TagIndex, profile_selectors: tuple[str, ...] = ()) -> Tag | None:
    return (
        _select_container(idx, profile_selectors)
        or _select_container(idx, BODY_SELECTORS)
        or score_container(idx)
    )


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

    def _add_photo(self, photo: Photo | None) -> None:
        if photo is None:
            return
        if any(b.photo is not None and b.photo.src == photo.src for b in self.blocks):
            return
        photo.position = self._n_text()
        self.blocks.append(Block(kind="photo", photo=photo))

    def skip(self, el: Tag) -> bool:
        """True when ``el`` is boilerplate; related boxes give their links to ``self.related``."""
        if id(el) in self.extra_drop or is_hidden(el):
            return True
        typ = attr(el, "type").lower()
        if typ in BOILERPLATE_TYPES:
            if "related" in typ or "news" in typ:
                _collect_links(el, self.base, self.related)
            return True
        tokens = classes_and_id(el)
        if tokens and NEGATIVE_TOKEN_RE.search(tokens):
            if re.search(r"relat|lienquan|xemthem|readmore|read-more", tokens, re.I):
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
                self._add_photo(photo_from_img(child, self.base, 0, None))
                continue
            if name == "figcaption":
                continue
            if self.skip(child):
                continue
            if name in BLOCK_TAGS or name == "figure" or attr(child, "type"):
                if is_photo_box(child):
                    self.flush()
                    self._add_photo(photo_from_box(child, self.base, 0))
                    continue
                if name in _TEXT_BLOCKS and child.find(["img", "figure", "table", "div", "p", "ul"]) is None:
                    self.flush()
                    text = node_text(child)
                    if text:
                        kind = "h" if name in _HEADINGS else ("li" if name == "li" else "p")
                        if name == "blockquote":
                            kind = "quote"
                        self._add_text(kind, text, child)
                    continue
                self.flush()
                self.walk(child)
                self.flush()
            else:
                self.walk(child)


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


def walk_body(container: Tag, base: str, lead: str | None = None, title: str | None = None,
              extra_drop: set[int] | None = None) -> BodyResult:
    w = _Walker(base, extra_drop or set())
    w.walk(container)
    w.flush()
    blocks = w.blocks
    # lead / title repeated inside the container
    skip_texts = {t.casefold() for t in (lead, title) if t}
    cleaned: list[Block] = []
    for i, b in enumerate(blocks):
        if b.kind != "photo" and i < 6 and b.text.casefold() in skip_texts:
            continue
        cleaned.append(b)
    result = BodyResult(related=w.related)
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
        elif result.byline is None and _is_byline_block(b):
            result.byline = b.text
            del cleaned[idx]
        idx -= 1
    # renumber photo positions after removals
    n = 0
    for b in cleaned:
        if b.kind == "photo" and b.photo is not None:
            b.photo.position = n
        else:
            n += 1
    result.blocks = cleaned
    result.photos = [b.photo for b in cleaned if b.photo is not None]
    return result


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


def decide_is_article(result: BodyResult, container: Tag | None, has_article_ld: bool, og_type: str | None,
                      has_list_ld: bool, has_date: bool = True) -> tuple[bool, str | None]:
    if container is None:
        return False, "no content container found"
    text_blocks = result.text_blocks
    body_len = sum(len(b.text) for b in text_blocks)
    long_paras = sum(1 for b in text_blocks if len(b.text) >= 60)
    if body_len < MIN_ARTICLE_CHARS:
        return False, f"too little article text ({body_len} chars)"
    is_article_meta = has_article_ld or (og_type or "").lower() == "article"
    if not is_article_meta:
        if not has_date and (og_type or "").lower() == "website":
            return False, "no article metadata and no publication date (section/list page)"
        ld = link_density(container)
        if has_list_ld or ld > 0.45 or long_paras < 3:
            return False, f"list/section page (link density {ld:.2f}, {long_paras} long paragraphs)"
    elif long_paras < 1:
        return False, "no article paragraph"
    return True, None
