"""Field-by-field comparison of an extracted article with hand-labelled expectations.

Reusable: it takes the ``Article.to_dict()`` shape only (e.g. rows read back from the database and
turned into that dict), and the ``expected`` block of a ``*.expected.json`` file (the whole file is
accepted too). Both sides are normalised by the labelling conventions: whitespace collapsed,
NBSP -> space, U+FEFF removed, Unicode NFC.

Public helpers:
    FIELDS                       the field names compare_fields may report
    normalize(text)              the shared normalisation
    compare_fields(article, expected) -> {field: (ok, message)}
    failed_fields(results)       names of the fields that failed
    expected_from_fundus(entry)  convert a fundus ``expected`` entry to the hand-labelled shape
"""

from __future__ import annotations

import re
import unicodedata
from datetime import datetime
from typing import Any

FIELDS: tuple[str, ...] = (
    "title", "lead", "photos", "captions", "credits", "authors", "published", "body", "category",
)

_WS = re.compile(r"\s+")
_INVISIBLE = re.compile("[\u200b\u200c\u200d\u2060\ufeff\u00ad]")


def normalize(text: Any) -> str:
    """NFC, NBSP -> space, U+FEFF/zero-width removed, whitespace collapsed, stripped. None -> ''."""
    if text is None:
        return ""
    s = _INVISIBLE.sub("", str(text)).replace("\xa0", " ")
    s = unicodedata.normalize("NFC", s)
    return _WS.sub(" ", s).strip()


def _opt(text: Any) -> str | None:
    out = normalize(text)
    return out or None


def _short(s: Any, n: int = 90) -> str:
    t = normalize(s)
    return t if len(t) <= n else t[: n - 1] + "…"


def _parse_dt(value: Any) -> datetime | None:
    if not value:
        return None
    s = str(value).strip().replace(" ", "T", 1) if re.match(r"\d{4}-\d\d-\d\d \d", str(value)) else str(value)
    s = s.replace("Z", "+00:00")
    try:
        return datetime.fromisoformat(s)
    except ValueError:
        return None


def _offset(value: str) -> str | None:
    m = re.search(r"([+-]\d\d:\d\d|Z)$", value.strip())
    return m.group(1) if m else None


def _photo_urls(p: dict[str, Any], alt_key: str) -> set[str]:
    urls = {normalize(p.get("src"))}
    urls.update(normalize(u) for u in (p.get(alt_key) or []))
    urls.discard("")
    return urls


def _unwrap(expected: dict[str, Any]) -> dict[str, Any]:
    inner = expected.get("expected")
    return inner if isinstance(inner, dict) else expected


def compare_fields(article: dict[str, Any], expected: dict[str, Any]) -> dict[str, tuple[bool, str]]:
    """Compare ``article`` (Article.to_dict() shape) with ``expected``; only labelled fields are reported."""
    exp = _unwrap(expected)
    out: dict[str, tuple[bool, str]] = {}

    for key in ("title", "lead"):
        if key in exp:
            want, got = _opt(exp[key]), _opt(article.get(key))
            out[key] = (want == got, "ok" if want == got else f"expected {_short(want)!r}, got {_short(got)!r}")

    if "photos" in exp:
        want_photos: list[dict[str, Any]] = list(exp["photos"] or [])
        got_photos: list[dict[str, Any]] = list(article.get("photos") or [])
        forbidden = {normalize(u) for u in exp.get("photos_must_not_include") or []}
        problems: list[str] = []
        if len(want_photos) != len(got_photos):
            problems.append(f"count: expected {len(want_photos)}, got {len(got_photos)}")
        for i, (w, g) in enumerate(zip(want_photos, got_photos, strict=False)):
            w_src, g_src = normalize(w.get("src")), normalize(g.get("src"))
            if g_src not in _photo_urls(w, "src_alternatives") and w_src not in _photo_urls(g, "alternatives"):
                problems.append(f"photo {i}: expected src {_short(w_src, 70)!r}, got {_short(g_src, 70)!r}")
        for g in got_photos:
            if normalize(g.get("src")) in forbidden:
                problems.append(f"forbidden photo {_short(g.get('src'), 70)!r}")
        out["photos"] = (not problems, "; ".join(problems) or "ok")

        for field, key in (("captions", "caption"), ("credits", "credit")):
            problems = []
            if len(want_photos) != len(got_photos):
                problems.append("photo count differs")
            for i, (w, g) in enumerate(zip(want_photos, got_photos, strict=False)):
                wv, gv = _opt(w.get(key)), _opt(g.get(key))
                if wv != gv:
                    problems.append(f"photo {i}: expected {_short(wv, 60)!r}, got {_short(gv, 60)!r}")
            out[field] = (not problems, "; ".join(problems) or "ok")

    if "authors" in exp:
        want_a = {normalize(a).casefold() for a in exp["authors"] or [] if normalize(a)}
        got_a = {normalize(a).casefold() for a in article.get("authors") or [] if normalize(a)}
        out["authors"] = (want_a == got_a, "ok" if want_a == got_a else f"expected {sorted(want_a)}, got {sorted(got_a)}")

    if "published" in exp:
        want_s = normalize(exp["published"])
        got_s = normalize(article.get("published"))
        wdt, gdt = _parse_dt(want_s), _parse_dt(got_s)
        if wdt is None:
            ok = not got_s
            msg = "ok" if ok else f"expected no date, got {got_s!r}"
        elif gdt is None or gdt.tzinfo is None:
            ok, msg = False, f"expected {want_s!r}, got {got_s!r}"
        else:
            same = wdt == gdt
            same_offset = _offset(want_s) == _offset(got_s)
            ok = same and same_offset
            msg = "ok" if ok else f"expected {want_s!r}, got {got_s!r}"
        out["published"] = (ok, msg)

    body_keys = ("body_first_sentence", "body_last_sentence", "body_must_contain", "body_must_not_contain",
                 "body_first_heading")
    if any(k in exp for k in body_keys):
        body = article.get("body") or ""
        lines = [normalize(x) for x in body.split("\n") if normalize(x)]
        flat = normalize(body)
        problems = []
        first, last = _opt(exp.get("body_first_sentence")), _opt(exp.get("body_last_sentence"))
        heading = _opt(exp.get("body_first_heading"))
        if heading and (not lines or lines[0] != heading):
            problems.append(f"first line is not the heading {_short(heading, 50)!r}")
        if first and not any(first in ln for ln in lines[:3]):
            problems.append(f"first sentence missing near the start: {_short(first, 60)!r}"
                            + (" (present later)" if first in flat else ""))
        if last and not (lines and last in lines[-1]):
            problems.append(f"last sentence not at the end: {_short(last, 60)!r}"
                            + (f" (last line: {_short(lines[-1], 60)!r})" if lines else ""))
        for s in exp.get("body_must_contain") or []:
            if normalize(s) not in flat:
                problems.append(f"missing {_short(s, 50)!r}")
        for s in exp.get("body_must_not_contain") or []:
            if normalize(s) and normalize(s) in flat:
                problems.append(f"must not contain {_short(s, 50)!r}")
        out["body"] = (not problems, "; ".join(problems) or "ok")

    if "category_path" in exp or "category" in exp:
        want_c = [normalize(c) for c in (exp.get("category_path") or exp.get("category") or [])]
        got_c = [normalize(c) for c in article.get("category") or []]
        out["category"] = (want_c == got_c, "ok" if want_c == got_c else f"expected {want_c}, got {got_c}")
    return out


def failed_fields(results: dict[str, tuple[bool, str]]) -> list[str]:
    return [k for k, (ok, _) in results.items() if not ok]


def expected_from_fundus(entry: dict[str, Any]) -> dict[str, Any]:
    """fundus ``expected`` (title, authors, publishing_date, body{summary, sections}, images) -> our shape.

    fundus paragraphs may include caption lines ("… Ảnh: X"); those are left out of the body checks.
    The largest version of each image is ``src``; the other versions are ``src_alternatives``.
    """
    e = _unwrap(entry)
    body = e.get("body") or {}
    paragraphs = [normalize(p) for sec in body.get("sections") or [] for p in sec.get("paragraphs") or []]
    captions = set()
    photos = []
    for img in e.get("images") or []:
        versions = img.get("versions") or []
        urls = [v.get("url") for v in versions if v.get("url")]
        if not urls:
            continue
        credit = ", ".join(img.get("authors") or []) or None
        caption = _opt(img.get("caption"))
        if caption:
            captions.add(caption)
        photos.append({"src": urls[0], "src_alternatives": urls[1:], "caption": caption, "credit": credit})
    text_paras = [p for p in paragraphs if not any(p.startswith(c) for c in captions)]
    out: dict[str, Any] = {
        "title": e.get("title"),
        "authors": e.get("authors") or [],
        "photos": photos,
    }
    if body.get("summary"):
        out["lead"] = " ".join(normalize(s) for s in body["summary"])
    if e.get("publishing_date"):
        out["published"] = str(e["publishing_date"]).replace(" ", "T", 1)
    if text_paras:
        out["body_first_sentence"] = text_paras[0]
        out["body_last_sentence"] = text_paras[-1]
        out["body_must_contain"] = text_paras[1:-1]
    return out
