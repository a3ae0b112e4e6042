"""Extraction benchmark: newsingest vs trafilatura (body) vs lxml parse (speed floor) on the shared corpus.

Run from the repo root:

    .venv/bin/python benchmarks/extraction.py            # full run, table + acceptance checks
    .venv/bin/python benchmarks/extraction.py --origin fundus --pages 30 --dump /tmp/x.jsonl

Reads ``../shared/corpus`` relative to the repo root (benchmark only: the product never reads it).

Ground truth and scoring, per origin
------------------------------------
* title: exact match after whitespace normalisation (NFC, NBSP, runs of spaces collapsed; characters that
  show nothing removed: BOM, zero-width spaces and joiners, word joiner, soft hyphen).
* lead: token F1 (``\\w+`` tokens, casefolded multisets). GT = fundus ``body.summary`` joined, the hand
  labelled ``lead``, postlight ``dek`` (when not empty). fundus summary *counts as the lead*: it is
  scored against our ``lead`` field here, and it is part of the main text for body F1 (below).
* body F1: the article-extraction-benchmark metric (scrapinghub): tokens ``\\w+``, multisets of 4-token
  shingles, per-page tp/fp/fn normalised to sum to 1, precision and recall per page (empty prediction:
  P = 0; both empty: 1), P and R averaged over pages, F1 from the two means. Our text = ``lead`` +
  ``body`` (the article's main text; trafilatura has no lead field, so both tools are scored on the
  same thing). GT text:
    - fundus: ``summary`` + every section's headline + paragraphs;
    - mozilla-readability: the text of ``expected.html.gz`` (block elements on their own lines);
    - trafilatura-eval and the hand-labelled Vietnamese pages: snippet GT. Each ``with`` snippet
      (VN: first/last sentence + ``body_must_contain``) found in the normalised text is a tp, missing
      a fn; each ``without`` snippet (VN: ``body_must_not_contain``) found is a fp. tp/fp/fn are
      normalised and P/R computed per page exactly as for shingles, so these pages join the means.
    - postlight: ``content_first_words`` only; reported as "first words" (share of pages whose
      text starts, within its first 60 words, with those words), not in body F1.
* authors: set F1 per page (casefolded names; GT strings split on , ; & | "and" "und" "y"; a leading
  "By"/"Von"/"Por" removed), averaged over pages with labelled authors (both empty = 1).
* published: same instant to the minute (GT with a time), or same calendar date (date-only GT, in
  our value's own offset); pages without a GT date are not counted.
* photos (fundus + hand-labelled VN): a predicted photo matches a GT image when its src or one of its
  alternatives equals one of the GT versions' URLs (HTML-unescaped; scheme ignored). Micro P/R over
  all photos. caption / credit accuracy: over matched photos, normalised equality (trailing
  punctuation ignored; credits compared as casefolded name sets, GT credit = fundus image ``authors``).
  Also printed (info, not a check): recall over *distinct* GT images, since some fundus GT lists the
  same image twice on a page (a carousel and its lightbox) and one photo can match only one entry.
* pages/s: total pages / total wall time for each tool on the same decoded strings, one process,
  pages in manifest order, the tools taking turns on each page (so that the machine's speed drifting
  during the run weighs on all of them alike). The lxml parse alone (``lxml.html.document_fromstring``)
  is the floor.
"""

from __future__ import annotations

import argparse
import gc
import gzip
import html as htmllib
import json
import re
import statistics
import sys
import time
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
CORPUS = (ROOT / ".." / "shared" / "corpus").resolve()
sys.path.insert(0, str(ROOT / "tests" / "extraction"))
sys.path.insert(0, str(ROOT))

from expectations import compare_fields, failed_fields  # noqa: E402

from worker.extract import extract_article  # noqa: E402

ORIGIN_SHORT = {
    "fundus": "fundus",
    "mozilla/readability": "readability",
    "adbar/trafilatura": "trafilatura-eval",
    "postlight/parser": "postlight",
    "meth04/tracking_news-mcp": "vietnamese",
    "adbar/htmldate": "vietnamese",
}
BODY_TARGET_ORIGINS = ("fundus", "readability", "trafilatura-eval")

# ----------------------------------------------------------------------------- text helpers

_WS = re.compile(r"\s+")
_TOKEN_RE = re.compile(r"\w+", re.UNICODE)


# characters that show nothing: BOM, zero-width space and joiners, word joiner, soft hyphen
_INVISIBLE_RE = re.compile("[\ufeff\u200b\u200c\u200d\u2060\xad]")


def norm(text: Any) -> str:
    if text is None:
        return ""
    s = _INVISIBLE_RE.sub("", str(text)).replace("\xa0", " ")
    s = unicodedata.normalize("NFC", htmllib.unescape(s) if "&" in s else s)
    return _WS.sub(" ", s).strip()


def tokens(text: str) -> list[str]:
    return _TOKEN_RE.findall(text or "")


def shingles(text: str, n: int = 4) -> Counter:
    toks = tokens(text)
    return Counter(tuple(toks[i:i + n]) for i in range(0, max(1, len(toks) - n + 1)) if toks[i:i + n])


def shingle_tp_fp_fn(true: str, pred: str) -> tuple[float, float, float]:
    t, p = shingles(true), shingles(pred)
    tp = fp = fn = 0.0
    for k in t.keys() | p.keys():
        a, b = t.get(k, 0), p.get(k, 0)
        tp += min(a, b)
        fp += max(0, b - a)
        fn += max(0, a - b)
    s = tp + fp + fn
    return (tp / s, fp / s, fn / s) if s else (0.0, 0.0, 0.0)


def snippet_tp_fp_fn(with_: list[str], without: list[str], pred: str) -> tuple[float, float, float]:
    text = norm(pred).casefold()
    w = [norm(x).casefold() for x in with_ if norm(x)]
    wo = [norm(x).casefold() for x in without if norm(x)]
    tp = sum(1 for s in w if s in text)
    fn = len(w) - tp
    fp = sum(1 for s in wo if s in text)
    s = tp + fp + fn
    return (tp / s, fp / s, fn / s) if s else (0.0, 0.0, 0.0)


def precision(tp: float, fp: float, fn: float) -> float:
    if fp == fn == 0:
        return 1.0
    if tp == fp == 0:
        return 0.0
    return tp / (tp + fp)


def recall(tp: float, fp: float, fn: float) -> float:
    if fp == fn == 0:
        return 1.0
    if tp == fn == 0:
        return 0.0
    return tp / (tp + fn)


def f1(p: float, r: float) -> float:
    return 2 * p * r / (p + r) if p + r else 0.0


def token_f1(a: str, b: str) -> float:
    ta, tb = Counter(t.casefold() for t in tokens(a)), Counter(t.casefold() for t in tokens(b))
    if not ta and not tb:
        return 1.0
    common = sum((ta & tb).values())
    if not common:
        return 0.0
    p, r = common / sum(tb.values()), common / sum(ta.values())
    return f1(p, r)


_NAME_SPLIT = re.compile(r"\s*(?:,|;|&|\||\band\b|\bund\b|\by\b|\bet\b|\bvà\b)\s*", re.I)


def split_names(value: Any) -> set[str]:
    items = value if isinstance(value, list) else [value]
    out: set[str] = set()
    for it in items:
        s = norm(it)
        if not s:
            continue
        s = re.sub(r"^(?:by|von|por|par|de)\s+", "", s, flags=re.I)
        for part in _NAME_SPLIT.split(s):
            part = part.strip(" .:-–—").casefold()
            if part:
                out.add(part)
    return out


def set_f1(want: set[str], got: set[str]) -> float:
    if not want and not got:
        return 1.0
    common = len(want & got)
    if not common:
        return 0.0
    return f1(common / len(got), common / len(want))


def parse_dt(value: Any) -> tuple[datetime | None, bool]:
    """(datetime, has_time)."""
    s = norm(value)
    if not s:
        return None, False
    s = s.replace("Z", "+00:00")
    if re.match(r"^\d{4}-\d\d-\d\d$", s):
        try:
            return datetime.fromisoformat(s), False
        except ValueError:
            return None, False
    if re.match(r"^\d{4}-\d\d-\d\d \d", s):
        s = s.replace(" ", "T", 1)
    try:
        return datetime.fromisoformat(s), True
    except ValueError:
        return None, False


def same_published(want: Any, got: Any) -> bool | None:
    w, has_time = parse_dt(want)
    if w is None:
        return None
    g, _ = parse_dt(got)
    if g is None:
        return False
    if not has_time:
        return g.date() == w.date()
    if w.tzinfo is None or g.tzinfo is None:
        # a GT without offset is a wall-clock time: compare the wall clocks
        return w.replace(tzinfo=None, second=0, microsecond=0) == g.replace(tzinfo=None, second=0, microsecond=0)
    return w.replace(second=0, microsecond=0) == g.replace(second=0, microsecond=0)


def url_key(u: Any) -> str:
    s = htmllib.unescape(str(u or "").strip())
    return re.sub(r"^https?:", "", s)


def cap_norm(s: Any) -> str:
    return norm(s).rstrip(" .,;:-–—|").strip()


def html_text(fragment: str) -> str:
    from lxml import html as lh

    if not fragment.strip():
        return ""
    doc = lh.fromstring(fragment)
    for br in doc.iter("br"):
        br.tail = "\n" + (br.tail or "")
    blocks = {"p", "div", "li", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre", "figcaption", "tr",
              "section", "article", "dd", "dt", "td", "th", "ul", "ol", "table", "figure"}
    for el in doc.iter():
        if isinstance(el.tag, str) and el.tag in blocks:
            el.tail = "\n" + (el.tail or "")
            el.text = "\n" + (el.text or "")
    return "\n".join(norm(x) for x in doc.text_content().split("\n") if norm(x))


# ----------------------------------------------------------------------------- corpus


@dataclass
class Page:
    html_path: str
    origin: str
    url: str
    html: str
    kind: str = "article"
    title: str | None = None
    lead: str | None = None
    body_text: str | None = None
    with_: list[str] = field(default_factory=list)
    without: list[str] = field(default_factory=list)
    first_words: str | None = None
    authors: Any = None
    published: Any = None
    photos: list[dict[str, Any]] | None = None  # [{urls:set, caption, credit}]
    hand_expected: dict[str, Any] | None = None


def _read_gz(path: Path) -> str:
    with gzip.open(path, "rt", encoding="utf-8", errors="replace") as fh:
        return fh.read()


def load_corpus(only: str | None, limit: int | None) -> list[Page]:
    manifest = json.loads((CORPUS / "manifest.json").read_text(encoding="utf-8"))
    pages: list[Page] = []
    counts: Counter = Counter()
    for entry in manifest:
        origin = ORIGIN_SHORT.get(entry["origin"], entry["origin"])
        if only and origin != only:
            continue
        if limit and counts[origin] >= limit:
            continue
        counts[origin] += 1
        exp_file = json.loads((CORPUS / entry["expected"]).read_text(encoding="utf-8")) if entry.get("expected") else {}
        exp = exp_file.get("expected", exp_file) if isinstance(exp_file, dict) else {}
        url = entry.get("url") or exp_file.get("url") or f"https://{Path(entry['html']).parent.name}.example/article"
        p = Page(entry["html"], origin, url, _read_gz(CORPUS / entry["html"]), kind=entry.get("kind") or "article")
        if origin == "fundus":
            body = exp.get("body") or {}
            summary = [norm(s) for s in body.get("summary") or []]
            parts = list(summary)
            for sec in body.get("sections") or []:
                parts.extend(norm(h) for h in sec.get("headline") or [])
                parts.extend(norm(x) for x in sec.get("paragraphs") or [])
            p.title, p.authors, p.published = exp.get("title"), exp.get("authors") or [], exp.get("publishing_date")
            p.lead = " ".join(summary) or None
            p.body_text = "\n".join(x for x in parts if x)
            p.photos = []
            for img in exp.get("images") or []:
                urls = {url_key(v.get("url")) for v in img.get("versions") or [] if v.get("url")}
                if urls:
                    p.photos.append({"urls": urls, "caption": img.get("caption"),
                                     "credit": ", ".join(img.get("authors") or []) or None})
        elif origin == "readability":
            p.title, p.authors, p.published = exp.get("title"), exp.get("byline"), exp.get("publishedTime")
            content = entry.get("expected_content_html")
            if content:
                p.body_text = html_text(_read_gz(CORPUS / content))
        elif origin == "trafilatura-eval":
            p.title, p.authors, p.published = exp.get("title"), exp.get("author"), exp.get("date")
            p.with_, p.without = list(exp.get("with") or []), list(exp.get("without") or [])
        elif origin == "postlight":
            p.title, p.authors, p.published = exp.get("title"), exp.get("author"), exp.get("date_published")
            p.lead = exp.get("dek") or None
            p.first_words = exp.get("content_first_words") or None
        elif origin == "vietnamese":
            if p.kind != "article" or not exp:
                p.kind = "list"
            else:
                p.hand_expected = exp
                p.title, p.lead, p.authors, p.published = exp.get("title"), exp.get("lead"), exp.get("authors"), \
                    exp.get("published")
                p.with_ = [x for x in [exp.get("body_first_sentence"), exp.get("body_last_sentence"),
                                       *(exp.get("body_must_contain") or [])] if x]
                p.without = list(exp.get("body_must_not_contain") or [])
                p.photos = []
                for ph in exp.get("photos") or []:
                    urls = {url_key(ph.get("src"))} | {url_key(u) for u in ph.get("src_alternatives") or []}
                    p.photos.append({"urls": urls, "caption": ph.get("caption"), "credit": ph.get("credit")})
        pages.append(p)
    return pages


# ----------------------------------------------------------------------------- scoring


@dataclass
class Acc:
    title: list[float] = field(default_factory=list)
    lead: list[float] = field(default_factory=list)
    body_p: list[float] = field(default_factory=list)
    body_r: list[float] = field(default_factory=list)
    trafi_p: list[float] = field(default_factory=list)
    trafi_r: list[float] = field(default_factory=list)
    first_words: list[float] = field(default_factory=list)
    authors: list[float] = field(default_factory=list)
    published: list[float] = field(default_factory=list)
    photo_tp: int = 0
    photo_pred: int = 0
    photo_gt: int = 0
    photo_gt_distinct: int = 0  # GT images counted once per page when the GT lists one image twice
    caption: list[float] = field(default_factory=list)
    credit: list[float] = field(default_factory=list)
    is_article: list[float] = field(default_factory=list)
    pages: int = 0
    t_ours: float = 0.0
    t_trafi: float = 0.0
    t_lxml: float = 0.0

    def merge(self, other: Acc) -> None:
        for k, v in other.__dict__.items():
            cur = getattr(self, k)
            setattr(self, k, cur + v)

    @staticmethod
    def mean(xs: list[float]) -> float | None:
        return statistics.fmean(xs) if xs else None

    def body_f1(self, trafi: bool = False) -> float | None:
        ps, rs = (self.trafi_p, self.trafi_r) if trafi else (self.body_p, self.body_r)
        if not ps:
            return None
        return f1(statistics.fmean(ps), statistics.fmean(rs))

    def photo_p(self) -> float | None:
        return self.photo_tp / self.photo_pred if self.photo_pred else (None if not self.photo_gt else 0.0)

    def photo_r(self) -> float | None:
        return self.photo_tp / self.photo_gt if self.photo_gt else None


def score_body(p: Page, text: str) -> tuple[float, float] | None:
    if p.body_text is not None:
        t = shingle_tp_fp_fn(p.body_text, text)
    elif p.with_ or p.without:
        t = snippet_tp_fp_fn(p.with_, p.without, text)
    else:
        return None
    return precision(*t), recall(*t)


def first_words_ok(want: str, text: str) -> bool:
    w = [x.casefold() for x in tokens(want)]
    if not w:
        return True
    got = [x.casefold() for x in tokens(text)][: len(w) + 60]
    for i in range(0, max(1, len(got) - len(w) + 1)):
        if got[i:i + len(w)] == w:
            return True
    return False


def match_photos(gt: list[dict[str, Any]], pred: list[dict[str, Any]]) -> list[tuple[dict, dict]]:
    pairs: list[tuple[dict, dict]] = []
    used: set[int] = set()
    for ph in pred:
        keys = {url_key(ph.get("src"))} | {url_key(u) for u in ph.get("alternatives") or []}
        for j, g in enumerate(gt):
            if j not in used and keys & g["urls"]:
                used.add(j)
                pairs.append((g, ph))
                break
    return pairs


def score_page(p: Page, art: dict[str, Any], acc: Acc, dump: list[dict[str, Any]] | None) -> None:
    row: dict[str, Any] = {"page": p.html_path}
    if p.kind == "list":
        ok = art.get("is_article") is False
        acc.is_article.append(float(ok))
        row["is_article_ok"] = ok
        if dump is not None:
            dump.append(row)
        return
    acc.is_article.append(float(bool(art.get("is_article"))))
    if not art.get("is_article"):
        row["is_article"] = [True, False, art.get("reason")]
    if p.title is not None and norm(p.title):
        ok = norm(p.title) == norm(art.get("title"))
        acc.title.append(float(ok))
        row["title"] = ok or [norm(p.title), norm(art.get("title"))]
    if p.lead:
        acc.lead.append(token_f1(norm(p.lead), norm(art.get("lead"))))
        row["lead_f1"] = round(acc.lead[-1], 3)
    text = "\n".join(x for x in (art.get("lead"), art.get("body")) if x)
    pr = score_body(p, text)
    if pr:
        acc.body_p.append(pr[0])
        acc.body_r.append(pr[1])
        row["body_pr"] = [round(pr[0], 3), round(pr[1], 3)]
    if p.first_words:
        acc.first_words.append(float(first_words_ok(p.first_words, text)))
        row["first_words"] = bool(acc.first_words[-1])
    if p.authors is not None:
        want = split_names(p.authors)
        got = split_names(art.get("authors") or [])
        acc.authors.append(set_f1(want, got))
        row["authors"] = acc.authors[-1] == 1.0 or [sorted(want), sorted(got)]
    if p.published:
        ok = same_published(p.published, art.get("published"))
        if ok is not None:
            acc.published.append(float(ok))
            row["published"] = ok or [p.published, art.get("published")]
    if p.photos is not None:
        pred = art.get("photos") or []
        pairs = match_photos(p.photos, pred)
        acc.photo_tp += len(pairs)
        acc.photo_pred += len(pred)
        acc.photo_gt += len(p.photos)
        seen: set[str] = set()
        for g in p.photos:
            if not g["urls"] & seen:
                acc.photo_gt_distinct += 1
            seen |= g["urls"]
        row["photos"] = [len(pairs), len(pred), len(p.photos)]
        bad = []
        for g, ph in pairs:
            cap_ok = cap_norm(g["caption"]) == cap_norm(ph.get("caption"))
            cred_ok = split_names(g["credit"]) == split_names(ph.get("credit"))
            acc.caption.append(float(cap_ok))
            acc.credit.append(float(cred_ok))
            if not (cap_ok and cred_ok):
                bad.append({"gt": [g["caption"], g["credit"]], "got": [ph.get("caption"), ph.get("credit")]})
        if bad:
            row["caption_errors"] = bad
        if len(pairs) < max(len(pred), len(p.photos)):
            row["photo_srcs"] = [ph.get("src") for ph in pred]
            row["gt_srcs"] = [sorted(g["urls"])[0] for g in p.photos]
    if dump is not None:
        dump.append(row)


# ----------------------------------------------------------------------------- runners


def run_all(pages: list[Page], with_trafilatura: bool) -> tuple[list[dict[str, Any]], list[float], list[str],
                                                                 list[float], list[float]]:
    """Every tool on every page, in turn on each page (newsingest, trafilatura, the lxml parse): the
    machine's speed drifts (other tenants, frequency), and timing one tool's whole run after another's
    puts that drift into the ratio (0.94x run after run, 1.13x interleaved, on one machine one day)."""
    from lxml import html as lh

    extract_article(pages[0].html, pages[0].url)  # warm imports and caches
    if with_trafilatura:
        import trafilatura

        trafilatura.extract(pages[0].html, url=pages[0].url)
    ours: list[dict[str, Any]] = []
    trafi: list[str] = []
    t_ours: list[float] = []
    t_trafi: list[float] = []
    t_lxml: list[float] = []
    gc.collect()
    for p in pages:
        t0 = time.perf_counter()
        art = extract_article(p.html, p.url)
        t_ours.append(time.perf_counter() - t0)
        ours.append(art.to_dict())
        if with_trafilatura:
            t0 = time.perf_counter()
            try:
                text = trafilatura.extract(p.html, url=p.url, include_comments=False) or ""
            except Exception:
                text = ""
            t_trafi.append(time.perf_counter() - t0)
            trafi.append(text)
        data = p.html.encode("utf-8")
        t0 = time.perf_counter()
        try:
            lh.document_fromstring(data, parser=lh.HTMLParser(encoding="utf-8"))
        except Exception:
            pass
        t_lxml.append(time.perf_counter() - t0)
    return ours, t_ours, trafi, t_trafi, t_lxml


# ----------------------------------------------------------------------------- report


def fmt(v: float | None, pct: bool = False) -> str:
    if v is None:
        return "—"
    return f"{v:.3f}"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--origin", help="only this origin (fundus, readability, trafilatura-eval, postlight, vietnamese)")
    ap.add_argument("--pages", type=int, help="at most N pages per origin")
    ap.add_argument("--no-trafilatura", action="store_true")
    ap.add_argument("--dump", type=Path, help="write per-page results (JSON lines) here")
    args = ap.parse_args()

    if not CORPUS.exists():
        print(f"corpus not found: {CORPUS}", file=sys.stderr)
        return 2
    pages = load_corpus(args.origin, args.pages)
    total_bytes = sum(len(p.html.encode("utf-8")) for p in pages)
    print(f"{len(pages)} pages from {CORPUS} ({total_bytes / len(pages) / 1024:.0f} KB on average)")

    ours, t_ours, trafi, t_trafi, t_lxml = run_all(pages, not args.no_trafilatura)

    per: dict[str, Acc] = {}
    dump: list[dict[str, Any]] | None = [] if args.dump else None
    for i, (p, art) in enumerate(zip(pages, ours, strict=True)):
        acc = per.setdefault(p.origin, Acc())
        acc.pages += 1
        acc.t_ours += t_ours[i]
        acc.t_lxml += t_lxml[i]
        score_page(p, art, acc, dump)
        if dump is not None:
            dump[-1]["ms"] = round(t_ours[i] * 1000, 1)
        if trafi:
            acc.t_trafi += t_trafi[i]
            if p.kind != "list":
                pr = score_body(p, trafi[i])
                if pr:
                    acc.trafi_p.append(pr[0])
                    acc.trafi_r.append(pr[1])
    if args.dump:
        args.dump.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in dump or []) + "\n")

    overall = Acc()
    for a in per.values():
        overall.merge(a)
    target = Acc()
    for o in BODY_TARGET_ORIGINS:
        if o in per:
            target.merge(per[o])

    cols = ["pages", "title", "lead", "body F1", "trafi F1", "1st words", "authors", "publ", "photo P",
            "photo R", "caption", "credit", "is_art", "pages/s", "trafi p/s", "lxml p/s"]
    widths = [17, 6, 7, 7, 9, 9, 10, 8, 6, 8, 8, 8, 7, 7, 8, 10, 9]
    head = "origin".ljust(widths[0]) + "".join(c.rjust(w) for c, w in zip(cols, widths[1:], strict=True))
    print()
    print(head)
    print("-" * len(head))

    def row(name: str, a: Acc) -> str:
        m = Acc.mean
        vals = [
            str(a.pages), fmt(m(a.title)), fmt(m(a.lead)), fmt(a.body_f1()), fmt(a.body_f1(True)),
            fmt(m(a.first_words)), fmt(m(a.authors)), fmt(m(a.published)), fmt(a.photo_p()), fmt(a.photo_r()),
            fmt(m(a.caption)), fmt(m(a.credit)), fmt(m(a.is_article)),
            f"{a.pages / a.t_ours:.1f}" if a.t_ours else "—",
            f"{a.pages / a.t_trafi:.1f}" if a.t_trafi else "—",
            f"{a.pages / a.t_lxml:.0f}" if a.t_lxml else "—",
        ]
        return name.ljust(widths[0]) + "".join(v.rjust(w) for v, w in zip(vals, widths[1:], strict=True))

    order = ["fundus", "readability", "trafilatura-eval", "postlight", "vietnamese"]
    for o in sorted(per, key=lambda x: order.index(x) if x in order else 99):
        print(row(o, per[o]))
    print("-" * len(head))
    print(row("body-target (3)", target))
    print(row("overall", overall))

    ours_ps = overall.pages / overall.t_ours
    print()
    print(f"speed: newsingest {ours_ps:.1f} pages/s"
          + (f", trafilatura {overall.pages / overall.t_trafi:.1f} pages/s" if overall.t_trafi else "")
          + f", lxml parse alone {overall.pages / overall.t_lxml:.0f} pages/s")
    if overall.t_trafi:
        print(f"ratios: newsingest / trafilatura = {overall.t_trafi / overall.t_ours:.2f}x, "
              f"newsingest / lxml-parse floor = {overall.t_lxml / overall.t_ours:.3f}x "
              f"(newsingest takes {overall.t_ours / overall.t_lxml:.1f}x the parse time)")
    ms = sorted(t * 1000 for t in t_ours)
    print(f"newsingest ms/page: median {ms[len(ms) // 2]:.1f}, p95 {ms[int(len(ms) * 0.95)]:.1f}, max {ms[-1]:.1f}")

    # ---- acceptance checks
    checks: list[tuple[str, bool | None, str]] = []

    def check(name: str, value: float | None, thr: float) -> None:
        checks.append((name, None if value is None else value >= thr,
                       f"{fmt(value)} (need ≥ {thr})"))

    bt, btt = target.body_f1(), target.body_f1(True)
    check("body F1 (fundus+readability+trafilatura-eval) ≥ 0.96", bt, 0.96)
    if btt is not None and bt is not None:
        checks.append(("body F1 ≥ trafilatura's (same pages)", bt >= btt, f"{bt:.3f} vs {btt:.3f}"))
    fu = per.get("fundus")
    if fu:
        check("fundus photo precision ≥ 0.95", fu.photo_p(), 0.95)
        check("fundus photo recall ≥ 0.95", fu.photo_r(), 0.95)
        check("fundus caption accuracy ≥ 0.90", Acc.mean(fu.caption), 0.90)
        check("fundus credit accuracy ≥ 0.85", Acc.mean(fu.credit), 0.85)
        check("fundus title ≥ 0.95", Acc.mean(fu.title), 0.95)
        check("fundus published ≥ 0.90", Acc.mean(fu.published), 0.90)
    hand = [(p, art) for p, art in zip(pages, ours, strict=True) if p.hand_expected]
    if hand:
        ok_pages = []
        for p, art in hand:
            failed = failed_fields(compare_fields(art, p.hand_expected or {}))
            if not failed:
                ok_pages.append(p.html_path)
            else:
                print(f"  hand-labelled {Path(p.html_path).name}: failed {failed}")
        checks.append((f"hand-labelled VN pages, every field right ≥ 9/{len(hand)}", len(ok_pages) >= 9,
                       f"{len(ok_pages)}/{len(hand)}"))
    lists = [(p, art) for p, art in zip(pages, ours, strict=True) if p.kind == "list"]
    if lists:
        n_ok = sum(1 for _, art in lists if not art["is_article"])
        checks.append(("VN list pages → is_article false", n_ok == len(lists), f"{n_ok}/{len(lists)}"))
    if overall.t_trafi:
        tps = overall.pages / overall.t_trafi
        checks.append(("speed: pages/s ≥ trafilatura's", ours_ps >= tps, f"{ours_ps:.1f} vs {tps:.1f}"))
    print()
    print("acceptance checks")
    for name, ok, detail in checks:
        mark = "n/a " if ok is None else ("PASS" if ok else "FAIL")
        print(f"  [{mark}] {name}: {detail}")
    if fu and fu.photo_gt_distinct:
        print(f"  (info) fundus photo recall over distinct GT images: {fu.photo_tp / fu.photo_gt_distinct:.3f} "
              f"({fu.photo_gt - fu.photo_gt_distinct} of {fu.photo_gt} GT entries repeat an image listed "
              "earlier on the same page; one photo can match only one entry)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
