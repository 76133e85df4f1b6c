"""Entry point of a child Celery worker started by the parity fixtures.

It imports the project's app, points it at the test broker, marks each pool
process to die with the worker, and writes a file once the worker consumes.
"""

from __future__ import annotations

import argparse
import os
import signal
from pathlib import Path
from typing import Any

from crucible_checks.parity.celery_worker import configure_app
from crucible_checks.parity.imports import resolve_celery_app
from crucible_checks.parity.processes import _die_with_parent


def _parse(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="crucible_checks.parity.worker_main")
    for name in ("app", "broker", "backend", "ready-file", "queues", "pool"):
        parser.add_argument(f"--{name}", required=True)
    parser.add_argument("--concurrency", type=int, default=2)
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> None:
    arguments = _parse(argv)
    from celery import signals

    # Celery reads these variables before its own settings.
    os.environ["CELERY_BROKER_URL"] = arguments.broker
    os.environ["CELERY_RESULT_BACKEND"] = arguments.backend
    app = resolve_celery_app(arguments.app)
    configure_app(app, arguments.broker, arguments.backend)
    ready_file = Path(arguments.ready_file)

    def mark_ready(**_: Any) -> None:
        ready_file.write_text(str(os.getpid()), encoding="ascii")

    def die_with_worker(**_: Any) -> None:
        _die_with_parent(os.getppid())()

    signals.worker_ready.connect(mark_ready, weak=False)
    signals.worker_process_init.connect(die_with_worker, weak=False)
    signal.signal(signal.SIGINT, signal.default_int_handler)
    app.worker_main(
        [
            "worker",
            f"--queues={arguments.queues}",
            f"--pool={arguments.pool}",
            f"--concurrency={arguments.concurrency}",
            "--without-heartbeat",
            "--without-mingle",
            "--without-gossip",
            "--loglevel=INFO",
            f"--hostname=parity-child-{os.getpid()}@localhost",
        ]
    )


if __name__ == "__main__":
    main()
