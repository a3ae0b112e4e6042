"""Date parsing: ISO-ish machine dates and visible (Vietnamese, day-first) date lines."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta, timezone, tzinfo

VN_TZ = timezone(timedelta(hours=7), "Asia/Ho_Chi_Minh")

_ISO_RE = re.compile(
    r"(?P<y>\d{4})-(?P<m>\d{1,2})-(?P<d>\d{1,2})"
    r"(?:[T\s]+(?P<H>\d{1,2}):(?P<M>\d{2})(?::(?P<S>\d{2})(?:[.,]\d+)?)?)?"
    r"\s*(?P<tz>Z|[+-]\d{2}:?\d{2}|GMT[+-]\d{1,2}(?::?\d{2})?)?",
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
    delta = timedelta(hours=int(m.group(2)), minutes=int(m.group(3) or 0))
    return timezone(sign * delta)


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
    """Machine dates: '2026-03-07T08:52:11.000 +07:00', '2026-03-07T00:01:00', '2026-03-07 08:07'."""
    if not value:
        return None
    m = _ISO_RE.search(value.strip())
    if not m:
        return parse_visible(value, default_tz)
    tz = _tz_from(m.group("tz"), default_tz)
    return _build(m["y"], m["m"], m["d"], m["H"], m["M"], m["S"], tz)


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


def _dateparser(text: str, default_tz: tzinfo | None) -> datetime | None:
    try:
        import dateparser  # local import: slow to load, rarely needed

        dt = dateparser.parse(
            text,
            languages=["vi", "en"],
            settings={"DATE_ORDER": "DMY", "PREFER_DAY_OF_MONTH": "first", "RETURN_AS_TIMEZONE_AWARE": False},
        )
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
