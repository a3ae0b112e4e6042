"""Body choice and body cleaning: the scored container (lxml pre-pass), boilerplate inside it, lead vs body.

Each page is a small snippet shaped like the real page that motivated the rule (named in the test).
"""

from __future__ import annotations

import json

import pytest
from lxml import html as lh

from worker.extract import extract_article
from worker.extract.prune import JUNK_ATTR, MAIN_ATTR, is_consent_placeholder, mark_main_content, prune_html

URL = "https://news.example.com/2025/05/story.html"


def _para(i: int, topic: str = "the council") -> str:
    return (f"Paragraph {i} about {topic}: the members argued for hours, and the vote, which had been "
            f"postponed twice, was finally held late on Tuesday evening in the old town hall.")


def _page(body: str, head: str = "", title: str = "Council approves the new budget after a long debate") -> str:
    return (f'<html lang="en"><head><title>{title}</title><meta property="og:type" content="article">'
            f'<meta property="article:published_time" content="2025-05-06T10:00:00+00:00">{head}</head>'
            f"<body>{body}</body></html>")


def _extract(body: str, head: str = ""):
    a = extract_article(_page(body, head), URL)
    assert a.is_article, a.reason
    return a


# ----------------------------------------------------------------------------- container choice


def test_paragraphs_each_in_their_own_block_beat_a_content_named_sidebar() -> None:
    # buzzfeed-1: every paragraph sits in its own item <div>; the sidebar is <div class="content">
    items = "".join(f'<div class="buzz_item"><p class="desc">{_para(i)}</p></div>' for i in range(8))
    sidebar = "".join(f'<li><h2><a href="/s{i}">Another story headline number {i} that is long</a></h2></li>'
                      for i in range(12))
    a = _extract(f'<h1>Council approves the new budget after a long debate</h1>'
                 f'<div class="buzz"><div id="buzz_sub_buzz">{items}</div></div>'
                 f'<div class="column2"><div class="content"><ul>{sidebar}</ul></div></div>')
    assert _para(0) in a.body and _para(7) in a.body
    assert "Another story headline" not in a.body


def test_teaser_stream_beside_the_article_is_not_body() -> None:
    # yahoo-3 / NDR: "Recommended for you" cards, each a linked headline and a one-paragraph blurb
    cards = "".join(
        f'<div class="card"><h3><a href="/other{i}">Other story number {i} with a headline</a></h3>'
        f"<p>Blurb of the other story {i}, a sentence long enough to look like a paragraph of text.</p></div>"
        for i in range(10)
    )
    a = _extract(f'<h1>Council approves the new budget after a long debate</h1>'
                 f'<div class="main"><div class="story">{"".join(f"<p>{_para(i)}</p>" for i in range(5))}</div>'
                 f'<div class="stream">{cards}</div></div>')
    assert _para(4) in a.body
    assert "Blurb of the other story" not in a.body


def test_body_cut_into_sidebar_named_grid_blocks_is_whole() -> None:
    # PoliticoEu: the body is three "sidebar-grid__container" blocks split by ad slots
    def block(start: int) -> str:
        ps = "".join(f"<p>{_para(i)}</p>" for i in range(start, start + 3))
        return (f'<div class="sidebar-grid__container"><div class="sidebar-grid__content article__content">{ps}'
                f'</div></div><aside class="sidebar-grid__sidebar"></aside>'
                f'<div class="ad full-bleed"><span class="ad-label">Advertisement</span></div>')
    a = _extract(f'<article class="article"><div class="sidebar-grid"><header><h1>Council approves the new '
                 f'budget after a long debate</h1></header>{block(0)}{block(3)}{block(6)}</div></article>')
    for i in range(9):
        assert _para(i) in a.body
    assert "Advertisement" not in a.body


def test_live_blog_entries_of_one_kind_are_one_body() -> None:
    # TOnline ticker: posts in sibling blocks with the same classes under one stream block
    def post(start: int) -> str:
        ps = "".join(f'<div class="px-24 pt-16 md:px-48"><p>{_para(i, "the storm")}</p></div>'
                     for i in range(start, start + 2))
        return f'<div class="w-full min-w-[20em] md:border-r md:border-solid">{ps}</div>'
    a = _extract(f'<h1>Council approves the new budget after a long debate</h1><div class="relative">'
                 f'<div class="flex flex-col">{post(0)}<aside><a href="/x">Newsletter</a></aside></div>'
                 f'<div class="flex flex-col">{post(2)}</div></div>')
    for i in range(4):
        assert _para(i, "the storm") in a.body


def test_mark_main_content_marks_the_body_and_junk_but_not_the_body_s_ancestors() -> None:
    paras = "".join(f"<p>{_para(i)}</p>" for i in range(6))
    links = "".join(f'<li><a href="/r{i}">Related headline number {i} for readers</a></li>' for i in range(6))
    root = lh.document_fromstring(
        f'<html><body><div id="page"><div id="story">{paras}<ul id="rel">{links}</ul></div>'
        f'<div id="nav">{links}</div></div></body></html>')
    main = mark_main_content(root)
    assert main is not None and main.get("id") == "story" and main.get(MAIN_ATTR) == "1"
    assert root.get_element_by_id("rel").get(JUNK_ATTR) == "1"
    assert root.get_element_by_id("page").get(JUNK_ATTR) is None


def test_prune_keeps_comments_named_blocks_out_but_a_body_run_in() -> None:
    paras = "".join(f"<p>{_para(i)}</p>" for i in range(4))
    comments = "".join(f"<li><p>{_para(i, 'my opinion')}</p></li>" for i in range(12))
    out = prune_html(f'<html><body><h1>T</h1><div class="story">{paras}</div>'
                     f'<div class="sidebar-grid__container">{paras}</div>'
                     f'<ul class="comments-list">{comments}</ul></body></html>')
    assert out is not None
    assert out.count(_para(0)) == 2  # the "sidebar-grid" run of paragraphs stays
    assert "my opinion" not in out


# ----------------------------------------------------------------------------- boilerplate inside the body


def test_link_lists_and_read_more_lines_leave_the_body_linked_prose_stays() -> None:
    # bbc: a list of related links inside the body; DailyMaverick: "Read more: <a>…</a>";
    # MexicoNewsDaily / iNews: ordinary paragraphs that are mostly links stay
    linked_prose = ('<p><a href="/a">Trump imposed tariffs</a> on <a href="/b">Mexican steel and aluminum in '
                    '2018</a> during his first term, prompting <a href="/c">Mexico</a> to retaliate.</p>')
    a = _extract(
        '<h1>Council approves the new budget after a long debate</h1><div class="story-body">'
        + "".join(f"<p>{_para(i)}</p>" for i in range(3))
        + '<ul><li><a href="/x1">Four out of five jobs affected by virus globally</a></li>'
          '<li><a href="/x2">Coronavirus: What does it mean for the economy</a></li></ul>'
        + '<p>Read more: <a href="/x3">No ceasefire, but SA wins substantive rights measures in the case</a></p>'
        + linked_prose + "".join(f"<p>{_para(i)}</p>" for i in range(3, 6)) + "</div>")
    assert "Four out of five jobs" not in a.body
    assert "No ceasefire" not in a.body
    assert "Trump imposed tariffs on Mexican steel" in a.body
    assert _para(5) in a.body


def test_anchor_without_href_is_text_and_a_credit_box_beside_a_link_is_not_a_teaser() -> None:
    # ndr.de: <p><a name="x">question</a></p>; reuters: the attribution beside the trust badge
    a = _extract(
        '<h1>Council approves the new budget after a long debate</h1><div class="article">'
        + "".join(f"<p>{_para(i)}</p>" for i in range(4))
        + '<p><a name="q1">One of the questions asked most often: what does the professor say?</a></p>'
        + '<div><div class="attribution"><p>Additional reporting by Steve Gorman; Editing by Simon Cameron</p>'
          '</div><div class="badge"><p>Our Standards: <a href="/trust">The Thomson Reuters Trust '
          'Principles.</a></p></div></div></div>')
    assert "what does the professor say?" in a.body
    assert "Additional reporting by Steve Gorman" in a.body
    assert "Trust Principles" not in a.body


def test_labels_credited_captions_and_caption_blocks_leave_the_body() -> None:
    # LATimes "Advertisement", LuxemburgerWort "… Foto: X", macwelt: an image block with its caption
    a = _extract(
        '<h1>Council approves the new budget after a long debate</h1><div class="article-body">'
        + f"<p>{_para(0)}</p><div>Advertisement</div><p><strong>Next steps</strong></p><p>{_para(1)}</p>"
        + '<p>Alexandre Kess leads the field. Foto: Alexander Daleiden</p>'
        + '<div class="visual"><img src="https://img.example.com/a.jpg" width="800" height="500" alt="x">'
          '<div class="description"><a class="btn" href="https://img.example.com/a_big.jpg">Enlarge</a>'
          '<strong class="title">The new town hall at night</strong></div></div>'
        + f"<p>{_para(2)}</p></div>")
    assert "Advertisement" not in a.body
    assert "Next steps" in a.body  # a bold one-line subheading stays
    assert "Foto: Alexander Daleiden" not in a.body
    assert "The new town hall at night" not in a.body
    assert any(p.src == "https://img.example.com/a.jpg" for p in a.photos)
    assert _para(2) in a.body


def test_newsletter_and_author_bio_boxes_leave_the_body() -> None:
    # GlobalNews "c-inlineSignup", TagesAnzeiger "NewsletterBox_root", FoxNews "author-bio"
    a = _extract('<h1>Council approves the new budget after a long debate</h1><div class="article-body">'
                 + "".join(f"<p>{_para(i)}</p>" for i in range(3))
                 + '<div class="c-inlineSignup"><div class="c-inlineSignup__blurb">Get daily news delivered to '
                   'your inbox so you never miss the top stories.</div></div>'
                 + '<section class="NewsletterBox_root__rh9I2"><span>The perfect start to the day, with '
                   'news from here and the world.</span></section>'
                 + "".join(f"<p>{_para(i)}</p>" for i in range(3, 5))
                 + '<div class="author-bio"><p>Jane Doe is a politics reporter for the Daily Example.</p>'
                   '</div>'
                 # The Atlantic's call to action after the text
                 + '<section class="c-letters-cta"><p class="c-letters-cta__text">We want to hear what you think '
                   'about this article. <a href="/contact/letters/">Submit a letter</a> to the editor.</p></section>'
                   '</div>')
    assert _para(4) in a.body
    assert "inbox" not in a.body and "perfect start" not in a.body and "politics reporter" not in a.body
    assert "want to hear what you think" not in a.body


# ----------------------------------------------------------------------------- lead and body


def test_visible_lead_repeated_as_the_first_body_paragraphs_is_said_once() -> None:
    # Expressen: the standfirst, then the same three sentences as the body's first paragraphs
    lead = ("Pupils at the boarding school broke into the dormitories at night. They beat other pupils with "
            "belts. Now five of them are charged.")
    a = _extract('<h1>Council approves the new budget after a long debate</h1>'
                 f'<p class="lead">{lead}</p><div class="article-body">'
                 "<p>Pupils at the boarding school broke into the dormitories at night.</p>"
                 "<p>They beat other pupils with belts.</p><p>Now five of them are charged.</p>"
                 + "".join(f"<p>{_para(i)}</p>" for i in range(4)) + "</div>",
                 head=f'<meta name="description" content="{lead}">')
    assert a.lead == lead
    assert not a.body.startswith("Pupils at the boarding school")
    assert a.body.startswith(_para(0))


def test_description_repeating_the_first_paragraph_makes_it_the_lead() -> None:
    # SalzburgerNachrichten / Bild: no lead element; the meta description is the first paragraph
    first = ("The town council approved the new budget on Tuesday after a debate that lasted more than "
             "six hours, the mayor said.")
    a = _extract('<h1>Council approves the new budget after a long debate</h1><div class="article-body">'
                 f"<p>{first}</p>" + "".join(f"<p>{_para(i)}</p>" for i in range(4)) + "</div>",
                 head=f'<meta name="description" content="{first[:90]}...">')
    assert a.lead == first
    assert a.body.startswith(_para(0))


def test_visible_standfirst_between_headline_and_body_is_the_lead() -> None:
    # RollingStone / Correctiv: a "deck"/"excerpt" block under the headline, not named by a lead selector;
    # the byline and the date on the way are passed over
    deck = "The vote ends a year of wrangling over the money for schools, roads and the new town hall."
    a = _extract('<header><h1>Council approves the new budget after a long debate</h1>'
                 '<div class="byline">By Jane Doe and John Roe</div><time>May 6, 2025 10:00</time>'
                 f'<div class="article-dek">{deck}</div></header><div class="article-body">'
                 + "".join(f"<p>{_para(i)}</p>" for i in range(4)) + "</div>",
                 head='<meta name="description" content="A short summary that is not on the page at all.">')
    assert a.lead == deck
    assert deck not in a.body


def test_a_dek_named_in_camel_case_inside_the_headline_block_is_the_lead() -> None:
    # newyorker.com: <div class="SplitScreenContentHeaderDek-juoqbv"> inside the "…TitleBlock" with the <h1>;
    # lrt.lt: a photo's <div class="media-block__description"> under the headline is its caption, no lead
    deck = "The vote ends a year of wrangling over the money for schools, roads and the new town hall."
    body = '<div class="article-body">' + "".join(f"<p>{_para(i)}</p>" for i in range(4)) + "</div>"
    a = _extract('<header><div class="ContentHeaderTitleBlock-hlenF"><h1>Council approves the new budget after a '
                 f'long debate</h1><div class="BaseText-fEohGt ContentHeaderDek-juoqbv">{deck}</div></div></header>'
                 + body)
    assert a.lead == deck and deck not in a.body
    b = _extract('<h1>Council approves the new budget after a long debate</h1><div class="media-block">'
                 '<img src="/hall.jpg"><div class="media-block__description">The old town hall seen from the '
                 'market square on Tuesday evening / J. Doe photo</div></div>' + body)
    assert b.lead is None


def test_a_subtitle_opening_the_body_is_the_lead_and_a_subheading_inside_it_is_not() -> None:
    """hankookilbo.com: the dek is the first block of the articleBody, <h2 class="sub-tit-ll"> with its
    lines parted by <br>; the meta description is another text. mdr.de: <h3 class="subtitle"> headings
    between the paragraphs stay headings of the body."""
    lines = ["Council approves the budget after a year", "Schools and roads get the largest share",
             "The town hall will be rebuilt by 2027"]
    paras = "".join(f"<p>{_para(i)}</p>" for i in range(4))
    a = _extract('<h1>Council approves the new budget after a long debate</h1><div itemprop="articleBody">'
                 f'<h2 class="sub-tit-ll">{"<br>".join(lines)}</h2>{paras}'
                 f'<h3 class="subtitle">What the vote means</h3>{paras.replace("Paragraph", "Part")}</div>',
                 head='<meta name="description" content="A short summary that is not on the page at all.">')
    assert a.lead == " ".join(lines)
    assert lines[0] not in a.body and "What the vote means" in a.body
    # without a description too, a subtitle-classed block after the first paragraph stays in the body
    b = _extract('<h1>Council approves the new budget after a long debate</h1><div itemprop="articleBody">'
                 f'{paras}<h2 class="sub-title">What the budget means for local schools and parks</h2>'
                 f'{paras.replace("Paragraph", "Part")}</div>')
    assert b.lead is None and "What the budget means for local schools and parks" in b.body


@pytest.mark.parametrize("notice", [
    # ici.radio-canada.ca: an alert above the standfirst
    '<div class="e-notification-alert"><div class="content">Prenez note que cet article publié en 2017 '
    "pourrait contenir des informations qui ne sont plus à jour.</div></div>",
    # fool.com: a member promotion whose link is tracked as a call to action
    '<div class="px-24 py-20 border"><p>You’re reading a free article with opinions that may differ from our '
    'Premium Services. Become a member today to get instant access to our recommendations. '
    '<a href="/mms/mark/ecap" data-track-link="cta-text">Learn More</a></p></div>',
])
def test_a_notice_or_promotion_under_the_headline_is_not_the_lead(notice: str) -> None:
    deck = "The vote ends a year of wrangling over the money for schools, roads and the new town hall."
    a = _extract('<header><h1>Council approves the new budget after a long debate</h1>'
                 f'{notice}<div class="lead-container"><p>{deck}</p></div></header><div class="article-body">'
                 + "".join(f"<p>{_para(i)}</p>" for i in range(4)) + "</div>")
    assert a.lead == deck


def test_time_stamps_byline_heading_the_body_and_a_second_headline_leave_the_body() -> None:
    # SportSchau "Stand: 24.04.2024 22:58 Uhr", Express live entries "21 mins ago 11:48 Jon King",
    # webmd "By Brenda Goodman, MA", an <h1> repeated inside the body
    a = _extract('<h1>Council approves the new budget after a long debate</h1><div class="article-body">'
                 '<h1>Council approves the new budget after a long debate</h1>'
                 '<p>By Brenda Goodman, MA</p><p>Stand: 24.04.2024 22:58 Uhr</p>'
                 + "".join(f"<p>{_para(i)}</p>" for i in range(2))
                 + "<p>21 mins ago 11:48 Jon King</p><p>The meeting resumed at 10:30 and ended at noon.</p>"
                 + "".join(f"<p>{_para(i)}</p>" for i in range(2, 4)) + "</div>")
    assert a.body.startswith(_para(0))
    assert "22:58" not in a.body and "Jon King" not in a.body
    assert "The meeting resumed at 10:30 and ended at noon." in a.body  # a sentence with a time stays
    assert a.byline == "By Brenda Goodman, MA"


def test_article_html_only_inside_a_script_is_the_body() -> None:
    # HankookIlbo: the page shows no text; a React Query state script holds the article HTML as a JSON string
    html_body = "".join(f'<p class="editor-p">{_para(i)}</p>' for i in range(5))
    state = '{"article":{"content":' + __import__("json").dumps(html_body) + "}}"
    page = _page('<h1>Council approves the new budget after a long debate</h1><div id="root"></div>'
                 f'<script>window["__RQ"] = window["__RQ"] || []; window["__RQ"].push({state});</script>',
                 head='<script type="application/ld+json">{"@type": "NewsArticle", "headline": "Council '
                      'approves the new budget after a long debate"}</script>')
    a = extract_article(page, URL)
    assert a.is_article, a.reason
    assert _para(0) in a.body and _para(4) in a.body


def test_cjk_description_repeating_the_first_paragraph_is_not_said_twice() -> None:
    # yahoo-4: a Japanese description cut mid-sentence, the first paragraph continues it
    first = ("トレンドマイクロは3月9日、Wi-Fi利用時の通信を暗号化し保護するスマホ・タブレット向けのセキュリティアプリの"
             "発売を開始すると発表した。1年版ライセンスは2900円で、2年版ライセンスは5000円。")
    rest = "".join(f"<p>{_para(i)}</p>" for i in range(3))
    a = _extract(f'<h1>Council approves the new budget after a long debate</h1><div class="article-body">'
                 f"<p>{first}</p>{rest}</div>",
                 head='<meta name="description" content="トレンドマイクロは3月9日、Wi-Fi利用時の通信を暗号化し'
                      '保護するスマホ・タブレット - ニュース">')
    said = (a.lead or "") + "\n" + a.body
    assert said.count("トレンドマイクロは3月9日") == 1
    assert first in said


def test_trailing_source_line_and_reporter_e_mail_leave_the_body() -> None:
    # SportSchau "Quelle: sid/dpa", HankookIlbo "신현주 기자 spicy@hankookilbo.com"
    a = _extract('<h1>Council approves the new budget after a long debate</h1><div class="article-body">'
                 + "".join(f"<p>{_para(i)}</p>" for i in range(4))
                 + "<p>Quelle: sid/dpa</p><p>Jane Roe jane.roe@news.example.com</p></div>")
    assert a.body.endswith(_para(3))


def test_two_click_embed_placeholder_and_reader_poll_are_not_body() -> None:
    # Gamestar: <div data-embed-content="&lt;iframe …&gt;"><div class="info-box">Empfohlener redaktioneller
    # Inhalt … <input type=checkbox id=t><label for=t>YouTube-Inhalte erlauben</label> … Datenschutzerklärung
    # 20 Minuten: <div class="Article_elementPoll"> a question and radio answers
    consent = ('<div class="box" data-embed-content="&lt;iframe src=&quot;https://www.youtube-nocookie.com/embed/x'
               '&quot;&gt;&lt;/iframe&gt;" data-embed-type="youtube"><div class="info-box"><div class="h3">'
               "Empfohlener redaktioneller Inhalt</div><p>An dieser Stelle findest du einen externen Inhalt von "
               'YouTube.</p><input type="checkbox" id="toggle-yt"><label for="toggle-yt">YouTube-Inhalte '
               'erlauben</label><p class="info">Mehr dazu in unserer <a href="/datenschutz/">Datenschutzerklärung'
               "</a>.</p></div></div>")
    toggle = ('<div class="notice"><p>Externer Inhalt: Ich bin damit einverstanden, dass mir Inhalte von X '
              'angezeigt werden.</p><input type="checkbox" id="ext"><label for="ext">Anzeigen</label>'
              '<a href="/datenschutz">Datenschutz</a></div>')
    poll = ('<div class="Article_elementPoll"><p>Sollten Plattformen strenger reguliert werden?</p>'
            + "".join(f'<label><input type="radio" name="poll-1" value="{i}">Antwort {i}</label>' for i in range(4))
            + "</div>")
    body = "".join(f"<p>{_para(i)}</p>" for i in range(3)) + consent + toggle + poll + "".join(
        f"<p>{_para(i)}</p>" for i in range(3, 6))
    a = _extract(f'<article><h1>Council approves the new budget after a long debate</h1>{body}</article>')
    for junk in ("Empfohlener", "YouTube-Inhalte", "einverstanden", "Sollten Plattformen", "Antwort 2"):
        assert junk not in a.body, junk
    assert "Paragraph 5 about the council" in a.body


def test_a_menu_with_a_checkbox_toggle_and_radio_tabs_with_links_are_not_consent_boxes() -> None:
    menu = ('<div class="headlines"><input type="checkbox" id="all"><label for="all">Alle</label>'
            + "".join(f'<a href="/n/{i}">Schlagzeile Nummer {i}</a>' for i in range(5)) + "</div>")
    tabs = ('<div class="author-tabs">' + "".join(
        f'<input type="radio" name="tabs" id="t{i}"><label for="t{i}">Tab {i}</label>' for i in range(3))
        + '<a href="/author/b">Recent posts</a> Bushrod Washington is a political commentator.</div>')
    for block in (menu, tabs):
        root = lh.document_fromstring(f"<html><body>{block}</body></html>")
        assert not is_consent_placeholder(root.find(".//div"))


def test_the_site_home_page_is_not_an_article() -> None:
    """rnd.de's home page: og:type website, JSON-LD WebPage, a date, and newsletter blurbs long enough
    to pass for paragraphs. No article lives at "/"; the same page under an article path is one."""
    blurbs = "".join(f"<p>{_para(i, 'the newsletter')}</p>" for i in range(4))
    html = ('<html lang="de"><head><title>RND - Aktuelle Nachrichten</title><meta property="og:type" content="website">'
            '<link rel="canonical" href="https://www.rnd.de/">'
            '<meta property="article:published_time" content="2025-12-17T09:36:29+00:00"></head>'
            f"<body><main><div class=\"newsletter-teaser\">{blurbs}</div></main></body></html>")
    home = extract_article(html, "https://www.rnd.de/")
    assert not home.is_article and home.reason == "the site's home page"
    page = extract_article(html.replace('href="https://www.rnd.de/"', 'href="https://www.rnd.de/politik/a-123.html"'),
                           "https://www.rnd.de/politik/a-123.html")
    assert page.is_article, page.reason


def test_one_long_unlinked_paragraph_without_metadata_is_an_article_and_a_blurb_list_is_not() -> None:
    """Postlight's saved Wired/Yahoo pages: no og/JSON-LD, one long paragraph of prose (a short article
    or a page saved with its first paragraph): an article. Short linked blurbs stay a list page."""
    long_para = " ".join(_para(i) for i in range(4))  # ~580 characters, no links
    html = (f"<html><head><title>An Ode to the Rosetta Spacecraft</title></head><body><main><article>"
            f"<h1>An Ode to the Rosetta Spacecraft</h1><p>{long_para}</p></article></main></body></html>")
    a = extract_article(html, "https://www.wired.com/2016/09/ode-rosetta-spacecraft/")
    assert a.is_article, a.reason
    blurbs = "".join(f'<p><a href="/s/{i}">{_para(i)[:90]}</a> More</p>' for i in range(2))
    listing = extract_article(f"<html><head><title>Science</title></head><body><main>{blurbs}</main></body></html>",
                              "https://www.wired.com/category/science/")
    assert not listing.is_article


def test_two_paragraphs_under_a_dated_story_address_are_an_article_and_under_a_section_address_not() -> None:
    """Postlight's D Magazine page: no og/JSON-LD, no date on the page, two paragraphs of 300 characters
    and a link-heavy frame. Its address names the day and the story (/2016/12/nfl-concussion-...), which
    a section page's does not; an archive of the month (/2016/12/) is no story either."""
    paras = "".join(f"<p>{_para(i)} {_para(i + 1)}</p>" for i in range(2))
    nav = "".join(f'<li><a href="/s/{i}">Another story number {i}</a></li>' for i in range(6))
    html = (f"<html><head><title>NFL Concussion Settlement Payments Can Begin</title></head><body><main>"
            f"<article><h1>NFL Concussion Settlement Payments Can Begin</h1><p class=\"byline\">By Kathy Wise</p>"
            f"{paras}<ul>{nav}</ul></article></main></body></html>")
    story = extract_article(html, "http://www.dmagazine.com/frontburner/2016/12/nfl-concussion-settlement-payments-can-begin/")
    assert story.is_article, story.reason
    for url in ("http://www.dmagazine.com/frontburner/", "http://www.dmagazine.com/frontburner/2016/12/"):
        page = extract_article(html, url)
        assert not page.is_article and page.reason.startswith("list/section page"), (url, page.reason)


def test_a_short_japanese_news_item_is_long_enough() -> None:
    # asahi.com: 230 characters of Japanese are a whole news item; as many Latin letters are not
    text = ("文化庁は１日、アート、エンターテインメント、アニメーション、マンガの４部門で優れた作品を顕彰する今年度の"
            "メディア芸術祭賞を発表した。エンターテインメント部門の大賞はＮＨＫのテレビ番組が受賞した。")
    html = (f'<html lang="ja"><head><meta property="og:type" content="article"></head><body><article>'
            f"<h1>メディア芸術祭賞を発表</h1><p>{text}</p><p>{text[:60]}</p></article></body></html>")
    assert 100 < len(text) + 60 < 250
    assert extract_article(html, "https://www.asahi.com/articles/ASM3135.html").is_article
    latin = html.replace(text, "x" * len(text))
    assert not extract_article(latin, "https://www.asahi.com/articles/ASM3135.html").is_article


def test_og_type_website_without_a_date_is_a_list_unless_the_page_is_prose() -> None:
    """Many CMSs say og:type "website" on every page. Without a date that marks a section page
    (tuoitre's list: five teaser blurbs of 300 characters), but not a page of long unlinked prose
    (pitchfork's review, gruene.de's article: paragraphs of 700 characters)."""
    head = '<head><title>Kultur</title><meta property="og:type" content="website"></head>'
    blurbs = "".join(f"<div class=\"box\"><h3>Teaser {i}</h3><p>{_para(i)[:200]}</p></div>" for i in range(5))
    listing = extract_article(f"<html>{head}<body><main>{blurbs}</main></body></html>",
                              "https://tuoitre.vn/van-hoa.htm")
    assert not listing.is_article
    prose = "".join(f"<p>{' '.join(_para(i + j) for j in range(5))}</p>" for i in range(4))
    review = extract_article(f"<html>{head}<body><main><article><h1>Lust for Youth</h1>{prose}</article></main>"
                             "</body></html>", "https://pitchfork.com/reviews/albums/21955-lust-for-youth/")
    assert review.is_article, review.reason


def test_screen_reader_labels_of_a_box_toggle_leave_the_body_and_headline_separators_stay() -> None:
    """SRF: an expandable box's header (role=button) carries "Box aufklappen Box zuklappen" for screen
    readers. Those labels are no text of the article; an sr-only separator in a heading is."""
    toggle = ('<div class="box"><div class="box__header" role="button" tabindex="0"><p>Thomas Jäger</p>'
              '<span class="icon"><span class="h-offscreen">Personen-Box aufklappen</span>'
              '<span class="h-offscreen">Personen-Box zuklappen</span></span></div>'
              f'<div class="box__body"><p>{_para(9, "the expert")}</p></div></div>')
    body = "".join(f"<p>{_para(i)}</p>" for i in range(5))
    html = _page(f'<article><h1>Council approves the new budget after a long debate</h1>'
                 f'<h2>Die Lage<span class="sr-only">: </span>Ein Überblick</h2>{body}{toggle}</article>')
    text = extract_article(html, "https://www.srf.ch/news/a-1.html").body
    assert "aufklappen" not in text and "zuklappen" not in text
    assert "Paragraph 9 about the expert" in text
    assert "Die Lage: Ein Überblick" in text


def test_a_drop_cap_joins_the_first_word_of_its_paragraph() -> None:
    """taz: <span class="initial-letter-outer"><span class="initial-letter">N</span></span> <span>a endlich!
    The letter floats in the browser; the space after it is no word break."""
    first = ('<p class="Initial paragraph first"><span class="initial-letter-outer"><span class="initial-letter">N'
             '</span></span> <span class="is-inline">a endlich! Es gibt einen Referentenentwurf zum Gesetz, und die '
             'Ministerien haben ihn nach langen Verhandlungen am Dienstag gemeinsam vorgestellt.</span></p>')
    body = "".join(f"<p>{_para(i)}</p>" for i in range(5))
    html = _page(f"<article><h1>Council approves the new budget after a long debate</h1>{first}{body}</article>")
    text = extract_article(html, "https://taz.de/a/!5931168/").body
    assert text.startswith("Na endlich! Es gibt")


@pytest.mark.parametrize("cap", ["A", "I", "In"])
def test_a_drop_cap_that_is_a_word_keeps_its_space(cap: str) -> None:
    """"A woman …", "I remember …", "In the morning …": the drop cap is the whole first word."""
    first = (f'<p><span class="dropcap">{cap}</span> woman came to the council meeting on Tuesday and asked the '
             "members to repair the old bridge before the winter comes.</p>")
    body = "".join(f"<p>{_para(i)}</p>" for i in range(5))
    html = _page(f"<article><h1>Council approves the new budget after a long debate</h1>{first}{body}</article>")
    assert extract_article(html, "https://example.com/a.html").body.startswith(f"{cap} woman came")


def test_a_short_article_with_a_subscribe_button_in_its_text_keeps_its_text() -> None:
    """A review found a short article's whole body dropped as a "subscription box": six short paragraphs
    and a button-styled subscribe link. Three paragraphs of prose are no box."""
    paras = "".join(f"<p>{_para(i)[:120]}</p>" for i in range(6))
    button = '<p>Want more local news? <a class="btn btn-primary" href="/subscribe">Subscribe</a></p>'
    html = _page(f'<article><h1>Council approves the new budget after a long debate</h1><div class="article-body">'
                 f"{paras}{button}</div></article>")
    art = extract_article(html, "https://example.com/news/a.html")
    assert art.is_article, art.reason
    assert "Paragraph 5 about the council" in art.body


def test_a_campaign_box_with_a_call_to_action_button_leaves_the_body() -> None:
    """taz's donation appeal and Express's WhatsApp box: a short block around a button-styled link
    tagged with a campaign. A campaign-tagged link in running text stays."""
    appeal = ('<div class="tzi-bottom-container"><div class="sect_text tziBottom"><p class="headline">Links lesen, '
              'Rechts bekämpfen</p><p>Gerade jetzt braucht es Zusammenhalt und Solidarität. Dann machen Sie mit und '
              'unterstützen Sie unsere Aktion. Sind Sie dabei?<a href="/Links-lesen/!v=1/#matomo:pk_campaign=tzi-Bottom"'
              ' class="button primary-button">Jetzt unterstützen</a></p></div></div>')
    linked = ('<p>The party published its programme on Monday, <a href="https://example.org/p?utm_campaign=x">'
              'as the council had asked</a>, and the debate began the same evening in the old town hall.</p>')
    body = "".join(f"<p>{_para(i)}</p>" for i in range(5))
    html = _page(f"<article><h1>Council approves the new budget after a long debate</h1>{body}{linked}{appeal}"
                 "</article>")
    text = extract_article(html, "https://taz.de/a/!5931168/").body
    assert "Solidarität" not in text and "Rechts bekämpfen" not in text
    assert "as the council had asked" in text


def test_a_paywalled_article_keeps_its_visible_text_and_loses_the_notice() -> None:
    """Chunichi: a members-only article shows its first two blocks, then a notice with "register" and
    "log in" buttons, then keyword and share buttons. The notice leaves; the article, short as it is,
    stays an article."""
    text1 = ("１３日午後９時１９分ごろ、宮崎県で震度５弱の地震があった。気象庁によると、震源地は日向灘で、震源の深さは約３６キロ。"
             "地震の規模はマグニチュード（Ｍ）６・６と推定される。高知県、宮崎県で津波を観測した。")
    text2 = "気象庁は調査終了を受けた記者会見で「地震はいつ起きてもおかしくない。日頃からの備えを確実に実施しておくようお願いしたい」と呼びかけた。"
    notice = ('<div class="cmp-misc021"><div class="container"><p class="cmp-txt001"><span>この記事は会員限定です。</span>'
              '<br>紙の新聞の定期購読者の方は、無料で会員登録できます。</p><div class="container-narrow">'
              '<div class="l-column"><div class="wrp"><div class="cmp-frm006"><a href="/service/regist" class="btn red">'
              '会員登録する</a></div></div><div class="wrp"><div class="cmp-frm006"><a href="/service/login" '
              'class="btn white">ログインして続きを読む</a></div></div></div><dl class="checkmark"><dt>中日プラスに登録すると'
              '</dt><dd>会員向け記事が読み放題</dd></dl></div><p class="cmp-txt004"><a href="/corporate/c_faq">よくある質問は'
              'こちら</a></p></div></div>')
    buttons = "".join(f'<a href="/news/{k}/" class="btn small">{k}</a>' for k in ("national", "politics", "world"))
    html = ('<html lang="ja"><head><title>宮崎で震度５弱</title><meta property="og:type" content="article"></head><body>'
            f'<div class="content-area"><div class="l-wrapper"><h1>宮崎で震度５弱</h1><div class="block">{text1}</div>'
            f'<div class="block">{text2}</div>{notice}<div class="keywords">{buttons}</div></div></div></body></html>')
    art = extract_article(html, "https://www.chunichi.co.jp/article/1011185")
    assert art.is_article, art.reason
    assert "気象庁は調査終了" in f"{art.lead}\n{art.body}"
    assert "会員限定" not in art.body and "会員登録" not in art.body and "読み放題" not in art.body


def test_inside_the_body_a_block_holding_its_text_is_never_a_link_list() -> None:
    """A short article whose wrapper also holds many keyword and share links: the wrapper has more link
    text than prose, yet it holds the body's paragraphs, so it is not marked as junk."""
    paras = "".join(f"<p>{_para(i)}</p>" for i in range(2))
    links = "".join(f'<a href="/topic/{i}">Topic number {i} of the site</a>' for i in range(20))
    root = lh.document_fromstring(f'<html><body><div class="content-area"><div class="l-wrapper">{paras}'
                                  f'<div class="keywords">{links}</div></div></div></body></html>')
    main = mark_main_content(root)
    assert main is not None
    wrapper = root.find_class("l-wrapper")[0]
    assert wrapper.get(JUNK_ATTR) is None
    assert root.find_class("keywords")[0].get(JUNK_ATTR) == "1"


def test_the_lead_counts_toward_the_length_of_a_declared_article() -> None:
    """A paywalled article: a 150-character lead and a 120-character first paragraph. Declared an article
    (og:type), it is one; the same text on an undeclared page is too little."""
    lead = "L" * 10 + " " + _para(1)[:139]
    para = _para(2)[:120]
    head = f'<meta name="description" content="{lead}">'
    declared = (f'<html><head><meta property="og:type" content="article">{head}</head><body><main><article>'
                f'<h1>Council approves the new budget</h1><p class="lead">{lead}</p><p>{para}</p></article></main>'
                f"</body></html>")
    art = extract_article(declared, "https://example.com/news/a-1.html")
    assert art.is_article, art.reason
    plain = extract_article(declared.replace('<meta property="og:type" content="article">', ""),
                            "https://example.com/news/a-1.html")
    assert not plain.is_article


def test_any_description_that_repeats_the_first_paragraph_makes_it_the_lead() -> None:
    """Hamburger Abendblatt: JSON-LD's description is about something else, og:description repeats the
    first paragraph (without its "Hamburg." dateline): that paragraph is the lead."""
    first = ("Hamburg. Wie das Wetter zur Herausforderung wurde, warum Katharina Steinruck aufgeben musste und wie "
             "oft Ersthelfer ausrückten. Haspa-Lauf im Überblick.")
    og = ("Wie das Wetter zur Herausforderung wurde, warum Katharina Steinruck aufgeben musste und wie oft Ersthelfer "
          "ausrückten. Der Haspa-Marathon 2024 in Hamburg im Überblick.")
    ld = {"@context": "https://schema.org", "@type": "NewsArticle", "headline": "Hamburg Marathon 2024",
          "description": "Bernard Koech hat den Hamburg Marathon 2024 als schnellster Mann gewonnen."}
    head = (f'<meta property="og:description" content="{og}">'
            f'<script type="application/ld+json">{json.dumps(ld, ensure_ascii=False)}</script>')
    body = "".join(f"<p>{_para(i)}</p>" for i in range(5))
    art = extract_article(_page(f"<article><h1>Hamburg Marathon 2024</h1><p>{first}</p>{body}</article>", head),
                          "https://www.abendblatt.de/sport/article1.html")
    assert art.lead == first
    assert not art.body.startswith("Hamburg. Wie das Wetter")


def test_a_body_cut_in_two_sections_of_one_kind_is_read_whole() -> None:
    """politico: the story's first paragraphs sit in a section "page-content__row page-content__row--story",
    the rest, after a share box, in the same section kind with "main-section" added."""
    first = "".join(f'<p class="story-text__paragraph">{_para(i, "the opening")}</p>' for i in range(3))
    rest = "".join(f'<p class="story-text__paragraph">{_para(i, "the survey")}</p>' for i in range(12))
    html = _page('<div class="page-content"><h1>Council approves the new budget after a long debate</h1>'
                 f'<section class="page-content__row page-content__row--story"><div class="story-text">{first}</div>'
                 '</section><aside class="social-tools"><a href="https://wa.me/?text=x">WhatsApp</a></aside>'
                 f'<section class="page-content__row page-content__row--story main-section"><div class="story-text">'
                 f"{rest}</div></section></div>")
    text = extract_article(html, "https://www.politico.com/story/2016/10/a-229079").body
    assert text.startswith("Paragraph 0 about the opening")
    assert "Paragraph 11 about the survey" in text


def test_a_description_holding_the_whole_text_leaves_the_body_whole() -> None:
    """yahoo.com, buzzap.jp: the page's description is the article's whole text. The body is not emptied
    into a lead that no reader sees."""
    paras = [_para(i, "the campaign") for i in range(3)]
    head = f'<meta name="description" content="{" ".join(paras)}">'
    html = _page("<article><h1>Council approves the new budget after a long debate</h1>"
                 + "".join(f"<p>{t}</p>" for t in paras) + "</article>", head)
    art = extract_article(html, "https://www.yahoo.com/news/a-1.html")
    assert art.is_article, art.reason
    assert "Paragraph 2 about the campaign" in art.body
    assert art.lead is None


def test_a_timeline_keeps_its_dates_and_a_date_heading_the_body_goes() -> None:
    """washingtonpost: "October 29, 2018" heads the body and goes. A timeline's dates inside the body are
    its entries' headings and stay (a review found them dropped)."""
    entries = "".join(f"<p>{d}</p><p>{_para(i)}</p>" for i, d in enumerate(
        ("January 5, 2024", "February 12, 2024", "March 3, 2024")))
    opening = "<article><h1>Council approves the new budget after a long debate</h1>"
    html = _page(f"{opening}<p>October 29, 2018</p><p>{_para(9)}</p><p>{_para(10)}</p><p>{_para(11)}</p></article>")
    body = extract_article(html, "https://www.washingtonpost.com/a.html").body
    assert not body.startswith("October 29, 2018") and "Paragraph 11" in body
    # a timeline: at the start, inside, at the end of the body
    for html in (_page(f"{opening}{entries}</article>"), _page(f"{opening}<p>{_para(9)}</p>{entries}</article>")):
        body = extract_article(html, "https://www.washingtonpost.com/a.html").body
        assert "January 5, 2024" in body and "February 12, 2024" in body and "March 3, 2024" in body


def test_paragraphs_marked_paywall_are_article_text() -> None:
    # wired.com / newyorker.com (Condé Nast): the gated paragraphs carry class="paywall"; a paywall
    # *box* (a div) still goes
    gated = "".join(f'<p class="paywall">{_para(i, "the sleeping bags")}</p>' for i in range(3, 9))
    box = '<div class="paywall">Subscribe to keep reading this story, from only $5 a month.</div>'
    a = _extract(f'<article><h1>Council approves the new budget after a long debate</h1>'
                 f'<div class="body">{"".join(f"<p>{_para(i)}</p>" for i in range(3))}{gated}{box}</div></article>')
    assert "Paragraph 8 about the sleeping bags" in a.body
    assert "Subscribe to keep reading" not in a.body


@pytest.mark.parametrize("box", [
    '<p class="paywall">Subscribe now to continue reading.</p>',  # short: a prompt, not gated text
    '<p id="paywall">Only an id: this paragraph is the site paywall notice, whatever its length is here.</p>',
    '<ul class="paywall"><li>Unlimited access</li><li>All our newsletters</li></ul>',  # an offer list
    '<p class="paywall">Become a subscriber to read the rest of this article and all our journalism, '
    '<a href="/subscribe">from $1 a week</a>.</p>',
])
def test_paywall_prompts_stay_out_of_the_body(box: str) -> None:
    a = _extract('<article><h1>Council approves the new budget after a long debate</h1>'
                 f'<div class="body">{"".join(f"<p>{_para(i)}</p>" for i in range(5))}{box}</div></article>')
    for words in ("Subscribe now", "paywall notice", "Unlimited access", "Become a subscriber"):
        assert words not in a.body


def test_relative_times_and_no_reproduction_notices_leave_the_body() -> None:
    # yomiuri.co.jp: "1 時間前" and "無断転載禁止" above the text; asahi.com "[PR]"
    a = _extract('<article><h1>Council approves the new budget after a long debate</h1><div class="body">'
                 '<p>1 時間前</p><p>無断転載禁止</p><p>[PR]</p><p>3 hours ago</p>'
                 + "".join(f"<p>{_para(i)}</p>" for i in range(4)) + "</div></article>")
    assert a.body.startswith("Paragraph 0")


def test_a_stamp_with_dotted_clock_times_leaves_the_body_and_a_dotted_number_stays() -> None:
    # aftonbladet.se: "Uppdaterad 15.59 | Publicerad 14.14" between the byline and the text
    a = _extract('<article><h1>Council approves the new budget after a long debate</h1><div class="body">'
                 '<p>Uppdaterad 15.59 | Publicerad 14.14</p><p>Oppdatert 09.05</p>'
                 + "".join(f"<p>{_para(i)}</p>" for i in range(4))
                 + "<p>Interest rose to 12.50 percent</p><p>Updated rules take effect in 2026</p></div></article>")
    assert a.body.startswith("Paragraph 0")
    assert "12.50 percent" in a.body and "Updated rules" in a.body


def test_the_sites_calls_to_its_readers_leave_the_body_and_a_writers_note_stays() -> None:
    # metro.co.uk, dailystar.co.uk, nationalpost.com: tip line, "follow us", newsletter offers under the
    # story; breitbart: "SIGN UP FOR OUR NEWSLETTER" between the paragraphs
    notices = ["Got a story? Get in touch with our news team by emailing us at webnews@example.com.",
               "For more stories like this, check our news page.",
               "For the latest breaking news from across the globe, sign up for our newsletters."]
    note = "Jane Doe covers the council for the Courier. Follow her on Twitter @janedoe."
    a = _extract('<article><h1>Council approves the new budget after a long debate</h1><div class="body">'
                 + f"<p>{_para(0)}</p><p>SIGN UP FOR OUR NEWSLETTER</p>"
                 + "".join(f"<p>{_para(i)}</p>" for i in range(1, 4)) + f"<p>{note}</p>"
                 + "".join(f"<p>{n}</p>" for n in notices) + "</div></article>")
    assert a.body.endswith(note) and "NEWSLETTER" not in a.body and "Paragraph 3" in a.body


def test_a_file_name_and_the_caption_of_a_placeholder_image_leave_the_body() -> None:
    # al.com: "skimming scheme seized cash and cards.jpg" as a paragraph; timesofindia: a video's poster gif
    # with <div class="img_cptn"> beside it
    a = _extract('<article><h1>Council approves the new budget after a long debate</h1><div class="body">'
                 '<section><div class="video_blk"><img src="https://news.example.com/photo/42706777.gif" '
                 'width="1" height="1"></div><div class="img_cptn">File photo of the town hall. (Reuters)</div>'
                 '</section><p>seized cash and cards.jpg</p>'
                 + "".join(f"<p>{_para(i)}</p>" for i in range(4))
                 + "<p>The budget file is called budget.png on the council site.</p></div></article>")
    assert a.body.startswith("Paragraph 0") and "budget.png on the council site" in a.body


@pytest.mark.parametrize("notice", ["© 2019 Science X Network", "Copyright © ITmedia, Inc. All Rights Reserved.",
                                    "© dpa-infocom, dpa:240516-99-53606/3 (dpa)", "Alle Rechte vorbehalten."])
def test_a_copyright_notice_closing_the_text_leaves_the_body(notice: str) -> None:
    # phys.org, itmedia.co.jp, BSZ: the notice after the last paragraph; one inside the text stays
    inside = "The council's lawyers said all rights reserved by the old charter would pass to the new board."
    a = _extract('<article><h1>Council approves the new budget after a long debate</h1><div class="body">'
                 + "".join(f"<p>{_para(i)}</p>" for i in range(2)) + f"<p>{inside}</p>"
                 + "".join(f"<p>{_para(i)}</p>" for i in range(2, 5)) + f"<p>{notice}</p></div></article>")
    assert a.body.endswith(_para(4)) and inside in a.body


@pytest.mark.parametrize("notice", [
    # elpais.com: <p class="nota_pie"> under the text
    "Puede escribirnos a nuno@example.com o seguir a Materia en Facebook, Twitter, Instagram o suscribirse "
    "aquí a nuestra newsletter.",
    "Abonnez-vous à notre newsletter pour recevoir l'essentiel de l'actualité.",
    "Abonnieren Sie unseren Newsletter und bleiben Sie informiert.",
    # the Vietnamese press
    "Mời bạn đọc đón xem video tiếp theo của chúng tôi",
    "Bạn đọc có thể gửi bài viết, ý kiến về email: bandoc@example.vn",
])
def test_a_call_to_the_reader_in_another_language_leaves_the_body(notice: str) -> None:
    a = _extract('<article><h1>Council approves the new budget after a long debate</h1><div class="body">'
                 + "".join(f"<p>{_para(i)}</p>" for i in range(4)) + f'<p class="nota_pie">{notice}</p></div></article>')
    assert a.body.endswith(_para(3))


def test_a_description_repeating_a_one_paragraph_article_leaves_the_paragraph_in_the_body() -> None:
    # yomiuri.co.jp: one long paragraph and a section label after it; the description repeats the paragraph
    text = " ".join(_para(i) for i in range(3))
    a = _extract(f'<article><h1>Council approves the new budget after a long debate</h1><div class="body">'
                 f"<p>{text}</p><p>Sports</p></div></article>",
                 head=f'<meta name="description" content="{text[:150]}">')
    assert a.is_article and a.body.startswith("Paragraph 0") and a.lead is None


def test_a_description_equal_to_the_only_paragraph_leaves_it_in_the_body() -> None:
    # yahoo.com: a one-paragraph story whose meta description is that paragraph, word for word
    text = " ".join(_para(i) for i in range(3))
    a = _extract(f'<article><h1>Council approves the new budget after a long debate</h1><div class="body">'
                 f"<p>{text}</p></div></article>", head=f'<meta name="description" content="{text}">')
    assert a.body == text and a.lead is None


def test_a_date_after_the_writers_name_and_role_heading_the_body_leaves_it() -> None:
    # washingtonpost: "Jennifer Rubin" / "Opinion writer" / "October 29, 2018" above the first paragraph
    a = _extract('<article><h1>Council approves the new budget after a long debate</h1><div class="body">'
                 '<div class="author-wrapper"><div class="author-name">Jennifer Rubin</div><div class="author-info">'
                 '<div class="author-role">Opinion writer</div></div>'
                 '<span class="author-timestamp">October 29, 2018</span></div>'
                 + "".join(f"<p>{_para(i)}</p>" for i in range(4)) + "</div></article>")
    assert a.body.startswith("Paragraph 0")


def test_a_separator_left_at_the_end_of_the_description_is_no_part_of_the_lead() -> None:
    # hankookilbo.com: <meta name="description" content="… 직면했다는 내용입니다. | ">
    summary = "The council approved next year's budget after a year of wrangling over schools and roads."
    a = _extract('<article><h1>Council approves the new budget after a long debate</h1><div class="body">'
                 + "".join(f"<p>{_para(i)}</p>" for i in range(4)) + "</div></article>",
                 head=f'<meta name="description" content="{summary} | ">')
    assert a.lead == summary


def test_opening_paragraphs_the_description_repeats_are_the_lead() -> None:
    # aftonbladet.se: three short opening paragraphs, which the description repeats (cut short); mk.co.kr:
    # lines parted by <br>. A subtitle heading before them stays in the body.
    lines = ["Hanna, 18, disappeared in Uddevalla on Tuesday.", "The police have now opened a special inquiry.",
             "- The public found clothes that may be hers, says Johan Håkansson of the police."]
    desc = " ".join(lines)[:-30]
    a = _extract('<article><h1>Council approves the new budget after a long debate</h1><div class="body">'
                 '<h2 class="subtitle">Police ask for tips</h2>' + "".join(f"<p>{x}</p>" for x in lines)
                 + "".join(f"<p>{_para(i)}</p>" for i in range(4)) + "</div></article>",
                 head=f'<meta name="description" content="{desc}">')
    assert a.lead == " ".join(lines)
    assert a.body.startswith("Police ask for tips\nParagraph 0")
    # paragraphs that say more than the description stay the body
    b = _extract('<article><h1>Council approves the new budget after a long debate</h1><div class="body">'
                 + "".join(f"<p>{x} {_para(i)}</p>" for i, x in enumerate(lines))
                 + "".join(f"<p>{_para(i)}</p>" for i in range(4)) + "</div></article>",
                 head=f'<meta name="description" content="{desc}">')
    assert b.body.startswith(lines[0])


@pytest.mark.parametrize("box", [
    # businessinsider.de: <div class="bi-bulletpoints"> of three paragraphs after the lead photo
    '<div class="bi-bulletpoints"><p>Evergrande owes 300 billion dollars.</p><p>No company in the world owes '
    "more.</p><p>Analysts fear the shock of its collapse.</p></div>",
    # 20min.ch: an info box typed "typeInfoboxSummary" with its heading "Darum gehts" and a list
    '<div type="typeInfoboxSummary"><h3>Darum gehts</h3><ul><li><p>Evergrande owes 300 billion dollars.</p></li>'
    "<li><p>No company in the world owes more.</p></li><li><p>Analysts fear the shock of its collapse.</p></li>"
    "</ul></div>",
])
def test_a_key_points_box_opening_the_text_is_the_lead(box: str) -> None:
    a = _extract('<article><h1>Council approves the new budget after a long debate</h1><div class="article-body">'
                 + box + "".join(f"<p>{_para(i)}</p>" for i in range(4)) + "</div></article>",
                 head='<meta name="description" content="A short summary that is not on the page at all.">')
    assert a.lead == ("Evergrande owes 300 billion dollars. No company in the world owes more. Analysts fear the "
                      "shock of its collapse.")
    assert "Evergrande" not in a.body and "Darum" not in a.body


def test_a_key_points_box_of_links_is_no_lead() -> None:
    box = ('<div class="key-points">' + "".join(f'<p><a href="/story-{i}">Another story number {i} about the '
                                                 f"budget</a></p>" for i in range(3)) + "</div>")
    a = _extract('<article><h1>Council approves the new budget after a long debate</h1><div class="article-body">'
                 + box + "".join(f"<p>{_para(i)}</p>" for i in range(4)) + "</div></article>")
    assert a.lead is None or "Another story" not in a.lead


def test_a_section_heading_with_its_own_anchor_under_the_headline_is_no_lead() -> None:
    # aftonbladet.se: <h2 id="trump-kan-ha-svangt-i-livsviktiga-avtalet" class="…subheadingTheme…"> right
    # under the <h1>, the first of the text's section headings
    a = _extract('<article><h1>Council approves the new budget after a long debate</h1>'
                 '<h2 id="trump-kan-ha-svangt-i-livsviktiga-avtalet" class="x_subheadingTheme_1">Trump kan ha '
                 'svängt i livsviktiga avtalet</h2><div class="article-body">'
                 + "".join(f"<p>{_para(i)}</p>" for i in range(4)) + "</div></article>")
    assert a.lead is None or "svängt" not in a.lead


def test_a_preamble_of_several_paragraphs_is_the_whole_lead_without_its_video() -> None:
    # expressen.se: <div class="article__preamble"> of three short paragraphs, then a video figure
    lines = ["The pupils broke in at night and beat other pupils, the charge says.",
             "In the dormitories they hit their schoolmates with belts.", "Now five pupils are charged."]
    a = _extract('<article><h1>Council approves the new budget after a long debate</h1>'
                 '<div class="article__preamble rich-text">' + "".join(f"<p>{x}</p>" for x in lines)
                 + '<figure class="rich-video"><video src="/v.mp4"></video><figcaption>Watch: the school'
                 "</figcaption></figure></div><div class=\"article-body\">"
                 + "".join(f"<p>{_para(i)}</p>" for i in range(4)) + "</div></article>")
    assert a.lead == " ".join(lines)
    assert "belts" not in a.body
