"""Real services for end-to-end tests: Redis on 127.0.0.1 and `celery worker` subprocesses."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import redis

ROOT = Path(__file__).resolve().parents[2]
NO_SOURCES = ROOT / "tests" / "fixtures" / "no_sources.toml"
REDIS_BASE = os.environ.get("NEWSINGEST_TEST_REDIS_URL", "redis://127.0.0.1:6379")


def fresh_redis_url(db: int) -> str:
    """A Redis database number on the machine's real Redis, emptied first."""
    url = f"{REDIS_BASE}/{db}"
    client = redis.Redis.from_url(url, socket_connect_timeout=3)
    try:
        client.flushdb()
    except redis.exceptions.ConnectionError as exc:
        raise RuntimeError(f"Redis is not reachable at {url} ({exc}); CI starts it") from exc
    finally:
        client.close()
    return url


def service_env(database_url: str, broker_url: str, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("NEWSINGEST_")}
    env.update({"NEWSINGEST_DATABASE_URL": database_url, "NEWSINGEST_BROKER_URL": broker_url,
                "PYTHONUNBUFFERED": "1",
                # the test servers live on 127.0.0.1, which the SSRF guard refuses by default;
                # politeness towards our own test servers only slows the tests (faults tests set it)
                "NEWSINGEST_ALLOW_NETWORKS": "127.0.0.0/8", "NEWSINGEST_POLITENESS_DELAY": "0",
                "NEWSINGEST_POLITENESS_CONCURRENCY": "16",
                # never the shipped registry: a beat would crawl the real sites from a test
                "NEWSINGEST_SOURCES": str(NO_SOURCES)})
    env.update(extra)
    return env


def newsingest(*args: str, env: dict[str, str], timeout: float = 300, cwd: Path | None = None,
               check: bool = False) -> subprocess.CompletedProcess[str]:
    """Run the real ``newsingest`` console command."""
    script = Path(sys.executable).with_name("newsingest")
    cmd = [str(script), *args] if script.exists() else [sys.executable, "-m", "scheduler.cli", *args]
    proc = subprocess.run(cmd, env=env, cwd=cwd or ROOT, capture_output=True, text=True, timeout=timeout)
    if check and proc.returncode != 0:
        raise AssertionError(f"{' '.join(args)} exited {proc.returncode}\n{proc.stdout}\n{proc.stderr}")
    return proc


@contextmanager
def celery_worker(env: dict[str, str], log: Path, *, concurrency: int = 2,
                  ready_timeout: float = 60) -> Iterator[subprocess.Popen[bytes]]:
    """A real ``celery worker`` process on the configured broker, stopped (TERM, then KILL) after."""
    cmd = [sys.executable, "-m", "celery", "-A", "worker.celery_app", "worker", "--loglevel=INFO",
           f"--concurrency={concurrency}", "--queues=ingest,discover", "--without-mingle",
           "--without-gossip", f"--hostname=e2e-{os.getpid()}-{time.monotonic_ns()}@%h"]
    with open(log, "wb") as fh:
        proc = subprocess.Popen(cmd, env=env, cwd=ROOT, stdout=fh, stderr=subprocess.STDOUT,
                                start_new_session=True)
    try:
        deadline = time.monotonic() + ready_timeout
        while time.monotonic() < deadline:
            text = log.read_text(errors="replace")
            if " ready." in text:
                break
            if proc.poll() is not None:
                raise RuntimeError(f"celery worker exited {proc.returncode}:\n{text[-3000:]}")
            time.sleep(0.2)
        else:
            raise RuntimeError(f"celery worker not ready in {ready_timeout} s:\n{log.read_text()[-3000:]}")
        yield proc
    finally:
        stop_process_group(proc, grace=20)


def stop_process_group(proc: subprocess.Popen[bytes], *, grace: float = 20) -> bool:
    """SIGTERM the process group started with ``start_new_session=True``; SIGKILL it if it has
    not ended after ``grace`` seconds. Returns whether it stopped on SIGTERM."""
    if proc.poll() is not None:
        return True
    os.killpg(proc.pid, signal.SIGTERM)
    try:
        proc.wait(timeout=grace)
        return True
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)
        return False
