"""The source registry: news sources defined in TOML, validated, and synced to the ``source`` table.

The shipped registry is ``scheduler/sources.toml``; another file is chosen with
``NEWSINGEST_SOURCES`` or ``--sources PATH``. Every error names the file, the source and the field::

    sources.toml: source #2 'tuoitre': field 'interval': '10 minutes' is not a duration (e.g. 90s, 10m, 1h)
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlmodel import Session

from storage import repository as repo
from storage.models import Source, SourceBase
from worker.dedup import InvalidURL, normalize_url

SHIPPED = Path(__file__).with_name("sources.toml")

_NAME = re.compile(r"^[a-z0-9][a-z0-9_.-]{0,99}$")
_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(s|m|h|d)?\s*$", re.IGNORECASE)
_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}
MIN_INTERVAL = 1

#: key -> (python types, description) of every key a ``[[source]]`` table may have.
KEYS: dict[str, tuple[tuple[type, ...], str]] = {
    "name": ((str,), "unique id: lower-case letters, digits, '.', '_', '-'"),
    "site": ((str,), "the site's home page (http/https URL)"),
    "feeds": ((list,), "RSS/Atom feed URLs"),
    "sitemaps": ((list,), "sitemap URLs: index, urlset, .gz, Google News sitemaps"),
    "sections": ((list,), "section/listing page URLs scanned for article links"),
    "interval": ((str, int), "how often discovery runs: 90s, 10m, 1h, or seconds"),
    "enabled": ((bool,), "false: defined but not scheduled"),
    "link_selector": ((str,), "CSS selector of article links on section pages"),
    "article_pattern": ((str,), "regex that article URLs match (section pages)"),
    "max_urls": ((int,), "cap on URLs enqueued per discovery run"),
    "politeness": ((dict,), "per-host politeness settings (delay, concurrency)"),
    "language": ((str,), "the site's main language (informative)"),
    "unverified": ((bool,), "true: the discovery URLs could not be checked from here"),
    "notes": ((str,), "free text"),
}


class RegistryError(ValueError):
    """The registry file is invalid; ``errors`` lists one line per problem."""

    def __init__(self, path: Path | str, errors: list[str]) -> None:
        self.path = str(path)
        self.errors = errors
        super().__init__(f"{path}: {len(errors)} error(s)\n" + "\n".join(errors))


@dataclass(frozen=True, slots=True)
class SourceDef:
    """One validated source definition."""

    name: str
    site: str
    feeds: tuple[str, ...] = ()
    sitemaps: tuple[str, ...] = ()
    sections: tuple[str, ...] = ()
    interval_seconds: int = 600
    enabled: bool = True
    link_selector: str | None = None
    article_pattern: str | None = None
    max_urls: int | None = None
    politeness: dict[str, Any] = field(default_factory=dict)
    language: str | None = None
    unverified: bool = False
    notes: str | None = None

    def to_base(self) -> SourceBase:
        """The ``source`` row's registry fields."""
        return SourceBase(
            name=self.name, site=self.site, feeds=list(self.feeds), sitemaps=list(self.sitemaps),
            sections=list(self.sections), interval_seconds=self.interval_seconds, enabled=self.enabled,
            politeness=dict(self.politeness), link_selector=self.link_selector,
            article_pattern=self.article_pattern, max_urls=self.max_urls,
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name, "site": self.site, "feeds": list(self.feeds), "sitemaps": list(self.sitemaps),
            "sections": list(self.sections), "interval_seconds": self.interval_seconds,
            "enabled": self.enabled, "link_selector": self.link_selector,
            "article_pattern": self.article_pattern, "max_urls": self.max_urls,
            "politeness": self.politeness, "language": self.language, "unverified": self.unverified,
            "notes": self.notes,
        }


@dataclass(frozen=True, slots=True)
class Registry:
    path: str
    sources: tuple[SourceDef, ...]

    def get(self, name: str) -> SourceDef | None:
        return next((s for s in self.sources if s.name == name), None)

    @property
    def names(self) -> list[str]:
        return [s.name for s in self.sources]


def parse_duration(value: Any) -> int:
    """``"90s"``, ``"10m"``, ``"1h"``, ``"1d"``, ``"30"`` or ``30`` -> seconds. Raises ValueError."""
    if isinstance(value, bool):
        raise ValueError(f"{value!r} is not a duration")
    if isinstance(value, int):
        return value
    m = _DURATION.match(str(value))
    if not m:
        raise ValueError(f"{value!r} is not a duration (e.g. 90s, 10m, 1h)")
    return int(round(float(m.group(1)) * _UNITS[(m.group(2) or "s").lower()]))


def registry_path(path: str | Path | None = None, *, settings: Any = None) -> Path:
    """The registry file: ``path``, else ``NEWSINGEST_SOURCES`` (settings.sources), else the shipped one."""
    if path:
        return Path(path)
    if settings is not None and getattr(settings, "sources", None):
        return Path(settings.sources)
    return SHIPPED


def load_registry(path: str | Path | None = None, *, settings: Any = None) -> Registry:
    """Read and validate a registry file; raise :class:`RegistryError` listing every problem."""
    p = registry_path(path, settings=settings)
    try:
        text = p.read_text(encoding="utf-8")
    except OSError as exc:
        raise RegistryError(p, [f"{p}: cannot read: {exc.strerror or exc}"]) from exc
    return parse_registry(text, path=str(p))


def parse_registry(text: str, *, path: str = "<sources>") -> Registry:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise RegistryError(path, [f"{path}: not valid TOML: {exc}"]) from exc
    errors: list[str] = []
    extra = sorted(set(data) - {"source"})
    if extra:
        errors.append(f"{path}: unknown top-level key(s) {extra}: sources are [[source]] tables")
    tables = data.get("source", [])
    if not isinstance(tables, list):
        raise RegistryError(path, errors + [f"{path}: 'source' must be an array of tables ([[source]])"])
    sources: list[SourceDef] = []
    seen: dict[str, int] = {}
    for i, table in enumerate(tables, start=1):
        where = f"{path}: source #{i}"
        if not isinstance(table, dict):
            errors.append(f"{where}: not a table")
            continue
        name = table.get("name")
        if isinstance(name, str) and name:
            where = f"{where} {name!r}"
        src_errors: list[str] = []

        def bad(key: str, message: str, _where: str = where, _errs: list[str] = src_errors) -> None:
            _errs.append(f"{_where}: field {key!r}: {message}")

        for key in table:
            if key not in KEYS:
                bad(key, f"unknown key (known: {', '.join(KEYS)})")
        for key, (types, _) in KEYS.items():
            if key in table and not isinstance(table[key], types):
                bad(key, f"must be {' or '.join(t.__name__ for t in types)}, not {type(table[key]).__name__}")
            elif key in table and isinstance(table[key], bool) and bool not in types:
                bad(key, f"must be {' or '.join(t.__name__ for t in types)}, not bool")
        if not isinstance(name, str) or not name:
            bad("name", "missing")
        elif not _NAME.match(name):
            bad("name", f"{name!r} is not a valid id (lower-case letters, digits, '.', '_', '-')")
        elif name in seen:
            bad("name", f"duplicate name {name!r} (also source #{seen[name]})")
        else:
            seen[name] = i
        site = table.get("site")
        if site is None:
            bad("site", "missing")
        elif isinstance(site, str):
            _check_url(site, "site", bad)
        lists: dict[str, list[str]] = {}
        for key in ("feeds", "sitemaps", "sections"):
            value = table.get(key, [])
            if not isinstance(value, list):
                continue
            good = []
            for j, url in enumerate(value):
                if not isinstance(url, str):
                    bad(f"{key}[{j}]", f"must be a URL string, not {type(url).__name__}")
                elif _check_url(url, f"{key}[{j}]", bad):
                    good.append(url)
            lists[key] = good
        if isinstance(table.get("feeds", []), list) and not any(
            table.get(k) for k in ("feeds", "sitemaps", "sections")
        ):
            bad("feeds", "a source needs at least one of feeds, sitemaps or sections")
        interval = 600
        if "interval" in table and isinstance(table["interval"], str | int):
            try:
                interval = parse_duration(table["interval"])
                if interval < MIN_INTERVAL:
                    bad("interval", f"must be at least {MIN_INTERVAL} s")
            except ValueError as exc:
                bad("interval", str(exc))
        pattern = table.get("article_pattern")
        if isinstance(pattern, str):
            try:
                re.compile(pattern)
            except re.error as exc:
                bad("article_pattern", f"not a valid regex: {exc}")
        selector = table.get("link_selector")
        if isinstance(selector, str):
            try:
                import soupsieve

                soupsieve.compile(selector)
            except Exception as exc:  # soupsieve.SelectorSyntaxError and friends
                bad("link_selector", f"not a valid CSS selector: {str(exc).splitlines()[0]}")
        max_urls = table.get("max_urls")
        if isinstance(max_urls, int) and not isinstance(max_urls, bool) and max_urls < 1:
            bad("max_urls", "must be at least 1")
        if src_errors:
            errors.extend(src_errors)
            continue
        sources.append(
            SourceDef(
                name=name, site=site, feeds=tuple(lists.get("feeds", [])),
                sitemaps=tuple(lists.get("sitemaps", [])), sections=tuple(lists.get("sections", [])),
                interval_seconds=interval, enabled=table.get("enabled", True),
                link_selector=selector, article_pattern=pattern, max_urls=max_urls,
                politeness=dict(table.get("politeness", {})), language=table.get("language"),
                unverified=table.get("unverified", False), notes=table.get("notes"),
            )
        )
    if errors:
        raise RegistryError(path, errors)
    return Registry(path=path, sources=tuple(sources))


def _check_url(url: str, key: str, bad: Any) -> bool:
    try:
        normalize_url(url)
    except InvalidURL as exc:
        bad(key, str(exc))
        return False
    return True


def sync_registry(session: Session, *, registry: Registry) -> list[Source]:
    """Upsert every registry source into the ``source`` table (the caller commits).

    Operator overrides (``sources enable|disable``) are kept. Sources that left the registry stay in
    the table (their articles point at them) but are no longer scheduled.
    """
    return [repo.upsert_source(session, source=s.to_base()) for s in registry.sources]
