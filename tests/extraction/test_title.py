"""Title choice: visible headline vs the page's structured titles, and site-name suffixes.

Snippets are shaped like the real pages that motivated each rule (named in the test).
"""

from __future__ import annotations

import json

import pytest

from worker.extract import extract_article
from worker.extract.core import clean_category, strip_section_suffix, strip_site_suffix

BODY = "".join(
    f"<p>Paragraph {i}: the members argued for hours, and the vote, which had been postponed twice, "
    f"was finally held late on Tuesday evening in the old town hall of the city.</p>"
    for i in range(8)
)


def _page(h1: str | None, *, headline: str | None = None, og: str | None = None, doc_title: str = "",
          site_name: str | None = None) -> str:
    head = f"<title>{doc_title}</title>"
    if og:
        head += f'<meta property="og:title" content="{og}">'
    if site_name:
        head += f'<meta property="og:site_name" content="{site_name}">'
    if headline:
        ld = {"@context": "https://schema.org", "@type": "NewsArticle", "headline": headline}
        head += f'<script type="application/ld+json">{json.dumps(ld, ensure_ascii=False)}</script>'
    h1_html = f"<h1>{h1}</h1>" if h1 is not None else ""
    return f'<html lang="de"><head>{head}</head><body><article>{h1_html}{BODY}</article></body></html>'


def test_visible_title_joined_from_spans_takes_the_headlines_spelling() -> None:
    # stuttgarter-zeitung: <h1><span>Stuttgart hat's drauf</span> <span>: Stadt der Superlative</span>
    html = _page("<span>Stuttgart hat's drauf</span> <span>: Stadt der Superlative</span>",
                 headline="Stuttgart hat's drauf: Stadt der Superlative")
    assert extract_article(html, "https://www.stuttgarter-zeitung.de/a.html").title == \
        "Stuttgart hat's drauf: Stadt der Superlative"


def test_a_kicker_span_glued_to_the_headline_takes_og_titles_spacing() -> None:
    # tageblatt.lu: <h1><span>Nationale Demo</span>Der 9. Juli naht: …</h1>, the span a block by CSS;
    # og:title "Nationale Demo / Der 9. Juli naht: …", the JSON-LD headline without the kicker
    og = "Nationale Demo / Der 9. Juli naht: Gewerkschaften zeigen Einheit"
    html = _page("<span>Nationale Demo</span>Der 9. Juli naht: Gewerkschaften zeigen Einheit", og=og,
                 headline="Der 9. Juli naht: Gewerkschaften zeigen Einheit")
    assert extract_article(html, "https://www.tageblatt.lu/headlines/a/").title == og


def test_og_titles_other_quotes_or_case_do_not_replace_the_visible_title() -> None:
    # fortune.com / rollingstone.com: og:title differs only in case or straight quotes
    visible = "Here Are 6 Can’t-Miss Gadgets Powered by Amazon’s ‘Alexa’ Assistant"
    html = _page(visible, og="Here Are 6 Can't-Miss Gadgets Powered By Amazon's 'Alexa' Assistant")
    assert extract_article(html, "https://fortune.com/a/").title == visible


def test_visible_title_with_other_words_is_kept() -> None:
    # the structured headline is an SEO variant: the visible one stays
    html = _page("Kühltürme von AKW Gundremmingen gesprengt am Sonntag",
                 headline="Kühltürme von AKW Gundremmingen gesprengt")
    assert extract_article(html, "https://news.example.de/a.html").title == \
        "Kühltürme von AKW Gundremmingen gesprengt am Sonntag"


def test_meta_only_title_loses_the_site_suffix() -> None:
    # hankookilbo: no <h1>, no JSON-LD; og:title "…-정치ㅣ한국일보" with og:site_name 한국일보
    html = _page(None, og="Chiesa ruft zum Widerstand gegen die Asylpolitik auf | Tages-Anzeiger",
                 doc_title="Chiesa ruft zum Widerstand gegen die Asylpolitik auf | Tages-Anzeiger",
                 site_name="Tages-Anzeiger")
    assert extract_article(html, "https://www.tagesanzeiger.ch/a.html").title == \
        "Chiesa ruft zum Widerstand gegen die Asylpolitik auf"


@pytest.mark.parametrize(
    ("title", "site", "host", "expected"),
    [
        ("Strava taps AI to weed out cheats | TechCrunch", None, "techcrunch.com",
         "Strava taps AI to weed out cheats"),
        ("장동혁, 한동훈 제명했지만 부담 커졌다ㅣ한국일보", "한국일보", "www.hankookilbo.com",
         "장동혁, 한동훈 제명했지만 부담 커졌다"),
        ("Rückbau von Atomkraftwerk - Stuttgarter Zeitung", "Stuttgarter Zeitung", "x.de",
         "Rückbau von Atomkraftwerk"),
        # not a site name: left alone
        ("Covid-19 vaccines: what the trial shows | Science", "The Daily", "daily.example",
         "Covid-19 vaccines: what the trial shows | Science"),
        ("Spider-Man returns", "Man", "man.example", "Spider-Man returns"),
        ("BBC", "BBC", "bbc.co.uk", "BBC"),
        # a colon before og:site_name itself (phpspot.org); a colon before the host's name is a kicker's
        ("マインドマップ風のツリーを描画できる「Treeviz」:phpspot開発日誌", "phpspot開発日誌", "phpspot.org",
         "マインドマップ風のツリーを描画できる「Treeviz」"),
        ("Brexit deal passes first vote: Guardian", None, "guardian.example",
         "Brexit deal passes first vote: Guardian"),
    ],
)
def test_strip_site_suffix(title: str, site: str | None, host: str, expected: str) -> None:
    assert strip_site_suffix(title, site, host) == expected


def _headed_page(h1: str, og: str, *, after: bool = False) -> str:
    """The headline in a page header above the article's text (or, ``after``, in a box after it)."""
    head = f'<title>{og}</title><meta property="og:title" content="{og}">'
    box = f'<header class="article-header"><h1>{h1}</h1><p class="meta">Updated</p></header>'
    main = f'<div class="article-body">{BODY}</div>'
    body = main + f'<aside class="more">{box}</aside>' if after else box + main
    return f'<html lang="en"><head>{head}</head><body><div class="page">{body}</div></body></html>'


def test_visible_headline_above_the_text_beats_a_different_social_title() -> None:
    # nbcnews, newyorker, slate: <h1> "What's the Hold-Up at SpaceX?" while og:title is the dek
    html = _headed_page("What's the Hold-Up at SpaceX Again?", "It has been a rough few months for SpaceX")
    assert extract_article(html, "https://www.nbcnews.com/a.html").title == "What's the Hold-Up at SpaceX Again?"


@pytest.mark.parametrize(
    ("h1", "after"),
    [
        ("Business Monday", False),  # miamiherald: a section name in the <h1>
        ("Having Eczema Can Be A Traumatizing Experience", True),  # thoughtcatalog: another article's heading
    ],
)
def test_heading_that_is_no_headline_yields_to_the_structured_title(h1: str, after: bool) -> None:
    og = "From Metrorail to bike paths, this is what CEOs think of public transit"
    assert extract_article(_headed_page(h1, og, after=after), "https://www.miamiherald.com/a.html").title == og


def test_meta_value_attribute_is_read_like_content() -> None:
    # postlight's saved pages: <meta value="2016-12-16T17:21:02+00:00" name="article:published_time">
    html = _page("Kühltürme von AKW Gundremmingen gesprengt").replace(
        "<title>", '<meta value="2016-12-16T17:21:02+00:00" name="article:published_time"><title>')
    art = extract_article(html, "https://observer.com/a.html")
    assert art.published is not None
    assert art.published.isoformat() == "2016-12-16T17:21:02+00:00"


_SPORTSCHAU_H1 = ('<span class="seitenkopf__topline">Premier League</span> '
                  '<span class="seitenkopf__headline--text">Rückschlag im Titelkampf - Liverpool verliert bei Everton'
                  '</span>')
_GOLEM_H1 = ('<span class="go-article-header__kicker">Premier League<span class="go-vh">:</span></span> '
             '<span class="go-article-header__title">Rückschlag im Titelkampf - Liverpool verliert bei Everton</span>')


@pytest.mark.parametrize(
    ("h1", "og", "expected"),
    [
        # sportschau: the topline "Premier League" is a label above the headline, not part of it
        (_SPORTSCHAU_H1, "Rückschlag im Titelkampf - Liverpool verliert bei Everton",
         "Rückschlag im Titelkampf - Liverpool verliert bei Everton"),
        # golem, bild: the structured title carries the kicker too: it is part of the title
        (_GOLEM_H1, "Premier League: Rückschlag im Titelkampf - Liverpool verliert bei Everton",
         "Premier League: Rückschlag im Titelkampf - Liverpool verliert bei Everton"),
    ],
)
def test_a_kicker_element_in_the_headline(h1: str, og: str, expected: str) -> None:
    html = _page(h1, og=og)
    assert extract_article(html, "https://www.sportschau.de/fussball/a.html").title == expected


@pytest.mark.parametrize(
    ("crumbs", "expected"),
    [
        # tages-anzeiger: home, section, the article's own title
        (["Startseite", "Schweiz", "Chiesa ruft zum Widerstand gegen die Asylpolitik auf"], ["Schweiz"]),
        # faz, aftonbladet: the site's name or address heads the trail
        (["FAZ.NET", "Wirtschaft"], ["Wirtschaft"]),
        (["City Herald", "Nyheter"], ["Nyheter"]),
        (["City Herald – die Zeitung der Stadt", "Bildung"], ["Bildung"]),
        (["Faz", "Fazit"], ["Fazit"]),
        # wordpress and CMS page kinds
        (["Uncategorized"], []),
        (["Articles", "Politics"], ["Politics"]),
        (["ホーム", "ガジェット"], ["ガジェット"]),
        (["Kinh doanh", "Quốc tế", "Phân tích"], ["Kinh doanh", "Quốc tế", "Phân tích"]),
    ],
)
def test_clean_category(crumbs: list[str], expected: list[str]) -> None:
    title = "Chiesa ruft zum Widerstand gegen die Asylpolitik auf"
    assert clean_category(crumbs, title, "City Herald", "www.faz.net") == expected


@pytest.mark.parametrize(
    ("title", "site", "host", "expected"),
    [
        # the registered name, not the subdomain
        ("Wall Street falls again | Yahoo", None, "news.yahoo.com", "Wall Street falls again"),
        ("Prices rise again - BBC", None, "www.bbc.co.uk", "Prices rise again"),
        # og:site_name "The Times of India" names the site with or without its article
        ("China snubs Khan | India News - Times of India", "The Times of India", "timesofindia.indiatimes.com",
         "China snubs Khan | India News"),
        # a section word that is the subdomain is no site name
        ("Markets close higher | News", None, "news.example.com", "Markets close higher | News"),
    ],
)
def test_strip_site_suffix_knows_the_sites_registered_name(title: str, site: str | None, host: str,
                                                           expected: str) -> None:
    assert strip_site_suffix(title, site, host) == expected


@pytest.mark.parametrize(
    ("crumbs", "site", "host", "expected"),
    [
        # a subdomain named after a section keeps that section (a review found these dropped)
        (["Kinh doanh", "Chứng khoán"], "VnExpress", "kinhdoanh.vnexpress.net", ["Kinh doanh", "Chứng khoán"]),
        (["Money", "Investing"], "CNNMoney", "money.cnn.com", ["Money", "Investing"]),
        (["Time Off", "Books"], "Time", "time.com", ["Time Off", "Books"]),
        # a series named after the site is a section; the site's name and its tagline are not
        (["The Economist explains"], "The Economist", "www.economist.com", ["The Economist explains"]),
        (["EL PAÍS: el periódico global", "Internacional"], "El País", "elpais.com", ["Internacional"]),
        # accents and đ fold: "Dân Trí" is dantri.com.vn
        (["Dân Trí", "Xã hội"], None, "dantri.com.vn", ["Xã hội"]),
    ],
)
def test_clean_category_knows_the_site(crumbs: list[str], site: str | None, host: str,
                                       expected: list[str]) -> None:
    assert clean_category(crumbs, "Some headline of the day", site, host) == expected


def test_a_linked_heading_above_the_text_is_another_storys_teaser() -> None:
    # a review: a "top story" teaser headline right above the article took the title
    og = "Council approves bigger transport budget for the city"
    html = _headed_page('<a href="/news/storm-warning-north-coast">Storm warning issued for the whole north coast</a>',
                        og)
    assert extract_article(html, "https://www.example.com/a.html").title == og


@pytest.mark.parametrize(
    ("h1", "doc_title", "expected"),
    [
        # ipa.go.jp: the <title> is the headline plus a suffix no site-name rule knows: the <h1>
        ("ゴールデンウィークにおける情報セキュリティに関する注意喚起",
         "ゴールデンウィークにおける情報セキュリティに関する注意喚起：IPA 独立行政法人 情報処理推進機構",
         "ゴールデンウィークにおける情報セキュリティに関する注意喚起"),
        # a review: a short headline right above the text stays, whatever the <title> says
        ("Broken Pledge", "Example News", "Broken Pledge"),
        ("Broken Pledge", "Home | Example", "Broken Pledge"),
        ("Broken Pledge", "Minister U-turn on tax promise | Example", "Broken Pledge"),
        # a section name heading the <title> is no headline of the page
        ("Politics", "Politics | Senate passes the budget bill after a long night", "Politics"),
    ],
)
def test_without_structured_titles_the_document_title_checks_the_h1(h1: str, doc_title: str, expected: str) -> None:
    html = _headed_page(h1, doc_title).replace(f'<meta property="og:title" content="{doc_title}">', "")
    assert extract_article(html, "https://www.example.com/a.html").title == expected


def _untitled_page(doc_title: str, before: str, heading: str) -> str:
    """A page without structured titles: ``before`` above the <article>, ``heading`` opening it."""
    return (f"<html><head><title>{doc_title}</title></head><body>{before}<article>{heading}{BODY}</article>"
            "</body></html>")


def test_a_section_h1_gives_way_to_the_document_title_shown_as_a_heading() -> None:
    # webmd: no structured title, a section name in the <h1>, the <title>'s headline shown as an <h2>
    headline = "Babies Who Eat Peanuts Early May Avoid Allergy"
    html = _untitled_page(headline, '<h1>Allergies Health Center</h1><div class="tools"><h2>Tools</h2></div>',
                          f"<h2>{headline}</h2>")
    assert extract_article(html, "https://www.webmd.com/a.html").title == headline


def test_a_logo_h1_contained_in_the_document_title_does_not_win() -> None:
    # a review: <header><h1 class=logo>Example News</h1></header> above the article's own <h1>
    html = _untitled_page("Senate passes the budget bill | Example News",
                          '<header><h1 class="logo">Example News</h1></header>', "<h1>Budget approved</h1>")
    assert extract_article(html, "https://exnews.com/a.html").title == "Budget approved"


def test_a_self_linked_entry_title_is_the_headline() -> None:
    # a review: WordPress links the entry title to the page itself; that is no teaser
    og = "Tax promise abandoned as minister faces revolt"
    html = _headed_page('<a href="https://www.example.com/a.html">Minister breaks his pledge on taxes</a>', og)
    assert extract_article(html, "https://www.example.com/a.html").title == "Minister breaks his pledge on taxes"


def test_a_kicker_the_structured_title_puts_after_the_headline_is_left_out() -> None:
    # tagesschau: <span class="dachzeile">Interne Unterlagen im Netz</span> <span>Daten von Rheinmetall gehackt</span>;
    # og:title "Daten von Rheinmetall gehackt - Interne Unterlagen im Netz"
    h1 = ('<span class="dachzeile">Interne Unterlagen im Netz</span> '
          '<span class="headline">Daten von Rheinmetall gehackt</span>')
    html = _page(h1, og="Daten von Rheinmetall gehackt - Interne Unterlagen im Netz")
    assert extract_article(html, "https://www.tagesschau.de/a.html").title == "Daten von Rheinmetall gehackt"


def test_the_section_named_before_the_site_is_cut_from_a_social_title() -> None:
    # hankookilbo.com: no visible headline; og:title "…커졌다-정치ㅣ한국일보", the section in a
    # <meta name="content_category">
    head = ('<title>장동혁, 한동훈 제명했지만 부담 커졌다-정치ㅣ한국일보</title>'
            '<meta property="og:title" content="장동혁, 한동훈 제명했지만 부담 커졌다-정치ㅣ한국일보">'
            '<meta property="og:site_name" content="한국일보"><meta name="content_category" content="정치">')
    html = f'<html lang="ko"><head>{head}</head><body><article>{BODY}</article></body></html>'
    art = extract_article(html, "https://www.hankookilbo.com/news/article/A2026012914320005196")
    assert art.title == "장동혁, 한동훈 제명했지만 부담 커졌다"
    assert art.category == ["정치"]


@pytest.mark.parametrize(("title", "section", "expected"), [
    ("Der Haushalt ist beschlossen - Politik", "Politik", "Der Haushalt ist beschlossen"),
    ("Der Haushalt ist beschlossen - Politik", None, "Der Haushalt ist beschlossen - Politik"),
    ("Der Haushalt ist beschlossen - Politik", "Sport", "Der Haushalt ist beschlossen - Politik"),
    ("Politik - Sport", "Sport", "Politik - Sport"),  # too short a headline to be cut
    # a bare hyphen joins a compound, except between Korean/CJK words ("커졌다-정치")
    ("Die neue Strategie in der Corona-Politik", "Politik", "Die neue Strategie in der Corona-Politik"),
    ("Inside the rise of K-Pop", "Pop", "Inside the rise of K-Pop"),
    ("장동혁 한동훈 제명했지만 부담 커졌다-정치", "정치", "장동혁 한동훈 제명했지만 부담 커졌다"),
])
def test_strip_section_suffix(title: str, section: str | None, expected: str) -> None:
    assert strip_section_suffix(title, section) == expected


def test_a_shown_kicker_left_out_is_not_replaced_by_the_social_titles_kicker() -> None:
    # srf.ch: <h1><span class="article-title__overline">Eskalation im Nahen Osten</span> <span>«…»</span>;
    # og:title puts another kicker in front: "Iranischer Angriff auf Israel: «…»"
    quote = "«Die israelische Zurückhaltung hat viel mit den USA zu tun»"
    html = _page(f'<span class="article-title__overline">Eskalation im Nahen Osten</span>'
                 f'<span class="h-offscreen"> - </span><span class="article-title__text">{quote}</span>',
                 og=f"Iranischer Angriff auf Israel: {quote}")
    assert extract_article(html, "https://www.srf.ch/news/international/a").title == quote


def test_og_title_with_a_mark_inside_a_word_does_not_replace_the_visible_title() -> None:
    html = _page("Neuinfektionen steigen in Bayern wieder deutlich an", og="Neu·infektionen steigen in Bayern wieder deutlich an")
    assert extract_article(html, "https://news.example.de/a.html").title == \
        "Neuinfektionen steigen in Bayern wieder deutlich an"


def test_the_headline_shown_in_an_h2_under_a_breadcrumb_h1_heads_the_lead() -> None:
    """funke's papers (morgenpost, waz, abendblatt): the <h1> is the SEO title in a breadcrumb <nav> that
    pruning drops, the headline an <h2> in an <hgroup> with the standfirst after it; JSON-LD's
    description is the video's. The <h2> showing JSON-LD's headline is the title's element, so the standfirst under it is the lead (not the video's description) and
    the headline is not repeated in the body."""
    ld = {"@context": "https://schema.org", "@type": "NewsArticle",
          "headline": "Ampeln tot, S-Bahnen stoppen: Wie sicher ist Deutschlands Stromnetz?",
          "description": "Dicke Stromleitungen brennen, Zehntausende Menschen sind betroffen: so das Video."}
    html = ('<html lang="de"><head><meta property="og:title" content="Stromausfall: Wie sicher ist unser Netz?">'
            '<meta name="description" content="In Berlin brennen zwei Strommasten. Zehntausende sind ohne Energie.">'
            f'<script type="application/ld+json">{json.dumps(ld, ensure_ascii=False)}</script></head><body>'
            '<nav role="navigation" data-module-id="BreadcrumbModule"><a href="/">Start</a> <h1>Stromausfall Berlin: Ampeln, S-Bahnen – Wie sicher ist '
            'unser Stromnetz?</h1></nav><article><hgroup><div>Stromausfall in Berlin</div>'
            '<h2>Ampeln tot, S-Bahnen stoppen: Wie sicher ist Deutschlands Stromnetz?</h2></hgroup>'
            '<div class="expressive-copy"><span>Berlin.</span> <span>In Berlin brennen zwei Strommasten. '
            'Zehntausende sind ohne Energie.</span></div>'
            f'<div class="article-body">{BODY}</div></article></body></html>')
    a = extract_article(html, "https://www.morgenpost.de/politik/article409956720/stromnetz.html")
    assert a.title == "Ampeln tot, S-Bahnen stoppen: Wie sicher ist Deutschlands Stromnetz?"
    assert a.lead == "Berlin. In Berlin brennen zwei Strommasten. Zehntausende sind ohne Energie."
    assert "Ampeln tot" not in a.body and a.body.startswith("Paragraph 0")


def test_a_headline_far_above_the_text_still_heads_the_page() -> None:
    # timesofindia.com: byline, share widgets, a video and its caption and a highlights box (some 70
    # elements) between the <h1> and the text; og:title is a longer SEO variant
    widgets = "".join(f'<div class="w{i}"><span>{i}</span><span>·</span></div>' for i in range(24))
    html = _page("China snubs Imran Khan, says resolve J&amp;K bilaterally",
                 og="Kashmir issue: China snubs Imran Khan, says resolve Jammu and Kashmir bilaterally | India News "
                    "- Times of India")
    html = html.replace("</h1>", f"</h1>{widgets}<div class=\"story\">", 1).replace("</article>", "</div></article>")
    assert extract_article(html, "https://timesofindia.example/a.cms").title == \
        "China snubs Imran Khan, says resolve J&K bilaterally"


def _seo_page(h2: str, *, og: str, headline: str) -> str:
    ld = {"@context": "https://schema.org", "@type": "NewsArticle", "headline": headline}
    return ('<html lang="de"><head><title>t</title>'
            f'<meta property="og:title" content="{og}">'
            f'<script type="application/ld+json">{json.dumps(ld, ensure_ascii=False)}</script></head><body>'
            f'<nav class="breadcrumbs"><a href="/">Start</a><h1 class="Breadcrumbs_seotitle__8I8lS">{headline}</h1>'
            f'</nav><article><header>{h2}</header><div class="story">{BODY}</div></article></body></html>')


@pytest.mark.parametrize(("h2", "og", "headline", "title"), [
    # tagesanzeiger.ch: kicker span, an aria-hidden dash, the headline span; og:title is the headline
    ('<h2 class="ContentHead_title"><span class="ContentHead_titleheader">SVP-Sonderparteitag zur Migration</span>'
     '<span aria-hidden="true" role="presentation"> – </span><span class="ContentHead_text">Chiesa ruft zum '
     "Widerstand gegen die Asylpolitik auf</span></h2>",
     "Chiesa ruft zum Widerstand gegen die Asylpolitik auf",
     "SVP-Sonderparteitag zur Migration: Chiesa ruft zum Widerstand gegen die Asylpolitik auf",
     "Chiesa ruft zum Widerstand gegen die Asylpolitik auf"),
    # stern.de: <span class="title__kicker">; the SEO headline in the breadcrumb's <h1> says something else
    ('<h2 class="title__heading"><span class="title__kicker">Meinung</span> <span class="title__headline">Warum '
     "Kritik an Trumps Charakter so ineffektiv ist und verpufft</span></h2>",
     "Warum Kritik an Trumps Charakter so ineffektiv ist und verpufft",
     "Donald Trump: Warum Kritik an seinem Charakter so ineffektiv ist",
     "Warum Kritik an Trumps Charakter so ineffektiv ist und verpufft"),
    # welt.de: the <h2> without its kicker; the JSON-LD headline is it with the kicker
    ('<h2 class="c-article-header__headline">Voigt, Höcke und der Vorwurf einer Lüge vor laufender Kamera</h2>',
     "Landtagswahl in Thüringen: Voigt, Höcke und der Vorwurf einer Lüge vor laufender Kamera - WELT",
     "Landtagswahl in Thüringen: Voigt, Höcke und der Vorwurf einer Lüge vor laufender Kamera",
     "Landtagswahl in Thüringen: Voigt, Höcke und der Vorwurf einer Lüge vor laufender Kamera"),
    # ruhrnachrichten.de: catch-title and sub-title spans, the colon only in the structured titles
    ('<h2 class="article__title"><span class="article__catch-title">Die Eisheiligen 2024</span> <span '
     'class="article__sub-title">Wann sie sind - und wie das Wetter wird</span></h2>',
     "Die Eisheiligen 2024: Wann sie sind - und wie das Wetter wird",
     "Die Eisheiligen 2024: Wann sie sind - und wie das Wetter wird",
     "Die Eisheiligen 2024: Wann sie sind - und wie das Wetter wird"),
])
def test_the_headline_shown_below_a_breadcrumbs_seo_title(h2: str, og: str, headline: str, title: str) -> None:
    assert extract_article(_seo_page(h2, og=og, headline=headline), "https://www.zeitung.example/a.html").title \
        == title


def test_a_title_has_no_soft_hyphens_whatever_its_source() -> None:
    html = _page(None, og="Trump plant Helikopter\u00adlandeplatz beim Weissen Haus")
    assert extract_article(html, "https://www.zeitung.example/a.html").title == \
        "Trump plant Helikopterlandeplatz beim Weissen Haus"
