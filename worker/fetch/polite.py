"""The fetch every article goes through: URL safety, then robots.txt, then the host's politeness
slot, then the bounded HTTP fetch (:class:`worker.fetch.client.Fetcher`). Each redirect target
is checked the same way (URL safety, then its host's robots.txt) before it is requested, and a
target on another host is requested in a slot of that host, with its robots.txt Crawl-delay."""

from __future__ import annotations

from contextlib import ExitStack

from worker.fetch.client import Fetcher, FetchResult
from worker.fetch.errors import RobotsDisallowedError
from worker.fetch.politeness import HostLimits, Limiter, host_key, host_slot
from worker.fetch.robots import RobotsCache


class PoliteFetcher:
    def __init__(self, fetcher: Fetcher, *, limiter: Limiter, robots: RobotsCache,
                 default_limits: HostLimits) -> None:
        self.fetcher = fetcher
        self.limiter = limiter
        self.robots = robots
        self.default_limits = default_limits
        self.lease = fetcher.policy.total_timeout + 5

    def fetch(self, url: str, *, limits: HostLimits | None = None, max_wait: float | None = None) -> FetchResult:
        """Fetch ``url`` politely. ``max_wait``: how long to wait for the host's slot before
        :class:`~worker.fetch.errors.HostBusyError` (None: wait as long as it takes)."""
        limits = limits or self.default_limits
        host = host_key(url)
        self.fetcher.guard.check_url(url)  # refused URLs cost no request, not even robots.txt

        def download(rurl: str) -> tuple[int, str]:
            rhost = host_key(rurl)
            with host_slot(self.limiter, rhost, limits if rhost == host else self.default_limits,
                           max_wait=max_wait, lease=self.lease):
                return self.fetcher.fetch_text(rurl)

        with ExitStack() as held:
            slotted = {host}

            def check_redirect(target: str) -> None:
                # Each redirect target obeys the robots.txt of its own host. This host's slot is held
                # here: its robots.txt (cached already, unless it expired) is read without a new slot.
                thost = host_key(target)
                same_host = thost == host
                try:
                    delay = self.robots.check(target, download=self.fetcher.fetch_text if same_host else download)
                except RobotsDisallowedError as exc:
                    raise RobotsDisallowedError(f"{exc} (redirected from {url})") from exc
                if thost not in slotted:
                    # another host: its own politeness slot (rate, concurrency, Crawl-delay), held
                    # until the fetch is over, like the first host's
                    slotted.add(thost)
                    held.enter_context(host_slot(self.limiter, thost, self.default_limits.with_crawl_delay(delay),
                                                 max_wait=max_wait, lease=self.lease))

            crawl_delay = self.robots.check(url, download=download)
            held.enter_context(host_slot(self.limiter, host, limits.with_crawl_delay(crawl_delay),
                                         max_wait=max_wait, lease=self.lease))
            return self.fetcher.fetch(url, on_redirect=check_redirect)

    def close(self) -> None:
        self.fetcher.close()
        self.robots.close()
        close = getattr(self.limiter, "close", None)
        if close is not None:
            close()
