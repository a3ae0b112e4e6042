"""Photos of the article: the real URL behind lazy placeholders, caption, credit, and what is not a photo.

* URLs (:func:`image_urls`): the lazy-loading attribute (``data-original``, ``data-src`` ... and any other
  ``*-src`` attribute), else the largest candidate of every ``*srcset`` attribute of the ``<img>`` and of
  its ``<picture>`` sources, else ``src``; every other distinct URL is an alternative. Placeholders
  (``data:`` URIs, transparent/blank/spacer GIFs, ``placeholder.png``) are never chosen.
* The photo box (:func:`find_box`): the nearest ``<figure>``, a CMS photo box (``type=photo``, caption
  tables, ``tplCaption``/``PhotoCMS`` divs), or a small wrapper holding only this image and a short text.
* Caption and credit (:func:`photo_from_img`): the ``<figcaption>`` / caption-class element, without the
  credit; the credit is a credit element of the box (class or itemprop naming a credit/copyright/source/
  photographer/author, a ``<footer>``, or a short element starting with a credit label: "Foto:",
  "Ảnh:", "©" ...), else a credit written into the caption ("… Ảnh: X", "(Picture: X)", "© X"),
  else a credit attribute of the image (``data-copyright`` ...).
* Not photos: avatars, icons, logos, tracking pixels, tiny images; images in related/teaser/ads/share/
  author blocks; teaser thumbnails (an image that links to another page, unless the link opens the
  image itself or the image has a caption).

Photos the body walk does not reach are found by :mod:`worker.extract.photo_region`.
"""

from __future__ import annotations

import html
import re
from urllib.parse import urljoin, urlsplit

from bs4 import Comment, NavigableString, Tag

from worker.extract.article import Photo
from worker.extract.dom import BLOCK_TAGS, attr, classes_and_id, node_text, registered_name, short_text
from worker.extract.selectors import (
    BOILERPLATE_TYPES,
    BYLINE_CAPTION_RE,
    CAPTION_ATTR_NAMES,
    CAPTION_CLASS_RE,
    CREDIT_ATTR_RE,
    CREDIT_CLASS_RE,
    CREDIT_LABEL_RE,
    LEAD_TEASER_PREFIX_RE,
    LEAD_TEASER_WORDS,
    LIGHTBOX_RE,
    MIN_PHOTO_SIDE,
    OFFSCREEN_CLASS_RE,
    PHOTO_BOX_TYPES,
    PHOTO_CONTEXT_PREFIX_RE,
    PHOTO_CONTEXT_WORDS,
    PHOTO_EXCLUDE_RE,
    PHOTO_PARENT_WORDS,
    PHOTO_URL_EXCLUDE_RE,
    PLAYER_WORDS,
    PRODUCT_CARD_CLASS_RE,
    PRODUCT_NAME_CLASS_RE,
    SLOT_TOKEN_RE,
    STYLE_TOKEN_RE,
    VIEWER_PATH_RE,
)
from worker.extract.text import REPORTER_TITLE_RE, clean_credit, normalize_text, split_credit, word_key

# lazy-loading attributes holding the real URL, best first
LAZY_ATTRS: tuple[str, ...] = (
    "data-original", "data-src", "data-lazy-src", "data-lazy", "data-full-src", "data-large-src",
    "data-hi-res-src", "data-orig-file", "data-actualsrc", "data-echo", "data-img-src",
)
_EXTRA_ATTRS: tuple[str, ...] = ("data-thumb-small-src", "data-thumb", "data-large")
# placeholder images: by name ("placeholder.png", "spacer.gif"), or a GIF/SVG (or a short-named PNG) named
# like one ("index-transparent_h-3_w-4.gif", "blank.gif", "lazy-loading.svg", "1x1.png")
_PLACEHOLDER_NAME_RE = re.compile(r"placeholder|spacer", re.I)
_PLACEHOLDER_GIF_RE = re.compile(
    r"(?:transparent|blank|pixel|1x1|dummy|empty|lazy|loading|grey|gray|white|default)"
    r"(?:[^/]*\.(?:gif|svg)|[^/]{0,12}\.png)$",
    re.I,
)
_IMAGE_PATH_RE = re.compile(r"\.(?:jpe?g|png|gif|webp|avif|bmp|tiff?)$", re.I)
_WORD_SPLIT_RE = re.compile(r"[\s_\-]+")
_CAMEL_RE = re.compile(r"([a-z])([A-Z])")
_STYLE_SIDE_RE = re.compile(r"(?:^|;)\s*(width|height)\s*:\s*(\d+(?:\.\d+)?)px", re.I)
_MEDIA_TAGS = frozenset({"img", "picture", "source"})


# ----------------------------------------------------------------------------- URLs


def usable_url(url: str | None) -> bool:
    """A URL worth keeping: not empty, not a data:/javascript: URI, not a placeholder image."""
    if not url:
        return False
    u = url.strip()
    low = u.lower()
    if not u or " " in u or low.startswith(("data:", "javascript:", "about:", "#", "{", "[", "<")) or u in {"/", "//"}:
        return False
    name = low.split("?", 1)[0].split("#", 1)[0].rstrip("/").rsplit("/", 1)[-1]
    return not (_PLACEHOLDER_NAME_RE.search(name) or _PLACEHOLDER_GIF_RE.search(name))


def absolute_url(url: str, base: str) -> str:
    """HTML-unescaped, whitespace-stripped, joined with the page URL."""
    u = url.strip()
    if "&" in u:
        u = html.unescape(u)
    if u.startswith(("https://", "http://")):
        return u
    if u.startswith("//"):
        scheme = base.split(":", 1)[0] if base and ":" in base else "https"
        return f"{scheme}:{u}"
    return urljoin(base, u) if base else u


def _descriptor_size(desc: str) -> float:
    size = 1.0
    for d in desc.lower().split():
        try:
            if d.endswith("w"):
                size = float(d[:-1])
            elif d.endswith("x"):
                size = float(d[:-1]) * 1000
        except ValueError:
            pass
    return size


def parse_srcset(value: str) -> list[tuple[str, float]]:
    """'a.jpg 1x, b.jpg 2x' / 'a.jpg 480w,b.jpg 960w' -> [(url, size)] (the HTML srcset grammar: a URL is a
    run of non-space characters, so URLs may hold commas; a candidate ends at the comma after its
    descriptor). Width descriptors rank by width, density descriptors ``Nx`` as N*1000."""
    out: list[tuple[str, float]] = []
    url: str | None = None
    desc: list[str] = []
    for tok in value.split():
        while tok:
            if url is None:
                if tok.endswith(","):  # a URL without descriptor
                    u = tok.rstrip(",")
                    if u:
                        out.append((u, 1.0))
                else:
                    url = tok
                tok = ""
                continue
            d, comma, rest = tok.partition(",")
            if d:
                desc.append(d)
            if comma:
                out.append((url, _descriptor_size(" ".join(desc))))
                url, desc = None, []
            tok = rest
    if url:
        out.append((url, _descriptor_size(" ".join(desc))))
    return out


def image_urls(img: Tag, base: str) -> tuple[str | None, list[str]]:
    """(src, alternatives) for an <img> (with its <picture> and <figure> context) or a lazy-image element.

    The real URL behind lazy placeholders wins (data-original, data-src, any other ``*-src``); otherwise
    the largest srcset candidate; otherwise src. All other distinct URLs become alternatives.
    """
    lazy: list[str] = []
    other: list[str] = []
    srcset: list[tuple[str, float]] = []
    for a in LAZY_ATTRS:
        v = img.get(a)
        if isinstance(v, str) and usable_url(v):
            lazy.append(v)
    v = img.get("data-url")  # also used for link targets: only an image file counts
    if isinstance(v, str) and usable_url(v) and _IMAGE_PATH_RE.search(v.lower().split("?", 1)[0]):
        lazy.append(v)
    for name, v in img.attrs.items():
        if not isinstance(v, str):
            continue
        if name.endswith("srcset"):
            srcset.extend(parse_srcset(v))
        elif name.endswith("src") and name != "src" and name not in LAZY_ATTRS and usable_url(v):
            other.append(v)
    root = media_root(img) if img.name == "img" else img
    picture = root if root.name == "picture" else None
    if picture is not None:
        for source in picture.find_all("source"):
            for name, v in source.attrs.items():
                if isinstance(v, str) and name.endswith("srcset"):
                    srcset.extend(parse_srcset(v))
    plain = attr(img, "src")
    extras: list[str] = []
    fig = near_parent(root, ("figure", "table"), 5)
    if fig is not None and fig.has_attr("itemscope"):  # schema.org ImageObject markup
        for meta in fig.find_all("meta", attrs={"itemprop": ["url", "contentUrl"]}, limit=2):
            if usable_url(attr(meta, "content")):
                extras.append(attr(meta, "content"))
    for a in _EXTRA_ATTRS:
        if usable_url(attr(img, a)):
            extras.append(attr(img, a))
    link = img.parent
    for _ in range(3):  # a zoom/lightbox link to the full-size file
        if not isinstance(link, Tag) or link.name in ("figure", "p", "div", "body"):
            break
        if link.name == "a":
            href = attr(link, "href").strip()
            if _IMAGE_PATH_RE.search(href.lower().split("?", 1)[0]) and usable_url(href):
                extras.append(href)
            break
        link = link.parent

    ordered: list[str] = []
    ordered.extend(lazy)
    ordered.extend(other)
    ordered.extend(u for u, _ in sorted(srcset, key=lambda t: -t[1]) if usable_url(u))
    if usable_url(plain):
        ordered.append(plain)
    ordered.extend(extras)
    seen: list[str] = []
    for u in ordered:
        absu = absolute_url(u, base)
        if absu not in seen:
            seen.append(absu)
    if not seen:
        return None, []
    return seen[0], seen[1:]


# ----------------------------------------------------------------------------- exclusion


def int_attr(v: str | None) -> int | None:
    if not v or "%" in v:
        return None
    m = re.match(r"\s*(\d+)", v)
    return int(m.group(1)) if m else None




def _words(tokens: str) -> set[str]:
    """Words of class/id tokens: split on spaces, "-", "_" and camelCase ("PagePromo-media" -> page, promo,
    media). Tokens naming a style or a neighbour's slot (``STYLE_TOKEN_RE``, ``SLOT_TOKEN_RE``) are skipped."""
    kept = " ".join(t for t in tokens.split() if not (STYLE_TOKEN_RE.search(t) or SLOT_TOKEN_RE.search(t)))
    return {w for w in _WORD_SPLIT_RE.split(_CAMEL_RE.sub(r"\1 \2", kept).lower()) if w}


def _tiny(img: Tag) -> bool:
    """Width/height attributes below MIN_PHOTO_SIDE (ratio hints such as width=16 height=9 do not count)."""
    w = int_attr(attr(img, "width")) or int_attr(attr(img, "w"))
    h = int_attr(attr(img, "height")) or int_attr(attr(img, "h"))
    for name, value in _STYLE_SIDE_RE.findall(attr(img, "style")):
        if name.lower() == "width":
            w = int(float(value))
        else:
            h = int(float(value))
    if w is not None and h is not None:
        if w < MIN_PHOTO_SIDE and h < MIN_PHOTO_SIDE:
            return not (w != h and max(w, h) <= 32)
        return False
    return (w is not None and w < MIN_PHOTO_SIDE) or (h is not None and h < MIN_PHOTO_SIDE)


def is_excluded_image(img: Tag, src: str) -> bool:
    """Avatars, icons, logos, tracking pixels, tiny images (by the image's own class/id and URL, and the
    class/id words of its two nearest wrappers)."""
    if PHOTO_EXCLUDE_RE.search(classes_and_id(img)) or PHOTO_URL_EXCLUDE_RE.search(src):
        return True
    parent = img.parent
    for _ in range(2):
        if not isinstance(parent, Tag) or parent.name in ("body", "html", "article", "main", "figure"):
            break
        if _words(classes_and_id(parent)) & PHOTO_PARENT_WORDS:
            return True
        parent = parent.parent
    return _tiny(img)


def _link_text_len(a: Tag) -> int:
    return len(normalize_text(a.get_text(" ")))


def _teaser_link(a: Tag, has_caption: bool, own: tuple[Tag | None, ...] = ()) -> bool:
    """``a`` (an ancestor of the image) points to another page: a teaser, unless it opens the image itself
    (an image file, a lightbox, an image/gallery viewer page) or the captioned image merely links out.
    ``own``: the image's credit elements; their text inside the link is not a headline (a product
    photo linked to the shop with "Photograph: X" under it). A caption inside the link may be one."""
    href = attr(a, "href").strip()
    if not href or href.startswith(("#", "javascript:")):
        return False
    path = href.lower().split("#", 1)[0].split("?", 1)[0]
    if _IMAGE_PATH_RE.search(path) or VIEWER_PATH_RE.search(path):
        return False
    hints = f"{classes_and_id(a)} {attr(a, 'rel')} {' '.join(k for k in a.attrs if k.startswith('data-'))}"
    if LIGHTBOX_RE.search(hints):
        return False
    text_len = _link_text_len(a) - sum(_link_text_len(el) for el in own
                                       if el is not None and any(p is a for p in el.parents))
    if text_len >= 15:  # the link also carries a headline
        return True
    node = a.parent
    for _ in range(4):  # a teaser card: the same page is linked again nearby with a headline
        if not isinstance(node, Tag) or node.name in ("article", "main", "body") or short_text(node, 1000) is None:
            break  # (a block of much text is no card: not searched, which keeps this linear)
        for other in node.find_all("a", href=attr(a, "href"), limit=4):
            if other is not a and _link_text_len(other) >= 15:
                return True
        node = node.parent
    return not has_caption


def _product_name(img: Tag) -> str | None:
    """The product's name when ``img`` is the photo of a product card (a buying guide's item)."""
    node = img.parent
    for _ in range(6):
        if not isinstance(node, Tag) or node.name in ("article", "main", "body"):
            return None
        if PRODUCT_CARD_CLASS_RE.search(classes_and_id(node)):
            if len(node.find_all("img", limit=2)) > 1 or short_text(node, 1500) is None:
                return None  # a grid of cards, or no card: another product's name is not this one's
            name = node.find(class_=PRODUCT_NAME_CLASS_RE)
            if name is not None:  # (else an inner part of the card: "ProductEmbedImage")
                text = node_text(name)
                return text if 0 < len(text) <= 150 else None
        node = node.parent
    return None


def _shop_link(a: Tag, img: Tag, base: str) -> bool:
    """``a`` is a shop's link around a product photo: marked sponsored (an affiliate link) or in a
    product card, and leading to another site."""
    sponsored = "sponsored" in attr(a, "rel").lower().split()
    in_card = any(PRODUCT_CARD_CLASS_RE.search(classes_and_id(n)) for n in list(img.parents)[:6] if isinstance(n, Tag))
    return (sponsored or in_card) and _links_out(a, base)


def _links_out(a: Tag, base: str) -> bool:
    """``a`` leads to another site (a shop, the photo's source), not to another page of this one."""
    try:
        host = urlsplit(urljoin(base, attr(a, "href").strip())).hostname or ""
        own = urlsplit(base).hostname or ""
    except ValueError:  # a malformed URL ("http://[::1") leads nowhere
        return False
    return bool(host) and registered_name(host) != registered_name(own)


def _teaser_card(img: Tag) -> bool:
    """An uncaptioned image beside a headline link to another page, in a small block made mostly of that
    link: a teaser card (the image itself need not be linked)."""
    node = media_root(img).parent
    for _ in range(3):
        if not isinstance(node, Tag) or node.name in ("article", "main", "body", "figure"):
            return False
        text = short_text(node, 300)
        if text is None:
            return False
        for a in node.find_all("a", href=True, limit=6):
            if a.find("img") is not None:
                continue
            n = _link_text_len(a)
            href = attr(a, "href").lower().split("?", 1)[0]
            if n >= 15 and n >= 0.5 * len(text) and not _IMAGE_PATH_RE.search(href) and not href.startswith("#"):
                return True
        node = node.parent
    return False


def _article_card(img: Tag) -> bool:
    """The image belongs to a small <article> that is a teaser card: little text and a headline link to
    another page, and either nested in another <article> or with that link in a heading (and no <h1>)."""
    card = near_parent(img, ("article",), 12)
    if card is None or short_text(card, 600) is None:
        return False
    nested = near_parent(card, ("article",), 30) is not None
    if not nested and card.find("h1") is not None:
        return False
    for a in card.find_all("a", href=True, limit=8):
        if a.find("img") is None and _link_text_len(a) >= 15 and (
                nested or near_parent(a, ("h2", "h3", "h4"), 3) is not None):
            return True
    return False


def _excluded_by_ancestors(img: Tag, in_figure: bool, lead: bool) -> tuple[bool, Tag | None]:
    """(excluded, link): the image sits in a related/teaser/ads/share/author block (class/id words, CMS
    box types) or in a media player's artwork outside a <figure>; ``link`` is the nearest <a href> above
    it. ``lead``: the image is the lead media above the body, where "teaser" names the article's own lead
    image and a video poster is the cover."""
    node = media_root(img).parent
    link: Tag | None = None
    for _ in range(7):
        if not isinstance(node, Tag) or node.name in ("article", "main", "body", "html", "[document]"):
            break
        if node.name == "a" and link is None and node.has_attr("href"):
            link = node
        if attr(node, "type").lower() in BOILERPLATE_TYPES:
            return True, link
        tokens = classes_and_id(node)
        if tokens:
            words = _words(tokens)
            hits = {w for w in words if w in PHOTO_CONTEXT_WORDS or PHOTO_CONTEXT_PREFIX_RE.match(w)}
            if hits and not (lead and all(w in LEAD_TEASER_WORDS or LEAD_TEASER_PREFIX_RE.match(w) for w in hits)):
                return True, link
            if words & PLAYER_WORDS and not lead and not in_figure:
                return True, link  # a player's artwork; a video poster in a <figure> is article media
        node = node.parent
    return False, link


# ----------------------------------------------------------------------------- boxes, captions, credits


def is_photo_box(el: Tag) -> bool:
    """A container that holds one photo and its caption (figure, CMS photo box, caption table)."""
    name = el.name
    if name == "figure":
        return el.find("img") is not None
    typ = attr(el, "type").lower()
    if typ in PHOTO_BOX_TYPES and el.find("img") is not None:
        return True
    if name == "table":
        imgs = el.find_all("img", limit=3)
        if len(imgs) != 1:
            return False
        cls = classes_and_id(el).lower()
        if "image" in cls or "tplcaption" in cls or "photo" in cls or "mastercms_tpl_table" in cls:
            return True
        # a 2-row table: image row + caption row
        rows = el.find_all("tr", limit=4)
        return 1 < len(rows) <= 3
    if name == "div":
        cls = classes_and_id(el)
        if re.search(r"(?:^|\s)(?:tplCaption|PhotoCMS|image-box|photo-box|img-box|wp-caption)", cls):
            return el.find("img") is not None
    return False


def near_parent(el: Tag, names: tuple[str, ...], levels: int) -> Tag | None:
    node = el.parent
    for _ in range(levels):
        if not isinstance(node, Tag):
            return None
        if node.name in names:
            return node
        node = node.parent
    return None


def media_root(img: Tag) -> Tag:
    """The <picture> around ``img`` (lxml nests an <img> inside the unclosed <source> elements), else img."""
    node = img
    while isinstance(node.parent, Tag) and node.parent.name in ("source", "picture"):
        node = node.parent
    return node


_IMPLICIT_BOX_TEXT = 500  # characters of caption and credit a wrapper of one image may hold (mbl.is: 300)


def find_box(img: Tag) -> tuple[Tag | None, bool]:
    """(box, implicit): the nearest <figure> or CMS photo box around ``img``; else a small wrapper that
    holds only this image and a short text (its caption), marked ``implicit``."""
    start = media_root(img)
    node = start.parent
    for _ in range(6):
        if not isinstance(node, Tag) or node.name in ("article", "main", "body", "html", "p", "li"):
            break
        if node.name == "figure" or (node.name in ("table", "div") and is_photo_box(node)) or (
                attr(node, "type").lower() in PHOTO_BOX_TYPES):
            if node.name == "figure" or short_text(node, 0) is None:  # (a CMS box with no text wraps the image only)
                return node, False
        node = node.parent
    # implicit box: climb the wrappers that hold nothing but the image, then look at the first one with text
    node = start
    for _ in range(4):
        parent = node.parent
        if not isinstance(parent, Tag) or parent.name in ("article", "main", "body", "html", "li", "td"):
            return None, False
        text = short_text(parent, _IMPLICIT_BOX_TEXT)
        if text is None:
            return None, False
        if text:
            if parent.name not in ("div", "span", "section", "aside", "a") or len(parent.find_all("img", limit=2)) != 1:
                return None, False
            if parent.name == "a" and not any(_is_credit_element(el) for el in parent.find_all(True, limit=40)):
                return None, False  # a link is the image's box only around its credit (a shop's product photo)
            anc = {id(a) for a in node.parents}
            if any(CAPTION_CLASS_RE.search(classes_and_id(el)) for el in parent.find_all(True, limit=40)
                   if id(el) not in anc and el is not node and el.name not in _MEDIA_TAGS):
                return parent, False  # a slide / media block with a caption element
            if (parent.find(["h1", "h2", "h3", "h4", "ul", "table"]) is None
                    and len(parent.find_all("p", limit=4)) <= 3
                    and sum(_link_text_len(a) for a in parent.find_all("a", limit=10)) < len(text) * 0.3):
                return parent, True
            return None, False
        node = parent
    return None, False


def _caption_element(box: Tag, img: Tag, implicit: bool) -> Tag | None:
    cap = box.find("figcaption")
    if cap is not None:
        return cap
    if box.name == "figure":  # <figure>…</figure><figcaption>…</figcaption>, also with wrappers around
        node: Tag = box  # the figure that hold nothing else (<div><figure>…</figure></div><figcaption>)
        for _ in range(3):
            sib = node.find_next_sibling()
            for _ in range(2):  # past empty siblings (<div class="floatingText"></div>)
                if sib is None or sib.find("img") is not None or short_text(sib, 0) != "":
                    break
                sib = sib.find_next_sibling()
            if sib is not None and sib.name == "figcaption":
                return sib
            if sib is not None and sib.name == "div" and sib.find("img") is None and (
                    sib.find("figcaption", recursive=False) is not None
                    or CAPTION_CLASS_RE.search(classes_and_id(sib))) and short_text(sib, 600) is not None:
                return sib  # a caption block after the figure (sermitsiaq: caption and credit figcaptions)
            parent = node.parent
            if not isinstance(parent, Tag) or sib is not None or node.find_previous_sibling() is not None:
                break
            node = parent
    holders = {id(a) for a in img.parents}  # elements holding the image
    for el in box.find_all(True):
        if el is img or el.name in _MEDIA_TAGS or id(el) in holders:
            continue
        tokens = classes_and_id(el)
        if tokens and CAPTION_CLASS_RE.search(tokens) and not CREDIT_CLASS_RE.search(tokens):
            return el
    if box.name == "table":
        for td in box.find_all("td"):
            if td.find("img") is None and node_text(td):
                return td
    if implicit:
        return box
    return None


def _caption_beside(img: Tag) -> Tag | None:
    """A caption next to an image that has no box: a ``<figcaption>`` right after the image (or its
    ``<picture>``), or, after the wrappers that hold nothing but the image, a short block without links
    that says what the alt text says (``<div><picture>…</picture></div><div><span>alt</span></div>``)."""
    node = media_root(img)
    alt = normalize_text(attr(img, "alt")).casefold().rstrip(" .")
    for _ in range(3):
        sib = node.find_next_sibling()
        if sib is not None and sib.name == "figcaption":
            return sib
        if sib is not None and alt and sib.name in ("div", "p", "span") and sib.find(["a", "img"]) is None:
            text = short_text(sib, 200)
            if text and text.casefold().rstrip(" .") == alt:
                return sib
        parent = node.parent
        if not isinstance(parent, Tag) or parent.name in ("article", "main", "body", "figure") or (
                short_text(parent, 0) != "" or len(parent.find_all("img", limit=2)) != 1):
            return None
        node = parent
    return None


def _is_credit_element(el: Tag) -> bool:
    if el.name == "footer":
        return True
    hint = f"{classes_and_id(el)} {attr(el, 'itemprop')} {' '.join(k for k in el.attrs if k.startswith('data-'))}"
    return bool(hint.strip()) and CREDIT_CLASS_RE.search(hint) is not None


def _ids_below(el: Tag) -> set[int]:
    return {id(d) for d in el.descendants if isinstance(d, Tag)}


def _credit_elements(box: Tag, img: Tag, cap_el: Tag | None) -> list[Tag]:
    """Credit elements of the box in document order (none nested in another): by class/itemprop/data-*
    naming a credit, a <footer>, or a short element whose text starts with a credit label. Elements
    holding an image and credits of figures nested in the box do not count."""
    found: list[Tag] = []
    skip: set[int] = {id(p) for p in cap_el.parents} if cap_el is not None else set()
    if cap_el is not None:
        skip.add(id(cap_el))
    for im in box.find_all("img"):  # the image's wrappers
        node = im.parent
        while isinstance(node, Tag) and node is not box:
            skip.add(id(node))
            node = node.parent
    if box.name == "figure":
        for fig in box.find_all("figure"):
            skip.add(id(fig))
            skip |= _ids_below(fig)
    for el in box.find_all(True, limit=80):
        if el.name in _MEDIA_TAGS or id(el) in skip:
            continue
        if _is_credit_element(el):
            text = node_text(el)
            if text and len(text) <= 160:
                found.append(el)
                skip |= _ids_below(el)
            continue
        if el.name in ("span", "small", "p", "div", "em", "i", "cite", "figcaption", "strong", "b"):
            text = short_text(el, 160)
            if text and CREDIT_LABEL_RE.match(text) and not el.find(["p", "div"]) and clean_photo_credit(text):
                found.append(el)
                skip |= _ids_below(el)
    return found


def _text_without(el: Tag, skip: set[int]) -> str:
    """node_text of ``el`` leaving out the subtrees in ``skip`` and screen-reader-only labels."""
    parts: list[str] = []

    def collect(node: Tag) -> None:
        for child in node.children:
            if isinstance(child, Comment):
                continue
            if isinstance(child, NavigableString):
                if type(child) is NavigableString:
                    parts.append(str(child))
                continue
            if not isinstance(child, Tag) or id(child) in skip:
                continue
            if child.name in ("script", "style", "noscript", "template", "svg", "button"):
                continue
            cls = classes_and_id(child)
            if cls and OFFSCREEN_CLASS_RE.search(cls):
                continue
            if child.name in BLOCK_TAGS:
                parts.append(" ")
                collect(child)
                parts.append(" ")
            else:
                collect(child)

    collect(el)
    return normalize_text("".join(parts))


_EXTRA_CREDIT_WORDS = (r"(?:(?:Image|Photo|Picture)\s+Credits?|Pictures?|Pic|Symbolfoto|Symbolbild|Archivfoto|"
                       r"Archivbild|Bildquelle|Bildrechte|Isithombe|Fotos?|Foto de|Fotografía|"
                       r"Photos? by|Photograph|Photographer|Image|Images|Imagen|Bild|Bilder|Quelle|Credits?|"
                       r"사진\s*출처|사진|출처|写真|撮影)")
_EXTRA_PAREN_RE = re.compile(
    r"\s*[\(\[（]\s*" + _EXTRA_CREDIT_WORDS + r"\s*[:：=]\s*(?P<credit>[^()\[\]（）]{1,120}?)\s*[\)\]）]\s*\.?\s*$", re.I)
# "(AP Photo/Evan Vucci)", "(Reuters Photo / X)", "(Photo courtesy of X)": the whole parenthesis is the credit
_AGENCY_PHOTO_RE = re.compile(
    r"\s*\((?P<credit>[^()]{0,40}\b(?:Photo|Foto|Picture|Image)s?\s*(?:/|by\b|courtesy\b)[^()]{1,100})\)\s*\.?\s*$",
    re.I)
_RIGHTS_RE = re.compile(r"(?:(?<=\S)\s*/\s*|\s+)(?:copyright|©)\s*\d{4}\b.*$|[.,;]?\s*all rights reserved\.?$", re.I)
# Korean press credits: "인천=연합뉴스" (dateline=agency) -> "연합뉴스" (and text.REPORTER_TITLE_RE: "고영권 기자")
_KO_DATELINE_RE = re.compile(r"^[가-힣]{1,10}\s?=\s?(?=\S)")
# "caption (Mohamed El Saife/CBC)": a trailing parenthesis of capitalised names joined by "/"
_SLASH_CREDIT_RE = re.compile(r"\s*\((?P<credit>[A-ZÀ-Ý][^()]{0,60}\s?/\s?[A-ZÀ-Ýa-z][^()]{0,60})\)\s*\.?\s*$")
# "caption (Unsplash)", "caption (Reuters)", "…ke-XV(Dok.IGI )": a trailing parenthesis holding a picture
# agency, a stock site or a "documentation" mark alone
_SOURCE_PAREN_RE = re.compile(
    r"\s*\((?P<credit>\s*(?:(?:AP|AFP|Reuters|EPA|dpa|Getty Images|Getty|Unsplash|Shutterstock|iStock|Pexels|"
    r"Pixabay|Wikimedia Commons|Wikimedia|Xinhua|Anadolu|ANTARA|Bernama|Kyodo|Yonhap)\b[^()]{0,30}|"
    r"(?:Dok|Doc|Ist|Foto|Photo)\.\s?[^()\s][^()]{0,30}))\)\s*\.?\s*$")
# "caption — Picture by Yusof Mat Isa", "caption - Photo by X"
_BY_TAIL_RE = re.compile(r"\s+[-–—|]\s+(?:Pictures?|Photos?|Images?|Fotos?)\s+(?:by|von|de|di)\s+(?P<credit>[^|]{2,80}?)\s*$",
                         re.I)
# "caption | Bildquelle: X", "caption Isithombe: X" (labels text.split_credit does not know)
_LABEL_TAIL_RE = re.compile(r"(?:^|\s+[-–—|]\s+|\s+)(?:Bildquelle|Isithombe|Picture|Pictures|Pic|Image Credits?|"
                            r"Photo Credits?|Credits|Symbolfoto|Symbolbild)\s*:\s*(?P<credit>[^:|]{2,80}?)\s*;?\s*$",
                            re.I)
# "caption（代表撮影）": a Japanese "photographed by" parenthesis
_JA_SHOT_RE = re.compile(r"\s*[（(](?P<credit>[^（）()]{1,30}?)撮影[)）]\s*$")
# "… upon arrival. Supplied": a name of one to four words after the caption's last sentence
_TRAILING_NAME_RE = re.compile(r"(?<=[.!?…])\s+(?P<credit>[^\W\d_][^.!?…:;()]{0,38}[^\s.!?…:;,()])\s*$")
_FULLWIDTH_COPY_RE = re.compile(r"[（(]\s*[ＣｃCc]\s*[)）]")
_CREDIT_LEAD_RE = re.compile(
    r"^(?:©|\(c\)|copyright\s*:?|" + _EXTRA_CREDIT_WORDS + r"\s*[:：=]|photos? by|photographs? by|pictures? by|images? by|"
    r"foto von|fotos? von|fotos?:|bild:|courtesy of|courtesy)\s*", re.I)


def _looks_like_credit(text: str) -> bool:
    """A short name/agency line: "Philipp von Ditfurth/dpa", "The Yomiuri Shimbun", "Florion Goga (REUTERS)"."""
    t = normalize_text(text)
    if not t or len(t) > 80 or len(t.split()) > 10 or t[-1] in ".!?:;," or re.search(r"\d{3,}", t):
        return False
    if "/" in t or "©" in t or CREDIT_LABEL_RE.match(t):
        return True
    words = [w for w in re.findall(r"[^\W\d_]+", t) if len(w) > 2 or w[0].upper() == w[0].lower()]
    # capitalised words, or words of a script without case (Hangul, kana, Han ...)
    return bool(words) and sum(1 for w in words if w[0].isupper() or w[0].upper() == w[0].lower()) >= 0.6 * len(words)


_INLINE_TAGS = frozenset({"b", "strong", "em", "i", "a", "u", "mark", "q", "abbr", "sup", "sub", "time"})


def _credit_chunk(cap_el: Tag) -> Tag | None:
    """A caption made of separate pieces whose first or last piece is a short element that reads like a
    name/agency (``<span>caption</span><span>X/dpa</span>``, ``<span>The Yomiuri Shimbun</span><br>caption``)
    without any class naming it: that element is the credit."""
    chunks: list[Tag | str] = []
    for child in cap_el.children:
        if isinstance(child, Comment):
            continue
        if isinstance(child, NavigableString):
            if str(child).strip():
                chunks.append(str(child))
            continue
        if isinstance(child, Tag) and child.name != "br" and node_text(child):
            chunks.append(child)
    if len(chunks) == 1 and isinstance(chunks[0], Tag) and chunks[0].name not in _INLINE_TAGS:
        return _credit_chunk(chunks[0])  # one wrapper around the pieces
    if len(chunks) < 2:
        return None
    for cand, rest in ((chunks[-1], chunks[:-1]), (chunks[0], chunks[1:])):
        if not isinstance(cand, Tag) or cand.name in _INLINE_TAGS:
            continue
        text = node_text(cand)
        rest_len = sum(len(normalize_text(r if isinstance(r, str) else node_text(r))) for r in rest)
        if rest_len > len(text) and _looks_like_credit(text):
            return cand
    return None


def clean_photo_credit(text: str | None) -> str | None:
    """A credit without its label and wrapping: "(Picture: PA)" -> "PA", "Photo by X" -> "X",
    "[사진 출처 = X]" -> "X", "© dpa" -> "dpa"."""
    t = normalize_text(_FULLWIDTH_COPY_RE.sub("©", text or ""))
    for _ in range(3):
        before = t
        if len(t) > 2 and t[0] in "([（" and t[-1] in ")]）":
            t = t[1:-1].strip()
        t = _CREDIT_LEAD_RE.sub("", t).strip(" ;,-–—/|")
        t = clean_credit(t) or ""
        if t == before:
            break
    if t.count("(") < t.count(")") and t.endswith(")"):
        t = t[:-1].rstrip()
    # "Frank Franklin II/Copyright 2026 The AP. All rights reserved." -> "Frank Franklin II"
    t = _RIGHTS_RE.sub("", t).strip(" ;,-–—/|")
    t = _KO_DATELINE_RE.sub("", REPORTER_TITLE_RE.sub("", t))
    return t or None


def split_caption_credit(text: str | None) -> tuple[str | None, str | None]:
    """Caption text -> (caption, credit): the VN/DE/EN patterns of :func:`text.split_credit`, plus
    "(Picture: X)", "(Symbolfoto: X)", "[사진 출처 = X]" and the full-width "（Ｃ）X"."""
    t = normalize_text(text)
    if not t:
        return None, None
    t = _FULLWIDTH_COPY_RE.sub(" ©", t).strip()
    caption, credit = split_credit(t)
    if credit is None:
        m = (_EXTRA_PAREN_RE.search(t) or _AGENCY_PHOTO_RE.search(t) or _SLASH_CREDIT_RE.search(t)
             or _BY_TAIL_RE.search(t) or _LABEL_TAIL_RE.search(t) or _JA_SHOT_RE.search(t)
             or _SOURCE_PAREN_RE.search(t))
        if m:
            caption, credit = (t[: m.start()].rstrip(" -–—|/,;") or None), m.group("credit")
    if credit is None:
        # "caption | Niall Carson/PA Images via Getty Images": a name/agency after a bar
        head, sep, tail = t.rpartition(" | ")
        if sep and head and _looks_like_credit(tail) and len(tail) < len(head):
            caption, credit = head, tail
    if credit is None:
        m = _TRAILING_NAME_RE.search(t)
        if m and len(m.group("credit").split()) <= 4 and _looks_like_credit(m.group("credit")) and (
                len(t) - len(m.group(0)) >= 30):
            caption, credit = t[: m.start()].strip(), m.group("credit")
    return caption, (clean_photo_credit(credit) if credit else None)


def _attr_credit(img: Tag) -> str | None:
    for name, v in img.attrs.items():
        if isinstance(v, str) and name.startswith("data-") and CREDIT_ATTR_RE.search(name):
            c = clean_photo_credit(v)
            if c and len(c) <= 120:
                return c
    return None


def _without_repeats(names: list[str]) -> list[str]:
    """Credit texts without those another one already says ("Tous droits réservés" and "Captures
    d'écran …" beside a line "Tous droits réservés Captures d'écran …" giving both)."""
    keys = [word_key(n) for n in names]
    return [n for i, n in enumerate(names)
            if not any(j != i and keys[i] in keys[j] and (len(keys[j]) > len(keys[i]) or j < i)
                       for j in range(len(names)))]


def photo_from_box(box: Tag, base: str, position: int) -> Photo | None:
    """The first acceptable image of ``box`` with the box's caption and credit."""
    for img in box.find_all("img", limit=4):
        photo = photo_from_img(img, base, position, box)
        if photo is not None:
            return photo
    return None


def photo_from_img(img: Tag, base: str, position: int, box: Tag | None = None, lead: bool = False,
                   urls: tuple[str | None, list[str]] | None = None) -> Photo | None:
    """A :class:`Photo` for ``img`` (or a lazy-image element), or None when it is not an article photo.
    ``lead``: the image is above the body; ``urls``: :func:`image_urls` already computed."""
    src, alts = urls if urls is not None else image_urls(img, base)
    if not src or is_excluded_image(img, src):
        return None
    in_figure = (box is not None and box.name == "figure") or near_parent(media_root(img), ("figure",), 6) is not None
    excluded, link = _excluded_by_ancestors(img, in_figure, lead)  # cheap checks before caption work
    if excluded:
        return None
    implicit = False
    if box is None or (box.name != "figure" and short_text(box, 0) == ""):
        box, implicit = find_box(img)
    cap_el = _caption_element(box, img, implicit) if box is not None else None
    if cap_el is None and box is None:
        cap_el = _caption_beside(img)
    credit_els = _credit_elements(box, img, cap_el) if box is not None else []
    if cap_el is not None and box is not None and cap_el.parent is not None and box not in cap_el.parents:
        credit_els += _credit_elements(cap_el, img, None)
    caption_raw: str | None = None
    chunk_credit: str | None = None
    if cap_el is not None:
        skip = {id(e) for e in credit_els}
        if not credit_els:
            chunk = _credit_chunk(cap_el)
            if chunk is not None:
                skip.add(id(chunk))
                chunk_credit = node_text(chunk)
        caption_raw = _text_without(cap_el, skip) or None
        if caption_raw and box is not None and "nocaption" in classes_and_id(box).lower():
            caption_raw = None
    title_credit: str | None = None
    if img.name == "img":
        # a caption attribute, or the title attribute when it is a sentence ("caption | credit"): the caption
        # when there is no caption element, the credit when there is no other
        title = next((normalize_text(attr(img, a)) for a in CAPTION_ATTR_NAMES if attr(img, a).strip()), "")
        title = title or normalize_text(attr(img, "title"))
        if len(title.split()) >= 5 and title != normalize_text(attr(img, "alt")):
            head, sep, tail = title.rpartition(" | ")
            if sep and _looks_like_credit(tail):
                title, title_credit = head, tail
            if caption_raw is None:
                caption_raw = title
    if caption_raw is None:
        caption_raw = _product_name(img)
    if (link is not None and _teaser_link(link, bool(caption_raw) or (bool(credit_els) and _shop_link(link, img, base)),
                                          tuple(credit_els))) or _article_card(img) or (
            not caption_raw and not lead and _teaser_card(img)):
        return None
    if caption_raw and len(caption_raw) < 100 and BYLINE_CAPTION_RE.match(caption_raw) and (
            caption_raw.split()[1][:1].isupper()):
        return None  # the author's picture beside the byline
    caption, credit = split_caption_credit(caption_raw)
    if caption:
        caption = caption.rstrip(" /|-–—").strip() or None
    if chunk_credit and not credit:
        credit = clean_photo_credit(chunk_credit)
    if credit_els:
        names: list[str] = []
        for el in credit_els:
            c = clean_photo_credit(node_text(el))
            if c and c not in names and not (caption and c == caption):
                names.append(c)
        if names:
            credit = ", ".join(_without_repeats(names))
    credit = credit or _attr_credit(img) or (clean_photo_credit(title_credit) if title_credit else None)
    if credit is None and img.name == "img":  # "… (Photo by X)" at the end of the alt text
        credit = split_caption_credit(attr(img, "alt"))[1]
    alt = normalize_text(attr(img, "alt")) or None
    w = int_attr(attr(img, "width")) or int_attr(attr(img, "data-width")) or int_attr(attr(img, "w"))
    h = int_attr(attr(img, "height")) or int_attr(attr(img, "data-height")) or int_attr(attr(img, "h"))
    return Photo(src=src, alternatives=alts, alt=alt, caption=caption, credit=credit, width=w, height=h,
                 position=position)
