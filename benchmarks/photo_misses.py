"""Which fundus GT photos does newsingest not return, and what are they on the page?

    python benchmarks/photo_misses.py

For every fundus page, the GT photo entries no returned photo matches (the extraction benchmark's
``match_photos``), each with what the page's markup says of that image: its alt text and the class
names of its nearest wrappers. A missed entry is marked ``repeat`` when an earlier GT entry of the
same page lists the same image (a carousel and its lightbox): one returned photo can match only one
entry. The last lines count the misses by kind and give the recall over the entries that remain once
the repeats and the entries whose wrappers name a kind of image the issue excludes (author
portraits, teasers of other articles, icons: :data:`EXCLUDED_RE`) are left out.
"""

from __future__ import annotations

import re
import sys
from collections import Counter
from pathlib import Path

import lxml.html

sys.path.insert(0, str(Path(__file__).resolve().parent))

from extraction import load_corpus, match_photos

from worker.extract import extract_article

#: what marks an image the issue excludes from an article's photos, in its wrappers' class names, its
#: alt text, its URL, a link around it or the text beside it: writers' portraits ("author", a link to
#: a writer's page, "Von …" beside it), teasers and plugs of other articles, related-topic boxes,
#: series promotions, icons
EXCLUDED_RE = re.compile(
    r"author|autor|avatar|teaser|plug|related|icon|promo|hier klicken|(?:^|\|)\s*(?:von|by)\s", re.I)


def _context(doc: lxml.html.HtmlElement, urls: set[str]) -> tuple[str, str]:
    """(alt text, what its nearest wrappers say: class names, link targets, the first words of their
    text) of the first <img>/<source> whose URL attributes name the image."""
    tails = {u.rsplit("/", 1)[-1][:40] for u in urls if u.rsplit("/", 1)[-1]}
    for el in doc.iter("img", "source"):
        attrs = " ".join(el.get(a) or "" for a in ("src", "srcset", "data-src", "data-srcset"))
        if any(t in attrs for t in tails):
            said = []
            for a in list(el.iterancestors())[:6]:
                text = " ".join(a.text_content().split())[:40]
                said.append(f"{a.tag}.{a.get('class') or ''} {a.get('href') or ''} | {text}")
            return el.get("alt") or "", " > ".join(said)
    return "", ""


def main() -> None:
    kinds: Counter[str] = Counter()
    total = matched = 0
    for page in load_corpus("fundus", None):
        if not page.photos:
            continue
        art = extract_article(page.html, page.url).to_dict()
        pairs = match_photos(page.photos, art["photos"])
        total += len(page.photos)
        matched += len(pairs)
        got = {id(g) for g, _ in pairs}
        misses = [(j, g) for j, g in enumerate(page.photos) if id(g) not in got]
        if not misses:
            continue
        doc = lxml.html.document_fromstring(page.html)
        print(page.html_path)
        for j, g in misses:
            repeat = any(g["urls"] & other["urls"] for other in page.photos[:j])
            alt, wrappers = _context(doc, g["urls"])
            kind = ("repeat" if repeat else
                    "excluded" if EXCLUDED_RE.search(f"{alt} | {wrappers} | {' '.join(g['urls'])}") else "other")
            kinds[kind] += 1
            print(f"  [{kind}] {min(g['urls'], key=len)[:90]}")
            print(f"      alt={alt[:60]!r} in {wrappers[:300]}")
    rest = total - kinds["repeat"] - kinds["excluded"]
    print(f"\nGT entries {total}, matched {matched} (recall {matched / total:.3f}); missed: "
          + ", ".join(f"{k} {v}" for k, v in sorted(kinds.items())))
    print(f"recall without repeats and excluded kinds: {matched}/{rest} = {matched / rest:.3f}")


if __name__ == "__main__":
    main()
