"""A fixture news site on 127.0.0.1 for discovery tests: a real HTTP server (conditional GET with
ETag / Last-Modified, 304s) whose documents are built from real saved ones:

* the RSS feed: the real VnExpress "tin mới nhất" feed (2017) with its items pointed at local
  article pages;
* a sitemap index (there is no real one in the corpus: written by hand, standard format) whose
  children are a gzip urlset made from a real Johnston Press sitemap and a Google News sitemap
  made from a real WordPress.com one (file names say nothing of what they are: discovery must
  classify by root element), plus a stale child whose lastmod is years old (never fetched);
* section pages: the real VnExpress /kinh-doanh and Dân trí /kinh-doanh list pages, with a few of
  their article links pointed at local copies (the other links stay on the real hosts: off-site);
* the article pages: real saved pages (tests/fixtures), served at article-shaped paths.
"""

from __future__ import annotations

import copy
import gzip
import hashlib
import json
import re
import threading
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime, parsedate_to_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from lxml import etree

from tests.support.pages import html_of, twenty_pages

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "discovery"
SM = "http://www.sitemaps.org/schemas/sitemap/0.9"
NEWS = "http://www.google.com/schemas/sitemap-news/0.9"


@dataclass
class Resource:
    body: bytes
    content_type: str
    etag: str
    last_modified: datetime


@dataclass(frozen=True)
class Hit:
    path: str
    status: int
    body_bytes: int


class NewsSite:
    """A real HTTP server; ``put`` / ``remove`` change what it serves while it runs."""

    def __init__(self, *, validators: bool = True) -> None:
        self.validators = validators
        self._resources: dict[str, Resource] = {}
        self._lock = threading.Lock()
        self.hits: list[Hit] = []
        outer = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self) -> None:
                path = self.path.split("#", 1)[0]
                with outer._lock:
                    res = outer._resources.get(path)
                if res is None:
                    body = b"<html><body>404</body></html>"
                    self._answer(404, body, "text/html; charset=utf-8", {})
                    return
                headers = {}
                if outer.validators:
                    headers = {"ETag": res.etag, "Last-Modified": format_datetime(res.last_modified, usegmt=True)}
                    inm = self.headers.get("If-None-Match")
                    ims = self.headers.get("If-Modified-Since")
                    fresh = inm is not None and res.etag in [t.strip() for t in inm.split(",")]
                    if inm is None and ims:
                        try:
                            fresh = res.last_modified.replace(microsecond=0) <= parsedate_to_datetime(ims)
                        except (TypeError, ValueError):
                            fresh = False
                    if fresh:
                        self._answer(304, b"", None, headers)
                        return
                self._answer(200, res.body, res.content_type, headers)

            def _answer(self, status: int, body: bytes, ctype: str | None, headers: dict[str, str]) -> None:
                self.send_response(status)
                if ctype:
                    self.send_header("Content-Type", ctype)
                for k, v in headers.items():
                    self.send_header(k, v)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                if body:
                    self.wfile.write(body)
                with outer._lock:
                    outer.hits.append(Hit(self.path, status, len(body)))

            def log_message(self, *args: object) -> None:
                return

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def base(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def url(self, path: str) -> str:
        return self.base + path

    def put(self, path: str, body: bytes, content_type: str = "text/html; charset=utf-8") -> None:
        now = datetime.now(UTC).replace(microsecond=0)
        etag = '"' + hashlib.sha1(body).hexdigest()[:16] + '"'
        with self._lock:
            old = self._resources.get(path)
            if old is not None and old.etag == etag:
                return
            # Last-Modified has 1 s resolution: make sure a change moves it.
            if old is not None and now <= old.last_modified:
                now = old.last_modified + timedelta(seconds=1)
            self._resources[path] = Resource(body, content_type, etag, now)

    def body(self, path: str) -> bytes:
        with self._lock:
            return self._resources[path].body

    def remove(self, path: str) -> None:
        with self._lock:
            self._resources.pop(path, None)

    def hits_for(self, path: str) -> list[Hit]:
        with self._lock:
            return [h for h in self.hits if h.path == path]

    def __enter__(self) -> NewsSite:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()


# --------------------------------------------------------------------------- documents


def rss_feed(items: list[tuple[str, str, datetime]]) -> bytes:
    """The real VnExpress feed with its items replaced by ``(url, title, date)`` clones of its first item."""
    root = etree.fromstring((FIXTURES / "vnexpress_tin-moi-nhat_2017-08-30.rss").read_bytes())
    channel = root.find("channel")
    template = channel.find("item")
    for item in channel.findall("item"):
        channel.remove(item)
    for url, title, date in items:
        item = copy.deepcopy(template)
        item.find("title").text = title
        item.find("link").text = url
        item.find("guid").text = url
        item.find("pubDate").text = format_datetime(date)
        item.find("description").text = etree.CDATA(f'<a href="{url}">{title}</a>')
        channel.append(item)
    return etree.tostring(root, xml_declaration=True, encoding="utf-8")


def _urlset(template_file: str, entries: list[tuple[str, datetime, str | None]], *, news: bool) -> bytes:
    root = etree.fromstring((FIXTURES / template_file).read_bytes())
    urls = root.findall(f"{{{SM}}}url")
    template = urls[0]
    for u in urls:
        root.remove(u)
    for loc, date, title in entries:
        u = copy.deepcopy(template)
        u.find(f"{{{SM}}}loc").text = loc
        if news:
            u.find(f".//{{{NEWS}}}publication_date").text = date.isoformat()
            u.find(f".//{{{NEWS}}}title").text = title or loc
        else:
            u.find(f"{{{SM}}}lastmod").text = date.isoformat()
        root.append(u)
    return etree.tostring(root, xml_declaration=True, encoding="utf-8")


def urlset_gz(entries: list[tuple[str, datetime]]) -> bytes:
    """A gzip urlset built from the real Hebden Bridge Times sitemap (image/video/mobile extensions kept)."""
    body = _urlset("hebdenbridgetimes_articles_sitemap_2015.xml", [(u, d, None) for u, d in entries], news=False)
    return gzip.compress(body)


def news_sitemap(entries: list[tuple[str, datetime, str]]) -> bytes:
    """A Google News sitemap built from the real WordPress.com one."""
    return _urlset("shinpaideshou_wpcom_news_sitemap_2017.xml", entries, news=True)


def sitemap_index(children: list[tuple[str, datetime]]) -> bytes:
    parts = ['<?xml version="1.0" encoding="UTF-8"?>', f'<sitemapindex xmlns="{SM}">']
    for loc, lastmod in children:
        parts.append(f"<sitemap><loc>{loc}</loc><lastmod>{lastmod.isoformat()}</lastmod></sitemap>")
    parts.append("</sitemapindex>")
    return "\n".join(parts).encode()


def list_page(name: str, base: str, count: int, *, taken: set[str] = frozenset()) -> tuple[bytes, list[str]]:
    """A real list page (``vnexpress`` / ``dantri``) whose first ``count`` article links point at
    local copies; returns (html, local paths of those articles)."""
    meta = json.loads((FIXTURES / f"{name}_list.html.expected.json").read_text())
    html = gzip.decompress((FIXTURES / f"{name}_list.html.gz").read_bytes()).decode("utf-8")
    rule = re.compile(meta["article_url_rule"]["keep_if_matches"])
    originals: list[str] = []
    for href in re.findall(r'href="([^"#]+)', html):
        if rule.match(href) and href not in originals:
            originals.append(href)
    paths = []
    chosen = [o for o in originals if "/" + o.split("://", 1)[1] not in taken][:count]
    for original in chosen:
        path = "/" + original.split("://", 1)[1]  # /vnexpress.net/slug-1234567.html
        html = html.replace(f'"{original}"', f'"{base}{path}"').replace(f'"{original}#', f'"{base}{path}#')
        paths.append(path)
    return html.encode("utf-8"), paths


# --------------------------------------------------------------------------- the whole site


class FixtureNews:
    """The fixture site's content: which article is announced where, and how to grow the feed."""

    FEED = "/rss/tin-moi-nhat.rss"
    INDEX = "/sitemap.xml"
    URLSET = "/sitemaps/s1.xml.gz"
    NEWS = "/sitemaps/latest"  # no extension, nothing in the name says "news"
    STALE = "/sitemaps/2015-archive.xml"
    SECTIONS = ("/vnexpress.net/kinh-doanh", "/dantri.com.vn/kinh-doanh.htm")

    def __init__(self, site: NewsSite) -> None:
        self.site = site
        self.pages = twenty_pages()
        self.now = datetime.now(UTC).replace(microsecond=0)
        self.article_paths: dict[str, bytes] = {}
        self.feed_items: list[tuple[str, str, datetime]] = []
        self.spare = list(range(14, 20))  # pages not announced yet

    def _article(self, i: int, path: str | None = None) -> str:
        page = self.pages[i]
        path = path or page.path
        body = html_of(page).encode("utf-8")
        self.site.put(path, body)
        self.article_paths[path] = body
        return self.site.url(path)

    def build(self) -> FixtureNews:
        s, t = self.site, self.now
        # feed: pages 0-3
        for i in range(4):
            url = self._article(i)
            self.feed_items.append((url, f"Bài {i}", t - timedelta(minutes=10 * i)))
        self.publish_feed()
        # news sitemap: pages 4-6, plus page 0 again (also in the feed)
        news = [(self._article(i), t - timedelta(hours=1, minutes=i), f"Tin {i}") for i in range(4, 7)]
        news.append((self.site.url(self.pages[0].path), t, "Bài 0"))
        s.put(self.NEWS, news_sitemap(news), "application/xml")
        # gzip urlset: pages 7-9, plus page 4 again
        entries = [(self._article(i), t - timedelta(hours=2)) for i in range(7, 10)]
        entries.append((self.site.url(self.pages[4].path), t - timedelta(hours=1)))
        s.put(self.URLSET, urlset_gz(entries), "application/octet-stream")
        s.put(self.INDEX, sitemap_index([
            (s.url(self.URLSET), t - timedelta(minutes=5)),
            (s.url(self.NEWS), t),
            (s.url(self.STALE), datetime(2015, 5, 3, tzinfo=UTC)),  # outside the lastmod window
        ]), "application/xml")
        # section pages: two articles each, at the paths the real list pages link to
        taken = {p.path for p in self.pages}
        vne, vne_paths = list_page("vnexpress", s.base, 2, taken=taken)
        s.put(self.SECTIONS[0], vne)
        dt, dt_paths = list_page("dantri", s.base, 2, taken=taken)
        s.put(self.SECTIONS[1], dt)
        for i, path in zip((10, 11, 12, 13), vne_paths + dt_paths, strict=True):
            self._article(i, path)
        return self

    def publish_feed(self) -> None:
        self.site.put(self.FEED, rss_feed(self.feed_items), "application/rss+xml; charset=utf-8")

    def add_to_feed(self) -> str:
        """Announce one more real article at the top of the feed; returns its URL."""
        i = self.spare.pop(0)
        url = self._article(i)
        self.feed_items.insert(0, (url, f"Bài mới {i}", datetime.now(UTC).replace(microsecond=0)))
        self.publish_feed()
        return url

    @property
    def article_urls(self) -> list[str]:
        return [self.site.url(p) for p in self.article_paths]

    def registry_toml(self, name: str = "fixture", interval: str = "3s", **extra: str) -> str:
        s = self.site
        lines = [
            "[[source]]",
            f'name = "{name}"',
            f'site = "{s.base}/"',
            f'feeds = ["{s.url(self.FEED)}"]',
            f'sitemaps = ["{s.url(self.INDEX)}"]',
            f'sections = ["{s.url(self.SECTIONS[0])}", "{s.url(self.SECTIONS[1])}"]',
            f'interval = "{interval}"',
        ]
        lines += [f"{k} = {v}" for k, v in extra.items()]
        return "\n".join(lines) + "\n"
