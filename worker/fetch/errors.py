"""Errors of fetching: each carries the outcome recorded for it and whether a retry may help."""

from __future__ import annotations


class FetchError(Exception):
    """A fetch that did not give an HTML page. ``outcome`` is a ``storage.models.Outcome`` value."""

    outcome: str = "error"
    retryable: bool = False

    def __init__(self, message: str, *, status: int | None = None, nbytes: int | None = None,
                 retry_after: float | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.nbytes = nbytes
        #: seconds the server asked us to wait (Retry-After of a 429/503), when it said so
        self.retry_after = retry_after


class InvalidURLError(FetchError):
    outcome = "invalid_url"


class HTTPStatusError(FetchError):
    outcome = "http_error"

    def __init__(self, message: str, *, status: int | None = None, nbytes: int | None = None,
                 retry_after: float | None = None) -> None:
        super().__init__(message, status=status, nbytes=nbytes, retry_after=retry_after)
        self.retryable = status is not None and (status >= 500 or status in (408, 425, 429))


class NotFoundError(FetchError):
    outcome = "not_found"


class BadContentTypeError(FetchError):
    outcome = "bad_content_type"


class TooLargeError(FetchError):
    outcome = "too_large"


class FetchTimeoutError(FetchError):
    outcome = "timeout"
    retryable = True


class ConnectionFailedError(FetchError):
    outcome = "connection_error"
    retryable = True


class RefusedError(FetchError):
    """The URL is not fetched at all: a scheme other than http(s), or a non-public address."""

    outcome = "refused"


class RedirectError(FetchError):
    """Too many redirects, or a redirect loop."""

    outcome = "http_error"


class RobotsDisallowedError(FetchError):
    outcome = "robots_disallowed"


class RobotsUnavailableError(FetchError):
    """robots.txt could not be read (5xx, 429, timeout, connection error): try the URL later."""

    outcome = "http_error"
    retryable = True


class NotArticleError(FetchError):
    """A page that is certainly not an article (empty body, a JavaScript challenge)."""

    outcome = "not_article"


class HostBusyError(FetchError):
    """The host's politeness slot is not free yet; ``wait`` seconds until it may be."""

    outcome = "error"
    retryable = True

    def __init__(self, message: str, *, wait: float) -> None:
        super().__init__(message)
        self.wait = wait
