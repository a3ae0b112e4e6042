"""Fixtures of the fault tests: worker settings that keep hostile cases short."""

from __future__ import annotations

import pytest

#: Bounds of one fetch and of retries, small so that each hostile case ends in seconds.
FAST_LIMITS = {
    "NEWSINGEST_CONNECT_TIMEOUT": "1",
    "NEWSINGEST_READ_TIMEOUT": "1.5",
    "NEWSINGEST_TOTAL_TIMEOUT": "3",
    "NEWSINGEST_MAX_BYTES": "2000000",
    "NEWSINGEST_MAX_REDIRECTS": "4",
    "NEWSINGEST_FETCH_MAX_ATTEMPTS": "3",
    "NEWSINGEST_RETRY_BACKOFF": "0.5",
    "NEWSINGEST_RETRY_BACKOFF_MAX": "2",
    "NEWSINGEST_ROBOTS_ERROR_TTL": "1",
    "NEWSINGEST_DB_RETRY_MAX_DELAY": "3",
    "NEWSINGEST_LOG_LEVEL": "INFO",
}


@pytest.fixture
def fast_limits() -> dict[str, str]:
    return dict(FAST_LIMITS)
