"""Photos outside the body walk, and what the page's structured data adds to the photos.

* :func:`collect_region_photos`: the article's images the body walk did not reach (a hero image above
  or below the headline, images in blocks the walk skips, the page's declared image wherever it is
  shown before the end of the body), between the headline and the end of the body.
* :func:`add_structured_alternatives` / :func:`add_structured_info`: declared image URLs (og:image,
  JSON-LD) become alternatives of the photo they show; JSON-LD ImageObject captions/credits fill gaps.
* :func:`add_article_photos`: all of that applied to a body result, photos placed in document order.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable
from typing import TYPE_CHECKING

from bs4 import Tag

from worker.extract.article import Photo
from worker.extract.blocks import Block, BodyResult, set_blocks
from worker.extract.dom import TagIndex, attr, classes_and_id, short_text
from worker.extract.photos import (
    absolute_url,
    clean_photo_credit,
    image_urls,
    int_attr,
    media_root,
    near_parent,
    parse_srcset,
    photo_from_img,
    split_caption_credit,
    usable_url,
)
from worker.extract.selectors import NEGATIVE_TOKEN_RE

if TYPE_CHECKING:
    from worker.extract.structured import Structured


def _large(img: Tag) -> bool:
    """Width/height attributes or srcset widths say this is a large image (>= 300 px)."""
    w = int_attr(attr(img, "width")) or int_attr(attr(img, "data-width"))
    if w is not None and w >= 300:
        return True
    for name, v in img.attrs.items():
        if isinstance(v, str) and name.endswith("srcset") and any(s >= 300 for _, s in parse_srcset(v)):
            return True
    return False


def _in_span(idx: TagIndex, names: Iterable[str], lo: int, hi: int) -> list[int]:
    out: list[int] = []
    for name in names:
        lst = idx.by_name.get(name, [])
        a = bisect.bisect_left(lst, lo)
        b = bisect.bisect_right(lst, hi)
        out.extend(lst[a:b])
    return sorted(out)


def _lazy_element(fig: Tag) -> Tag | None:
    """A lazy-image element (no <img> yet: ``<div data-src=...>``) or a custom image element
    (``<storefront-image src=...>``) inside a figure."""
    for el in fig.find_all(True, limit=30):
        if el.name in ("figcaption", "source"):
            continue
        if any(isinstance(v, str) and (k.endswith("src") or k.endswith("srcset")) and k.startswith("data-")
               for k, v in el.attrs.items()):
            return el
        if "-" in el.name and usable_url(attr(el, "src")):
            return el
    return None


def collect_region_photos(idx: TagIndex, title_el: Tag | None, parts: list[Tag], covered: set[int],
                          have: set[str], base: str, images: list[str] | None = None) -> list[tuple[int, Photo]]:
    """Article photos the body walk did not produce, as (document index, photo) in document order.

    Scope: from the headline (or the body, when the headline comes later) to the end of the last body
    part, plus one hero image just above the headline inside the element holding both headline and body.
    Inside that span an image counts when it is media markup (in a <figure> or <picture>, or in a photo
    box with a caption, or large by its attributes, or above the body and declared as the page's image
    by og:image / JSON-LD) and passes the photo rules (:func:`photo_from_img`).
    ``covered``: ids of elements the walk already turned into photos; ``have``: their URLs.
    """
    if not parts:
        return []
    p0 = idx.pos.get(id(parts[0]))
    plast = idx.pos.get(id(parts[-1]))
    if p0 is None or plast is None:
        return []
    end = idx.end[plast]
    start = p0
    t = idx.pos.get(id(title_el)) if title_el is not None else None
    if t is not None and t < p0:
        start = t
    # the article may go on after the body blocks found (live blogs, bodies cut by widgets): up to the last
    # paragraph of text inside the element holding headline and body
    root = _common_ancestor(title_el, parts[0]) if t is not None and t <= p0 else _article_root(parts[0])
    r = idx.pos.get(id(root)) if root is not None else None
    if root is not None and r is not None and root.name not in ("body", "html", "[document]"):
        end = max(end, _last_paragraph_end(idx, parts[0], end, idx.end[r]))
    # the element the page declares as its article body (itemprop/property="articleBody") holds the
    # article's images, also those after its last paragraph
    body_el = _declared_body(parts[0])
    b = idx.pos.get(id(body_el)) if body_el is not None else None
    text_end = end  # images after the text, up to the declared body's end, must not be in a box of their own
    if b is not None:
        end = max(end, idx.end[b])
    out: list[tuple[int, Photo]] = []
    declared = _declared_keys(images or [], base)

    def accept(i: int, el: Tag, lead: bool) -> bool:
        if i > text_end and body_el is not None and _in_other_block(el, body_el):
            return False  # an author's box, tags or a promotion after the text
        node: Tag | None = el
        for _ in range(8):
            if node is None:
                break
            if id(node) in covered and (node is el or len(node.find_all("img", limit=2)) < 2):
                return False  # the walk's photo (a gallery box it turned into one photo keeps its other images)
            node = node.parent if isinstance(node.parent, Tag) else None
        art = el.find_parent("article")
        if art is not None and not (idx.contains(art, parts[0]) or (title_el is not None and idx.contains(art, title_el))) and (
                art.find(["a", "h2", "h3", "h4"]) is not None or short_text(art, 0) != ""):
            return False  # another article's card (teaser) inside or beside the body; not a bare media <article>
        src, alts = image_urls(el, base)
        if not src or src in have or have.intersection(alts):
            return False
        if el.name == "img":
            in_media = media_root(el).name == "picture" or near_parent(el, ("figure",), 8) is not None
            photo = photo_from_img(el, base, 0, None, lead, (src, alts))
            if photo is None and not lead and _is_declared((src, *alts), declared):
                # the page's structured data lists this image as its own: not a teaser of another page
                photo = photo_from_img(el, base, 0, None, True, (src, alts))
            if photo is None:
                return False
            if not (in_media or photo.caption or photo.credit or _large(el)
                    or (lead and _is_declared((photo.src, *photo.alternatives), declared))
                    or (body_el is not None and any(p is body_el for p in el.parents))):
                return False
        else:
            photo = photo_from_img(el, base, 0, el.find_parent("figure"), lead, (src, alts))
            if photo is None:
                return False
        urls = {photo.src, *photo.alternatives}
        if urls & have:
            return False
        have.update(urls)
        out.append((i, photo))
        return True

    for i in _in_span(idx, ("img",), start, end):
        accept(i, idx.tags[i], i < p0)
    for i in _in_span(idx, ("figure",), start, end):
        fig = idx.tags[i]
        if fig.find("img") is None:
            lazy = _lazy_element(fig)
            if lazy is not None:
                accept(idx.pos[id(lazy)], lazy, i < p0)
    # hero: the nearest media above the headline (or above the body when no headline was found), inside
    # the element that holds both (or the body's <article>/<main>)
    anchor = t if t is not None and t <= p0 else p0
    if root is not None and root.name not in ("article", "main"):
        root = _article_root(root) or root
        r = idx.pos.get(id(root))
    if root is not None and r is not None and root.name not in ("body", "html", "[document]"):
        for i in reversed(_in_span(idx, ("img", "figure"), r, anchor)):
            el = idx.tags[i]
            if el.name == "figure":  # a figure whose image is a lazy or custom element (no <img>)
                lazy = _lazy_element(el) if el.find("img") is None else None
                if lazy is not None and accept(idx.pos[id(lazy)], lazy, True):
                    break
                continue
            if el.find_parent(["figure", "picture"]) is None and not _large(el) and not declared:
                continue
            if accept(i, el, True):
                break
    if declared[0] and not _is_declared(have, declared):
        # the page's declared image (og:image / JSON-LD) is not among its photos yet: shown in a figure
        # (or as a large image) anywhere before the end of the body, it is the lead photo
        for i in _in_span(idx, ("figure", "img"), 0, end):
            fig = idx.tags[i]
            if fig.name == "img":
                el: Tag | None = fig if _large(fig) and fig.find_parent("figure") is None else None
            else:
                el = fig.find("img") or _lazy_element(fig)
            if el is None or idx.pos.get(id(el)) is None:
                continue
            src, alts = image_urls(el, base)
            if src and _is_declared((src, *alts), declared) and accept(idx.pos[id(el)], el, True):
                break
    out.sort(key=lambda x: x[0])
    return out


def _last_paragraph_end(idx: TagIndex, first_part: Tag, lo: int, hi: int) -> int:
    """The end index of the last text paragraph (>= 80 characters, mostly unlinked, not in another
    article's card) between ``lo`` and ``hi``; ``lo`` when there is none. Scans backwards, so only the
    trailing paragraphs are read."""
    for i in reversed(_in_span(idx, ("p",), lo + 1, hi)):
        p = idx.tags[i]
        if short_text(p, 79) is not None:  # under 80 characters
            continue
        text_len = len(p.get_text(" ", strip=True))
        linked = sum(len(a.get_text(" ", strip=True)) for a in p.find_all("a"))
        if linked > text_len * 0.5:
            continue
        art = near_parent(p, ("article",), 30)
        if art is not None and not idx.contains(art, first_part):
            continue
        return max(lo, idx.end[i])
    return lo


def _in_other_block(el: Tag, body_el: Tag) -> bool:
    """Below ``body_el``, ``el`` sits in a block with a name of its own role (an author's box, tags,
    related stories, a promotion): not the article's picture."""
    node = el.parent
    while isinstance(node, Tag) and node is not body_el:
        tokens = classes_and_id(node)
        if tokens and (NEGATIVE_TOKEN_RE.search(tokens) or _ROLE_BLOCK_RE.search(tokens)):
            return True
        node = node.parent
    return False


_ROLE_BLOCK_RE = re.compile(r"author|writer|bio|about|profile|avatar|tags?\b|topic|icon|logo", re.I)


def _declared_body(el: Tag) -> Tag | None:
    """The element marked itemprop/property="articleBody" holding ``el`` (or ``el`` itself), if any."""
    for node in (el, *el.parents):
        if not isinstance(node, Tag):
            return None
        if "articleBody" in (attr(node, "itemprop"), attr(node, "property")):
            return node
        if node.name in ("article", "main", "body"):
            return None
    return None


def _article_root(el: Tag) -> Tag | None:
    """The nearest <article>/<main> above ``el`` (four levels at most), else its parent."""
    node = el.parent
    for _ in range(4):
        if not isinstance(node, Tag) or node.name in ("body", "html"):
            break
        if node.name in ("article", "main"):
            return node
        node = node.parent
    return el.parent if isinstance(el.parent, Tag) else None


def _common_ancestor(a: Tag, b: Tag) -> Tag | None:
    ids = {id(p) for p in a.parents}
    for p in b.parents:
        if id(p) in ids:
            return p
    return None


def _declared_keys(images: list[str], base: str) -> tuple[set[str], set[str]]:
    paths: set[str] = set()
    names: set[str] = set()
    for u in images:
        if usable_url(u):
            path, name = _image_key(absolute_url(u, base))
            paths.add(path)
            if len(name) >= 16 and "." in name:
                names.add(name)
    return paths, names


def _is_declared(urls: Iterable[str], declared: tuple[set[str], set[str]]) -> bool:
    """One of ``urls`` is a declared image (same path, or same distinctive file name)."""
    for u in urls:
        path, name = _image_key(u)
        if path in declared[0] or name in declared[1]:
            return True
    return False


def _image_key(url: str) -> tuple[str, str]:
    """(path without query, file name) of an image URL, lowercased, for "same image" comparisons."""
    path = url.split("#", 1)[0].split("?", 1)[0].lower()
    path = re.sub(r"^[a-z]+://[^/]+", "", path)
    return path, path.rstrip("/").rsplit("/", 1)[-1]


def add_structured_alternatives(photos: list[Photo], images: list[str], base: str) -> None:
    """The page's declared images (og:image, twitter:image, JSON-LD image) are other versions of the photo
    they show: a photo whose URL has the same path, or the same distinctive file name, gets them as
    alternatives."""
    if not images or not photos:
        return
    declared = [(absolute_url(u, base), _image_key(absolute_url(u, base))) for u in images if usable_url(u)]
    for photo in photos:
        keys = [_image_key(u) for u in (photo.src, *photo.alternatives)]
        paths = {k[0] for k in keys}
        names = {k[1] for k in keys if len(k[1]) >= 16 and "." in k[1]}
        for url, (path, name) in declared:
            if url == photo.src or url in photo.alternatives:
                continue
            if path in paths or name in names:
                photo.alternatives.append(url)


def add_structured_info(photos: list[Photo], info: dict[str, tuple[str | None, str | None]], base: str) -> None:
    """A photo without caption/credit takes them from the JSON-LD ImageObject of the same image."""
    if not info or not photos:
        return
    by_key: dict[str, tuple[str | None, str | None]] = {}
    for url, cc in info.items():
        path, name = _image_key(absolute_url(url, base))
        by_key.setdefault(path, cc)
        if len(name) >= 16 and "." in name:
            by_key.setdefault(name, cc)
    for photo in photos:
        if photo.caption and photo.credit:
            continue
        for u in (photo.src, *photo.alternatives):
            path, name = _image_key(u)
            cc = by_key.get(path) or by_key.get(name)
            if cc:
                caption, credit = split_caption_credit(cc[0]) if cc[0] else (None, None)
                photo.caption = photo.caption or caption
                photo.credit = photo.credit or credit or (clean_photo_credit(cc[1]) if cc[1] else None)
                break


def add_article_photos(idx: TagIndex, title_el: Tag | None, parts: list[Tag], result: BodyResult, base: str,
                       st: Structured | None = None) -> None:
    """Add :func:`collect_region_photos` to a body result: each new photo goes before the first block that
    comes after it in the document; positions are renumbered. Then the page's structured data completes
    them: declared image URLs become alternatives (:func:`add_structured_alternatives`), JSON-LD
    ImageObject captions/credits fill gaps (:func:`add_structured_info`)."""
    images = st.images if st is not None else []
    covered: set[int] = set()
    have: set[str] = set()
    for b in result.blocks:
        if b.photo is not None:
            if b.el is not None:
                covered.add(id(b.el))
            have.add(b.photo.src)
            have.update(b.photo.alternatives)
    added = collect_region_photos(idx, title_el, parts, covered, have, base, images)
    if added:
        ordered: list[Block] = []
        k = 0
        for b in result.blocks:
            pos = idx.pos.get(id(b.el)) if b.el is not None else None
            while pos is not None and k < len(added) and added[k][0] < pos:
                ordered.append(Block(kind="photo", photo=added[k][1], el=idx.tags[added[k][0]]))
                k += 1
            ordered.append(b)
        ordered.extend(Block(kind="photo", photo=p, el=idx.tags[i]) for i, p in added[k:])
        set_blocks(result, ordered)
    add_structured_alternatives(result.photos, images, base)
    if st is not None:
        add_structured_info(result.photos, st.image_info, base)
