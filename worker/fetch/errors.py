"""Errors of fetching: each carries the outcome recorded for it and whether a retry may help."""

from __future__ import annotations


class FetchError(Exception):
    """A fetch that did not give an HTML page. ``outcome`` is a ``storage.models.Outcome`` value."""

    outcome: str = "error"
    retryable: bool = False

    def __init__(self, message: str, *, status: int | None = None, nbytes: int | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.nbytes = nbytes


class InvalidURLError(FetchError):
    outcome = "invalid_url"


class HTTPStatusError(FetchError):
    outcome = "http_error"

    def __init__(self, message: str, *, status: int | None = None, nbytes: int | None = None) -> None:
        super().__init__(message, status=status, nbytes=nbytes)
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
