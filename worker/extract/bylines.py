"""Writers named near the headline when no byline selector matched: links to writers' pages
("/author/…", "/by/…", rel=author) and a short "By …" line between the headline and the text."""

from __future__ import annotations

import re

from bs4 import Tag

from worker.extract.dom import TagIndex, attr, node_text
from worker.extract.photos import short_text
from worker.extract.selectors import AUTHOR_PATH_RE
from worker.extract.text import BY_RE

_BEFORE_BODY = 80  # elements before the body's start searched when the headline is not above it
_INTO_BODY = 40  # elements of the body's start searched (a byline heading the text)
_MAX_NAMES = 10


def _name_like(text: str) -> bool:
    """One to six words with letters and no digits, at most 60 characters: a name, not "More stories"."""
    words = text.split()
    return 0 < len(words) <= 6 and len(text) <= 60 and not any(c.isdigit() for c in text) and (
        any(c.isalpha() for c in text))


def _window(idx: TagIndex, title_el: Tag | None, container: Tag | None) -> tuple[int, int] | None:
    start = idx.pos.get(id(container)) if container is not None else None
    t = idx.pos.get(id(title_el)) if title_el is not None else None
    if start is None:
        return None if t is None else (t, t + _BEFORE_BODY)
    lo = t if t is not None and t < start else max(0, start - _BEFORE_BODY)
    return lo, min(idx.end[start], start + _INTO_BODY)


def byline_near_headline(idx: TagIndex, title_el: Tag | None, container: Tag | None) -> str | None:
    """The writers between the headline and the first lines of the text, as a byline: the names of
    links to writers' pages, else the text of a short element starting "By"/"Von"/"Por"…"""
    win = _window(idx, title_el, container)
    if win is None:
        return None
    lo, hi = win
    names: list[str] = []
    by_line: str | None = None
    by_end = -1  # the "By" element's subtree: a deeper one holds the line alone ("By <span>Name</span>")
    for i in range(lo, min(hi, len(idx.tags))):
        el = idx.tags[i]
        if el.name == "a":
            href = attr(el, "href")
            if AUTHOR_PATH_RE.search(href.split("?", 1)[0]) or "author" in attr(el, "rel").lower().split():
                text = node_text(el)
                if _name_like(text) and text not in names:
                    names.append(text)
                    if len(names) >= _MAX_NAMES:
                        break
        elif (by_line is None or i <= by_end) and el.name in ("p", "div", "span", "li", "address"):
            if short_text(el, 600) is None:  # (a wrapper of the whole article: not read in full)
                continue
            text = node_text(el)
            if len(text) <= 100 and BY_RE.match(text) and BY_RE.sub("", text)[:1].isupper():
                by_line, by_end = text, idx.end[i]
    if names:
        return ", ".join(names)
    return names_of_by_line(by_line) if by_line else None


_AND_RE = re.compile(r"\s+(?:and|und|et|y|e|og|och|en)\s+|\s*&\s*", re.I)


def _full_name(text: str) -> bool:
    words = text.split()
    return 2 <= len(words) <= 4 and all(w[:1].isupper() for w in words) and not any(c.isdigit() for c in text)


def names_of_by_line(line: str) -> str:
    """A "By" line cut to its names: what follows the first comma is the writer's title, outlet, place
    or date ("By Nada Tawfik, BBC News, New York"), unless the line is a list of full names ending in
    "and" ("By Marc Santora, William K. Rashbaum, Al Baker and Adam Goldman")."""
    by = BY_RE.match(line)
    prefix = by.group(0) if by else ""  # kept: "By TPN" names the agency as the writer
    chunks = [c.strip() for c in line[len(prefix):].split(",")]
    if len(chunks) == 1:
        return line
    last = [p for p in _AND_RE.split(chunks[-1]) if p.strip()]
    names = chunks[:-1] + last
    if _AND_RE.search(chunks[-1]) and all(_full_name(n) for n in names):
        return line
    return prefix + chunks[0]
