"""The project's own legacy queue loop, run in a child process for a test."""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from crucible_checks.parity.errors import ServiceStartError
from crucible_checks.parity.processes import log_tail, spawn, stop

# A loop that dies within this time of starting (bad import, bad config)
# fails the start instead of the first job.
STARTUP_GRACE = 0.05


@dataclass
class LegacyWorker:
    """A child process running a ``module:function`` BRPOP loop."""

    reference: str
    process: subprocess.Popen[bytes]
    log_path: Path

    def failure(self) -> str | None:
        """Return why the loop has exited, or None while it runs."""
        if self.process.poll() is None:
            return None
        return (
            f"legacy worker {self.reference} exited with status "
            f"{self.process.returncode}:\n{log_tail(self.log_path)}"
        )

    def stop(self, timeout: float = 5.0) -> None:
        stop(self.process, timeout)


def start_legacy_worker(
    reference: str, folder: Path, env: Mapping[str, str]
) -> LegacyWorker:
    """Start the loop ``reference`` with ``env`` (which sets the Redis URL)."""
    folder.mkdir(parents=True, exist_ok=True)
    log_path = folder / f"legacy-{time.monotonic_ns()}.log"
    argv = [sys.executable, "-m", "crucible_checks.parity.legacy_main", reference]
    worker = LegacyWorker(reference, spawn(argv, log_path, env), log_path)
    try:
        worker.process.wait(STARTUP_GRACE)
    except subprocess.TimeoutExpired:
        return worker
    raise ServiceStartError(worker.failure() or "")
