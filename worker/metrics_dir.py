"""Set up prometheus_client's multiprocess folder. Kept apart from :mod:`worker.metrics` because it
must run before prometheus_client is imported anywhere in the process."""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile
from pathlib import Path

#: The folder this process created (and removes on exit), when it created one.
OWNED_ENV = "NEWSINGEST_METRICS_DIR_OWNED"


def remove_own_multiprocess_dir() -> None:
    """Remove the folder :func:`prepare_multiprocess_dir` created, if it did (no-op otherwise)."""
    folder = os.environ.pop(OWNED_ENV, None)
    if folder:
        shutil.rmtree(folder, ignore_errors=True)


def prepare_multiprocess_dir() -> Path:
    """Create (or empty) the folder for multiprocess samples and export it to child processes."""
    given = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    folder = Path(given or tempfile.mkdtemp(prefix="newsingest-metrics-"))
    if not given:
        atexit.register(shutil.rmtree, folder, True)
        os.environ[OWNED_ENV] = str(folder)  # for exits that skip atexit (scheduler.cli._worker_main)
    folder.mkdir(parents=True, exist_ok=True)
    for stale in folder.glob("*.db"):
        stale.unlink()
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = str(folder)
    return folder
