"""HTML -> :class:`Article`. Knows nothing of Celery, HTTP or the database."""

from worker.extract.article import ARTICLE_KEYS, Article, Photo, RelatedLink
from worker.extract.core import extract_article

__all__ = ["ARTICLE_KEYS", "Article", "Photo", "RelatedLink", "extract_article"]
