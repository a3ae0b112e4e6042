import pytest

from worker.dedup import (
    InvalidURL,
    canonical_key,
    choose_canonical,
    content_fingerprint,
    is_duplicate,
    normalize_url,
    url_key,
)

BASE = "https://vnexpress.net/ong-ho-duc-phoc-se-nang-muc-giam-tru-gia-canh-4735432.html"


@pytest.mark.parametrize(
    "variant",
    [
        BASE,
        "HTTPS://VNEXPRESS.NET/ong-ho-duc-phoc-se-nang-muc-giam-tru-gia-canh-4735432.html",
        "https://vnexpress.net:443/ong-ho-duc-phoc-se-nang-muc-giam-tru-gia-canh-4735432.html",
        "http://vnexpress.net:80/ong-ho-duc-phoc-se-nang-muc-giam-tru-gia-canh-4735432.html",
        "https://www.vnexpress.net/ong-ho-duc-phoc-se-nang-muc-giam-tru-gia-canh-4735432.html",
        BASE + "#box_comment_vne",
        BASE + "?utm_source=facebook&utm_medium=social&utm_campaign=x",
        BASE + "?fbclid=IwAR3abc&gclid=xyz",
        BASE + "/",
        "https://vnexpress.net/amp/ong-ho-duc-phoc-se-nang-muc-giam-tru-gia-canh-4735432.html",
        "https://vnexpress.net/ong-ho-duc-phoc-se-nang-muc-giam-tru-gia-canh-4735432.amp.html",
        "https://amp.vnexpress.net/ong-ho-duc-phoc-se-nang-muc-giam-tru-gia-canh-4735432.html",
        BASE + "?amp",
        "  " + BASE + "  ",
    ],
)
def test_url_spellings_share_one_key(variant):
    assert canonical_key(variant) == canonical_key(BASE)
    assert url_key(variant) == url_key(BASE)


@pytest.mark.parametrize(
    "other",
    [
        "https://vnexpress.net/ong-ho-duc-phoc-se-nang-muc-giam-tru-gia-canh-4735433.html",
        "https://tuoitre.vn/ong-ho-duc-phoc-se-nang-muc-giam-tru-gia-canh-4735432.html",
        BASE + "?page=2",
        "https://vnexpress.net:8443/ong-ho-duc-phoc-se-nang-muc-giam-tru-gia-canh-4735432.html",
    ],
)
def test_different_pages_have_different_keys(other):
    assert url_key(other) != url_key(BASE)


def test_query_order_and_encoding_do_not_matter():
    assert canonical_key("https://x.vn/a?b=2&a=1") == canonical_key("https://x.vn/a?a=1&b=2")
    assert canonical_key("https://x.vn/tin-t%E1%BB%A9c") == canonical_key("https://x.vn/tin-tức")


@pytest.mark.parametrize("bad", ["", "not a url", "ftp://x.vn/a", "javascript:alert(1)", "http://", "http://[::1"])
def test_invalid_urls_are_refused(bad):
    with pytest.raises(InvalidURL):
        normalize_url(bad)


def test_rel_canonical_same_site_is_taken_other_site_ignored():
    fetched = "https://vnexpress.net/amp/abc-1.html?utm_source=x"
    assert choose_canonical(fetched, "https://vnexpress.net/abc-1.html") == "https://vnexpress.net/abc-1.html"
    # a syndicated copy pointing at another site keeps its own URL
    assert choose_canonical("https://baotintuc.vn/a-1.htm", "https://vnexpress.net/abc-1.html") == \
        "https://baotintuc.vn/a-1.htm"
    assert choose_canonical(fetched, "not a url") == normalize_url(fetched)
    assert choose_canonical("https://sub.cafef.vn/a.chn", "https://cafef.vn/a.chn") == "https://cafef.vn/a.chn"


@pytest.mark.parametrize("declared", [
    "https://news.example.com/",  # a CMS naming the front page as every story's canonical
    "https://www.news.example.com",
    "https://news.example.com/news/undefined",  # yahoo.com: a script's unfilled value
    "https://news.example.com/null",
    "https://news.example.com/%7B%7Bcanonical%7D%7D",
])
def test_a_canonical_no_story_can_have_is_ignored(declared):
    fetched = "https://news.example.com/2024/05/council-approves-budget"
    assert choose_canonical(fetched, declared) == fetched


def test_the_front_page_may_name_itself_and_an_amp_page_its_story():
    assert choose_canonical("https://news.example.com/?utm_source=x", "https://www.news.example.com/") == \
        "https://www.news.example.com/"
    story = "https://news.example.com/2024/05/council-approves-budget"
    assert choose_canonical(story + "/amp", story) == story


def test_fingerprint_normalises_unicode_and_whitespace():
    composed = "Hội nghị tổng kết\n\n công tác năm 2023"
    import unicodedata

    decomposed = unicodedata.normalize("NFD", composed).replace(" ", "\u00a0 ")
    assert content_fingerprint(composed) == content_fingerprint(decomposed)
    assert content_fingerprint(composed) != content_fingerprint(composed + " thêm")
    assert is_duplicate(content_fingerprint(composed), content_fingerprint(decomposed))
    assert not is_duplicate(content_fingerprint(""), content_fingerprint(""))
    assert not is_duplicate(content_fingerprint(composed), None)
