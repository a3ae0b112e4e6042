"""Deduplication, first layer: the canonical URL key and the content fingerprint.

One concern, one place. :func:`url_key` gives every spelling of one article's URL the same key;
:func:`content_fingerprint` gives the same text the same digest; :func:`is_duplicate` is the one
yes/no decision the pipeline asks.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from urllib.parse import parse_qsl, unquote, urlencode, urlsplit, urlunsplit

import numpy as np
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

    A canonical no story can have is ignored too: the site's home page named by a story (a CMS
    setting every page's canonical to the front page would make every story one article and
    overwrite it), and a path holding a script's unfilled value ("/undefined", "/null",
    "{{url}}").
    """
    fetched = normalize_url(fetched_url)
    if not declared:
        return fetched
    try:
        candidate = normalize_url(declared)
    except InvalidURL:
        return fetched
    if _broken_canonical(candidate, fetched):
        return fetched
    same_site = _registered_part(urlsplit(candidate).hostname or "") == _registered_part(
        urlsplit(fetched).hostname or ""
    )
    return candidate if same_site else fetched


_UNFILLED_SEGMENTS = frozenset({"undefined", "null", "none", "nan", "[object object]"})


def _broken_canonical(candidate: str, fetched: str) -> bool:
    """``candidate`` (normalised) is the home page while ``fetched`` is not, or its path holds a
    segment a script left unfilled."""
    home = urlsplit(canonical_key(candidate))
    if home.path == "/" and not home.query and urlsplit(canonical_key(fetched)).path != "/":
        return True
    path = unquote(urlsplit(candidate).path).casefold()
    return "{{" in path or "${" in path or any(seg in _UNFILLED_SEGMENTS for seg in path.split("/"))


def normalize_text(text: str) -> str:
    """Unicode NFC, whitespace collapsed, case folded: the text a fingerprint is taken of."""
    text = unicodedata.normalize("NFC", text or "").replace("\ufeff", "")
    return _WS.sub(" ", text).strip().casefold()


def content_fingerprint(body: str) -> str:
    """sha256 hex of the normalised body text."""
    return hashlib.sha256(normalize_text(body).encode("utf-8")).hexdigest()


#: The fingerprint of an empty body (never a duplicate of anything).
EMPTY_FINGERPRINT = content_fingerprint("")


# --------------------------------------------------------------------------- near-duplicates
#
# MinHash over word 3-shingles of the normalised body (numpy), NUM_PERM = BANDS x ROWS
# permutations. The signature is cut into BANDS bands of ROWS values; each band is hashed to one
# signed 64-bit key, stored in the indexed column article_band.key. Two bodies share at least one
# key with probability 1 - (1 - J^ROWS)^BANDS (J: their Jaccard similarity): 0.94 at J = 0.4 and 0.98 at J = 0.45,
# 5e-6 at J = 0.005 (unrelated articles), so a lookup is BANDS index probes and touches only real candidates, however
# large the archive. Candidates are then confirmed by the estimated Jaccard (NEAR_THRESHOLD).
# Thresholds were chosen on the labelled set of benchmarks/dedup_eval.py (see README).

SHINGLE_WORDS = 3
BANDS = 42
ROWS = 3
NUM_PERM = BANDS * ROWS
NEAR_THRESHOLD = 0.4
#: Bodies shorter than this (in words) get no signature: too little text to call two pages copies.
MIN_WORDS = 40
_WORD = re.compile(r"\w+", re.UNICODE)


def shingles(body: str) -> set[bytes]:
    """The word 3-shingles of the normalised body."""
    return _shingles(normalize_text(body))


def _shingles(normalized: str) -> set[bytes]:
    words = _WORD.findall(normalized)
    # zip of the shifted word lists (it stops at the shortest): the windows words[i:i + SHINGLE_WORDS]
    shifted = (words[k:] for k in range(SHINGLE_WORDS))
    return {" ".join(window).encode("utf-8") for window in zip(*shifted, strict=False)}


# The NUM_PERM hash functions: multiply-shift hashing h(x) = ((a * x + b) mod 2**64) >> 32 with odd
# a, fixed forever by this seed, so stored signatures stay comparable across releases.
_PERM_RNG = np.random.default_rng(20261126)
_PERM_A = _PERM_RNG.integers(0, 2**63, NUM_PERM, dtype=np.uint64) * np.uint64(2) + np.uint64(1)
_PERM_B = _PERM_RNG.integers(0, 2**63, NUM_PERM, dtype=np.uint64)
_SHIFT = np.uint64(32)


def near_signature(body: str) -> bytes | None:
    """The MinHash signature of ``body`` (NUM_PERM uint32 values, little-endian), or None when the
    body is too short to compare.

    A small numpy class of our own rather than datasketch: the same algorithm in a few lines,
    without datasketch's import of scipy (1.5 s and ~60 MB in every worker process).
    """
    return _signature(normalize_text(body))


def fingerprint_and_signature(body: str) -> tuple[str, bytes | None]:
    """``(content_fingerprint(body), near_signature(body))``, normalising the body once."""
    normalized = normalize_text(body)
    return hashlib.sha256(normalized.encode("utf-8")).hexdigest(), _signature(normalized)


def _signature(normalized: str) -> bytes | None:
    grams = _shingles(normalized)
    if len(grams) < MIN_WORDS - SHINGLE_WORDS + 1:
        return None
    # each shingle's 64-bit blake2b digest read as a little-endian uint64
    blake2b = hashlib.blake2b
    hashed = np.frombuffer(b"".join([blake2b(g, digest_size=8).digest() for g in grams]), dtype="<u8")
    with np.errstate(over="ignore"):  # uint64 wrap-around is part of the hash family
        values = np.multiply.outer(hashed, _PERM_A)
        values += _PERM_B
        values >>= _SHIFT
    return values.min(axis=0).astype("<u4").tobytes()


def similarity(signature: bytes, other: bytes) -> float:
    """Estimated Jaccard similarity of two signatures (share of equal MinHash values)."""
    a = np.frombuffer(signature, dtype="<u4")
    b = np.frombuffer(other, dtype="<u4")
    if a.shape != b.shape:
        return 0.0
    return float(np.count_nonzero(a == b)) / len(a)


def band_keys(signature: bytes) -> list[int]:
    """One signed 64-bit key per band (band number mixed in, so equal rows of two different bands
    never collide)."""
    width = ROWS * 4
    keys = []
    for band in range(BANDS):
        digest = hashlib.blake2b(signature[band * width:(band + 1) * width], digest_size=8,
                                 person=band.to_bytes(2, "little") + b"nsband").digest()
        keys.append(int.from_bytes(digest, "little", signed=True))
    return keys


def is_duplicate(
    fingerprint: str,
    other_fingerprint: str | None,
    signature: bytes | None = None,
    other_signature: bytes | None = None,
) -> bool:
    """Yes/no: is a page the same story as another one?

    The single dedup decision of the pipeline: the same normalised body (exact fingerprint; an
    empty body is never a duplicate), or, when both have MinHash signatures, an estimated Jaccard
    similarity of their 3-shingles of at least :data:`NEAR_THRESHOLD` (syndicated copies with other
    boilerplate, lightly edited versions).
    """
    if other_fingerprint and fingerprint == other_fingerprint and fingerprint != EMPTY_FINGERPRINT:
        return True
    if signature is not None and other_signature is not None:
        return similarity(signature, other_signature) >= NEAR_THRESHOLD
    return False
