"""Configuration from the environment (prefix ``NEWSINGEST_``) and an optional ``.env`` file.

Nothing is read at import time: call :func:`get_settings` where a value is needed.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

DEFAULT_DATABASE_FILE = "newsingest.sqlite"
DEFAULT_BROKER_FILE = "newsingest-broker.sqlite"


def _default_database_url() -> str:
    return f"sqlite:///{Path.cwd() / DEFAULT_DATABASE_FILE}"


def _default_broker_url() -> str:
    # The embedded broker: kombu's SQLAlchemy transport on a SQLite file (see README).
    return f"sqla+sqlite:///{Path.cwd() / DEFAULT_BROKER_FILE}"



def is_redis_url(url: str) -> bool:
    """True for a Redis URL (the broker then is Redis: RedBeat, shared limits, the ledger's reaper)."""
    return url.startswith(("redis://", "rediss://"))

class Settings(BaseSettings):
    """All settings of newsingest. Each field is read from ``NEWSINGEST_<FIELD>``."""

    model_config = SettingsConfigDict(
        env_prefix="NEWSINGEST_", env_file=".env", env_file_encoding="utf-8", extra="ignore"
    )

    database_url: str = Field(default_factory=_default_database_url)
    broker_url: str = Field(default_factory=_default_broker_url)
    redis_url: str | None = None  # for shared state (politeness, queued-set, streams) when present

    user_agent: str = "newsingest/0.1 (+https://github.com/newsingest/newsingest)"
    connect_timeout: float = 5.0
    read_timeout: float = 15.0
    total_timeout: float = 30.0
    max_bytes: int = 5_000_000
    max_redirects: int = 5

    # URL safety: CIDRs whose addresses may be fetched although not public ("127.0.0.0/8")
    allow_networks: str = ""
    # politeness (a source's `politeness` JSON overrides per host: delay, rate, concurrency)
    politeness_delay: float = 1.0  # seconds between two requests to one host (all workers together)
    politeness_concurrency: int = 2  # requests in flight to one host (all workers together)
    politeness_max_wait: float = 2.0  # a task waits this long for a slot, then is rescheduled
    # without Redis: the SQLite file sharing the limits among this machine's processes (default:
    # beside a SQLite database file, see politeness_path)
    politeness_file: str | None = None
    robots_ttl: int = 3600  # seconds a host's robots.txt is kept
    robots_error_ttl: int = 60  # seconds a failed robots.txt (5xx, timeout) is kept before trying again
    # retries of fetches that may succeed later (429/503 with Retry-After, other 5xx, timeouts, resets)
    fetch_max_attempts: int = 4
    retry_backoff: float = 5.0  # first delay; doubled each attempt, with jitter
    retry_backoff_max: float = 300.0
    retry_after_max: float = 900.0  # a longer Retry-After is not waited for: the failure is final
    db_retry_max_delay: float = 60.0  # database outages: capped exponential backoff
    # Redis broker: an unacknowledged task (its worker killed) is delivered again after this long;
    # keep it far above task_time_limit and every retry countdown
    visibility_timeout: int = 3600
    # The task ledger's reaper (worker/ledger.py): every requeue_interval seconds, pending ingest
    # tasks older than requeue_grace seconds that the Redis broker no longer holds are sent again,
    # at most requeue_max times each (then given up); rows done more than ledger_retention_days ago
    # are deleted by the same pass (0: kept for ever).
    requeue_interval: int = 300
    requeue_grace: float = 120.0
    requeue_max: int = 5
    ledger_retention_days: float = Field(default=7.0, ge=0)

    # Discovery and scheduling (see scheduler/sources.py, worker/discover.py, scheduler/beat.py).
    sources: str | None = None  # NEWSINGEST_SOURCES: the registry TOML (default: the shipped one)
    discover_max_urls: int = 500  # cap on URLs enqueued per discovery run (a source may set less)
    queued_ttl: int = 3600  # seconds a URL stays in the Redis "already queued" set
    recrawl_window_hours: float = 24.0  # articles younger than this are fetched again ...
    recrawl_every: int = 3 * 3600  # ... at most once per this many seconds
    recrawl_max_per_run: int = 20  # ... and at most this many per discovery run
    schedule_sync_interval: int = 60  # beat re-reads the registry this often (seconds)
    beat_max_loop_interval: int = 5  # beat wakes at least this often (seconds)
    redbeat_lock_timeout: int = 30  # a second beat takes over this long after the first died

    task_soft_time_limit: int = 60
    task_time_limit: int = 90
    worker_concurrency: int = 2
    log_level: str = "INFO"
    log_json: bool = False  # one JSON object per log line (task_id, source_id, url on each)
    metrics_port: int | None = None  # Prometheus /metrics of `newsingest worker` (e.g. 9808)
    stream_maxlen: int = 100_000  # bound of the Redis stream newsingest:articles

    @property
    def broker_is_redis(self) -> bool:
        return is_redis_url(self.broker_url)

    @property
    def politeness_path(self) -> str | None:
        """The SQLite file that shares per-host politeness among this machine's processes when there
        is no Redis: ``politeness_file``, else ``<database>-politeness.sqlite`` beside a SQLite
        database file; None (limits per process) for an in-memory or server database."""
        if self.politeness_file:
            return self.politeness_file
        if not self.database_url.startswith("sqlite"):
            return None
        from sqlalchemy.engine import make_url

        database = make_url(self.database_url).database
        if not database or database == ":memory:" or database.startswith("file:"):
            return None
        path = Path(database)
        return str(path.with_name(f"{path.stem}-politeness.sqlite"))

    @property
    def effective_redis_url(self) -> str | None:
        """Redis for shared state: explicit ``redis_url``, else the broker when it is Redis."""
        if self.redis_url:
            return self.redis_url
        return self.broker_url if self.broker_is_redis else None


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process's settings, read once on first use (tests call ``get_settings.cache_clear()``)."""
    return Settings()
