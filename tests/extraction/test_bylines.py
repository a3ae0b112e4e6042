"""Writers named near the headline when no byline selector, JSON-LD or <meta> names them: links to
writers' pages and "By" lines (worker.extract.bylines). Snippets shaped like the pages named."""

from __future__ import annotations

import pytest

from worker.extract import extract_article
from worker.extract.bylines import names_of_by_line

URL = "https://news.example.com/2025/05/06/council-budget.html"
TEXT = "".join(
    f"<p>Paragraph {i}: the members argued for hours, and the vote, which had been postponed twice, was "
    f"finally held late on Tuesday evening in the old town hall of the city.</p>" for i in range(8)
)


def _authors(header: str, after: str = "") -> list[str]:
    html = ('<html lang="en"><head><title>Council approves the budget</title>'
            '<meta property="og:type" content="article"></head><body><main><article>'
            f'<h1>Council approves the new budget after a long debate</h1>{header}'
            f'<div class="story-body">{TEXT}</div>{after}</article></main></body></html>')
    a = extract_article(html, URL)
    assert a.is_article, a.reason
    return a.authors


def test_links_to_writers_pages_under_the_headline() -> None:
    # nytimes.com: "By <a href="/by/al-baker">Al Baker</a> and <a href="/by/adam-goldman">…"
    header = ('<p class="css-1baulvz">By <span itemprop="name"><a href="https://www.nytimes.com/by/al-baker">'
              'Al Baker</a></span> and <span><a href="https://www.nytimes.com/by/adam-goldman">Adam Goldman</a>'
              '</span></p>')
    assert _authors(header) == ["Al Baker", "Adam Goldman"]


@pytest.mark.parametrize("href", ["/staff/steven-shepard", "/profile/steven-shepard-1910837",
                                  "https://www.example.com/about/editors/steven-shepard/",
                                  "/author/steven-shepard"])
def test_writer_page_paths(href: str) -> None:
    # politico /staff/, bustle /profile/, engadget /about/editors/, WordPress /author/
    assert _authors(f'<p class="story-meta__authors">By <span class="vcard"><a href="{href}">Steven Shepard'
                    '</a></span></p>') == ["Steven Shepard"]


def test_a_by_line_without_links() -> None:
    # qz.com: <div>By <span class="rlwyg">Yomi Kazeem</span></div><div>Published …</div>
    assert _authors('<div class="MiiXW"><div class="_ceVT">By <span>Yomi Kazeem</span></div>'
                    '<div>Published January 3, 2019</div></div>') == ["Yomi Kazeem"]


def test_links_elsewhere_on_the_page_are_not_the_writers() -> None:
    # a "more from our writers" box far below the text: not this article's byline
    box = "".join(f'<div><a href="/author/writer-{i}">Other Writer {i}</a></div>' for i in range(3))
    after = "<div>" + "".join(f"<p>Comment {i} with some words in it.</p>" for i in range(60)) + f"</div>{box}"
    assert _authors("", after) == []


@pytest.mark.parametrize(("line", "expected"), [
    ("By Nada Tawfik, BBC News, New York", "By Nada Tawfik"),  # bbc.com: outlet and place
    ("By Daniel Kahn Gillmor, Senior Staff Technologist, ACLU Speech, Privacy, and Technology Project",
     "By Daniel Kahn Gillmor"),  # aclu.org: a title
    ("By Lauren Jarvis-Gibson, December 16th 2016", "By Lauren Jarvis-Gibson"),  # thoughtcatalog: a date
    ("By TPN, in News, Portugal, Business · 31 Jan 2025, 20:02", "By TPN"),  # theportugalnews: sections
    ("By Marc Santora, William K. Rashbaum, Al Baker and Adam Goldman",
     "By Marc Santora, William K. Rashbaum, Al Baker and Adam Goldman"),  # a list of full names
    ("By Jane Doe", "By Jane Doe"),
])
def test_a_by_line_is_cut_to_its_names(line: str, expected: str) -> None:
    assert names_of_by_line(line) == expected


def test_a_von_line_in_a_list_item() -> None:
    # stern.de: <ul><li class="authors__list-item"><span> von </span><span>Jemima Kelly</span></li></ul>
    assert _authors('<ul class="u-blanklist"><li class="authors__list-item"><span> von </span>'
                    '<span class="typo-article-info-bold">Jemima Kelly</span></li></ul>') == ["Jemima Kelly"]
