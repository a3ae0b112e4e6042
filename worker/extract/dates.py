"""Date parsing: ISO-ish machine dates; visible date lines (day-first numbers, Vietnamese first; month
words, year first, 年月日); the zone a site writes its local times in."""

from __future__ import annotations

import itertools
import re
from datetime import UTC, datetime, timedelta, timezone, tzinfo
from email.utils import parsedate_to_datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

VN_TZ = timezone(timedelta(hours=7), "Asia/Ho_Chi_Minh")

_ISO_RE = re.compile(
    r"(?P<y>\d{4})-(?P<m>\d{1,2})-(?P<d>\d{1,2})"
    r"(?:[T\s]+(?P<H>\d{1,2}):(?P<M>\d{2})(?::(?P<S>\d{2})(?:[.,]\d+)?)?)?"
    r"\s*(?P<tz>Z|[+-]\d{2}:?\d{2}|[+-]\d{3}(?!\d)|GMT[+-]\d{1,2}(?::?\d{2})?)?",  # "-500": -05:00
    re.I,
)
# 26/01/2019 19:26 | 07-03-2026 - 00:01 AM | 12/3/2024 08:00 GMT+7 | 19:26 26/01/2019
_DMY = r"(?P<d>\d{1,2})[/.-](?P<m>\d{1,2})[/.-](?P<y>\d{4})"
_HM = r"(?P<H>\d{1,2})[:hg](?P<M>\d{2})(?::(?P<S>\d{2}))?\s*(?P<ampm>[AaPp]\.?[Mm]\.?)?"
_TZ = r"(?:\s*\(?\s*(?P<tz>GMT\s*[+-]\s*\d{1,2}(?::?\d{2})?|UTC\s*[+-]\s*\d{1,2}(?::?\d{2})?|[+-]\d{2}:\d{2})\s*\)?)?"
_VISIBLE_DT_RE = re.compile(_DMY + r"(?:\s*[-,|]?\s*(?:lúc\s*)?" + _HM + r")?" + _TZ, re.I)
_VISIBLE_TD_RE = re.compile(_HM + r"\s*[-,|]?\s*(?:ngày\s*)?" + _DMY + _TZ, re.I)


def _tz_from(text: str | None, default: tzinfo | None) -> tzinfo | None:
    if not text:
        return default
    t = text.upper().replace(" ", "")
    if t == "Z":
        return UTC
    t = t.replace("GMT", "").replace("UTC", "")
    m = re.fullmatch(r"([+-])(\d{1,2}):?(\d{2})?", t)
    if not m:
        return default
    sign = 1 if m.group(1) == "+" else -1
    hours, minutes = int(m.group(2)), int(m.group(3) or 0)
    if hours > 14 or minutes >= 60:  # no zone is that far from UTC: a broken offset, not a zone
        return default
    return timezone(sign * timedelta(hours=hours, minutes=minutes))


#: Zone abbreviations that name one offset (minutes east of UTC) wherever they are written. Not
#: "IST" (India, Ireland, Israel), "CST" (the US centre, China, Cuba) nor "BST" (British summer time,
#: Bangladesh): those stay unread.
ZONE_ABBREVIATIONS: dict[str, int] = {
    "UTC": 0, "GMT": 0, "WET": 0, "WEST": 60, "CET": 60, "CEST": 120, "MEZ": 60, "MESZ": 120,
    "EET": 120, "EEST": 180, "MSK": 180, "EST": -300, "EDT": -240, "CDT": -300, "MST": -420, "MDT": -360,
    "PST": -480, "PDT": -420, "AKST": -540, "AKDT": -480, "HST": -600, "ICT": 420, "WIB": 420, "SGT": 480,
    "HKT": 480, "PHT": 480, "JST": 540, "KST": 540, "AEST": 600, "AEDT": 660, "ACST": 570, "AWST": 480,
    "NZST": 720, "NZDT": 780,
    # the zones these abbreviations name in news ("IST": India's, which prints far more news than Ireland
    # or Israel; "BST": British Summer Time)
    "IST": 330, "PKT": 300, "BST": 60, "IDT": 180, "SAST": 120, "EAT": 180, "WAT": 60, "CAT": 120,
}


def _build(y: str, mo: str, d: str, hh: str | None, mm: str | None, ss: str | None,
           tz: tzinfo | None, ampm: str | None = None) -> datetime | None:
    try:
        hour = int(hh or 0)
        if ampm:
            a = ampm.lower().replace(".", "")
            if a == "pm" and hour < 12:
                hour += 12
            elif a == "am" and hour == 12:
                hour = 0
        dt = datetime(int(y), int(mo), int(d), hour, int(mm or 0), int(ss or 0))
    except (ValueError, TypeError):
        return None
    if not 1990 <= dt.year <= 2100:
        return None
    return dt.replace(tzinfo=tz) if tz is not None else dt


def parse_iso(value: str | None, default_tz: tzinfo | None = VN_TZ) -> datetime | None:
    """Machine dates: '2026-03-07T08:52:11.000 +07:00', '2026-03-07T00:01:00', '2026-03-07 08:07';
    a zone's abbreviation beside the time stands for its offset ('Mon Aug 03 12:45:00 EDT 2015')."""
    if not value:
        return None
    named = named_zone(value)
    m = _ISO_RE.search(value.strip())
    if not m:
        return _rfc2822(value) or parse_visible(value, named or default_tz)
    tz = _tz_from(m.group("tz"), named or default_tz)
    return _build(m["y"], m["m"], m["d"], m["H"], m["M"], m["S"], tz)


def is_date_only(value: str) -> bool:
    """``value`` is a machine date and nothing more: a day without time or offset ("2016-12-15")."""
    m = _ISO_RE.fullmatch(value.strip())
    return m is not None and m["H"] is None and m["tz"] is None


# "GMT+7" is an offset, not GMT
_ZONE_ABBR_RE = re.compile(r"(?<![\w+-])(" + "|".join(sorted(ZONE_ABBREVIATIONS, key=len, reverse=True))
                           + r")(?![\w+\-−])")


def named_zone(value: str) -> tzinfo | None:
    """The fixed offset of a zone abbreviation in a machine date ("EDT", "CEST", "JST"), or None."""
    m = _ZONE_ABBR_RE.search(value)
    return timezone(timedelta(minutes=ZONE_ABBREVIATIONS[m.group(1)])) if m else None


_RFC2822_RE = re.compile(r"^(?:[A-Za-z]{3},\s*)?\d{1,2}\s+[A-Za-z]{3}\s+\d{4}\s+\d{1,2}:\d{2}")


def _rfc2822(value: str) -> datetime | None:
    """An e-mail/RSS style date with its offset: "Tue, 07 Apr 2020 07:36:07 +0530" (ndtv's <meta>)."""
    text = value.strip()
    if not _RFC2822_RE.match(text):
        return None
    try:
        dt = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
    if dt.tzinfo is None or not 1990 <= dt.year <= 2100:  # "-0000": no zone given; the caller's default
        return None
    return dt


def parse_visible(value: str | None, default_tz: tzinfo | None = VN_TZ) -> datetime | None:
    """Visible day-first date lines; regex first, dateparser (languages=['vi'], DMY) as fallback."""
    if not value:
        return None
    text = value.strip()
    dt = find_visible_date(text, default_tz)
    if dt is not None:
        return dt
    # dateparser is slow: only for short strings that look like a date written in words
    if len(text) > 60 or len(re.findall(r"\d+", text)) < 2:
        return None
    return _dateparser(text, default_tz)


def _dateparser(text: str, default_tz: tzinfo | None, languages: tuple[str, ...] = ("vi", "en"),
                day_first: bool = True, strict: bool = False) -> datetime | None:
    """dateparser on a short date phrase: a naive result gets ``default_tz``; None outside 1990-2100.
    ``strict``: the phrase must give a day, a month and a year (dateparser fills what is missing from
    today otherwise). A language dateparser does not know falls back to English."""
    settings: dict[str, object] = {"RETURN_AS_TIMEZONE_AWARE": False}
    if day_first:
        settings.update(DATE_ORDER="DMY", PREFER_DAY_OF_MONTH="first")
    if strict:
        settings["REQUIRE_PARTS"] = ["day", "month", "year"]
    try:
        import dateparser  # local import: slow to load, rarely needed

        try:
            dt = dateparser.parse(text, languages=list(languages), settings=settings)
        except ValueError:  # an unknown language code
            dt = dateparser.parse(text, languages=["en"], settings=settings) if languages != ("en",) else None
    except Exception:  # dateparser raises assorted errors on junk
        return None
    if dt is None or not 1990 <= dt.year <= 2100:
        return None
    if dt.tzinfo is None and default_tz is not None:
        dt = dt.replace(tzinfo=default_tz)
    return dt


def find_visible_date(text: str, default_tz: tzinfo | None = VN_TZ) -> datetime | None:
    """The first date (with time when present) found in a block of visible text."""
    if not text:
        return None
    dt_m = _VISIBLE_DT_RE.search(text)
    td_m = _VISIBLE_TD_RE.search(text)
    m = dt_m
    if td_m and (dt_m is None or td_m.start() <= dt_m.start() < td_m.end() or td_m.start() < dt_m.start()):
        m = td_m
    if m is None:
        return None
    return _build(m["y"], m["m"], m["d"], m["H"], m["M"], m["S"], _tz_from(m["tz"], default_tz), m["ampm"])


def ensure_aware(dt: datetime | None, default_tz: tzinfo | None = VN_TZ) -> datetime | None:
    if dt is None:
        return None
    if dt.tzinfo is None:
        return dt.replace(tzinfo=default_tz or UTC)
    return dt


# ----------------------------------------------------------------------------- written dates

# "2019年04月21日 12時00分", "2019年2月27日"
_CJK_DATE_RE = re.compile(
    r"(?P<y>\d{4})\s*年\s*(?P<m>\d{1,2})\s*月\s*(?P<d>\d{1,2})\s*日"
    r"(?:\D{0,8}?(?P<H>\d{1,2})\s*[時时:]\s*(?P<M>\d{2}))?")
# "2017-03-01 14:27:02", "2019.03.08", "2019/4/4": year first
_YMD_RE = re.compile(
    r"(?<!\d)(?P<y>(?:19|20)\d{2})(?P<sep>[-./])(?P<m>\d{1,2})(?P=sep)(?P<d>\d{1,2})(?!\d)"
    r"(?:[ T,]+(?P<H>\d{1,2}):(?P<M>\d{2})(?::(?P<S>\d{2}))?)?")
# "13. Mai 2026 um 15:44", "Dec 9, 2016", "March 9 2017 4:21 PM", "07 mai 2019 à 13h59": a month
# word beside a day and a year, with the time after it; dateparser reads the month word
_MONTH_WORD = r"[^\W\d_]{3,12}\.?"
_YEAR = r"(?:19|20)\d{2}"
_TIME_TAIL = (r"(?:\s*(?:,|at|um|à|a las|alle|às|kl\.?|klo|-|–|\|)?\s*\d{1,2}[:h.]\d{2}"
              r"(?:\s*[ap]\.?\s?m\.?)?(?![\d.:]))?")
_DAY_WORD_YEAR = rf"\b\d{{1,2}}\.?\s+{_MONTH_WORD}\s+{_YEAR}"  # "13. Mai 2026"
_WORD_DAY_YEAR = rf"\b{_MONTH_WORD}\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+{_YEAR}"  # "Dec 9, 2016" (or "Issue 12 2024")
_WRITTEN_RE = re.compile(rf"(?:{_DAY_WORD_YEAR}|{_WORD_DAY_YEAR}){_TIME_TAIL}", re.I)
_WORD_FIRST_RE = re.compile(_WORD_DAY_YEAR, re.I)


# "12 tháng 3, 2024", "ngày 12 tháng 3 năm 2024 08:00": Vietnamese month numbers written out
_VI_WRITTEN_RE = re.compile(
    r"(?<!\d)(?P<d>\d{1,2})\s+tháng\s+(?P<m>\d{1,2})(?:\s*,\s*|\s+năm\s+|\s+)(?P<y>\d{4})"
    r"(?:\D{0,6}?(?P<H>\d{1,2})[:hg](?P<M>\d{2}))?" + _TZ, re.I)
_NUMERIC_DATE_RES = (_CJK_DATE_RE, _YMD_RE, _VI_WRITTEN_RE)


def is_date_line(text: str, strict: bool = True) -> bool:
    """``text`` is a date and at most two more words ("October 29, 2018", "Updated 12.03.2024",
    "13. Mai 2026", "2019年4月4日"): a time stamp, not a sentence. ``strict``: a month-word-first date
    must read as one in English ("Issue 12 2024" does not); without it, the regexes alone decide."""
    t = text.strip()
    if not t or len(t) > 50 or not re.search(r"\d", t):
        return False
    for rx in (_WRITTEN_RE, *_NUMERIC_DATE_RES, _VISIBLE_DT_RE):
        m = rx.search(t)
        if m is not None:
            if strict and rx is _WRITTEN_RE and _WORD_FIRST_RE.match(m.group(0)) and _dateparser(
                    m.group(0), None, ("en",), day_first=False, strict=True) is None:
                continue
            rest = (t[: m.start()] + " " + t[m.end():]).strip(" ,.|-–—:()")
            return len(re.findall(r"[^\W\d_]+", rest)) <= 2
    return False


def find_written_date(text: str, default_tz: tzinfo | None, language: str | None = None) -> datetime | None:
    """The first date (the earliest in ``text``) written with a month word, year first or with
    Vietnamese "tháng" in a short visible line (a date element's text): CJK ``年月日``, ``2019.03.08``,
    "12 tháng 3, 2024", or "13. Mai 2026 um 15:44" / "Dec 9, 2016" in the page's language, read by
    dateparser, which must find a day, a month and a year. Day-first numeric dates are
    :func:`find_visible_date`'s."""
    if not text or not re.search(r"\d{4}", text):
        return None
    found = [m for m in (rx.search(text) for rx in _NUMERIC_DATE_RES) if m is not None]
    found += list(itertools.islice(_WRITTEN_RE.finditer(text), 3))
    for m in sorted(found, key=lambda x: x.start()):
        if m.re is _WRITTEN_RE:
            languages = tuple(x for x in dict.fromkeys((language or "en", "en")) if re.fullmatch(r"[a-z]{2,3}", x))
            dt = _dateparser(m.group(0), default_tz, languages, day_first=False, strict=True)
        else:
            parts = m.groupdict()
            tz = _tz_from(parts.get("tz"), default_tz) if "tz" in parts else default_tz
            dt = _build(parts["y"], parts["m"], parts["d"], parts.get("H"), parts.get("M"), parts.get("S"), tz)
        if dt is not None:
            return dt
    return None


# ----------------------------------------------------------------------------- the site's zone

# Country-code domains of countries with one time zone, and page languages spoken in one zone,
# to read local times written without an offset. Elsewhere (.com, English, Spanish…) none is assumed.
ZONE_BY_TLD: dict[str, str] = {
    "vn": "Asia/Ho_Chi_Minh", "jp": "Asia/Tokyo", "kr": "Asia/Seoul", "cn": "Asia/Shanghai",
    "tw": "Asia/Taipei", "hk": "Asia/Hong_Kong", "sg": "Asia/Singapore", "th": "Asia/Bangkok",
    "in": "Asia/Kolkata", "de": "Europe/Berlin", "at": "Europe/Vienna", "ch": "Europe/Zurich",
    "fr": "Europe/Paris", "it": "Europe/Rome", "nl": "Europe/Amsterdam", "be": "Europe/Brussels",
    "lu": "Europe/Luxembourg", "dk": "Europe/Copenhagen", "no": "Europe/Oslo", "se": "Europe/Stockholm",
    "fi": "Europe/Helsinki", "pl": "Europe/Warsaw", "cz": "Europe/Prague", "sk": "Europe/Bratislava",
    "hu": "Europe/Budapest", "gr": "Europe/Athens", "tr": "Europe/Istanbul", "uk": "Europe/London",
    "ie": "Europe/Dublin", "is": "Atlantic/Reykjavik", "lt": "Europe/Vilnius", "lv": "Europe/Riga",
    "ee": "Europe/Tallinn", "ua": "Europe/Kyiv", "il": "Asia/Jerusalem", "za": "Africa/Johannesburg",
    "ng": "Africa/Lagos", "ke": "Africa/Nairobi", "eg": "Africa/Cairo", "na": "Africa/Windhoek",
    "ph": "Asia/Manila", "my": "Asia/Kuala_Lumpur", "pk": "Asia/Karachi", "bd": "Asia/Dhaka",
    "nz": "Pacific/Auckland",
}
ZONE_BY_LANGUAGE: dict[str, str] = {
    "vi": "Asia/Ho_Chi_Minh", "ja": "Asia/Tokyo", "ko": "Asia/Seoul", "de": "Europe/Berlin",
    "zh": "Asia/Shanghai", "it": "Europe/Rome", "nl": "Europe/Amsterdam", "pl": "Europe/Warsaw",
    "cs": "Europe/Prague", "da": "Europe/Copenhagen", "sv": "Europe/Stockholm", "nb": "Europe/Oslo",
    "no": "Europe/Oslo", "fi": "Europe/Helsinki", "hu": "Europe/Budapest", "el": "Europe/Athens",
    "tr": "Europe/Istanbul", "th": "Asia/Bangkok", "he": "Asia/Jerusalem", "lt": "Europe/Vilnius",
}


def site_zone(host: str, language: str | None) -> tzinfo | None:
    """The zone a site's times without offset are in. A Vietnamese page is in Vietnam's wherever it is
    served (rfi.fr/vi); else the site's country-code domain, the region of the page's language tag
    ("sv-FI" on a .com: Helsinki), the page's language, in that order."""
    lang = (language or "").lower().replace("_", "-").split("-")
    primary, region = lang[0], (lang[1] if len(lang) > 1 and len(lang[1]) == 2 else "")
    tld = host.rsplit(".", 1)[-1].lower() if "." in host else ""
    if primary == "vi" or tld == "vn":
        return VN_TZ
    name = ZONE_BY_TLD.get(tld) or ZONE_BY_TLD.get(region) or ZONE_BY_LANGUAGE.get(primary)
    if name is None:
        return None
    if name == "Asia/Ho_Chi_Minh":
        return VN_TZ
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return None
