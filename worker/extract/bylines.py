"""Writers named near the headline when no byline selector matched: a short "By …" line between the
headline and the text (with the names of the writers' page links it holds), else links to writers'
pages ("/author/…", "/by/…", rel=author) between the headline and the text."""

from __future__ import annotations

import re

from bs4 import Tag

from worker.extract.dom import TagIndex, attr, classes_and_id, is_text_paragraph, node_text, short_text
from worker.extract.selectors import AUTHOR_PATH_RE, OTHER_STORIES_RE
from worker.extract.text import BY_RE, LINK_LABEL_WORDS, NAME_PARTICLES, looks_like_names

_BEFORE_BODY = 80  # elements before the body's start searched when the headline is not above it
_INTO_BODY = 40  # elements of the body's start searched for a "By" line (a byline heading the text)
_MAX_NAMES = 10
_MAX_SUBTREE = 60  # a "By" line is a small element: larger ones are not read
_BY_LINE_TAGS = frozenset({"p", "div", "span", "li", "address"})


def _name_like(text: str) -> bool:
    """A link text that is a name: one to six words with letters, no digits, at most 60 characters, no
    word of a link label ("More stories", "View all posts")."""
    words = text.split()
    return (0 < len(words) <= 6 and len(text) <= 60 and not any(c.isdigit() for c in text)
            and any(c.isalpha() for c in text)
            and not any(w.casefold().strip(".:,") in LINK_LABEL_WORDS for w in words))


def search_window(idx: TagIndex, title_el: Tag | None, container: Tag | None) -> tuple[int, int, int] | None:
    """(first, body start, last) element indexes searched: from just after the headline (or some
    elements before the body when the headline is not above it) to a little into the body."""
    start = idx.pos.get(id(container)) if container is not None else None
    t = idx.pos.get(id(title_el)) if title_el is not None else None
    if start is None:
        return None if t is None else (idx.end[t] + 1, len(idx.tags), idx.end[t] + 1 + _BEFORE_BODY)
    if t is not None and start < t <= idx.end[start]:
        # the headline heads the container (the NYT's header: headline, photo, byline, then the text):
        # from the headline on, as if the body began there
        lo = idx.end[t] + 1
        return lo, lo, min(idx.end[start], lo + _BEFORE_BODY)
    lo = idx.end[t] + 1 if t is not None and t < start else max(0, start - _BEFORE_BODY)
    return lo, start, min(idx.end[start], start + _INTO_BODY)


def _in_box(el: Tag) -> bool:
    """``el`` sits in a list of other stories, a menu, an aside or a footer."""
    node: Tag | None = el
    for _ in range(6):
        if not isinstance(node, Tag) or node.name in ("article", "main", "body", "html"):
            return False
        if node.name in ("nav", "aside", "footer"):
            return True
        tokens = classes_and_id(node)
        if tokens and OTHER_STORIES_RE.search(tokens):
            return True
        node = node.parent
    return False


def _mentioned(a: Tag, name: str) -> bool:
    """The link is a mention in a sentence ("As our colleague <a>Jane Roe</a> reported …"), not a byline:
    its paragraph says more than the name and does not start with "By"."""
    p = a.find_parent("p")
    if p is None:
        return False
    text = short_text(p, 300)
    return text is None or (len(text) > len(name) + 20 and not BY_RE.match(text))


def is_writer_link(a: Tag) -> bool:
    """A link to a writer's page: rel=author or a writer path ("/author/jane-doe", "/profile/sam-levin")."""
    return "author" in attr(a, "rel").lower().split() or bool(AUTHOR_PATH_RE.search(attr(a, "href").split("?", 1)[0]))


def _writer_link(el: Tag) -> str | None:
    """The name of a link to a writer's page, or None."""
    if not is_writer_link(el):
        return None
    text = node_text(el)
    return text if _name_like(text) else None


_MAX_CO_WRITERS = 8


def co_writers(el: Tag) -> str | None:
    """The writers of the line holding a writer's link and its co-writers' ("<a rel=author>Julia Carrie
    Wong</a> and <a rel=author>Sam Levin</a>", the Guardian) when a byline selector matched the first
    link alone; None unless the line links two writers' pages or more, and only those."""
    if el.name != "a" or not isinstance(el.parent, Tag):
        return None
    links = el.parent.find_all("a", limit=_MAX_CO_WRITERS + 1)
    if len(links) > _MAX_CO_WRITERS or not all(is_writer_link(a) for a in links):
        return None
    writers: dict[str, str] = {}  # a writer's page -> the name on its first link ("RSS", "Contact" follow)
    for a in links:
        page = attr(a, "href").split("?", 1)[0].split("#", 1)[0].rstrip("/").lower()
        page = re.sub(r"/(?:feed|rss|contact|posts?)$", "", page)
        name = node_text(a)
        if name and page not in writers:
            writers[page] = name
    names = list(dict.fromkeys(writers.values()))
    return ", ".join(names) if len(names) >= 2 else None


def byline_near_headline(idx: TagIndex, title_el: Tag | None, container: Tag | None) -> str | None:
    """The writers between the headline and the first lines of the text, as a byline: a "By"/"Von"/
    "Por" line (the names of its writer links when it has some), else the names of links to writers'
    pages before the text, outside lists of other stories."""
    win = search_window(idx, title_el, container)
    if win is None:
        return None
    lo, body_start, hi = win
    names: list[str] = []
    by_el: Tag | None = None
    by_line: str | None = None
    by_end = -1
    text_began = False  # the body's first paragraph of prose is passed: its links are mentions
    for i in range(lo, min(hi, len(idx.tags))):
        el = idx.tags[i]
        if i >= body_start and not text_began and is_text_paragraph(el):
            text_began = True
        if el.name == "a":
            if text_began and i > by_end:
                continue  # in the text only as part of a "By" line (not "as our colleague … reported")
            name = _writer_link(el)
            if name and name not in names and not _in_box(el) and not _mentioned(el, name):
                names.append(name)
                if len(names) >= _MAX_NAMES:
                    break
        elif (by_line is None or i <= by_end) and el.name in _BY_LINE_TAGS and idx.end[i] - i <= _MAX_SUBTREE:
            text = short_text(el, 300)  # (its count includes the markup's runs of spaces)
            if (text and len(text) <= 100 and BY_RE.match(text) and looks_like_names(names_of_by_line(text))
                    and not _in_box(el)):
                by_el, by_line, by_end = el, text, idx.end[i]
    if by_el is not None:
        linked = [n for n in (_writer_link(a) for a in by_el.find_all("a", limit=_MAX_NAMES)) if n]
        return ", ".join(dict.fromkeys(linked)) if linked else names_of_by_line(by_line or "")
    return ", ".join(names) if names else None


def names_of_by_line(line: str) -> str:
    """A "By" line cut to its names: what follows the first comma is the writer's title, outlet, place
    or date ("By Nada Tawfik, BBC News, New York"), unless the names before it form a list that ends in
    "and" ("By Marc Santora, William K. Rashbaum, Al Baker and Adam Goldman, Reuters")."""
    by = BY_RE.match(line)
    prefix = by.group(0) if by else ""  # kept: "By TPN" names the agency as the writer
    chunks = [c.strip() for c in line[len(prefix):].split(",")]
    last_and = max((k for k, c in enumerate(chunks) if _AND_RE.search(c)), default=0)
    if last_and > 0:
        listed = [p for c in chunks[: last_and + 1] for p in _AND_RE.split(c) if p.strip()]
        if all(_full_name(n) for n in listed):
            return prefix + ", ".join(chunks[: last_and + 1])
    return prefix + chunks[0]


_AND_RE = re.compile(r"\s+(?:and|und|et|y|e|og|och|en)\s+|\s*&\s*", re.I)


def _full_name(text: str) -> bool:
    """Two to four words, each capitalised or a name particle ("van", "de"), no digits."""
    words = text.strip().split()
    return (2 <= len(words) <= 4 and not any(c.isdigit() for c in text)
            and all(w[:1].isupper() or w.casefold() in NAME_PARTICLES for w in words))
