"""The ``newsingest`` console script. Before the command line (and with it Celery, the pipeline and
prometheus_client) is imported, a worker that serves metrics gets its multiprocess folder."""

from __future__ import annotations

import sys

SERVICE_COMMANDS = frozenset({"worker", "run"})


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] in SERVICE_COMMANDS:
        from worker.settings import get_settings

        if get_settings().metrics_port:
            from worker.metrics_dir import prepare_multiprocess_dir

            prepare_multiprocess_dir()
    from scheduler.cli import main as cli_main

    cli_main()
