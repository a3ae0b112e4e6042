"""Deduplication, first layer: the canonical URL key and the content fingerprint.

One concern, one place. :func:`url_key` gives every spelling of one article's URL the same key;
:func:`content_fingerprint` gives the same text the same digest; :func:`is_duplicate` is the one
yes/no decision the pipeline asks.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from w3lib.url import canonicalize_url

#: Query parameters that only track the visitor; they never change the article.
TRACKING_PARAMS: frozenset[str] = frozenset(
    {
        "fbclid", "gclid", "dclid", "gbraid", "wbraid", "msclkid", "yclid", "twclid", "igshid",
        "mc_cid", "mc_eid", "_ga", "_gl", "ref", "ref_src", "ref_url", "cmpid", "ncid", "ito",
        "s_cid", "at_medium", "at_campaign", "zarsrc", "zaloid",
        "vn_source", "vn_medium", "vn_campaign", "vn_content", "vn_term", "amp", "outputtype",
    }
)
TRACKING_PREFIXES: tuple[str, ...] = ("utm_", "utm-", "pk_", "mtm_", "hsa_", "oly_")

DEFAULT_PORTS = {"http": 80, "https": 443}
_AMP_SEGMENT = re.compile(r"/amp(?=/|$)", re.IGNORECASE)
_AMP_SUFFIX = re.compile(r"\.amp(?=\.html?$|$)", re.IGNORECASE)
_WS = re.compile(r"\s+")


class InvalidURL(ValueError):
    """The text is not an absolute http(s) URL."""


def is_tracking_param(name: str) -> bool:
    """Is ``name`` a query parameter that only tracks the visitor?"""
    low = name.lower()
    return low in TRACKING_PARAMS or low.startswith(TRACKING_PREFIXES)


def normalize_url(url: str) -> str:
    """A clean, fetchable spelling of ``url``: lower-case scheme and host, no default port, no
    fragment, no tracking parameters, sorted query, percent-encoding normalised.

    Raises :class:`InvalidURL` for anything that is not an absolute http(s) URL.
    """
    url = (url or "").strip()
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as exc:
        raise InvalidURL(f"malformed URL {url!r}: {exc}") from exc
    scheme = parts.scheme.lower()
    if scheme not in DEFAULT_PORTS:
        raise InvalidURL(f"not an http(s) URL: {url!r}")
    host = (parts.hostname or "").rstrip(".")
    if not host or " " in host:
        raise InvalidURL(f"URL has no host: {url!r}")
    try:
        host = host.encode("idna").decode("ascii").lower()
    except UnicodeError as exc:
        raise InvalidURL(f"bad host name in {url!r}: {exc}") from exc
    netloc = host if port in (None, DEFAULT_PORTS[scheme]) else f"{host}:{port}"
    query = urlencode([(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if not is_tracking_param(k)])
    rebuilt = urlunsplit((scheme, netloc, parts.path or "/", query, ""))
    return canonicalize_url(rebuilt, keep_fragments=False)


def canonical_key(url: str) -> str:
    """The identity of an article's URL: every spelling of one page maps to one string.

    On top of :func:`normalize_url`: ``http``/``https`` and ``www.`` are the same page, AMP
    variants (``/amp``, ``.amp.html``, ``amp.`` host, ``?amp``) are the page itself, and a
    trailing slash does not matter.
    """
    parts = urlsplit(normalize_url(url))
    host = parts.netloc
    for prefix in ("www.", "amp."):
        if host.startswith(prefix):
            host = host[len(prefix):]
    path = _AMP_SEGMENT.sub("", parts.path)
    path = _AMP_SUFFIX.sub("", path)
    if len(path) > 1:
        path = path.rstrip("/") or "/"
    return urlunsplit(("https", host, path or "/", parts.query, ""))


def url_key(url: str) -> str:
    """sha256 hex of :func:`canonical_key`: the unique key stored on the article row."""
    return hashlib.sha256(canonical_key(url).encode("utf-8")).hexdigest()


def _registered_part(host: str) -> str:
    labels = host.split(".")
    # Good enough to keep rel=canonical on the same site: last two labels, three for ccTLD
    # second levels such as .com.vn / .co.uk / .gov.vn.
    if len(labels) >= 3 and labels[-2] in {"com", "co", "gov", "org", "net", "edu", "ac", "info"}:
        return ".".join(labels[-3:])
    return ".".join(labels[-2:])


def choose_canonical(fetched_url: str, declared: str | None) -> str:
    """The URL the article is known by: the page's ``rel=canonical`` when it is a valid http(s)
    URL on the same site as the fetched one (a canonical pointing elsewhere is ignored: that is
    how syndicated copies and hostile pages would otherwise overwrite another site's article),
    else the fetched URL. Both are returned normalised.
    """
    fetched = normalize_url(fetched_url)
    if not declared:
        return fetched
    try:
        candidate = normalize_url(declared)
    except InvalidURL:
        return fetched
    same_site = _registered_part(urlsplit(candidate).hostname or "") == _registered_part(
        urlsplit(fetched).hostname or ""
    )
    return candidate if same_site else fetched


def normalize_text(text: str) -> str:
    """Unicode NFC, whitespace collapsed, case folded: the text a fingerprint is taken of."""
    text = unicodedata.normalize("NFC", text or "").replace("\ufeff", "")
    return _WS.sub(" ", text).strip().casefold()


def content_fingerprint(body: str) -> str:
    """sha256 hex of the normalised body text."""
    return hashlib.sha256(normalize_text(body).encode("utf-8")).hexdigest()


def is_duplicate(fingerprint: str, other_fingerprint: str | None) -> bool:
    """Yes/no: is a page with ``fingerprint`` the same content as one with ``other_fingerprint``?

    The single dedup decision of the pipeline. Today: exact fingerprint equality of the
    normalised body (an empty body is never a duplicate of anything). The near-duplicate layer
    (SimHash/MinHash bands) extends this function, not its callers.
    """
    if not other_fingerprint:
        return False
    return fingerprint == other_fingerprint and fingerprint != content_fingerprint("")
