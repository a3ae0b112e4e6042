"""Bytes -> text for HTML: BOM, then the declared charset (HTTP header, then <meta>), then
detection; the result is Unicode NFC."""

from __future__ import annotations

import codecs
import re
import unicodedata

from charset_normalizer import from_bytes

_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9._:-]+)""", re.IGNORECASE)
_XML_CHARSET = re.compile(rb"""<\?xml[^>]+encoding\s*=\s*["']([A-Za-z0-9_.:-]+)""", re.IGNORECASE)
_BOMS = ((codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be"))


def _codec(name: str | None) -> str | None:
    if not name:
        return None
    try:
        found = codecs.lookup(name.strip().strip("\"'")).name
    except LookupError:
        return None
    # WHATWG: latin-1 and ascii labels mean windows-1252.
    return "cp1252" if found in ("latin-1", "iso8859-1", "ascii") else found


def sniff_meta_charset(content: bytes) -> str | None:
    """The charset a ``<meta>`` tag (or the XML declaration) in the first 4 KB declares, if it
    names a known codec."""
    head = content[:4096]
    m = _META_CHARSET.search(head) or _XML_CHARSET.search(head)
    return _codec(m.group(1).decode("ascii", "ignore")) if m else None


def decode_html(content: bytes, declared: str | None = None) -> tuple[str, str]:
    """Decode an HTML body. Returns (NFC text, codec used).

    Bytes that are valid UTF-8 are UTF-8 whatever is declared (real text in a single-byte
    charset is practically never valid UTF-8, while "ISO-8859-1" headers on UTF-8 pages are
    common). Otherwise the declared charset is tried strictly (header, then meta); when the bytes
    do not decode with it (a wrong declaration), detection decides; utf-8 with replacement is
    the last resort.
    """
    for bom, name in _BOMS:
        if content.startswith(bom):
            return unicodedata.normalize("NFC", content[len(bom):].decode(name, "replace")), name
    tried: list[str] = []
    for name in ("utf-8", _codec(declared), sniff_meta_charset(content)):
        if not name or name in tried:
            continue
        tried.append(name)
        try:
            return unicodedata.normalize("NFC", content.decode(name)), name
        except UnicodeDecodeError:
            continue
    try:
        best = from_bytes(content[:200_000]).best()
    except Exception:
        best = None
    if best is not None and best.encoding:
        return unicodedata.normalize("NFC", content.decode(best.encoding, "replace")), best.encoding
    return unicodedata.normalize("NFC", content.decode("utf-8", "replace")), "utf-8"
