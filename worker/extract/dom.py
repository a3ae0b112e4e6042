"""Small DOM helpers shared by the stages (bs4 Tag in, plain values out)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from bs4 import Comment, NavigableString, Tag

from worker.extract.text import normalize_text

BLOCK_TAGS: frozenset[str] = frozenset(
    {"p", "div", "section", "article", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "li", "blockquote",
     "table", "tbody", "thead", "tr", "td", "th", "figure", "figcaption", "pre", "dl", "dt", "dd", "header",
     "footer", "main", "aside", "center", "address", "hr", "br", "caption", "picture"}
)


def node_text(el: Tag | None) -> str:
    """Visible text of ``el``: inline elements joined without spaces, blocks and <br> separated."""
    if el is None:
        return ""
    parts: list[str] = []
    _collect(el, parts)
    return normalize_text("".join(parts))


def _collect(el: Tag, parts: list[str]) -> None:
    for child in el.children:
        if isinstance(child, Comment):
            continue
        if isinstance(child, NavigableString):
            if type(child) is NavigableString:  # skip CData, doctype, processing instructions
                parts.append(str(child))
            continue
        if not isinstance(child, Tag):
            continue
        name = child.name
        if name in ("script", "style", "noscript", "template", "svg"):
            continue
        if name in BLOCK_TAGS:
            parts.append(" ")
            _collect(child, parts)
            parts.append(" ")
        else:
            _collect(child, parts)


def has_descendant(el: Tag, names: frozenset[str]) -> bool:
    """True when ``el`` contains a tag named in ``names`` (a plain walk: bs4's find() builds a filter
    object per call, which dominated the body walk)."""
    for d in el.descendants:
        if type(d) is Tag and d.name in names:
            return True
    return False


def classes_and_id(el: Tag) -> str:
    """Space-joined class list and id of ``el`` (for token regexes)."""
    cls = el.get("class") or []
    if isinstance(cls, str):
        cls = cls.split()
    ident = el.get("id") or ""
    return " ".join([*cls, ident if isinstance(ident, str) else ""]).strip()


def attr(el: Tag, name: str) -> str:
    v = el.get(name)
    if isinstance(v, list):
        return " ".join(v)
    return v or ""


def is_hidden(el: Tag) -> bool:
    style = attr(el, "style").replace(" ", "").lower()
    return "display:none" in style or "visibility:hidden" in style or el.has_attr("hidden")


def link_density(el: Tag, text_len: int | None = None) -> float:
    total = text_len if text_len is not None else len(node_text(el))
    if total <= 0:
        return 1.0 if el.find("a") else 0.0
    linked = sum(len(normalize_text(a.get_text())) for a in el.find_all("a"))
    return min(1.0, linked / total)


# ----------------------------------------------------------------------------- fast selector index
#
# soupsieve walks the whole tree for every selector; with ~60 selectors per page that dominated the
# run time. ``TagIndex`` walks the tree once and answers the small selector dialect used in
# :mod:`selectors`/:mod:`profiles`: descendant chains of ``tag#id.class[attr][attr=v][attr*=v][attr^=v]``.


@dataclass(frozen=True, slots=True)
class _Simple:
    tag: str | None
    ident: str | None
    classes: tuple[str, ...]
    attrs: tuple[tuple[str, str | None, str | None], ...]


def _parse_simple(text: str) -> _Simple:
    tag = None
    ident = None
    classes: list[str] = []
    attrs: list[tuple[str, str | None, str | None]] = []
    i = 0
    m = re.match(r"[a-zA-Z][\w-]*|\*", text)
    if m:
        tag = None if m.group(0) == "*" else m.group(0).lower()
        i = m.end()
    while i < len(text):
        ch = text[i]
        if ch == "#":
            m = re.compile(r"#([\w-]+)").match(text, i)
            if not m:
                raise ValueError(text)
            ident = m.group(1)
        elif ch == ".":
            m = re.compile(r"\.([\w-]+)").match(text, i)
            if not m:
                raise ValueError(text)
            classes.append(m.group(1))
        elif ch == "[":
            m = re.compile(r"\[([\w:-]+)\s*(?:([*^$~]?=)\s*(\"[^\"]*\"|'[^']*'|[^\]]*))?\]").match(text, i)
            if not m:
                raise ValueError(text)
            val = m.group(3)
            if val is not None and val[:1] in "\"'":
                val = val[1:-1]
            attrs.append((m.group(1).lower(), m.group(2), val))
        else:
            raise ValueError(f"unsupported selector: {text!r}")
        i = m.end()
    return _Simple(tag, ident, tuple(classes), tuple(attrs))


@lru_cache(maxsize=512)
def compile_selector(selector: str) -> tuple[_Simple, ...]:
    return tuple(_parse_simple(part) for part in selector.split())


def _attr_ok(el: Tag, name: str, op: str | None, val: str | None) -> bool:
    if not el.has_attr(name):
        return False
    if op is None:
        return True
    v = el.get(name)
    v = " ".join(v) if isinstance(v, list) else (v or "")
    val = val or ""
    if op == "=":
        return v == val
    if op == "*=":
        return val in v
    if op == "^=":
        return v.startswith(val)
    if op == "$=":
        return v.endswith(val)
    if op == "~=":
        return val in v.split()
    return False


def _simple_ok(el: Tag, s: _Simple) -> bool:
    if s.tag is not None and el.name != s.tag:
        return False
    if s.ident is not None and el.get("id") != s.ident:
        return False
    if s.classes:
        cls = el.get("class") or []
        if isinstance(cls, str):
            cls = cls.split()
        if not all(c in cls for c in s.classes):
            return False
    return all(_attr_ok(el, n, op, v) for n, op, v in s.attrs)


class TagIndex:
    """All tags of one parsed document in order, with per-name / per-class / per-attribute lists."""

    def __init__(self, root: Tag) -> None:
        self.tags: list[Tag] = []
        self.pos: dict[int, int] = {}
        self.end: list[int] = []
        self.by_name: dict[str, list[int]] = {}
        self.by_class: dict[str, list[int]] = {}
        self.by_attr: dict[str, list[int]] = {}
        self._build(root)

    def _build(self, root: Tag) -> None:
        for el in root.descendants:
            if not isinstance(el, Tag):
                continue
            i = len(self.tags)
            self.tags.append(el)
            self.end.append(i)
            self.pos[id(el)] = i
            self.by_name.setdefault(el.name, []).append(i)
            for k, v in el.attrs.items():
                self.by_attr.setdefault(k, []).append(i)
                if k == "class":
                    for c in v if isinstance(v, list) else str(v).split():
                        self.by_class.setdefault(c, []).append(i)
        # subtree ends: walk in reverse, propagate each tag's end to its parent
        for i in range(len(self.tags) - 1, -1, -1):
            parent = self.tags[i].parent
            if parent is not None:
                j = self.pos.get(id(parent))
                if j is not None and self.end[i] > self.end[j]:
                    self.end[j] = self.end[i]

    def _candidates(self, s: _Simple) -> list[int]:
        if s.ident is not None:
            return [i for i in self.by_attr.get("id", []) if self.tags[i].get("id") == s.ident]
        if s.classes:
            return self.by_class.get(s.classes[0], [])
        if s.attrs:
            name, op, val = s.attrs[0]
            if name == "class" and op is not None and val and not any(ch.isspace() for ch in val):
                return self._class_candidates(val)
            return self.by_attr.get(name, [])
        if s.tag is not None:
            return self.by_name.get(s.tag, [])
        return list(range(len(self.tags)))

    def _class_candidates(self, val: str) -> list[int]:
        """The tags with a class name holding ``val``: a superset of those a ``[class*=val]`` (``^=``,
        ``$=``, ``=``, ``~=``) test on the class attribute can match when ``val`` has no space, so the
        test runs on a few tags instead of every tag with a class."""
        lists = [ids for c, ids in self.by_class.items() if val in c]
        if len(lists) == 1:
            return lists[0]
        return sorted({i for ids in lists for i in ids})

    def select(self, selector: str, root: Tag | None = None, limit: int = 0) -> list[Tag]:
        try:
            parts = compile_selector(selector)
        except ValueError:
            return []
        lo, hi = 0, len(self.tags) - 1
        if root is not None:
            r = self.pos.get(id(root))
            if r is None:
                return []
            lo, hi = r + 1, self.end[r]
        out: list[Tag] = []
        last = parts[-1]
        for i in self._candidates(last):
            if i < lo or i > hi:
                continue
            el = self.tags[i]
            if not _simple_ok(el, last):
                continue
            if len(parts) > 1 and not self._ancestors_ok(el, parts[:-1], root):
                continue
            out.append(el)
            if limit and len(out) >= limit:
                break
        return out

    def _ancestors_ok(self, el: Tag, parts: tuple[_Simple, ...], root: Tag | None) -> bool:
        k = len(parts) - 1
        node = el.parent
        while node is not None and k >= 0:
            if root is not None and node is root:
                return False
            if isinstance(node, Tag) and _simple_ok(node, parts[k]):
                k -= 1
            node = node.parent
        return k < 0

    def select_first(self, selectors: tuple[str, ...], root: Tag | None = None) -> Tag | None:
        for sel in selectors:
            found = self.select(sel, root, limit=1)
            if found:
                return found[0]
        return None

    def select_all(self, selectors: tuple[str, ...], root: Tag | None = None, limit: int = 5) -> list[Tag]:
        out: list[Tag] = []
        for sel in selectors:
            out.extend(self.select(sel, root, limit=limit))
        return out

    def contains(self, outer: Tag, inner: Tag) -> bool:
        a = self.pos.get(id(outer))
        b = self.pos.get(id(inner))
        if a is None or b is None:
            return False
        return a <= b <= self.end[a]


_SECOND_LEVEL = frozenset({"co", "com", "org", "net", "ac", "gov", "edu", "or", "ne", "go"})


def registered_name(host: str) -> str:
    """The host's registered name, without the public suffix: "nytimes" for www.nytimes.com, "bbc" for
    www.bbc.co.uk, "yahoo" for news.yahoo.com ('' for an empty host)."""
    labels = [x for x in host.lower().removeprefix("www.").split(".") if x]
    if len(labels) >= 3 and labels[-2] in _SECOND_LEVEL and len(labels[-1]) == 2:
        return labels[-3]
    return labels[-2] if len(labels) >= 2 else (labels[0] if labels else "")


def is_text_paragraph(el: Tag) -> bool:
    """A <p> of 80 characters or more: prose, where a page's text has begun (not a byline or date line)."""
    return el.name == "p" and short_text(el, 79) is None


def short_text(el: Tag, limit: int) -> str | None:
    """The text of ``el`` when it has at most ``limit`` characters, else None (stops reading early)."""
    n = 0
    parts: list[str] = []
    for s in el.strings:
        if type(s) is not NavigableString:
            continue
        n += len(s.strip())
        if n > limit:
            return None
        parts.append(str(s))
    return normalize_text(" ".join(parts))
