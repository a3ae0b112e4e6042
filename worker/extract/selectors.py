"""Selectors and word lists as data. Generic rules first; site profiles live in :mod:`profiles`."""

from __future__ import annotations

import re

# JSON-LD @type values that denote an article
ARTICLE_TYPES: frozenset[str] = frozenset(
    {
        "newsarticle", "article", "reportagenewsarticle", "analysisnewsarticle", "blogposting",
        "opinionnewsarticle", "reviewnewsarticle", "backgroundnewsarticle", "liveblogposting",
        "scholarlyarticle", "report", "techarticle",
    }
)


def class_word_re(*words: str) -> re.Pattern[str]:
    """A pattern finding one of ``words`` as a whole class/id word: bounded by the string's ends,
    spaces, ``-`` or ``_`` ("article-title__kicker" has "kicker"; "kickers" has not)."""
    return re.compile(rf"(?:^|[\s_-])(?:{'|'.join(words)})(?:$|[\s_-])", re.I)


# ---- generic selectors (widely used class names / attributes, not one site's)
TITLE_SELECTORS: tuple[str, ...] = (
    "[data-role=title]", "[data-slot=title]", "h1[itemprop=headline]", "[itemprop=headline]",
    "h1.detail-title", "h1.title-detail", "h1.article-title", "h1.entry-title", "h1.post-title",
    ".title-detail", ".detail-title", ".article-title", "article h1", "h1",
)
LEAD_SELECTORS: tuple[str, ...] = (
    "[data-role=sapo]", "[data-slot=sapo]", "[itemprop=description]", ".detail-sapo", ".sapo_detail",
    ".sapo-detail", ".article-sapo", ".sapo", "[class*=sapo]", "p.description", ".article__sapo", ".lead",
    ".article-lead", ".article__lead", ".summary", ".article-summary", ".chapeau", ".excerpt", ".standfirst",
    "[class*=sub-tit]", ".dek", ".deck", "[class*=article-dek]",
    # a box of key points opening the text ("bi-bulletpoints"; 20min's infobox typed "typeInfoboxSummary")
    "[class*=bulletpoints]", "[class*=bullet-points]", "[class*=keypoints]", "[class*=key-points]",
    "[type*=Summary]",
    # a preamble / "ingress" / intro block (expressen "article__preamble", lto "reader__intro")
    "[class*=preamble]", "[class*=ingress]", "[class*=__intro]", "[class*=article-intro]",
)
BODY_SELECTORS: tuple[str, ...] = (
    "[itemprop=articleBody]", "[data-role=content]", "[data-slot=content]", "article .fck_detail",
    ".fck_detail", ".detail-content", "#content_detail_news", ".article-content", ".article-body",
    ".article__body", ".entry-content", ".post-content", ".content-detail-body", "#maincontent",
    ".maincontent", ".detail__content", ".singular-content", ".story-body",
)
BYLINE_SELECTORS: tuple[str, ...] = (
    "[data-role=author]", "[itemprop=author] [itemprop=name]", "[rel=author]", ".author-info .name",
    ".article-detail-author__info .name", ".author_mail", "p.author", "a.author", ".author-name",
    ".author__name", ".byline", ".article-author", ".author", "[class*=author-name]", ".name-author",
    "[class*=authorname]", "[class$=-Byline]",  # msn "authorname-txt"; CSS-in-JS "css-1wkce1i-Byline"
)
# a link to a writer's page ("/author/jane-doe", "/by/al-baker", "/staff/steven-shepard", "/profile/…",
# "/about/editors/jon-fingas/"): its text is the writer's name
AUTHOR_PATH_RE = re.compile(
    r"/(?:authors?|autor(?:en)?|auteurs?|autores|by|profiles?|staff|journalists?|reporters?|editors?|"
    r"writers?|contributors?|columnists?|redakteur(?:e|in)?|giornalisti|tac-gia)/[^/?#]+", re.I)
# blocks listing other stories (with their writers' names): never the article's byline
OTHER_STORIES_RE = re.compile(
    r"related|recommend|most-?read|most-?popular|popular|trending|more-?stories|more-?from|recirc|teaser|"
    r"outbrain|taboola|newsletter|promo|carousel|latest|next-?up|read-?more|also-?read", re.I)
BREADCRUMB_SELECTORS: tuple[str, ...] = (
    "[itemtype*=BreadcrumbList]", ".breadcrumb", ".breadcrumbs", "[class*=breadcrumb]", "nav[aria-label*=readcrumb]",
    "[data-role=breadcrumb]",
)
DATE_SELECTORS: tuple[str, ...] = (
    "[data-role=publishdate]", "[itemprop=datePublished]", "time[datetime]", ".date-time", ".publish-date",
    ".post-time", ".detail-time", ".time", ".date", "[class*=date]", "[class*=time]", "[class*=Date]",
    "[id*=date]", "[id*=Date]",
)
SOURCE_SELECTORS: tuple[str, ...] = (".link-source-name", ".source-name", "[data-role=source]", ".news-source")

# element attribute "type" values of CMS boxes (VCCorp-style editors)
BOILERPLATE_TYPES: frozenset[str] = frozenset(
    {"relatednewsbox", "relatedonenews", "relatednews", "relatedbox", "listnewsbox", "sharebox", "vote",
     "adsbox", "ads", "tinlienquan", "newsrelated"}
)
PHOTO_BOX_TYPES: frozenset[str] = frozenset({"photo", "photoincontentbox", "photoincontent"})

DROP_TAGS: frozenset[str] = frozenset(
    {"script", "style", "noscript", "iframe", "form", "button", "input", "select", "textarea", "nav",
     "footer", "aside", "svg", "canvas", "template", "object", "embed", "video", "audio", "ins", "link",
     "meta", "header"}
)

# class / id tokens that mark non-article blocks inside the body container
NEGATIVE_TOKEN_RE = re.compile(
    r"(?:^|[-_])(?:related|relate|relation|lienquan|tinlienquan|tin-lien-quan|xemthem|xem-them|readmore|"
    r"read-more|share|sharing|social|socials|tags?|tag-list|keywords?|comments?|cmt|advert|advertisement|"
    r"ads|adv|banner|sponsor|sponsored|promo|newsletter|subscribe|rating|vote|print|toolbar|breadcrumbs?|"
    r"menu|footer|sidebar|widget|recommend|recommendation|author-box|authorbox|mostread|most-read|"
    r"box-category|category-list|popup|modal|hidden|d-none|outbrain|taboola|zone|tinmoi|newest|latest|"
    r"gold-price|stock|audio|player|listen|podcast|video-box|box-tin|suggest|box-news)(?:$|[-_])",
    re.I,
)
POSITIVE_TOKEN_RE = re.compile(
    r"(?:^|[-_])(?:content|detail|article|body|story|entry|post|main|fck|text|news-content|maincontent|"
    r"singular|cmain)(?:$|[-_])",
    re.I,
)
# data-* attributes announcing a widget to be filled by script ("tin_xemthem", "relate")
WIDGET_ATTR_RE = re.compile(r"relate|xemthem|lienquan|ads|banner|comment|box", re.I)

# headings that open a related/"read more" box; the box is dropped when it starts with one
RELATED_HEADINGS: tuple[str, ...] = (
    "tin liên quan", "xem thêm", "tham khảo thêm", "đọc thêm", "tin cùng chuyên mục", "cùng chuyên mục",
    "tin mới", "tin khác", "bài liên quan", "có thể bạn quan tâm", "related", "read more", "see also",
    "more on this", "tin nổi bật", "đọc nhiều", "xem nhiều",
)
BOILERPLATE_LINES_RE = re.compile(
    r"^(?:chia sẻ|share|sao chép liên kết|copy link|lấy link!?|tặng sao cho bài viết hay|đọc tiếp|"
    r"bình luận|gửi bình luận|in bài|quay lại|trở lại|theo dõi .{0,40} trên google news|"
    r"xem các bài viết của tác giả|tags?:?|từ khóa:?|từ khoá:?|"
    # a paid-content mark and "no reproduction" notices (asahi "[PR]", yomiuri "無断転載禁止")
    r"\[pr\]|無断転載禁止|無断転載を禁じます|版权所有|"
    # a relative time alone ("1 時間前", "3 hours ago", "2 giờ trước")
    r"\d{1,2}\s*(?:時間|分|日|秒|小时|分钟|天|시간|분|일)\s*(?:前|전)|"
    r"\d{1,2}\s+(?:hours?|hrs?|minutes?|mins?|days?|giờ|phút|ngày)\s+(?:ago|trước))$",
    re.I,
)

HOME_CRUMBS: frozenset[str] = frozenset({
    "trang chủ", "home", "trang chu", "homepage", "trang nhất", "home page", "start", "startseite", "front",
    "frontpage", "front page", "accueil", "inicio", "início", "portada", "forside", "forsiden", "etusivu", "hem",
    "startsida", "strona główna", "главная", "ホーム", "トップ", "首页", "首頁", "홈", "anasayfa", "ana sayfa",
})
# breadcrumb items that name a kind of page, not a section of the site
NON_SECTION_CRUMBS: frozenset[str] = frozenset({"uncategorized", "article", "articles", "tags", "website"})

# ---- photos (see :mod:`photos`)
# class/id of the <img> itself naming a non-photo
PHOTO_EXCLUDE_RE = re.compile(
    r"avatar|icon|logo|emoji|sprite|spacer|pixel|badge|button|qrcode|qr-code|author|gravatar|tracking",
    re.I,
)
# image URLs of non-photos (avatars, icons, logos, ads, tracking pixels, SVG artwork)
PHOTO_URL_EXCLUDE_RE = re.compile(
    r"avatar|/icons?/|[/_.-]icons?[/_.-]|(?:^|[/_.-])logos?(?:[/_.-]|$)|emoji|sprite|spacer|/pixel|blank\.gif|"
    r"/ads?/|/banners?/|qrcode|qr-code|qr-img|zoom/\d{1,2}_\d{1,2}/|/authors?/|[-_]authors?(?:/|%2f)|/profiles?/|"
    r"gravatar|badge|"
    r"\.svg(?:$|[?#])",
    re.I,
)
# class/id words of the two nearest wrappers of a non-photo (byline avatars, logos)
PHOTO_PARENT_WORDS: frozenset[str] = frozenset(
    {"avatar", "avatars", "logo", "logos", "author", "authors", "byline", "profile", "emoji", "sprite", "badge",
     "gravatar", "qrcode"}
)
# class/id words of blocks whose images are not article photos (related/teaser lists, ads, share bars,
# author boxes, navigation); matched against the words of the tokens split on "-", "_" and spaces: whole
# words, or word prefixes for compounds ("relatedbox", "teaserlist", "advertisement")
PHOTO_CONTEXT_WORDS: frozenset[str] = frozenset(
    {"promo", "promotion", "promoted", "ad", "ads", "adv", "share", "sharing", "social", "comment", "comments",
     "avatar", "author", "authors", "byline", "profile", "trending", "popular", "footer", "nav",
     "menu", "logo", "cookie", "consent", "emoji", "signup", "subscribe", "subscription"}
)
PHOTO_CONTEXT_PREFIX_RE = re.compile(
    r"^(?:related|relate[ds]?$|teaser|recommend|advert|sponsor|newsletter|outbrain|taboola|lienquan|tinlienquan|"
    r"xemthem|readmore|mostread|suggest)",
    re.I,
)
# ... except for the lead image above the body, where "teaser" names the article's own lead image
LEAD_TEASER_WORDS: frozenset[str] = frozenset({"promo", "promoted", "promotion"})
LEAD_TEASER_PREFIX_RE = re.compile(r"^teaser", re.I)
# ... and of media players: their artwork is not an article photo unless it is in a <figure> (a video poster
# with its caption)
PLAYER_WORDS: frozenset[str] = frozenset({"player", "podcast", "audio", "video", "videoplayer"})
# a link around an image that opens the image itself (lightbox / zoom / gallery viewer)
LIGHTBOX_RE = re.compile(
    r"lightbox|fancybox|zoom|gallery|galerie|photoswipe|pswp|enlarge|expand|fullscreen|popup|modal|slides|"
    r"viewer|magnific|colorbox|glightbox|lb-",
    re.I,
)
VIEWER_PATH_RE = re.compile(
    r"/(?:attachment|image|images|img|photo|photos|foto|fotos|bild|bilder|gallery|galerie|media|pictures?)"
    r"(?:/|$|[-_.])",
    re.I,
)
CAPTION_CLASS_RE = re.compile(
    r"caption|chuthich|chu-thich|image_desc|img-desc|desc_image|figcaption|fig-cap|photo-desc|expNoEdit|"
    r"image-caption|media-caption|legend|bildtext|description|cptn",
    re.I,
)
# class / id / itemprop / data-* names of a credit element inside a photo box
CREDIT_CLASS_RE = re.compile(
    r"credit|copyright|photographer|rights|urheber|fotograf|quelle|source|auth?or|distributor|agency|courtesy|"
    r"photo-by|photoby|bildnachweis",
    re.I,
)
# data-* attribute names of the <img> carrying its credit
CREDIT_ATTR_RE = re.compile(r"copyright|credit|photographer|author|urheber|^data-source$", re.I)
# data-* attribute names of the <img> carrying its caption
CAPTION_ATTR_NAMES: tuple[str, ...] = ("data-caption", "data-image-caption", "data-description")
# a short element whose text starts with a credit label is a credit
CREDIT_LABEL_RE = re.compile(
    r"^[(\[]?\s*(?:©|\(c\)\s|copyright\b|(?:foto|fotos|fotografía|photo|photos|ảnh|anh|bild|bilder|quelle|source|"
    r"credits?|crédits?|picture|pictures|image|imagen|fuente|nguồn|symbolfoto|symbolbild|bildquelle|isithombe|"
    r"(?:image|photo|picture)\s+credits?)\s*:|photos? by\b|"
    r"foto von\b|사진\s*(?:출처)?\s*=)",
    re.I,
)
# a "caption" that is a byline: the image is the author's picture ("Von Vivien Valentiner, Redakteurin")
BYLINE_CAPTION_RE = re.compile(r"^(?:von|by|por|par|door|av|af|bởi|tác giả:?)\s+[A-ZÀ-ÝĐ][^\s.]*\s", re.I)
# a kicker (topline) set in its own element inside the headline: "<h1><span class="dachzeile">Schlachtbetriebe
# </span> <span>Das harte Geschäft …</span></h1>"; the headline is the rest
KICKER_CLASS_RE = class_word_re("topline", "dachzeile", "overline", "kicker", "eyebrow", "roofline", "spitzmarke",
                                 "supertitle", "overhead", "headline-intro", "title-prefix", "titleheader")
# an <h1> that is a breadcrumb's last item or an SEO title, not the headline shown (tagesanzeiger
# "Breadcrumbs_seotitle", stern "breadcrumb__headline", welt "c-breadcrumb__title")
SEO_HEADING_CLASS_RE = re.compile(r"breadcrumb|seo-?title", re.I)
# a product card in a buying guide ("product-embed", "product-card"): its photo's caption is the product's
# name, set in its own element ("ProductEmbedHed", "product-card__title", "product-name")
PRODUCT_CARD_CLASS_RE = re.compile(r"(?:^|[\s_-])product[-_]?(?:embed|card|box|tile|module)", re.I)
PRODUCT_NAME_CLASS_RE = re.compile(r"(?:^|[\s_-])product[-_]?\w*?(?:name|title|hed|headline)(?:$|[\s-])", re.I)
# a paragraph's first letter set apart as a drop cap ("<span class="initial-letter">N</span> a endlich")
DROP_CAP_CLASS_RE = class_word_re("initial", "initial-letter", "dropcap", "drop-cap", "first-letter", "versal")
# donation, paywall and subscription boxes (prune._call_to_action_boxes): a button-styled link that
# carries a campaign tag or opens a sign-in, registration or subscription page
BUTTON_CLASS_RE = class_word_re("button", "btn", "cta")
CAMPAIGN_RE = re.compile(r"[?&#:](?:utm_campaign|pk_campaign|mtm_campaign)=", re.I)
ACCOUNT_PATH_RE = re.compile(
    r"/(?:login|signin|sign-in|log-in|register|regist|registration|signup|sign-up|subscribe|subscription|"
    r"abo|abonnieren|abonnement|checkout|membership)(?:[/.#]|$)", re.I)
# screen-reader-only labels inside captions ("Legende:")
OFFSCREEN_CLASS_RE = re.compile(
    r"offscreen|sr-only|visually-hidden|visuallyhidden|screen-reader|screenreader|a11y|assistive", re.I
)
MIN_PHOTO_SIDE = 100
# class tokens that name no role of their own block: a neighbour's slot ("ads-top-after": the ad comes
# after this block) and a style ("typo-teaser-info-medium": the teaser *font*)
SLOT_TOKEN_RE = re.compile(r"[-_](?:after|before)$", re.I)
STYLE_TOKEN_RE = re.compile(r"^(?:typo|font|text)-", re.I)
