"""Set up prometheus_client's multiprocess folder. Kept apart from :mod:`worker.metrics` because it
must run before prometheus_client is imported anywhere in the process."""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile
from pathlib import Path


def prepare_multiprocess_dir() -> Path:
    """Create (or empty) the folder for multiprocess samples and export it to child processes."""
    given = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    folder = Path(given or tempfile.mkdtemp(prefix="newsingest-metrics-"))
    if not given:
        atexit.register(shutil.rmtree, folder, True)
    folder.mkdir(parents=True, exist_ok=True)
    for stale in folder.glob("*.db"):
        stale.unlink()
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = str(folder)
    return folder
