"""Text normalisation, caption/credit splitting and byline parsing (no HTML here)."""

from __future__ import annotations

import html
import re
import unicodedata

_WS_RE = re.compile(r"\s+")
# zero-width / BOM / soft hyphen characters removed outright
_INVISIBLE_RE = re.compile("[\u200b\u200c\u200d\u2060\ufeff\u00ad]")


def word_key(text: str) -> str:
    """``text``'s letters and digits, casefolded, without spaces or punctuation: two spellings of the same
    words ("Die Eisheiligen 2024: Wann …" and "Die Eisheiligen 2024 Wann …") have one key."""
    return "".join(re.findall(r"[^\W_]+", text.casefold()))


def normalize_text(value: str | None) -> str:
    """NFC, NBSP -> space, U+FEFF and zero-width characters removed, whitespace collapsed."""
    if not value:
        return ""
    value = _INVISIBLE_RE.sub("", value)
    value = value.replace("\xa0", " ").replace("\u202f", " ").replace("\u2007", " ")
    value = unicodedata.normalize("NFC", value)
    return _WS_RE.sub(" ", value).strip()


def unescape_deep(value: str, rounds: int = 3) -> str:
    """HTML-unescape until stable (JSON-LD on some CMSs is escaped twice)."""
    for _ in range(rounds):
        new = html.unescape(value)
        if new == value:
            break
        value = new
    return value


def clean(value: str | None) -> str | None:
    """normalize_text returning None for empty results."""
    out = normalize_text(value)
    return out or None


# ----------------------------------------------------------------------------- credits

_CREDIT_WORDS = (r"(?:Ảnh|Ảnh|Anh|Photo|Foto|Fotos|Bild|Nguồn|Nguồn|Source|Quelle|Đồ họa|Đồ hoạ|Video|Clip|Image|"
                 r"Photos|Credit|Crédit|Fotografía|Imagen|Bildrechte)")
# "caption © Agency", "caption (c) Agency", "caption Copyright: Agency"
_CREDIT_COPY_RE = re.compile(r"\s*(?:©|\(c\)|Copyright\s*:?)\s*(?P<credit>[^©]{1,80}?)\s*$", re.I)
# "caption - Ảnh: X", "caption. Ảnh: X", "caption (Ảnh: X)", "caption Photo: X"
_CREDIT_PAREN_RE = re.compile(r"\s*[\(\[]\s*" + _CREDIT_WORDS + r"\s*:\s*(?P<credit>[^()\[\]]{1,80}?)\s*[\)\]]\s*\.?\s*$", re.I)
_CREDIT_TAIL_RE = re.compile(
    r"(?:^|\s*[-–—|/]\s*|\s+|(?<=[.!?…\"”])\s*)" + _CREDIT_WORDS + r"\s*:\s*(?P<credit>[^:]{1,80}?)\s*$", re.I
)


_CREDIT_PREFIX_RE = re.compile(r"^(?:©|\(c\)|copyright\s*:?|" + _CREDIT_WORDS + r"\s*:|photo by|foto von)\s*", re.I)


def clean_credit(text: str | None) -> str | None:
    """A credit element's text without its label: "© dpa" -> "dpa", "Foto: X" -> "X"."""
    t = normalize_text(text)
    for _ in range(2):
        t = _CREDIT_PREFIX_RE.sub("", t).strip(" ;,-–—/|")
    return t or None


def split_credit(caption: str | None) -> tuple[str | None, str | None]:
    """Split a trailing photo credit off a caption.

    >>> split_credit("Một dự án của FLC. Ảnh: Hồng Khanh")
    ('Một dự án của FLC.', 'Hồng Khanh')
    """
    text = normalize_text(caption)
    if not text:
        return None, None
    m = _CREDIT_PAREN_RE.search(text)
    if not m:
        m = _CREDIT_TAIL_RE.search(text)
    if not m:
        m = _CREDIT_COPY_RE.search(text)
    if not m:
        return text, None
    credit = m.group("credit").strip(" ;,-–—")
    if not credit or len(credit.split()) > 10:
        return text, None
    rest = text[: m.start()].rstrip(" -–—|/,;")
    return (rest or None), credit


# ----------------------------------------------------------------------------- bylines

# agencies / publications: a "Theo X" naming them is an attribution, not an author
_AGENCY_RE = re.compile(
    r"^(?:TTXVN|TTX|VNA|AFP|AP|Reuters|Bloomberg|Xinhua|Tân Hoa Xã|BBC|CNN|Sputnik|TASS|Kyodo|Yonhap|"
    r"Chinhphu\.vn|VTV|VOV|VTC|Thông tấn xã.*|Báo .*|Tạp chí .*|Đài .*|Cổng .*|.*\.(?:vn|com|net|org)(?:\.vn)?)$",
    re.I,
)
_ROLE_SUFFIX_RE = re.compile(
    r"\s*[\(\[](?:tổng hợp|tổng hợp|biên dịch|lược dịch|dịch|theo .*|thực hiện|ghi|ghi nhận|"
    r"compiled|th|tổng hợp từ .*)[\)\]]\s*$",
    re.I,
)
# separators between names: dashes, punctuation, and "and" in the languages of the press we read
_AUTHOR_SPLIT_RE = re.compile(r"\s+[-–—]\s+|\s*[;,/&]\s*|\s+(?:và|and)\s+|\s*\|\s*")
# "and" of other languages: also a part of names ("José Ortega y Gasset", "Jordi Pujol i Soley",
# "Andrada e Silva"), so a split is made only between two names of two words or more
_AND_WORD_RE = re.compile(r"\s+(?:und|og|och|et|en|y|e|i)\s+")
# "By", "Von", "Por", "Par", "Door", "Av", "Af", "Przez" before the names
BY_RE = re.compile(r"^(?:(?:(?:written|posted|words|story|text|reported|reporting)\s+)?"
                   r"(?:by|von|por|par|door|av|af|przez|bởi|tác giả|author)\s*:?\s+|(?:著者|作者|筆者)\s*[:：]\s*)",
                   re.I)
# what may follow the names on a "By" line: "By Michael Larabel in Valve on 1 June 2019", "By Jane Doe
# for The Guardian", "Posted by Jane Doe on March 3"
_BY_TAIL_RE = re.compile(r"\s+(?:in|on|at|for|updated|published)\s+\S", re.I)
# small words inside names ("Ludwig van Beethoven", "Ana de Armas", "Tomás del Río")
NAME_PARTICLES = frozenset("van von der den de del della di da do dos das du le la bin ibn al el ter zu".split())
_NAME_CHARS_RE = re.compile(r"[^\W\d_]|[\s.'’-]")


def looks_like_names(text: str) -> bool:
    """``text`` (a "By" prefix allowed) is a list of names: each of one to five words, every word
    capitalised (or a name particle, or in a script without case), letters and ``.'-`` only; a one-word
    name only in capitals (an agency: "TPN", "AFP"). "By Tuesday, the toll …", "Von Anfang an war
    klar" and "Author Q&A: …" are not."""
    body = _WITH_RE.sub(lambda m: f", {m.group(1)}", BY_RE.sub("", text.strip()))
    parts = [_name_only(p.strip()) for chunk in _AUTHOR_SPLIT_RE.split(body) for p in _AND_WORD_RE.split(chunk)]
    parts = [p for p in parts if p]  # (a date after the name is cut: "Duncan Bell January 19, 2017")
    if not parts:
        return False
    for part in parts:
        words = part.split()
        if len(words) > 5 or not all(_NAME_CHARS_RE.fullmatch(c) for c in part):
            return False
        if len(words) == 1 and not (len(part) >= 2 and (part.isupper() or not part[0].isupper() and not part[0].islower())):
            return False
        if not all(w.casefold() in NAME_PARTICLES or (w[0].isalpha() and not w[0].islower()) for w in words):
            return False
    return True


# a writer's job after the name, English press ("Sam Stein Senior Politics Editor", "Howard Blume Staff
# Writer"); glued to the name when two inline elements meet ("Howard BlumeStaff Writer")
_ROLE_WORDS = r"(?:editor|writer|reporter|correspondent|columnist|contributor|producer|ceo|founder)"
_ROLE_QUALIFIERS = (r"(?:senior|chief|staff|contributing|deputy|managing|executive|associate|political|politics|"
                    r"national|foreign|business|sports?|games|news|tech(?:nology)?|science|health|culture|digital|"
                    r"white house)")
_ROLE_AFTER_NAME_RE = re.compile(rf"(?<=\S)\s+(?:{_ROLE_QUALIFIERS}\s+)*{_ROLE_WORDS}s?$", re.I)
_ROLE_QUALIFIER_RE = re.compile(rf"{_ROLE_QUALIFIERS}\b", re.I)
_ROLE_ONLY_RE = re.compile(rf"(?:{_ROLE_QUALIFIERS}\s+)*{_ROLE_WORDS}s?", re.I)
# words of link labels, not of names: "More stories", "View all posts", "Follow"
LINK_LABEL_WORDS = frozenset(
    "more all view see posts stories articles read profile follow contact email e-mail about home "
    "latest subscribe newsletter our picks jobs account".split())


def is_link_label(text: str) -> bool:
    """Every word of ``text`` is a word of link labels ("More stories", "View all posts")."""
    words = [w.casefold().strip(".:,»›>") for w in text.split()]
    return bool(words) and all(w in LINK_LABEL_WORDS for w in words if w)


def _without_role(name: str) -> str:
    """``name`` without a job title after it; '' when it is only a job title ("Staff Writer"). Kept whole
    when fewer than two words of name would remain ("Mary Writer" may be her name), and when a word the
    title list does not know stands between name and job ("Jane Doe Travel Writer": is "Travel" hers?)."""
    if len(name) > 80:  # (no name is that long; the patterns stay linear on what they are given)
        return name
    if _ROLE_ONLY_RE.fullmatch(name):
        return ""
    spaced = _GLUED_ROLE_RE.sub(" ", name)
    m = _ROLE_AFTER_NAME_RE.search(spaced)
    if m is None:
        return name
    cut = spaced[: m.start()].strip(" ,-–—")
    words = len(cut.split())
    if words < 2 or (words > 2 and not _ROLE_QUALIFIER_RE.match(m.group().strip())):
        return name
    return cut


_GLUED_ROLE_RE = re.compile(r"(?<=[a-zß-öø-ÿ])(?=(?:Senior|Staff|Chief|Contributing|Deputy|Managing|Executive|"
                            r"Associate|Editor|Writer|Reporter|Correspondent|Columnist|Contributor|Producer|CEO|"
                            r"Founder)\b)")
_TRAILING_BRACKET_RE = re.compile(r"\s*\(([^()]*)\)?\s*$")
_WITH_RE = re.compile(r"\s*\((?:avec|with|mit|con|com|met|med)\s+(?:(?:additional\s+)?reporting\s+(?:by|from)\s+)?"
                      r"([^()]+)\)", re.I)
# "Corina Gall (cog)": a short parenthesis after a name (initials, a desk code)
_NAME_TAG_RE = re.compile(r"\s*\((?:[^()]{1,12})\)?$")


def _looks_like_agency(name: str) -> bool:
    if _AGENCY_RE.match(name):
        return True
    # an acronym like "TTXVN", "NLĐO", "PV"
    return bool(re.fullmatch(r"[A-ZĐ0-9.]{2,8}", name)) and name not in {"PV"}


_MONTHS = frozenset(
    "jan feb mar apr may jun jul aug sep sept oct nov dec january february march april june july august "
    "september october november december januar februar märz mai juni juli oktober dezember janvier "
    "février mars avril juin juillet août septembre octobre novembre décembre enero febrero marzo abril "
    "mayo junio julio agosto septiembre octubre noviembre diciembre".split()
)


_DAY_OR_YEAR_RE = re.compile(r"^(?:\d{1,2}|\d{4})[.,]?$")


def _date_word(word: str) -> bool:
    w = word.strip(".,")
    return (w[:1].isdigit() or w.casefold() in _MONTHS or w.lower() in ("am", "pm", "uhr", "h")
            or (w.isupper() and 2 <= len(w) <= 4))  # a time zone: "IST", "GMT", "CEST"


def _name_only(name: str) -> str:
    """A name cut before the date or time written after it ("Steven Solomon July 29" -> "Steven
    Solomon"; "23 Apr 2024" -> ""): no word of a name starts with a digit. A month word goes with
    the day or year after it ("July 29", "Oct 9,", "December 2016"), not with a time or a full date
    ("Ngọc Mai 08:00", "Anna August 12.03.2024")."""
    words = name.split()
    for i, word in enumerate(words):
        if word[:1].isdigit():  # a number, a date, a time ("BR24 Redaktion" is a name)
            if i == 0:  # "23 APR 2024" is no name; "20 Minuten" is one
                return "" if all(_date_word(w) for w in words) else name
            cut = words[i]
            words = words[:i]
            if _DAY_OR_YEAR_RE.match(cut) and len(words) > 1 and words[-1].casefold().strip(".,") in _MONTHS:
                words.pop()
            break
    return " ".join(words).strip(" ,;:-–—")


def _split_and_word(chunk: str) -> list[str]:
    """``chunk`` split at an "and" word of another language when both sides are names of two words or
    more, each capitalised ("Ana García y Luis Pérez"); whole otherwise ("José Ortega y Gasset")."""
    out: list[str] = []
    while True:  # (a loop, not recursion: a long chain of "y" never runs out of stack)
        m = _AND_WORD_RE.search(chunk)
        if not m:
            break
        left, right = chunk[: m.start()].strip(), chunk[m.end():].strip()
        lw, rw = BY_RE.sub("", left).split(), right.split()
        if not (len(lw) >= 2 and len(rw) >= 2 and lw[0][:1].isupper() and rw[0][:1].isupper()):
            break
        out.append(left)
        chunk = right
    return [*out, chunk]


# "고영권 기자", "松岡大地記者": a reporter's title after a Korean, Japanese or Chinese name
REPORTER_TITLE_RE = re.compile(r"(?<=[가-힣\u3040-\u30ff\u4e00-\u9fff])\s*(?:기자|특파원|記者|特派員|记者)$")


_MAX_BYLINE = 1000  # characters of a byline read: a longer "byline" is no byline, and parsing stays cheap


_BYLINE_DATE_RE = re.compile(r"(?<!\d)(?:19|20)\d{2}[-./]\d{1,2}[-./]\d{1,2}(?:[ T]\d{1,2}:\d{2}(?::\d{2})?)?(?!\d)")


_BYLINE_STAMP_RE = re.compile(
    r"(?:^|(?<=[\s/|,;·•-]))(?:last\s+)?(?:updated|published|posted|aktualisiert|veröffentlicht|publié|"
    r"mis à jour|actualizado|publicado|aggiornato|pubblicato|cập nhật)\b\s*:?(?=[^\d]{0,20}\d).*$", re.I)


def parse_byline(byline: str | None) -> tuple[list[str], str | None]:
    """Byline -> (authors, attribution).

    "NHẬT XUÂN - NGHI VŨ" -> (["NHẬT XUÂN", "NGHI VŨ"], None);
    "Hà Thu (tổng hợp)" -> (["Hà Thu"], None); "Theo TTXVN" -> ([], "TTXVN").
    """
    # a date and time set in the writer's box beside the name ("谢若含2017-03-01 14:27:02") are no name
    text = _BYLINE_DATE_RE.sub(" ", normalize_text(byline)[:_MAX_BYLINE]).strip()
    text = _BYLINE_STAMP_RE.sub("", text).strip(" /|,;-–—")  # "Saibal Dasgupta / TNN / Updated: Oct 9, 2019"
    if not text:
        return [], None
    by = BY_RE.match(text) is not None  # "Von dpa", "By AFP": the agency wrote it, it is the author
    text = BY_RE.sub("", text)
    if by:
        tail = _BY_TAIL_RE.search(text)
        if tail and looks_like_names(text[: tail.start()]):
            text = text[: tail.start()]
    attribution: str | None = None
    m = re.match(r"^(?:theo|nguồn|nguồn|source|according to)\s*:?\s+(?P<rest>.+)$", text, re.I)
    if m:
        rest = m.group("rest").strip()
        if _looks_like_agency(rest):
            return [], rest
        text = rest
    # "Martin Untersinger (avec Damien Leloup et Morgane Tual)": the co-writers in brackets
    text = _WITH_RE.sub(lambda m: f", {m.group(1)}" if looks_like_names(m.group(1)) else m.group(0), text).strip()
    # "Hà Thu (tổng hợp)", "Minh Anh (theo Reuters)"
    suffix = _ROLE_SUFFIX_RE.search(text)
    if suffix:
        inner = suffix.group(0).strip(" ()[]")
        im = re.match(r"^theo\s+(.+)$", inner, re.I)
        if im:
            attribution = im.group(1).strip()
        text = text[: suffix.start()].strip()
    # "Jane Doe (with files from The Canadian Press)", "(com agências)": a source in brackets, no names
    tail = _TRAILING_BRACKET_RE.search(text)
    if tail and tail.start() > 0 and len(tail.group(1)) > 12 and not looks_like_names(tail.group(1)):
        text = text[: tail.start()].strip()
    authors: list[str] = []
    for part in (piece for chunk in _AUTHOR_SPLIT_RE.split(text) for piece in _split_and_word(chunk)):
        name = _name_only(_NAME_TAG_RE.sub("", BY_RE.sub("", part.strip())).strip(" .:-–—()"))
        name = REPORTER_TITLE_RE.sub("", name)
        name = _without_role(name)
        if not name or len(name) > 60 or len(name.split()) > 6 or is_link_label(name):
            continue
        if _looks_like_agency(name) and not by:
            attribution = attribution or name
            continue
        if name.casefold() not in {a.casefold() for a in authors}:
            authors.append(name)
    return authors, attribution


def split_authors(value: str | None) -> list[str]:
    """Split a machine-written author list ("A;B", "A, B") keeping order."""
    authors, _ = parse_byline(value)
    return authors


_PLACE_RE = re.compile(r"^(?P<place>[A-ZĐÀ-Ỹ][A-ZĐÀ-Ỹ .'’]{1,40}?)\s*[-–—]\s+\S")


def extract_place(text: str | None) -> str | None:
    """Dateline place tag at the start of a lead/body ("HÀ NỘI - ...", "(Dân trí) - ..." has none)."""
    t = normalize_text(text)
    m = _PLACE_RE.match(t)
    if not m:
        return None
    place = m.group("place").strip()
    if place.upper() != place or len(place) < 2:
        return None
    return place
