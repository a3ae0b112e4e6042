"""Photo rules: URLs behind lazy markup, caption/credit splitting, exclusions, photos outside the body walk.

Each case is a small snippet modelled on a real page of the fundus corpus (publisher named in the test).
"""

from __future__ import annotations

import pytest
from bs4 import BeautifulSoup

from worker.extract import extract_article
from worker.extract.article import Photo
from worker.extract.photo_region import add_structured_alternatives
from worker.extract.photos import (
    image_urls,
    parse_srcset,
    photo_from_img,
    split_caption_credit,
)

BASE = "https://news.example.com/politik/artikel-123.html"
PARA = ("Der Bundestag hat am Donnerstag nach langer Debatte ein Gesetz beschlossen, das die Regeln für "
        "Energie, Verkehr und Wohnen in den kommenden Jahren grundlegend ändern soll. ")


def _page(body: str, *, before_title: str = "", between: str = "", head: str = "") -> str:
    paras = "".join(f"<p>{PARA}Absatz {i}.</p>" for i in range(5))
    return (
        '<html lang="de"><head><meta property="og:type" content="article">'
        '<meta property="article:published_time" content="2024-05-03T10:00:00+02:00">'
        f"{head}</head><body><main><article>{before_title}<h1>Der Bundestag beschließt das neue Gesetz</h1>"
        f'{between}<div class="article-body">{paras}{body}{paras}</div></article></main></body></html>'
    )


def _photos(body: str, **kw: str) -> list[Photo]:
    a = extract_article(_page(body, **kw), BASE)
    assert a.is_article, a.reason
    return a.photos


def _img(html: str) -> tuple[str | None, list[str]]:
    return image_urls(BeautifulSoup(html, "lxml").find("img"), BASE)


# ---------------------------------------------------------------- URLs


def test_srcset_urls_with_commas_and_candidates_without_spaces() -> None:
    # ORF: "crops/w=640,h=256,q=60" inside the URL; NDR: "placeholder.png 20w,https://…"
    assert parse_srcset("https://a.at/crops/w=640,h=256/x.jpg 2x, https://a.at/crops/w=1280,h=512/x.jpg 3x") == [
        ("https://a.at/crops/w=640,h=256/x.jpg", 2000.0), ("https://a.at/crops/w=1280,h=512/x.jpg", 3000.0)]
    assert parse_srcset("/p.png 20w,https://i.de/a.webp?width=256 256w") == [
        ("/p.png", 20.0), ("https://i.de/a.webp?width=256", 256.0)]


def test_placeholder_src_in_srcset_is_never_chosen() -> None:
    src, alts = _img('<picture><source srcset="/resources/placeholder.png 20w,https://i.de/a.webp?w=960 960w">'
                     '<img src="/resources/placeholder.png"></picture>')
    assert src == "https://i.de/a.webp?w=960"
    assert alts == []


def test_any_srcset_attribute_of_img_and_sources_is_read() -> None:
    # AP News carousel: data-flickity-lazyload(-srcset), an inline SVG data: URI as src
    src, alts = _img('<picture><source data-flickity-lazyload-srcset="https://d.ap/a_767.jpg 1x, https://d.ap/a_1534.jpg 2x">'
                     '<img src="data:image/svg+xml;base64,PHN2Zz4=" data-flickity-lazyload="https://d.ap/a_599.jpg" '
                     'data-flickity-lazyload-srcset="https://d.ap/a_599.jpg 1x, https://d.ap/a_1198.jpg 2x"></picture>')
    assert src == "https://d.ap/a_1198.jpg"  # the largest candidate (2x) wins
    assert set(alts) == {"https://d.ap/a_599.jpg", "https://d.ap/a_767.jpg", "https://d.ap/a_1534.jpg"}


def test_data_url_counts_only_when_it_names_an_image_file() -> None:
    # Chunichi: data-url is the link to the photo viewer page
    src, _ = _img('<img src="//static.ex.jp/a_1.jpg" data-url="/article_photo/list?article_id=1&pid=2">')
    assert src == "https://static.ex.jp/a_1.jpg"


def test_zoom_link_to_the_full_size_file_is_an_alternative() -> None:
    # The Nation: <a class="gallery" href="…full.jpg"><img src="…/cdn-cgi/image/width=896/…full.jpg"></a>
    src, alts = _img('<a class="gallery" href="https://n.com/up/full.jpg"><img src="https://n.com/cdn/w=896/up/full.jpg"></a>')
    assert src == "https://n.com/cdn/w=896/up/full.jpg"
    assert alts == ["https://n.com/up/full.jpg"]


def test_declared_image_with_the_same_file_name_becomes_an_alternative() -> None:
    p = Photo(src="https://n.com/cdn-cgi/image/width=896/up/2023/05/Local-90-Tanner-148KB.jpg")
    add_structured_alternatives([p], ["https://n.com/up/2023/05/Local-90-Tanner-148KB.jpg", "https://n.com/other.jpg"],
                                BASE)
    assert p.alternatives == ["https://n.com/up/2023/05/Local-90-Tanner-148KB.jpg"]


# ---------------------------------------------------------------- caption / credit text


@pytest.mark.parametrize(
    ("raw", "caption", "credit"),
    [
        ("The King arrives in the Norman Porch (Picture: Getty)", "The King arrives in the Norman Porch", "Getty"),
        ("Harris and Trump on July 31, 2024. (AP Photo/Charles Rex Arbogast)", "Harris and Trump on July 31, 2024.",
         "AP Photo/Charles Rex Arbogast"),
        ("Jamil Al Saadouni laments the choice. (Mohamed El Saife/CBC)", "Jamil Al Saadouni laments the choice.",
         "Mohamed El Saife/CBC"),
        ("Fahmi Fadzil speaking in Shah Alam. — Picture by Yusof Mat Isa", "Fahmi Fadzil speaking in Shah Alam.",
         "Yusof Mat Isa"),
        ("Catherine Connolly will succeed Michael D. Higgins. | Niall Carson/PA Images via Getty Images",
         "Catherine Connolly will succeed Michael D. Higgins.", "Niall Carson/PA Images via Getty Images"),
        ("The reimagined Main Lodge lobby offers panoramic views upon arrival. Supplied",
         "The reimagined Main Lodge lobby offers panoramic views upon arrival.", "Supplied"),
        ("1978년 소년공 시절의 이재명 당선인 모습. [사진 출처 = 이재명 캠프]", "1978년 소년공 시절의 이재명 당선인 모습.", "이재명 캠프"),
        ("日本代表の（左から）西田、石川（Ｃ）共同通信社", "日本代表の（左から）西田、石川", "共同通信社"),
        ("Credits: Supplied Image;", None, "Supplied Image"),
        # a picture agency, stock site or "documentation" mark alone in a trailing parenthesis
        ("The 25% tariff will apply starting on March 12. (Unsplash)",
         "The 25% tariff will apply starting on March 12.", "Unsplash"),
        ("Wisuda Magister Manajemen ke-XV(Dok.IGI )", "Wisuda Magister Manajemen ke-XV", "Dok.IGI"),
        ("Protesters in Paris on Sunday (AFP)", "Protesters in Paris on Sunday", "AFP"),
        ("The mayor speaks to the council (left)", "The mayor speaks to the council (left)", None),
        # not credits: a Vietnamese "illustrative photo" note, a second sentence, a parenthesised place
        ("Một dự án của FLC. Ảnh minh hoạ", "Một dự án của FLC. Ảnh minh hoạ", None),
        ("The river rose overnight. It was raining", "The river rose overnight. It was raining", None),
        ("Netanyahu during a press conference on 21 May. (Jerusalén)",
         "Netanyahu during a press conference on 21 May. (Jerusalén)", None),
    ],
)
def test_split_caption_credit(raw: str, caption: str | None, credit: str | None) -> None:
    assert split_caption_credit(raw) == (caption, credit)


# ---------------------------------------------------------------- caption / credit elements


def _one(html: str) -> Photo:
    soup = BeautifulSoup(html, "lxml")
    photo = photo_from_img(soup.find("img"), BASE, 0)
    assert photo is not None
    return photo


def test_credit_element_beside_the_figcaption() -> None:
    # Business Insider: the copyright span is a sibling of the figcaption; SRF: "source" element + offscreen label
    p = _one('<figure><img src="https://c.de/a.jpg"><div class="caption-wrapper"><figcaption>Evergrande hat '
             'hohe Schulden.</figcaption><span class="bi-content-image-copyright">Noel Celis/Getty Images</span>'
             '</div></figure>')
    assert (p.caption, p.credit) == ("Evergrande hat hohe Schulden.", "Noel Celis/Getty Images")
    p = _one('<figure><img src="https://c.ch/a.jpg"><div class="media-caption"><span class="h-offscreen">Legende:'
             '</span><span class="media-caption__description">Biden traf seine Berater.</span>'
             '<span class="media-caption__source">Keystone/AP/Adam Schultz</span></div></figure>')
    assert (p.caption, p.credit) == ("Biden traf seine Berater.", "Keystone/AP/Adam Schultz")


def test_credit_and_distributor_elements_are_joined() -> None:
    # National Post: <span class="credit">Photo by X</span> /<span class="distributor">AFP via Getty Images</span>
    p = _one('<figure><img src="https://c.ca/a.jpg"><figcaption><span class="caption">Smoke billows over '
             'Poonch.</span> <span class="credit">Photo by PUNIT PARANJPE</span> /<span class="distributor">'
             'AFP via Getty Images</span></figcaption></figure>')
    assert (p.caption, p.credit) == ("Smoke billows over Poonch.", "PUNIT PARANJPE, AFP via Getty Images")


def test_footer_and_labelled_elements_are_credits() -> None:
    # Der Standard: <footer> in the figure; Seznam Zprávy: "Foto: …" span outside the figcaption
    p = _one('<figure><img src="https://i.ds.at/a.jpeg"><figcaption>Nach der Demo in Hamburg.</figcaption>'
             '<footer>Imago/Blaulicht-News.de</footer></figure>')
    assert (p.caption, p.credit) == ("Nach der Demo in Hamburg.", "Imago/Blaulicht-News.de")
    p = _one('<figure><div><img src="https://d.cz/a.jpeg"><span class="e_bz"><span>Foto: Renata Matějková, '
             'Seznam Zprávy</span></span></div><figcaption><p>Premiér v demisi Petr Fiala.</p></figcaption></figure>')
    assert (p.caption, p.credit) == ("Premiér v demisi Petr Fiala.", "Renata Matějková, Seznam Zprávy")


def test_unlabelled_credit_piece_of_a_figcaption() -> None:
    # 20 Minuten: two spans with generated class names; The Japan News: credit first, then <br>
    p = _one('<figure><img src="https://i.20min.ch/a.jpeg"><figcaption><span class="sc-1"><p>Viel Ruhe hilft, '
             'wieder zu Kräften zu kommen.</p></span><span class="sc-2">Unsplash/Kelly Sikkema</span></figcaption>'
             '</figure>')
    assert (p.caption, p.credit) == ("Viel Ruhe hilft, wieder zu Kräften zu kommen.", "Unsplash/Kelly Sikkema")
    p = _one('<figure><img src="https://j.jp/a.jpg"><figcaption><span>The Yomiuri Shimbun</span><br>Party leaders '
             'take part in a debate in Tokyo on Saturday.</figcaption></figure>')
    assert (p.caption, p.credit) == ("Party leaders take part in a debate in Tokyo on Saturday.", "The Yomiuri Shimbun")


def test_caption_of_a_slide_without_figure_and_figcaption_after_the_figure() -> None:
    # Express: <div class="photo"><p><picture><img></picture></p><span class="newsCaption">… <span>(Image: Getty)
    p = _one('<div class="photo"><p><picture><source srcset="https://e.uk/a.avif 1200w"><img src="https://e.uk/a.jpg">'
             '</picture></p><span class="newsCaption">Doria Ragland looks after the kids <span class="caption">'
             '(Image: Getty)</span></span></div>')
    assert (p.caption, p.credit) == ("Doria Ragland looks after the kids", "Getty")
    # taz: the figcaption follows the figure
    soup = BeautifulSoup('<div><figure><img src="https://taz.de/p.jpeg"></figure><figcaption>Buschmann und Paus '
                         '<span class="typo-fotocredit">Foto: Felix Zahn/imago</span></figcaption></div>', "lxml")
    p2 = photo_from_img(soup.find("img"), BASE, 0)
    assert p2 is not None and (p2.caption, p2.credit) == ("Buschmann und Paus", "Felix Zahn/imago")


def test_small_wrapper_with_image_and_caption_paragraphs() -> None:
    # IOL (Durban Local): image widget = image + caption paragraph + "Image: X" paragraph
    p = _one('<div class="image-widget"><span><picture><img src="https://iol.example/a=w700"></picture></span>'
             '<p><span>Pictured right, reader Nicole Bresler at Exclusive Books.</span></p>'
             '<p>Image: Fouzia Van Der Fort</p></div>')
    assert (p.caption, p.credit) == ("Pictured right, reader Nicole Bresler at Exclusive Books.", "Fouzia Van Der Fort")


def test_caption_and_credit_from_image_attributes() -> None:
    # Sportschau: title="caption | credit"; Berliner Zeitung: data-caption / data-source
    p = _one('<picture><img src="https://s.de/a.jpg" alt="Jubel" title="Branthwaite jubelt nach seinem Treffer '
             '| Getty Images/Naomi Baker"></picture>')
    assert (p.caption, p.credit) == ("Branthwaite jubelt nach seinem Treffer", "Getty Images/Naomi Baker")
    p = _one('<div><img src="https://b.de/a.jpg" data-caption="Imam Kamouss beim Gebet in Berlin-Wedding" '
             'data-source="Rolf Zoellner/imago"></div>')
    assert (p.caption, p.credit) == ("Imam Kamouss beim Gebet in Berlin-Wedding", "Rolf Zoellner/imago")


# ---------------------------------------------------------------- not photos


def test_wrapper_names_do_not_exclude_real_photos() -> None:
    # CBC/NZZ/Die Welt wrap lazy images in "placeholder" divs; ORF's <img class="lazy-loading">
    p = _one('<figure class="imageMedia"><div class="placeholder"><img class="lazy-loading" '
             'src="https://i.cbc.ca/a.jpg"></div><figcaption>Sinwar speaks at a rally.</figcaption></figure>')
    assert p.caption == "Sinwar speaks at a rally."
    # iNews: width=16 height=9 is an aspect-ratio hint, not a 16-pixel image
    assert _one('<figure><img src="https://i.uk/a.jpg" width="16" height="9"></figure>').src == "https://i.uk/a.jpg"


@pytest.mark.parametrize(
    "html",
    [
        # tracking pixel sized by style
        '<div><img src="https://d.cloudfront.net/70c8fc80" style="position:absolute;width:1px;height:1px"></div>',
        # teaser: the image links to another article that is linked again with its headline
        '<div class="card"><a href="/news/other-story.html"><img src="https://c.de/t.jpg"></a>'
        '<a href="/news/other-story.html">Eine ganz andere Geschichte aus der Stadt</a></div>',
        # teaser card: an unlinked image beside a headline link (Funke)
        '<div class="not-prose"><div class="thumb"><picture><img src="https://c.de/t2.jpg"></picture></div>'
        '<div><a href="/politik/article409691920/other.html">Ricarda Lang möchte Mutter werden</a></div></div>',
        # author picture next to the byline
        '<figure class="flex"><img src="https://c.de/author.jpg"><figcaption>Von Vivien Valentiner, Redakteurin'
        '</figcaption></figure>',
        # related box marked by the CMS
        '<div type="RelatedNewsBox"><ul><li><img src="https://c.vn/rel.jpg"></li></ul></div>',
        # newsletter sign-up artwork; author image in a URL path
        '<div class="c-inlineSignup__image"><img src="https://c.ca/skyline/national.jpg"></div>',
        '<figure><img src="https://img.es/resizer/v2/https%3A%2F%2Fs3.amazonaws.com%2Farc-authors%2Fprisa%2Fx.png">'
        '</figure>',
    ],
)
def test_not_article_photos(html: str) -> None:
    soup = BeautifulSoup(f"<main><article><div class='article-body'>{html}</div></article></main>", "lxml")
    assert photo_from_img(soup.find("img"), BASE, 0) is None


def test_teaser_card_nested_in_the_article() -> None:
    soup = BeautifulSoup(
        '<article><div class="article-body"><div class="listing"><article class="card"><figure><picture>'
        '<img src="https://e.es/t.jpg"></picture></figure><header><a href="/deportes/otra-noticia.html">'
        'Otra noticia del día en Qatar</a></header></article></div></div></article>', "lxml")
    assert photo_from_img(soup.find("img"), BASE, 0) is None


# ---------------------------------------------------------------- photos outside the body walk


def test_hero_figure_above_the_headline_is_the_first_photo() -> None:
    # ORF / Dizindaba: the opener figure sits before the <h1>, inside the same article
    hero = ('<figure class="opener"><picture><source srcset="https://a.at/hero_1280.jpg 1280w">'
            '<img src="https://a.at/hero_640.jpg"></picture><figcaption>Bondi und Trump in Florida '
            '<span class="credit">APA/AFP/Mandel Ngan</span></figcaption></figure>')
    photos = _photos('<figure><img src="https://a.at/body.jpg" width="800"><figcaption>Im Text</figcaption></figure>',
                     before_title=hero)
    assert [p.src for p in photos] == ["https://a.at/hero_1280.jpg", "https://a.at/body.jpg"]
    assert (photos[0].caption, photos[0].credit, photos[0].position) == ("Bondi und Trump in Florida",
                                                                         "APA/AFP/Mandel Ngan", 0)


def test_lead_image_declared_by_og_image_without_figure() -> None:
    # The Intercept: a bare <img> between headline and body, the page's og:image; JSON-LD ImageObject caption
    head = ('<meta property="og:image" content="https://ti.com/up/GettyImages-2033886647-vigil.jpg?w=1200">'
            '<script type="application/ld+json">{"@context": "https://schema.org", "@graph": [{"@type": '
            '"ImageObject", "url": "https://ti.com/up/GettyImages-2033886647-vigil.jpg?fit=2500", "caption": '
            '"Demonstrators gather during a vigil in Washington."}]}</script>')
    photos = _photos("", between='<div><img src="https://ti.com/up/GettyImages-2033886647-vigil.jpg?fit=2500"></div>',
                     head=head)
    assert [p.src for p in photos] == ["https://ti.com/up/GettyImages-2033886647-vigil.jpg?fit=2500"]
    assert photos[0].caption == "Demonstrators gather during a vigil in Washington."
    assert "https://ti.com/up/GettyImages-2033886647-vigil.jpg?w=1200" in photos[0].alternatives


def test_figure_with_a_lazy_div_instead_of_an_img() -> None:
    # The Telegraph: <div class="lazy-image" data-src=…> (the <img> is in <noscript>, which is pruned)
    photos = _photos('<figure class="article-body-image"><div class="lazy-image" data-src="/content/dam/a.jpeg?imwidth=480"'
                     ' data-srcset="/content/dam/a.jpeg?imwidth=350 350w, /content/dam/a.jpeg?imwidth=680 680w"></div>'
                     '<figcaption>Trying and testing clothes airers</figcaption></figure>')
    assert [(p.src, p.caption) for p in photos] == [
        ("https://news.example.com/content/dam/a.jpeg?imwidth=480", "Trying and testing clothes airers")]


def test_image_in_a_block_the_body_walk_skips() -> None:
    # Euronews: the body's image widgets are "widget" blocks, which the text walk leaves out
    photos = _photos('<div class="widget widget--type-image"><figure class="widget__figure"><img '
                     'src="https://s.euronews.com/a.jpg"><figcaption>Der Sicherheitsrat tagt</figcaption></figure></div>')
    assert [p.caption for p in photos] == ["Der Sicherheitsrat tagt"]


# ---------------------------------------------------------------- markup the pre-pass used to drop


def test_photo_inside_a_lightbox_button_with_caption_beside_the_figure() -> None:
    # DailyStar: <button aria-label="Open image viewer"><div><div><figure><img></figure></div>
    # <figcaption>caption <cite>(Image: credit)</cite></figcaption></div></button>
    body = ('<button type="button" class="SlideViewerButton" aria-label="Open image viewer"><div class="embed">'
            '<div class="image-container"><figure><img src="https://i.example.com/a/lacerda.jpg" alt="x">'
            '<div class="label">View 6 Images</div></figure></div>'
            '<figcaption><p>Epstein groomed and raped Lacerda <cite>(Image: AFP via Getty Images)</cite></p>'
            '</figcaption></div></button>')
    photos = _photos(body)
    assert [p.src for p in photos] == ["https://i.example.com/a/lacerda.jpg"]
    assert photos[0].caption == "Epstein groomed and raped Lacerda"
    assert photos[0].credit == "AFP via Getty Images"


def test_a_button_without_an_image_is_still_dropped() -> None:
    a = extract_article(_page('<button class="more">Weiterlesen und mehr erfahren über das Gesetz</button>'), BASE)
    assert "Weiterlesen" not in a.body


def test_hero_figure_in_the_articles_header_without_the_headline() -> None:
    # stern / 20min: <article><header><figure><img></figure></header> ... the <h1> is elsewhere
    html = ('<html lang="de"><head><meta property="og:type" content="article"></head><body><main><article>'
            '<div class="title"><h1>Der Bundestag beschließt das neue Gesetz</h1></div>'
            '<header class="article__header"><figure><img src="https://i.example.com/hero/bezahlsystem.jpg">'
            '<figcaption>Logos diverser Bezahlmethoden. Foto: Imago</figcaption></figure></header>'
            f'<div class="article-body">{"".join(f"<p>{PARA}{i}</p>" for i in range(6))}</div>'
            '</article></main></body></html>')
    photos = extract_article(html, BASE).photos
    assert [p.src for p in photos] == ["https://i.example.com/hero/bezahlsystem.jpg"]
    assert photos[0].credit == "Imago"


def test_every_image_of_a_gallery_box() -> None:
    # RestOfWorld: <figure class="gallery"><ul><li><figure class="image">…</figure></li>…</ul></figure>
    items = "".join(f'<li><figure class="image"><img src="https://i.example.com/g/photo-{i}.jpg" width="900">'
                    f"<figcaption>Bild {i} der Galerie</figcaption></figure></li>" for i in range(3))
    photos = _photos(f'<figure class="gallery"><ul class="gallery__images">{items}</ul></figure>')
    assert sorted(p.src for p in photos) == [f"https://i.example.com/g/photo-{i}.jpg" for i in range(3)]


def test_noscript_copy_replaces_a_placeholder_image() -> None:
    # MDR: the script-loaded <img> is a transparent GIF; the real URL is only in <noscript>
    body = ('<figure><div class="media"><img class="img" src="https://cdn.example.com/index-transparent_h-3_w-4.gif">'
            '<noscript><img src="https://cdn.example.com/landstolz-110_w-576.jpg" alt="Zwei Menschen"></noscript>'
            '</div><figcaption>Pro Stunde werden 45 Schweine geschlachtet. Bildrechte: MDR/David Straub'
            '</figcaption></figure>')
    photos = _photos(body)
    assert [p.src for p in photos] == ["https://cdn.example.com/landstolz-110_w-576.jpg"]
    assert photos[0].credit == "MDR/David Straub"


def test_noscript_only_image_inside_picture_is_kept() -> None:
    # The New Yorker: <picture><noscript><img src srcset></noscript></picture>
    body = ('<figure><picture><noscript><img src="https://media.example.com/photos/1/w_1600/ice.jpg" '
            'srcset="https://media.example.com/photos/1/w_120/ice.jpg 120w"></noscript></picture>'
            "<figcaption>An aerial view of the ice. <span class=\"caption__credit\">Photograph by Doug Johnson</span>"
            "</figcaption></figure>")
    photos = _photos(body)
    assert len(photos) == 1
    assert {photos[0].src, *photos[0].alternatives} == {"https://media.example.com/photos/1/w_1600/ice.jpg",
                                                       "https://media.example.com/photos/1/w_120/ice.jpg"}
    assert photos[0].credit == "Doug Johnson"


def test_noscript_duplicate_of_a_lazy_image_is_dropped() -> None:
    body = ('<figure><img data-src="https://cdn.example.com/real.jpg" src="data:image/gif;base64,R0lGOD">'
            '<noscript><img src="https://cdn.example.com/real.jpg"></noscript><figcaption>Ein Bild</figcaption>'
            "</figure>")
    assert [p.src for p in _photos(body)] == ["https://cdn.example.com/real.jpg"]


def test_declared_image_in_a_custom_element_figure_before_the_body() -> None:
    # Börsen-Zeitung: <figure><storefront-image src=…></storefront-image><figcaption>…</figcaption></figure>
    # far above the body, in markup no hero rule reaches; og:image names the same image
    url = "https://c02.example.com/uploads/2024/10/489261650-scaled.jpg"
    html = ('<html lang="de"><head><meta property="og:type" content="article">'
            f'<meta property="og:image" content="{url}?w=1200"></head><body>'
            f'<section class="teaser-image"><figure class="featured-image"><storefront-image src="{url}" '
            'alt="Trump"></storefront-image><figcaption><span class="caption">Die Aussichten Donalds Trumps '
            'sind gestiegen.</span></figcaption></figure></section><div><div><section>'
            '<div class="entry-content"><h1>Steigende US-Zinsen setzen Dax zu</h1>'
            f'{"".join(f"<p>{PARA}{i}</p>" for i in range(6))}</div></section></div></div></body></html>')
    photos = extract_article(html, BASE).photos
    assert [p.src for p in photos] == [url]
    assert photos[0].caption == "Die Aussichten Donalds Trumps sind gestiegen."


def test_undeclared_figure_far_from_the_body_is_not_taken() -> None:
    html = ('<html lang="de"><head><meta property="og:type" content="article">'
            '<meta property="og:image" content="https://c02.example.com/share/other.jpg"></head><body>'
            '<figure><storefront-image src="https://c02.example.com/promo/banner.jpg"></storefront-image>'
            '<figcaption>Jetzt abonnieren</figcaption></figure><div><div><section>'
            '<div class="entry-content"><h1>Steigende US-Zinsen setzen Dax zu</h1>'
            f'{"".join(f"<p>{PARA}{i}</p>" for i in range(6))}</div></section></div></div></body></html>')
    assert extract_article(html, BASE).photos == []


def test_style_and_slot_class_tokens_do_not_exclude_a_photo() -> None:
    # stern: <ws-gallery class="typo-teaser-info-medium"> (a font); MallorcaMagazin:
    # <div class="post-img ads-top-after"> (the ad slot comes after the lead image)
    gallery = ('<div class="inline-gallery typo-teaser-info-medium"><figure><img '
               'src="https://image.example.com/34606440/w960/paulson.jpg"><figcaption>John Paulson, Gastgeber'
               "</figcaption></figure></div>")
    assert [p.src for p in _photos(gallery)] == ["https://image.example.com/34606440/w960/paulson.jpg"]
    lead = ('<div class="post-img full-width-xs ads-top-after"><figure><img '
            'src="https://mm.example.com/attach/195679.jpg"></figure><p class="img-description">Mario Vargas '
            "Llosa, Schriftsteller</p></div>")
    assert [p.src for p in _photos("", between=lead)] == ["https://mm.example.com/attach/195679.jpg"]


def test_a_bare_media_article_around_the_lead_image_is_not_a_teaser_card() -> None:
    # AFP Faktencheck (Drupal): <article class="media"><img width=1620></article> above the headline's block
    url = "https://faktencheck.example.com/files/medias/c6259af572280a0428adef2686490b9d-de.jpeg"
    html = ('<html lang="de"><head><meta property="og:type" content="article">'
            f'<meta property="og:image" content="{url}"></head><body><div class="top">'
            f'<article class="media media--type-image"><img src="{url}" width="1620" height="1080"></article>'
            '</div><div class="wrapper"><h1>Angst vor dem Hantavirus lässt Erzählungen aufleben</h1>'
            f'<div class="wrapper-body">{"".join(f"<p>{PARA}{i}</p>" for i in range(6))}</div></div></body></html>')
    assert [p.src for p in extract_article(html, BASE).photos] == [url]


def test_hero_picture_in_the_articles_header() -> None:
    # FAZ: <article><header>…<picture><source srcset><img></picture>… the <h1> sits in another block
    html = ('<html lang="de"><head><meta property="og:type" content="article"></head><body><main><article>'
            '<div class="title"><h1>Der Bundestag beschließt das neue Gesetz</h1></div><header><div>'
            '<picture><source srcset="https://media.example.com/w1000/16x9/paketflut.jpg.webp 1000w">'
            '<img src="https://media.example.com/w1240/16x9/paketflut.jpg" width="3000" height="2000" '
            'alt="Paketflut aus China"></picture></div><p class="intro">Produkte chinesischer Händler stehen oft '
            f'in der Kritik.</p></header><div class="article-body">{"".join(f"<p>{PARA}{i}</p>" for i in range(6))}'
            "</div></article></main></body></html>")
    photos = extract_article(html, BASE).photos
    assert [p.src for p in photos] == ["https://media.example.com/w1000/16x9/paketflut.jpg.webp"]


def test_an_image_the_structured_data_lists_is_not_taken_for_a_teaser() -> None:
    # WinFuture: text runs with <br>, and inline <span class="hmedia"><img class="photo"><a class="fn"
    # href="https://pxl.to/…">Die Aktion ist nur für kurze Zeit gültig</a></span>; JSON-LD "image" lists the file
    name = "Advertorials-1714112214-0-0.jpg"
    ld = ('{"@context":"http://schema.org","@type":"NewsArticle","headline":"Toller Crash-Tarif",'
          '"image":[{"@type":"ImageObject","url":"https://i.example.com/teaser/1920/60174.jpg"},'
          f'{{"@type":"ImageObject","url":"https://scr.example.com/23054/{name}"}}]}}')
    lead = '<figure><img src="https://i.example.com/teaser/1920/60174.jpg"><figcaption>Klarmobil</figcaption></figure>'

    def page(file: str) -> str:
        run = f"{PARA}{PARA}<br><br>"
        return ('<html lang="de"><head><meta property="og:type" content="article">'
                f'<script type="application/ld+json">{ld}</script></head><body><div id="main">'
                f'<h1>Toller Crash-Tarif: 10 GB im Vodafone-Netz</h1>{lead}<div id="news_content" class="txt2">'
                f'{run}{run}Mit an Bord sind VoLTE und EU-Roaming. <span class="hmedia"><img class="photo" '
                f'src="https://scr.example.com/cdn-cgi/image/fit=cover/23054/{file}" width="660" height="330">'
                '<a class="fn" href="https://pxl.example/crash10gb">Die Crash-Aktion von Klarmobil ist nur für '
                f"kurze Zeit gültig</a></span> Ebenso kann man eine eSIM wählen. {run}{run}</div></div></body></html>")

    photos = extract_article(page(name), BASE).photos
    assert [p.src for p in photos] == ["https://i.example.com/teaser/1920/60174.jpg",
                                       f"https://scr.example.com/cdn-cgi/image/fit=cover/23054/{name}"]
    # the same markup with an image the page does not list stays a teaser
    other = extract_article(page("Other-promo-image-0-0.jpg"), BASE).photos
    assert [p.src for p in other] == ["https://i.example.com/teaser/1920/60174.jpg"]


def test_captions_beside_an_image_without_a_figure() -> None:
    # Motorsport-Magazin: <picture>…</picture><figcaption><span>caption, Foto: X</span></figcaption>, no <figure>
    # Bhaskar: <div><picture>…<img alt="बरामद गहना"></picture></div><div><span>बरामद गहना</span></div>
    body = ('<picture class="detail-view"><source srcset="https://i.example.com/960/1072476.jpg 960w">'
            '<img src="https://i.example.com/960/1072476.jpg" width="960" height="540" alt="Die Piloten"></picture>'
            "<figcaption><span>Kawasaki wie 2024 wird es 2025 nicht mehr geben, Foto: LAT Images</span></figcaption>"
            f"<p>{PARA}</p>"
            '<div class="f3e0"><picture><img src="https://i.example.com/2024/09/04/img20240904.jpg" width="848" '
            'height="478" alt="बरामद गहना"></picture></div><div class="f46b"><span>बरामद गहना</span></div>')
    photos = _photos(body)
    assert [(p.caption, p.credit) for p in photos] == [
        ("Kawasaki wie 2024 wird es 2025 nicht mehr geben", "LAT Images"), ("बरामद गहना", None)]


def test_a_short_block_after_an_image_that_is_not_its_alt_text_is_no_caption() -> None:
    body = ('<div class="w"><img src="https://i.example.com/2024/09/04/chart.jpg" width="848" height="478" '
            'alt="Ein Diagramm"></div><div class="next"><span>Weitere Nachrichten aus der Region</span></div>')
    photos = _photos(body)
    assert [p.caption for p in photos] == [None]


def test_a_figure_footer_holding_the_figcaption_survives_the_pre_pass() -> None:
    # Nikkei: <figure><div><picture/></div><div class="footer_fstmuk6"><figcaption>…</figcaption></div></figure>
    body = ('<figure><div class="container"><picture><img src="https://i.example.com/DSXZQO586-1.jpg" width="638">'
            '</picture></div><div class="footer_fstmuk6"><figcaption class="caption_c157">イオン銀行などは経営陣を刷新する'
            "</figcaption></div></figure>")
    assert [p.caption for p in _photos(body)] == ["イオン銀行などは経営陣を刷新する"]


@pytest.mark.parametrize(("raw", "credit"), [
    ("고영권 기자", "고영권"),  # HankookIlbo: the reporter's title
    ("인천=연합뉴스", "연합뉴스"),  # dateline=agency
    ("민경석 기자", "민경석"),
    ("Reuters", "Reuters"),
])
def test_korean_credit_conventions(raw: str, credit: str) -> None:
    from worker.extract.photos import clean_photo_credit

    assert clean_photo_credit(raw) == credit


def test_noscript_swap_keeps_the_text_after_the_placeholder_and_every_gallery_image() -> None:
    body = ('<p>The minister said <img src="data:image/gif;base64,R0l"> that the KEY-SENTENCE stays in the body '
            'of the article.<noscript><img src="https://x.example/real.jpg"></noscript></p>'
            '<div class="gallery">' + "".join(
                f'<figure><img src="data:image/gif;base64,R0l"><noscript><img src="https://x.example/g{i}.jpg">'
                f"</noscript><figcaption>Bild {i}</figcaption></figure>" for i in range(3)) + "</div>")
    a = extract_article(_page(body), BASE)
    assert "KEY-SENTENCE stays in the body" in a.body
    assert [p.src for p in a.photos] == ["https://x.example/real.jpg"] + [f"https://x.example/g{i}.jpg" for i in range(3)]


def test_a_block_with_pictures_is_never_a_consent_box_or_poll() -> None:
    # a CSS-only carousel: radio buttons of one group, and figures
    slides = "".join(f'<input type="radio" name="c" id="s{i}"><label for="s{i}"></label>'
                     f'<figure><img src="https://x.example/slide{i}.jpg" width="800"><figcaption>Slide {i}</figcaption>'
                     "</figure>" for i in range(3))
    assert len(_photos(f'<div class="carousel">{slides}</div>')) == 3
    # a body wrapper that merely carries a data-embed* flag
    a = extract_article(_page("").replace('<div class="article-body">', '<div class="article-body" data-embedded="false">'),
                        BASE)
    assert a.is_article, a.reason


def _product_card(n: int, shop: str = "https://cna.st/p/abc") -> str:
    # wired.com buying guide: the photo links to the shop, its credit inside that link, the product's name
    # in its own element of the card
    return (f'<div class="ProductEmbedWrapper-dbbBkO product-embed"><a class="external-link" rel="sponsored noopener" '
            f'href="{shop}{n}"><span class="ProductEmbedImage-cIdULW"><picture><img alt="A blue sleeping bag '
            f'on gravel" src="https://media.example.com/photos/{n}/w_1280/bag-{n}.jpg"></picture></span>'
            f'<p class="ProductEmbedImageCreditWrapper-jKDmYI">Photograph: Scott Gilbertson</p></a>'
            f'<div class="ProductEmbedContent-kztPgY"><div class="ProductEmbedHed-kvwLfM">Bishop Pass {n}</div>'
            f'<a class="button product-offer__buy-button" href="{shop}{n}">$285 at REI</a></div></div>')


def test_product_card_photos_with_the_products_name_as_caption() -> None:
    photos = _photos(_product_card(1) + f"<p>{PARA}</p>" + _product_card(2))
    assert [p.src for p in photos] == [f"https://media.example.com/photos/{n}/w_1280/bag-{n}.jpg" for n in (1, 2)]
    assert [(p.caption, p.credit) for p in photos] == [("Bishop Pass 1", "Scott Gilbertson"),
                                                       ("Bishop Pass 2", "Scott Gilbertson")]


def test_a_credited_teaser_image_linking_to_another_page_of_the_site_stays_out() -> None:
    # jungewelt.de "Ähnliche": the figure links to another article, its figcaption only a credit
    card = ('<ul class="row"><li><article><figure><a href="/artikel/471679.fahndung.html"><picture>'
            '<img src="/img/450/192705.jpg" alt="Will wissen, wer geplaudert hat"></picture></a>'
            '<figcaption><div class="copyright">F. Kern/IMAGO</div></figcaption></figure>'
            '<header><h3><a href="/artikel/471679.fahndung.html">Fahndung nach Verrätern</a></h3></header>'
            '</article></li></ul>')
    assert _photos(card) == []


def test_an_unsized_image_after_the_text_inside_the_declared_article_body() -> None:
    # ntv.com.tr: <div property="articleBody"><div><p>…text…</p></div><div class="img-wrapper"><img></div>
    # then the related-news box, still inside articleBody
    paras = "".join(f"<p>{PARA}Absatz {i}.</p>" for i in range(6))
    html = ('<html lang="tr"><head><meta property="og:type" content="article"></head><body><main><article>'
            '<h1>Süper Lig’de golcülerin yarışı kıyasıya devam ediyor</h1>'
            f'<div property="articleBody"><div class="content-inner">{paras}</div>'
            '<div class="img-wrapper"><img src="https://cdn.example.com/gorsel/g1.jpg?width=960" alt="Golcüler - 1"></div>'
            '<div class="detail-related-news"><a href="/spor/baska-bir-haber" title="Başka bir haber">'
            '<img src="https://cdn.example.com/gorsel/rel.jpg?width=200" alt="Başka bir haber"></a>'
            '<a href="/spor/baska-bir-haber">Fenerbahçe Beko, Monaco karşısında üstünlük peşinde</a></div>'
            '</div></article></main></body></html>')
    a = extract_article(html, "https://www.ntv.com.tr/sporskor/golculerin-yarisi")
    assert [p.src for p in a.photos] == ["https://cdn.example.com/gorsel/g1.jpg?width=960"]


@pytest.mark.parametrize("html", [
    # another story's teaser: its headline is the figure's caption inside the link
    "<div class='inline-item'><a href='/news/2024/05/other-story'><figure><img src='/uploads/2024/05/other.jpg' "
    "width='800' height='450'><figcaption>Another story: what happened in the city council last night"
    "</figcaption></figure></a></div>",
    # a credited image linking to another site's story (not a shop: no sponsored link, no product card)
    "<div><a href='https://other-site.example.org/story'><img src='/uploads/2024/05/other.jpg' width='800' "
    "height='450'><span class='credit'>Photo: Reuters</span></a></div>",
    # an icon in a link with a label (sanwa.co.jp "ニュースリリース一覧へ")
    "<p><a href='/news/'><img src='/img/arrow-right.png'>ニュースリリース一覧へ</a></p>",
])
def test_linked_images_that_stay_out(html: str) -> None:
    assert _photos(html) == []


def test_a_card_of_a_product_grid_without_a_name_takes_no_other_cards_name() -> None:
    grid = ("<div class='product-module'><div class='product-card'><h4 class='product-name'>Sony WH-1000XM5</h4>"
            "<img src='/uploads/sony.jpg' width=600 height=400></div><div class='product-card'>"
            "<img src='/uploads/bose.jpg' width=600 height=400></div></div>")
    assert [(p.src.rsplit("/", 1)[1], p.caption) for p in _photos(grid)] == [("sony.jpg", "Sony WH-1000XM5"),
                                                                            ("bose.jpg", None)]


def test_a_malformed_link_around_a_credited_photo_does_not_lose_the_article() -> None:
    assert [p.credit for p in _photos(
        "<a href='http://[::1' rel='sponsored'><img src='/uploads/p.jpg' width=800 height=450>"
        "<span class='credit'>Photograph: Shop</span></a>")] in ([], ["Shop"])


@pytest.mark.parametrize("box", [
    "<div class='about-the-writer'><img src='/uploads/2024/05/jane-doe.jpg'><p>Jane Doe is a reporter.</p></div>",
    "<div class='tags'><img src='/static/tag.png'> Politics</div>",
])
def test_boxes_after_the_text_of_the_declared_article_body_give_no_photo(box: str) -> None:
    paras = "".join(f"<p>{PARA}Absatz {i}.</p>" for i in range(6))
    html = ('<html lang="de"><head><meta property="og:type" content="article"></head><body><article>'
            f"<h1>Der Bundestag beschließt das neue Gesetz</h1><div itemprop='articleBody'><div class='text'>"
            f"{paras}</div>{box}</div></article></body></html>")
    assert extract_article(html, BASE).photos == []


def test_a_caption_block_after_the_figure_gives_caption_and_credit() -> None:
    # sermitsiaq.ag: <figure>…</figure><div class="floatingText"></div><div class="caption">
    # <figcaption itemprop="caption">…</figcaption><figcaption itemprop="author">Foto: X</figcaption></div>
    box = ("<div><figure class='headerImage'><picture><img src='/img/2192435.jpg' width=960 height=548></picture>"
           "</figure><div class='floatingText'></div><div class='caption'><figcaption itemprop='caption'>"
           "Formand for Naalakkersuisut har noteret sig resultaterne.</figcaption>"
           "<figcaption itemprop='author'>Foto: Mads Claus Rasmussen</figcaption></div></div>")
    assert [(p.caption, p.credit) for p in _photos(box)] == [
        ("Formand for Naalakkersuisut har noteret sig resultaterne.", "Mads Claus Rasmussen")]


def test_a_lead_photo_keeps_a_long_caption_set_beside_its_image() -> None:
    # mbl.is: <div class="newsitem-image"><div class="image"><a><img></a></div><div class="info"><span
    # class="caption">… (some 270 characters)</span><span class="credit">mbl.is/…</span></div></div> between
    # the headline and the text
    caption = ("Vier Frauen aus Island, Teil einer Gruppe früherer Mitglieder aus vielen Ländern, die gekommen "
               "sind, um die Zeugen des Staates im Streit mit der Glaubensgemeinschaft vor dem Berufungsgericht "
               "zu unterstützen. Von links: Anna Berg, Rut Tryggva, Fjóla Sigurðar und Eydís Mary Jónsdóttir.")
    box = ('<div class="newsitem-image is-main-img"><div class="image"><a href="/img/1547996.jpg">'
           '<img src="https://news.example.com/img/1547996.jpg" alt="Vier Frauen aus Island"></a></div>'
           f'<div class="info"><span class="caption">{caption}</span><span class="credit"> mbl.is/Atli Steinn '
           "</span></div></div>")
    photos = _photos("", between=box)
    assert photos and photos[0].caption == caption and photos[0].credit == "mbl.is/Atli Steinn"


def test_a_credit_given_twice_in_two_boxes_is_given_once() -> None:
    # euronews.com: the caption's copyright and credit spans, and a copyright line under the image
    figure = ('<figure><img src="https://news.example.com/img/maduro.jpg"><figcaption><span class="caption-text">'
              'Der Trainingsanzug wird zur Sensation <span class="caption-copyright">Alle Rechte vorbehalten</span>'
              ' <span class="caption-credit">Screenshots von X</span></span></figcaption>'
              '<div class="image-copyright">Alle Rechte vorbehalten Screenshots von X</div></figure>')
    photos = _photos(figure)
    assert photos and photos[0].credit == "Alle Rechte vorbehalten Screenshots von X"
