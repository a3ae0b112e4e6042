"""The extraction result: an :class:`Article` with its :class:`Photo` list.

The keys of :meth:`Article.to_dict` are a contract: benchmarks, the database mapping and
downstream consumers rely on them. Add keys only; never rename or drop one.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any

ARTICLE_KEYS: tuple[str, ...] = (
    "url",
    "canonical_url",
    "site",
    "language",
    "is_article",
    "reason",
    "category",
    "title",
    "place",
    "lead",
    "body",
    "body_html",
    "authors",
    "byline",
    "attribution",
    "published",
    "updated",
    "tags",
    "related",
    "photos",
)


@dataclass(slots=True)
class Photo:
    """One photo of the article, in document order."""

    src: str
    alternatives: list[str] = field(default_factory=list)
    alt: str | None = None
    caption: str | None = None
    credit: str | None = None
    width: int | None = None
    height: int | None = None
    position: int = 0

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(slots=True)
class RelatedLink:
    url: str
    title: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(slots=True)
class Article:
    """A structured news article extracted from one HTML page."""

    url: str
    canonical_url: str | None = None
    site: str | None = None
    language: str | None = None
    is_article: bool = True
    reason: str | None = None
    category: list[str] = field(default_factory=list)
    title: str | None = None
    place: str | None = None
    lead: str | None = None
    body: str = ""
    body_html: str = ""
    authors: list[str] = field(default_factory=list)
    byline: str | None = None
    attribution: str | None = None
    published: datetime | None = None
    updated: datetime | None = None
    tags: list[str] = field(default_factory=list)
    related: list[RelatedLink] = field(default_factory=list)
    photos: list[Photo] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-serialisable dict with exactly the keys of :data:`ARTICLE_KEYS`."""
        return {
            "url": self.url,
            "canonical_url": self.canonical_url,
            "site": self.site,
            "language": self.language,
            "is_article": self.is_article,
            "reason": self.reason,
            "category": list(self.category),
            "title": self.title,
            "place": self.place,
            "lead": self.lead,
            "body": self.body,
            "body_html": self.body_html,
            "authors": list(self.authors),
            "byline": self.byline,
            "attribution": self.attribution,
            "published": self.published.isoformat() if self.published else None,
            "updated": self.updated.isoformat() if self.updated else None,
            "tags": list(self.tags),
            "related": [r.to_dict() for r in self.related],
            "photos": [p.to_dict() for p in self.photos],
        }
