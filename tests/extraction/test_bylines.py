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


HEADLINE = "<h1>Council approves the new budget after a long debate</h1>"


def _html(body: str, head: str = "") -> str:
    return ('<html lang="en"><head><title>Council approves the budget</title>'
            f'<meta property="og:type" content="article">{head}</head><body>{body}</body></html>')


def _authors(header: str, after: str = "") -> list[str]:
    html = _html(f'<main><article>{HEADLINE}{header}<div class="story-body">{TEXT}</div>{after}</article></main>')
    a = extract_article(html, URL)
    assert a.is_article, a.reason
    return a.authors


def test_links_to_writers_pages_under_the_headline() -> None:
    # nytimes.com: "By <a href="/by/al-baker">Al Baker</a> and <a href="/by/adam-goldman">…"
    header = ('<p class="css-1baulvz">By <span itemprop="name"><a href="https://www.nytimes.com/by/al-baker">'
              'Al Baker</a></span> and <span><a href="https://www.nytimes.com/by/adam-goldman">Adam Goldman</a>'
              '</span></p>')
    assert _authors(header) == ["Al Baker", "Adam Goldman"]


def test_a_byline_below_the_photos_when_the_headline_heads_the_text_block() -> None:
    """nytimes.com (postlight's saved page): the block holding the text starts with the headline, then
    photos with their captions, then the byline box ("By Marc Santora, William K. Rashbaum, Al Baker and
    Adam Goldman" as writer links, and a date), then the text. The byline lies some fifty elements past
    the block's start: searched from the headline on, not from the block's start."""
    names = ["Marc Santora", "William K. Rashbaum", "Al Baker", "Adam Goldman"]
    links = [f'<span itemprop="name"><a href="https://www.nytimes.com/by/{n.lower().replace(" ", "-").replace(".", "")}">'
             f"{n}</a></span>" for n in names]
    caption = "A man splayed out next to a street after he was shot by police officers in a gun battle."
    photos = "".join(f'<div class="media"><div><figure><div><img src="/p{i}.jpg" width="600" height="400"></div>'
                     f"<figcaption><span>{caption}</span><span><span>Credit...</span><span>Ed Murray</span>"
                     "</span></figcaption></figure></div></div>" for i in range(4))
    byline = ('<div data-testid="byline-timestamp"><div><div><p><span class="byline-prefix">By </span>'
              + ", ".join(links[:3]) + " and " + links[3]
              + '</p></div></div><ul><li><time datetime="2016-09-19T07:46:01-04:00">Sept. 19, 2016</time></li>'
              "</ul></div>")
    html = _html(f'<div id="site-content"><article><div class="story">{HEADLINE}{photos}{byline}{TEXT}</div>'
                 "</article></div>")
    a = extract_article(html, URL)
    assert a.is_article, a.reason
    assert a.authors == names
    assert "Marc Santora" not in a.body


def test_co_writers_beside_the_first_writers_link() -> None:
    # theguardian.com: the byline selector matches the first rel=author link; its line names both writers
    header = ('<address aria-label="Contributor info"><div><a rel="author" href="//www.theguardian.com/profile/'
              'julia-carrie-wong">Julia Carrie Wong</a> and <a rel="author" href="//www.theguardian.com/profile/'
              'sam-levin">Sam Levin</a></div></address>')
    assert _authors(header) == ["Julia Carrie Wong", "Sam Levin"]
    # a line of links that are not all writers' keeps the matched writer alone
    header = ('<p><a rel="author" href="/profile/julia-carrie-wong">Julia Carrie Wong</a> in '
              '<a href="/us-news/north-dakota">North Dakota</a></p>')
    assert _authors(header) == ["Julia Carrie Wong"]
    # more links to the same writer's pages are not co-writers
    for extra in ('<a rel="author" href="/author/jane-doe/feed/">RSS</a>', '<a href="/author/jane-doe/">View all posts</a>'):
        header = f'<p><a rel="author" href="/author/jane-doe/">Jane Doe</a> {extra}</p>'
        assert _authors(header) == ["Jane Doe"], extra


def test_the_author_meta_spells_a_name_the_byline_glued_to_labels() -> None:
    # dailystar.co.uk: the byline box reads "Travel By Sophie FosterTravel News Reporter 11:58, 23 APR 2024"
    # (a section label set before the name and again after it); <meta name="author"> says "Sophie Foster"
    head = '<meta name="author" content="Sophie Foster">'
    box = ('<div class="byline"><span>Travel</span> By <a href="/authors/sophie-foster/">Sophie Foster</a>'
           '<span>Travel News Reporter</span> <time>11:58, 23 APR 2024</time></div>')
    html = _html(f'<main><article>{HEADLINE}{box}<div class="story-body">{TEXT}</div></article></main>', head)
    a = extract_article(html, URL)
    assert a.authors == ["Sophie Foster"], a.byline


@pytest.mark.parametrize(("box", "metas", "authors"), [
    # two writers, one name inside the other: each stays as the meta gives it
    ('<div class="byline">By John Smith Jr. and John Smith</div>', ["John Smith Jr.", "John Smith"],
     ["John Smith Jr.", "John Smith"]),
    # a meta name inside another word is no match ("Ann Lee" in "Joann Leeds")
    ('<div class="byline">By Joann Leeds</div>', ["Ann Lee"], ["Joann Leeds"]),
])
def test_author_metas_do_not_rename_other_writers(box: str, metas: list[str], authors: list[str]) -> None:
    head = "".join(f'<meta name="author" content="{m}">' for m in metas)
    html = _html(f'<main><article>{HEADLINE}{box}<div class="story-body">{TEXT}</div></article></main>', head)
    assert [n.rstrip(".") for n in extract_article(html, URL).authors] == [n.rstrip(".") for n in authors]


@pytest.mark.parametrize("header", [
    # msn.com: the writer's name in a span classed "authorname-txt" beside the date
    '<div><span class="time">9/21/2016</span> <span class="authorname-txt"><span class="truncate">Stewart Perrie'
    "</span></span></div>",
    # ladbible.com: CSS-in-JS classes that end in the component's name ("css-1wkce1i-Byline")
    '<div class="css-1wkce1i-Byline"><div class="css-1i94zmg-Avatar"></div><div class="css-1rzujy7">'
    '<span class="css-1vq2rpi">Stewart Perrie</span></div></div>',
])
def test_byline_class_names(header: str) -> None:
    assert _authors(header) == ["Stewart Perrie"]


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
    ("By Jane Doe, John Roe and Ann Lee, Reuters", "By Jane Doe, John Roe and Ann Lee"),
])
def test_a_by_line_is_cut_to_its_names(line: str, expected: str) -> None:
    assert names_of_by_line(line) == expected


def test_a_von_line_in_a_list_item() -> None:
    # stern.de: <ul><li class="authors__list-item"><span> von </span><span>Jemima Kelly</span></li></ul>
    assert _authors('<ul class="u-blanklist"><li class="authors__list-item"><span> von </span>'
                    '<span class="typo-article-info-bold">Jemima Kelly</span></li></ul>') == ["Jemima Kelly"]


@pytest.mark.parametrize("line", [
    "<p>By Tuesday, the death toll had risen to forty.</p>",
    "<p>Von Anfang an war klar, dass es knapp wird.</p>",
    "<ul><li>Von Montag bis Freitag geöffnet</li></ul>",
    "<p>By December the plant will be closed.</p>",
    "<p>Author Q&amp;A: Why I wrote this book</p>",
])
def test_prose_starting_with_by_names_no_writer(line: str) -> None:
    assert _authors(line) == []


def test_the_headline_itself_is_not_a_by_line() -> None:
    html = ('<html lang="en"><head><title>By Royal Appointment</title></head><body><article>'
            f'<h1><span>By Royal Appointment</span></h1><div class="story-body">{TEXT}</div></article></body></html>')
    assert extract_article(html, URL).authors == []


def test_writers_of_a_related_box_and_a_colleague_mentioned_in_the_text_are_not_the_writers() -> None:
    related = ('<div class="related-articles"><a href="/news/other">Another story headline here</a> '
               '<a href="/author/john-smith">John Smith</a></div>')
    mention = "<p>As our colleague <a href='/author/jane-roe'>Jane Roe</a> reported, the plan failed.</p>"
    assert _authors(related + mention) == []


def test_link_labels_are_no_names() -> None:
    assert _authors('<div class="meta"><a href="/author/jane-doe">More stories</a></div>') == []


def test_a_by_line_wins_over_a_writer_link_later_in_the_text() -> None:
    html = '<p>By John Smith</p>'
    after = "".join(f"<p>{i}</p>" for i in range(3))
    assert _authors(html, after) == ["John Smith"]


def test_a_byline_set_in_a_nav_is_kept_and_a_menu_is_not() -> None:
    """ndtv.com: the byline sits in <nav class="pst-by"> beside the section link; a <nav> that names the
    writer in markup (itemprop/rel author) is no navigation, while the site menu's <nav> still goes."""
    byline = ('<nav class="pst-by"><span><a href="/india">All India</a></span><span>Edited by '
              '<a href="/topic/swati-bhasin"><span itemprop="author" itemscope itemtype="https://schema.org/Person">'
              '<span itemprop="name">Swati Bhasin</span></span></a> (with inputs from Agencies)</span></nav>')
    menu = '<nav class="menu"><a href="/india">India</a> <a href="/world">World news of the day</a></nav>'
    html = _html(f'{menu}<main><article>{HEADLINE}{byline}<div class="story-body">{TEXT}</div></article></main>')
    a = extract_article(html, URL)
    assert a.authors == ["Swati Bhasin"]
    assert "World news of the day" not in a.body


def test_the_byline_naming_the_author_meta_wins_over_a_related_boxs_writer() -> None:
    # thenation.com: <p class="author">Teddy Ostrow</p> in a "Related Article" box inside the <article>
    # ranks above the headline's "By Sarah Lazare" (<h2 class="author_name">); sailthru.author names her
    related = ('<aside class="related-oneup"><h4>Related Article</h4><a href="/article/other/">'
               '<h5>Is UPS Retaliating Against Union Activists?</h5></a><p class="author">Teddy Ostrow</p></aside>')
    body = (f'<main><article>{HEADLINE}<div class="byline"><h2 class="author_name">By <a class="author" '
            f'href="/authors/sarah-lazare/">Sarah Lazare</a></h2></div><div class="story-body">{TEXT[:400]}'
            f"{related}{TEXT[400:]}</div></article></main>")
    html = _html(body, '<meta name="sailthru.author" content="Sarah Lazare">')
    assert extract_article(html, URL).authors == ["Sarah Lazare"]
