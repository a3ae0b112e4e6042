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

    task_soft_time_limit: int = 60
    task_time_limit: int = 90
    worker_concurrency: int = 2
    log_level: str = "INFO"

    @property
    def broker_is_redis(self) -> bool:
        return self.broker_url.startswith(("redis://", "rediss://"))

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
