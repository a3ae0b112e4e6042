"""Discovery: a source's feeds, sitemaps and section pages -> the article URLs to ingest.

No Celery in here (the task and the CLI pass an ``enqueue`` callback). One :func:`discover` call:

1. fetches every discovery document with a conditional GET (``If-None-Match`` /
   ``If-Modified-Since`` from the ``feed_state`` table): a 304 costs one request and no body;
2. classifies what came back by its ROOT ELEMENT, never by its file name or content type:
   ``<rss>``/``<rdf:RDF>``/``<feed>`` are feeds (parsed with feedparser), ``<sitemapindex>`` is an
   index (children fetched, newest first, within a ``lastmod`` window), ``<urlset>`` is a sitemap
   (Google News ``news:publication_date`` read when present), gzip is undone first whatever the
   name; anything else is an HTML section page scanned for article links;
3. drops candidates whose canonical URL key is already stored (one query), keeps those stored
   but due for a recrawl (a newer date in the feed, or young and not fetched for a while), caps
   the rest, and claims each in a short-lived Redis key (``SET NX EX``) so two overlapping runs
   never enqueue the same article twice;
4. records the run (``discovery_run``: documents, 304s, found, new, recrawl, errors).
"""

from __future__ import annotations

import gzip
import hashlib
import logging
import re
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urljoin, urlsplit

import requests
import urllib3
from lxml import etree

from storage import repository as repo
from storage.db import transaction
from storage.models import DiscoveryRun, Source
from worker.dedup import InvalidURL, normalize_url, url_key
from worker.fetch.errors import FetchError

log = logging.getLogger(__name__)

#: Sitemap entries (and child sitemaps of an index) older than this are skipped.
SITEMAP_WINDOW = timedelta(days=3)
#: How many child sitemaps of an index are read per run (newest first).
MAX_CHILD_SITEMAPS = 20
#: Decoded size cap of one discovery document (sitemaps may be up to 50 MB by the protocol).
MAX_DOCUMENT_BYTES = 50_000_000
ACCEPT = ("application/rss+xml, application/atom+xml, application/xml;q=0.9, text/xml;q=0.9, "
          "text/html;q=0.8, */*;q=0.5")

Enqueue = Callable[[str], Any]
#: ``slot(url)``: a context manager held around each document request (per-host politeness).
Slot = Callable[[str], AbstractContextManager[Any]]

#: Final fetch outcomes after which a discovered URL is not sent again (unless it is recrawled).
SEEN_OUTCOMES = ("stored", "updated", "duplicate", "copy", "not_article", "not_found", "bad_content_type",
                 "too_large", "invalid_url", "refused", "robots_disallowed")


# --------------------------------------------------------------------------- data


@dataclass(slots=True)
class Candidate:
    """A URL found by discovery, with the date the document gave it (if any)."""

    url: str
    date: datetime | None = None
    title: str | None = None
    via: str = ""  # rss, atom, urlset, news, html


@dataclass(slots=True)
class Document:
    url: str
    status: int
    content: bytes = b""
    etag: str | None = None
    last_modified: str | None = None

    @property
    def not_modified(self) -> bool:
        return self.status == 304


@dataclass(slots=True)
class DiscoveryResult:
    source: str
    run_id: int | None = None
    documents: int = 0
    not_modified: int = 0
    found: int = 0
    new: int = 0
    recrawl: int = 0
    errors: list[str] = field(default_factory=list)
    urls: list[str] = field(default_factory=list)  # enqueued: new first, then recrawls
    new_urls: list[str] = field(default_factory=list)
    capped: bool = False

    def to_dict(self) -> dict[str, Any]:
        return {"source": self.source, "run_id": self.run_id, "documents": self.documents,
                "not_modified": self.not_modified, "found": self.found, "new": self.new,
                "recrawl": self.recrawl, "errors": list(self.errors), "urls": list(self.urls),
                "capped": self.capped}


class DocumentError(Exception):
    """A discovery document could not be fetched or read."""


# --------------------------------------------------------------------------- fetching


def fetch_document(session: requests.Session, url: str, *, etag: str | None = None,
                   last_modified: str | None = None, timeout: tuple[float, float] = (5.0, 15.0),
                   max_bytes: int = MAX_DOCUMENT_BYTES) -> Document:
    """GET ``url`` conditionally. Gzip files are decompressed whatever their name or type."""
    headers = {"Accept": ACCEPT}
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    try:
        resp = session.get(url, headers=headers, timeout=timeout, stream=True)
    except Exception as exc:  # requests errors, and the fetch guard's refusals (worker/fetch/safety.py)
        raise DocumentError(f"cannot fetch {url}: {_short(exc)}") from exc
    with resp:
        if resp.status_code == 304:
            return Document(url=url, status=304, etag=etag, last_modified=last_modified)
        if resp.status_code >= 400:
            raise DocumentError(f"HTTP {resp.status_code} for {url}")
        chunks, total = [], 0
        try:
            while chunk := resp.raw.read1(64 * 1024, decode_content=True):
                total += len(chunk)
                if total > max_bytes:
                    raise DocumentError(f"{url} exceeds {max_bytes} bytes")
                chunks.append(chunk)
        except (requests.exceptions.RequestException, urllib3.exceptions.HTTPError, OSError) as exc:
            raise DocumentError(f"reading {url} failed: {_short(exc)}") from exc
        content = b"".join(chunks)
        if content[:2] == b"\x1f\x8b":  # a .gz sitemap (served as a file, not as Content-Encoding)
            try:
                content = _gunzip(content, max_bytes)
            except (OSError, EOFError) as exc:
                raise DocumentError(f"{url}: bad gzip data: {exc}") from exc
        return Document(url=url, status=resp.status_code, content=content,
                        etag=resp.headers.get("ETag"), last_modified=resp.headers.get("Last-Modified"))


def _gunzip(data: bytes, max_bytes: int) -> bytes:
    import io

    with gzip.GzipFile(fileobj=io.BytesIO(data)) as fh:
        out = fh.read(max_bytes + 1)
    if len(out) > max_bytes:
        raise DocumentError(f"gzip document inflates past {max_bytes} bytes")
    return out


# --------------------------------------------------------------------------- classification


_XML_PARSER = dict(recover=True, resolve_entities=False, no_network=True, huge_tree=False,
                   remove_comments=True)


def _localname(tag: Any) -> str:
    return etree.QName(tag).localname if isinstance(tag, str) else ""


def _xml_root(content: bytes) -> Any | None:
    head = content.lstrip()[:512].lower()
    if head.startswith((b"<!doctype html", b"<html")):
        return None
    try:
        root = etree.fromstring(content.lstrip(), parser=etree.XMLParser(**_XML_PARSER))
    except etree.XMLSyntaxError:
        return None
    return root


def classify(content: bytes) -> str:
    """``rss``, ``atom``, ``sitemapindex``, ``urlset``, ``news`` (a urlset with ``news:`` entries) or
    ``html``, from the document's root element."""
    root = _xml_root(content)
    if root is None:
        return "html"
    name = _localname(root.tag)
    if name in ("rss", "RDF"):
        return "rss"
    if name == "feed":
        return "atom"
    if name == "sitemapindex":
        return "sitemapindex"
    if name == "urlset":
        has_news = any(_localname(el.tag) == "news" for el in root.iter() if isinstance(el.tag, str))
        return "news" if has_news else "urlset"
    return "html"


# --------------------------------------------------------------------------- parsers


def parse_feed(content: bytes, base_url: str) -> list[Candidate]:
    """Article links of an RSS/Atom feed (feedparser), with each item's newest date."""
    import feedparser

    parsed = feedparser.parse(content, response_headers={"content-location": base_url})
    found = []
    kind = "atom" if parsed.version.startswith("atom") else "rss"
    lang = str(parsed.feed.get("language") or "")[:2].lower() or None
    loose = True
    for entry in parsed.entries:
        link = entry.get("link")
        if not link and entry.get("guidislink") is not False and str(entry.get("id", "")).startswith("http"):
            link = entry.get("id")
        if not link:
            continue
        # dict.get: FeedParserDict maps a missing updated_parsed to published_parsed, with a warning
        dates = [_struct_dt(dict.get(entry, k)) for k in ("updated_parsed", "published_parsed")]
        date = max((d for d in dates if d is not None), default=None)
        if date is None and loose:  # "Seg, 24 Set 2018 19:42:40 -0300" (Portuguese names): feedparser gives up
            date = _loose_date(dict.get(entry, "updated") or dict.get(entry, "published"), lang)
            loose = date is not None  # one miss: the feed's dates are not dates; stop trying

        found.append(Candidate(url=urljoin(base_url, link.strip()), date=date, title=entry.get("title"), via=kind))
    return found


def _struct_dt(value: Any) -> datetime | None:
    if not value:
        return None
    try:
        return datetime(*value[:6], tzinfo=UTC)
    except (TypeError, ValueError):
        return None


_LOOSE_LANGUAGES = ("en", "vi", "pt", "es", "fr", "de", "it", "id")


def _loose_date(text: str | None, lang: str | None) -> datetime | None:
    if not text:
        return None
    import dateparser

    languages = [lang, "en"] if lang and lang != "en" else list(_LOOSE_LANGUAGES)  # never all: slow
    value = dateparser.parse(text, languages=languages,
                             settings={"RETURN_AS_TIMEZONE_AWARE": True, "TO_TIMEZONE": "UTC"})
    return value.astimezone(UTC) if value is not None else None


def parse_w3c_date(text: str | None) -> datetime | None:
    """A sitemap ``lastmod`` / ``news:publication_date`` (W3C datetime) as an aware datetime."""
    if not text:
        return None
    text = text.strip()
    try:
        value = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        m = re.match(r"^(\d{4})-(\d{2})(?:-(\d{2}))?", text)
        if not m:
            return None
        value = datetime(int(m.group(1)), int(m.group(2)), int(m.group(3) or 1))
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def _child_text(el: Any, name: str) -> str | None:
    for child in el.iter():
        if isinstance(child.tag, str) and _localname(child.tag) == name and child.text:
            return child.text.strip()
    return None


def parse_sitemap(content: bytes, base_url: str) -> tuple[str, list[Candidate]]:
    """``(kind, entries)``: for an index, the child sitemaps; for a urlset, the pages (dated by
    ``news:publication_date`` when present, else ``lastmod``)."""
    root = _xml_root(content)
    if root is None:
        return "html", []
    kind = classify(content)
    found = []
    if kind == "sitemapindex":
        for sm in root:
            if isinstance(sm.tag, str) and _localname(sm.tag) == "sitemap":
                loc = _child_text(sm, "loc")
                if loc:
                    found.append(Candidate(url=urljoin(base_url, loc), date=parse_w3c_date(_child_text(sm, "lastmod")),
                                           via="sitemapindex"))
        return kind, found
    for entry in root:
        if not (isinstance(entry.tag, str) and _localname(entry.tag) == "url"):
            continue
        loc = None
        for child in entry:
            if isinstance(child.tag, str) and _localname(child.tag) == "loc" and child.text:
                loc = child.text.strip()
        if not loc:
            continue
        news_date = parse_w3c_date(_child_text(entry, "publication_date"))
        lastmod = parse_w3c_date(next((c.text for c in entry if isinstance(c.tag, str)
                                       and _localname(c.tag) == "lastmod"), None))
        dates = [d for d in (news_date, lastmod) if d is not None]
        found.append(Candidate(url=urljoin(base_url, loc), date=max(dates) if dates else None,
                               title=_child_text(entry, "title") if news_date else None,
                               via="news" if news_date else "urlset"))
    return kind, found


# Section pages ------------------------------------------------------------------------------

_NOT_ARTICLE = re.compile(
    r"(/(tag|tags|topic|topics|chu-de|tac-gia|author|authors|category|categories|search|tim-kiem|event|"
    r"su-kien|login|dang-nhap|register|videos|podcasts|rss|lien-he|contact|about|gioi-thieu|static|"
    r"page|trang)(/|$|\.))|(-tag\d+)|(-p\d+$)|(/trang-\d+)|(-page\d+$)|(\.(jpg|jpeg|png|gif|pdf|xml|rss)$)",
    re.IGNORECASE,
)
_ID = re.compile(r"\d{5,}|-d\d{3,}$")
_DATED = re.compile(r"/(19|20)\d{2}/(0?[1-9]|1[0-2]|[a-z]{3})/", re.IGNORECASE)
_INDEX_NAMES = {"index", "default", "article", "story", "content"}


def _host(url: str) -> str:
    host = (urlsplit(url).hostname or "").lower()
    return host[4:] if host.startswith("www.") else host


def looks_like_article(url: str, page_url: str) -> bool:
    """The heuristic that tells an article link from navigation, for sites without a pattern:
    same host; not a tag/author/category/event/paging/search/static path; and a slug of at least
    three words that carries a long numeric id (``...-1234567.html``, ``...-d12345.html``) or sits
    under a dated path (``/2024/05/03/slug``, ``/2024/may/03/slug``). Navigation and landing
    pages (``/the-gioi/viet-nam-va-the-gioi``) have neither."""
    if _host(url) != _host(page_url):
        return False
    path = urlsplit(url).path
    if not path or path == "/" or _NOT_ARTICLE.search(path):
        return False
    if path.rstrip("/") == urlsplit(page_url).path.rstrip("/"):
        return False
    segments = [s for s in path.split("/") if s]
    stem = re.sub(r"\.(html?|chn|php|aspx?)$", "", segments[-1], flags=re.IGNORECASE)
    if stem.lower() in _INDEX_NAMES and len(segments) > 1:
        stem = segments[-2]
    words = [w for w in re.split(r"[-_]", stem) if w]
    return len(words) >= 3 and bool(_ID.search(stem) or _DATED.search(path))


def parse_section(content: bytes, page_url: str, *, selector: str | None = None,
                  pattern: str | None = None) -> list[Candidate]:
    """Article links of a section/listing page: the ``selector``'s links (a site profile), else
    every link that matches ``pattern``, else the :func:`looks_like_article` heuristic.
    Fragments are dropped; document order is kept; each URL once."""
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(content, "lxml")
    base = page_url
    base_el = soup.find("base", href=True)
    if base_el is not None:
        base = urljoin(page_url, str(base_el["href"]))
    anchors = soup.select(selector) if selector else soup.find_all("a", href=True)
    regex = re.compile(pattern) if pattern else None
    seen: set[str] = set()
    found = []
    for a in anchors:
        href = a.get("href") if hasattr(a, "get") else None
        if not href or str(href).startswith(("javascript:", "mailto:", "#", "tel:")):
            continue
        url = urljoin(base, str(href).strip()).split("#", 1)[0]
        if not url.startswith(("http://", "https://")) or url in seen:
            continue
        if regex is not None:
            ok = bool(regex.search(url))
        elif selector:
            ok = _host(url) == _host(page_url)
        else:
            ok = looks_like_article(url, page_url)
        if ok:
            seen.add(url)
            found.append(Candidate(url=url, via="html"))
    return found


# --------------------------------------------------------------------------- queued set


class QueuedSet:
    """URLs handed to the workers recently: ``SET key NX EX ttl`` in Redis (shared by all
    processes), or an in-process dict when there is no Redis (the embedded default)."""

    _local: dict[str, float] = {}
    _lock = threading.Lock()

    def __init__(self, redis_url: str | None, *, ttl: int, prefix: str = "newsingest:queued:") -> None:
        self.ttl = ttl
        self.prefix = prefix
        self._client = None
        if redis_url:
            import redis

            self._client = redis.Redis.from_url(redis_url, socket_connect_timeout=3, socket_timeout=5)

    def claim(self, key: str) -> bool:
        """True if ``key`` was not queued within the TTL (and is now)."""
        if self._client is not None:
            return bool(self._client.set(self.prefix + key, b"1", nx=True, ex=self.ttl))
        now = time.monotonic()
        with self._lock:
            if self._local.get(key, 0) > now:
                return False
            self._local[key] = now + self.ttl
            return True

    def release(self, key: str) -> None:
        if self._client is not None:
            self._client.delete(self.prefix + key)
        else:
            with self._lock:
                self._local.pop(key, None)

    def close(self) -> None:
        if self._client is not None:
            self._client.close()


# --------------------------------------------------------------------------- one run


@dataclass(slots=True)
class DiscoverOptions:
    max_urls: int = 500
    queued_ttl: int = 3600
    recrawl_window: timedelta = timedelta(hours=24)
    recrawl_every: timedelta = timedelta(hours=3)
    recrawl_max: int = 20
    sitemap_window: timedelta | None = SITEMAP_WINDOW
    timeout: tuple[float, float] = (5.0, 15.0)

    @classmethod
    def from_settings(cls, settings: Any) -> DiscoverOptions:
        return cls(max_urls=settings.discover_max_urls, queued_ttl=settings.queued_ttl,
                   recrawl_window=timedelta(hours=settings.recrawl_window_hours),
                   recrawl_every=timedelta(seconds=settings.recrawl_every),
                   recrawl_max=settings.recrawl_max_per_run,
                   timeout=(settings.connect_timeout, settings.read_timeout))


class _Run:
    def __init__(self, source: Source, *, engine: Any, session: requests.Session, opts: DiscoverOptions,
                 now: datetime, slot: Slot | None = None) -> None:
        self.slot = slot or (lambda _url: nullcontext())
        self.source = source
        self.engine = engine
        self.http = session
        self.opts = opts
        self.now = now
        self.result = DiscoveryResult(source=source.name)
        self.states: dict[str, dict[str, Any]] = {}  # url -> feed_state values to save at the end

    def error(self, message: str) -> None:
        log.warning("discover %s: %s", self.source.name, message)
        self.result.errors.append(message)

    def get(self, url: str) -> tuple[str, bytes] | None:
        """Fetch a document conditionally; None when it is unchanged (304 or same body)."""
        with transaction(self.engine) as s:
            state = repo.get_feed_state(s, url=url)
            # Validators are only ours to use if this source read the document last: two sources
            # sharing one feed must each read its items once.
            if state is not None and state.source_id == self.source.id:
                etag, modified, digest = state.etag, state.last_modified, state.content_hash
            else:
                etag = modified = digest = None
        try:
            with self.slot(url):  # the host's politeness slot, shared with article fetches
                doc = fetch_document(self.http, url, etag=etag, last_modified=modified, timeout=self.opts.timeout)
        except FetchError as exc:  # HostBusyError: the host is busy past our wait; try next run
            raise DocumentError(f"{url}: {exc}") from exc
        self.result.documents += 1
        values: dict[str, Any] = {"source_id": self.source.id, "checked_at": self.now, "last_status": doc.status}
        if doc.not_modified:
            self.result.not_modified += 1
            self.states[url] = values
            return None
        new_digest = hashlib.sha256(doc.content).hexdigest()
        values.update(etag=doc.etag, last_modified=doc.last_modified, content_hash=new_digest)
        if new_digest == digest:  # no validators, same bytes: nothing new to read
            self.result.not_modified += 1
            self.states[url] = values
            return None
        kind = classify(doc.content)
        values.update(kind=kind, changed_at=self.now)
        self.states[url] = values
        return kind, doc.content

    def document(self, url: str, *, depth: int = 0) -> list[Candidate]:
        try:
            got = self.get(url)
        except DocumentError as exc:
            self.error(str(exc))
            return []
        if got is None:
            return []
        kind, content = got
        if kind in ("rss", "atom"):
            return parse_feed(content, url)
        if kind in ("urlset", "news"):
            _, entries = parse_sitemap(content, url)
            return [c for c in entries if self._in_window(c.date)]
        if kind == "sitemapindex":
            if depth >= 2:
                self.error(f"{url}: sitemap index nested too deep")
                return []
            _, children = parse_sitemap(content, url)
            children = [c for c in children if self._in_window(c.date)]
            children.sort(key=lambda c: c.date or datetime.min.replace(tzinfo=UTC), reverse=True)
            found = []
            for child in children[:MAX_CHILD_SITEMAPS]:
                found.extend(self.document(child.url, depth=depth + 1))
            return found
        return parse_section(content, url, selector=self.source.link_selector,
                             pattern=self.source.article_pattern)

    def _in_window(self, date: datetime | None) -> bool:
        window = self.opts.sitemap_window
        return date is None or window is None or date >= self.now - window


def discover(source: Source, *, engine: Any, http: requests.Session, enqueue: Enqueue | None,
             queued: QueuedSet, opts: DiscoverOptions | None = None, task_id: str | None = None,
             now: datetime | None = None, slot: Slot | None = None) -> DiscoveryResult:
    """Run discovery for ``source``: enqueue what is new (or due again), record the run.

    ``enqueue(url)`` is called for each URL to ingest; None only collects them in the result
    (the caller ingests them). Never raises for a bad document: errors are counted and recorded.
    """
    assert source.id is not None
    opts = opts or DiscoverOptions()
    now = now or datetime.now(UTC)
    run = _Run(source, engine=engine, session=http, opts=opts, now=now, slot=slot)
    res = run.result
    started = now

    candidates: dict[str, Candidate] = {}  # url_key -> newest candidate, first seen order
    urls: dict[str, str] = {}
    for doc_url in [*source.feeds, *source.sitemaps, *source.sections]:
        for cand in run.document(doc_url):
            try:
                norm = normalize_url(cand.url)
            except InvalidURL:
                continue
            key = url_key(norm)
            old = candidates.get(key)
            if old is None:
                candidates[key] = cand
                urls[key] = norm
            elif cand.date and (old.date is None or cand.date > old.date):
                old.date = cand.date
    res.found = len(candidates)

    cap = min(source.max_urls or opts.max_urls, opts.max_urls)
    with transaction(engine) as s:
        stored = repo.articles_by_keys(s, url_keys=list(candidates))
        young = repo.articles_to_recrawl(
            s, source_id=source.id, created_after=now - opts.recrawl_window,
            fetched_before=now - opts.recrawl_every, limit=opts.recrawl_max,
        )
    fresh = [k for k in candidates if k not in stored]
    if fresh:
        # A URL already ingested under another key (its page declares another rel=canonical), or one
        # that is not an article / gone: seen, not new. Only permanent outcomes count.
        with transaction(engine) as s:
            done = repo.urls_done(s, urls=[urls[k] for k in fresh], outcomes=SEEN_OUTCOMES)
        fresh = [k for k in fresh if urls[k] not in done]
    # Newest first, so a cap keeps the latest news.
    fresh.sort(key=lambda k: candidates[k].date or datetime.max.replace(tzinfo=UTC), reverse=True)
    again: list[tuple[str, str, str]] = []  # (url_key, url, claim key)
    for key, cand in candidates.items():
        art = stored.get(key)
        if art is not None and cand.date is not None and cand.date > art.fetched_at:
            again.append((key, art.url, f"{key}:{int(cand.date.timestamp())}"))
    for art in young:
        if len(again) >= opts.recrawl_max:
            break
        if all(art.url_key != k for k, _, _ in again):
            again.append((art.url_key, art.url, f"{art.url_key}:r{int(art.fetched_at.timestamp())}"))
    again = again[: opts.recrawl_max]

    sent: list[str] = []

    def send(claim_key: str, url: str) -> bool:
        if not queued.claim(claim_key):
            return False
        try:
            if enqueue is not None:
                enqueue(url)
        except Exception:
            queued.release(claim_key)
            raise
        sent.append(url)
        return True

    try:
        for key in fresh:
            if res.new >= cap:
                res.capped = True
                break
            if send(key, urls[key]):
                res.new += 1
                res.new_urls.append(urls[key])
        for _key, url, claim in again:
            if send(claim, url):
                res.recrawl += 1
    except Exception as exc:  # the broker is gone: record what was sent, keep the ETags unsaved
        run.error(f"enqueue failed: {_short(exc)}")
        run.states.clear()
    res.urls = sent
    if res.capped:
        run.states.clear()  # the documents must be read again next time: the rest is still to do

    with transaction(engine) as s:
        for url, values in run.states.items():
            repo.save_feed_state(s, url=url, values=values)
        row = repo.add_discovery_run(s, run=DiscoveryRun(
            source_id=source.id, task_id=task_id, started_at=started, finished_at=datetime.now(UTC),
            documents=res.documents, not_modified=res.not_modified, found=res.found, new=res.new,
            recrawl=res.recrawl, errors=len(res.errors), error_detail=res.errors[:50],
        ))
        res.run_id = row.id
    log.info("discover %s: documents=%d not_modified=%d found=%d new=%d recrawl=%d errors=%d",
             source.name, res.documents, res.not_modified, res.found, res.new, res.recrawl, len(res.errors))
    return res


def _polite_slot(ctx: Any, source_id: int) -> Slot | None:
    """Discovery documents take the same per-host politeness slot as article fetches
    (worker/fetch/politeness.py), waiting at most 30 s for it."""
    polite = getattr(ctx, "polite", None)
    if polite is None:
        return None
    from worker.fetch.politeness import host_key, host_slot

    limits = ctx.limits_for(source_id)

    @contextmanager
    def slot(url: str) -> Iterator[None]:
        host = host_key(url)

        def download(rurl: str) -> tuple[int, str]:
            with host_slot(polite.limiter, host, limits, max_wait=30.0, lease=polite.lease):
                return polite.fetcher.fetch_text(rurl)

        # robots.txt (cached, shared with article fetches): a disallowed feed is an error of the run
        delay = polite.robots.check(url, download=download)
        with host_slot(polite.limiter, host, limits.with_crawl_delay(delay), max_wait=30.0, lease=polite.lease):
            yield

    return slot


def discovery_urls(source: Source) -> Iterable[str]:
    return [*source.feeds, *source.sitemaps, *source.sections]


def _short(exc: BaseException) -> str:
    text = str(exc)
    return text if len(text) < 200 else text[:197] + "..."


def run_discovery(source_id: int, *, ctx: Any, enqueue: Enqueue | None, task_id: str | None = None,
                  force: bool = False) -> DiscoveryResult | None:
    """Load the source, and :func:`discover` it if it is active (or ``force``); None if skipped.

    ``ctx`` is a :class:`worker.pipeline.PipelineContext` (settings, engine, fetcher).
    """
    from sqlalchemy.exc import OperationalError

    from storage.db import DatabaseUnavailable

    try:
        with transaction(ctx.engine) as s:
            source = repo.get_source_by_id(s, source_id=source_id)
            if source is not None:
                s.expunge(source)
    except OperationalError as exc:
        raise DatabaseUnavailable(str(ctx.engine.url), str(exc).splitlines()[0]) from exc
    if source is None:
        log.warning("discover: no source with id %s", source_id)
        return None
    if not source.active and not force:
        log.info("discover: source %s is disabled; skipped", source.name)
        return None
    settings = ctx.settings
    queued = QueuedSet(settings.effective_redis_url, ttl=settings.queued_ttl)
    try:
        return discover(source, engine=ctx.engine, http=ctx.fetcher.session, enqueue=enqueue, queued=queued,
                        opts=DiscoverOptions.from_settings(settings), task_id=task_id,
                        slot=_polite_slot(ctx, source_id))
    except OperationalError as exc:
        raise DatabaseUnavailable(str(ctx.engine.url), str(exc).splitlines()[0]) from exc
    finally:
        queued.close()
