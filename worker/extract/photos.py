"""Photos inside the article body: real URL behind lazy placeholders, caption, credit, exclusion."""

from __future__ import annotations

import html
import re
from urllib.parse import urljoin

from bs4 import Tag

from worker.extract.article import Photo
from worker.extract.dom import attr, classes_and_id, node_text
from worker.extract.selectors import MIN_PHOTO_SIDE, PHOTO_BOX_TYPES, PHOTO_EXCLUDE_RE
from worker.extract.text import clean_credit, normalize_text, split_credit

# lazy-loading attributes holding the real URL, best first
LAZY_ATTRS: tuple[str, ...] = (
    "data-original", "data-src", "data-lazy-src", "data-lazy", "data-url", "data-full-src", "data-large-src",
    "data-hi-res-src", "data-orig-file", "data-actualsrc", "data-echo", "data-img-src",
)
SRCSET_ATTRS: tuple[str, ...] = ("data-srcset", "srcset", "data-lazy-srcset")
CREDIT_CLASS_RE = re.compile(r"credit|copyright|photographer|rights|urheber|fotograf|quelle|image-source|"
                             r"img-source|photo-source|caption-source|author", re.I)
CAPTION_CLASS_RE = re.compile(r"caption|chuthich|chu-thich|image_desc|img-desc|desc_image|figcaption|fig-cap|"
                              r"photo-desc|expNoEdit|image-caption|media-caption", re.I)


def _usable(url: str | None) -> bool:
    if not url:
        return False
    u = url.strip().lower()
    return not (u.startswith("data:") or u.startswith("javascript:") or u in {"#", "about:blank"}
                or u.endswith("/blank.gif") or "1x1" in u.rsplit("/", 1)[-1])


def absolute_url(url: str, base: str) -> str:
    """HTML-unescaped, whitespace-stripped, joined with the page URL."""
    u = html.unescape(url.strip())
    if u.startswith("//"):
        scheme = base.split(":", 1)[0] if ":" in base else "https"
        return f"{scheme}:{u}"
    return urljoin(base, u) if base else u


def parse_srcset(value: str) -> list[tuple[str, float]]:
    """'a.jpg 1x, b.jpg 2x' / 'a.jpg 480w, b.jpg 960w' -> [(url, size)]; URLs may contain commas-free queries."""
    out: list[tuple[str, float]] = []
    for part in re.split(r",\s+(?=\S)", value.strip()):
        bits = part.strip().split()
        if not bits:
            continue
        url = bits[0].rstrip(",")
        size = 1.0
        if len(bits) > 1:
            d = bits[1].lower()
            try:
                if d.endswith("w"):
                    size = float(d[:-1])
                elif d.endswith("x"):
                    size = float(d[:-1]) * 1000  # density descriptors rank above nothing, below widths <1000x
            except ValueError:
                size = 1.0
        out.append((url, size))
    return out


def image_urls(img: Tag, base: str) -> tuple[str | None, list[str]]:
    """(src, alternatives) for an <img> (with its <picture>/<figure> context).

    The real URL behind lazy placeholders wins (data-original, data-src...); otherwise the largest
    srcset candidate; otherwise src. All other distinct URLs become alternatives.
    """
    lazy: list[str] = [attr(img, a) for a in LAZY_ATTRS if _usable(attr(img, a))]
    srcset: list[tuple[str, float]] = []
    for a in SRCSET_ATTRS:
        if img.has_attr(a):
            srcset.extend(parse_srcset(attr(img, a)))
    picture = img.find_parent("picture")
    if picture is not None:
        for source in picture.find_all("source"):
            for a in SRCSET_ATTRS:
                if source.has_attr(a):
                    srcset.extend(parse_srcset(attr(source, a)))
    plain = attr(img, "src")
    extras: list[str] = []
    fig = img.find_parent(["figure", "table"])
    if fig is not None:
        for meta in fig.find_all("meta", attrs={"itemprop": ["url", "contentUrl"]}, limit=2):
            if _usable(attr(meta, "content")):
                extras.append(attr(meta, "content"))
    for a in ("data-thumb-small-src", "data-thumb", "data-large"):
        if _usable(attr(img, a)):
            extras.append(attr(img, a))

    ordered: list[str] = []
    ordered.extend(lazy)
    ordered.extend(u for u, _ in sorted(srcset, key=lambda t: -t[1]) if _usable(u))
    if _usable(plain):
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


def _int(v: str) -> int | None:
    m = re.match(r"\s*(\d+)", v or "")
    return int(m.group(1)) if m else None


def is_excluded_image(img: Tag, src: str) -> bool:
    """Avatars, icons, logos, ads, tiny images."""
    hint = f"{classes_and_id(img)} {src}"
    if PHOTO_EXCLUDE_RE.search(hint):
        return True
    parent = img.parent
    for _ in range(3):
        if parent is None or not isinstance(parent, Tag):
            break
        if PHOTO_EXCLUDE_RE.search(classes_and_id(parent)):
            return True
        parent = parent.parent
    w = _int(attr(img, "width")) or _int(attr(img, "w"))
    h = _int(attr(img, "height")) or _int(attr(img, "h"))
    if (w is not None and w < MIN_PHOTO_SIDE) or (h is not None and h < MIN_PHOTO_SIDE):
        return True
    return False


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


def _caption_element(box: Tag, img: Tag) -> Tag | None:
    cap = box.find("figcaption")
    if cap is not None:
        return cap
    for el in box.find_all(True):
        if el is img or el.find("img") is not None:
            continue
        if CAPTION_CLASS_RE.search(classes_and_id(el)):
            return el
    if box.name == "table":
        for td in box.find_all("td"):
            if td.find("img") is None and node_text(td):
                return td
    return None


def photo_from_box(box: Tag, base: str, position: int) -> Photo | None:
    img = box.find("img")
    if img is None:
        return None
    return photo_from_img(img, base, position, box)


def photo_from_img(img: Tag, base: str, position: int, box: Tag | None = None) -> Photo | None:
    src, alts = image_urls(img, base)
    if not src or is_excluded_image(img, src):
        return None
    caption_raw = None
    credit_el_text: str | None = None
    if box is not None:
        cap_el = _caption_element(box, img)
        cap_text = node_text(cap_el) if cap_el is not None else ""
        # a credit in its own element (span.credit, .copyright, [itemprop=copyrightHolder] ...)
        for el in (cap_el or box).find_all(True, limit=40):
            if el is img or el.name == "img":
                continue
            hint = f"{classes_and_id(el)} {attr(el, 'itemprop')}"
            if CREDIT_CLASS_RE.search(hint) and not CAPTION_CLASS_RE.search(classes_and_id(el).replace(
                    "caption-source", "")):
                t = node_text(el)
                if t and len(t) <= 120:
                    credit_el_text = t
                    if cap_text.endswith(t):
                        cap_text = cap_text[: -len(t)].rstrip(" /|-–—")
                    elif t in cap_text:
                        cap_text = normalize_text(cap_text.replace(t, " ", 1))
                    break
        if cap_text and "nocaption" not in classes_and_id(box).lower():
            caption_raw = cap_text
    caption, credit = split_credit(caption_raw)
    if credit_el_text:
        credit = clean_credit(credit_el_text) or credit
    credit = credit or (normalize_text(attr(img, "data-author")) or None)
    alt = normalize_text(attr(img, "alt")) or None
    w = _int(attr(img, "width")) or _int(attr(img, "data-width")) or _int(attr(img, "w"))
    h = _int(attr(img, "height")) or _int(attr(img, "data-height")) or _int(attr(img, "h"))
    return Photo(src=src, alternatives=alts, alt=alt, caption=caption, credit=credit, width=w, height=h,
                 position=position)
