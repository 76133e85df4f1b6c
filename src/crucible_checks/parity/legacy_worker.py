"""The project's own legacy queue loop, run in a child process for a test."""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from crucible_checks.parity.errors import ServiceStartError
from crucible_checks.parity.processes import log_tail, spawn, stop

# A loop that dies within this time of starting (bad import, bad config)
# fails the start instead of the first job.
STARTUP_GRACE = 0.05
READY_TIMEOUT = 10.0
BLOCKING_POPS = {"brpop", "blpop", "brpoplpush", "blmove", "blmpop"}


@dataclass
class LegacyWorker:
    """A child process running a ``module:function`` BRPOP loop."""

    reference: str
    process: subprocess.Popen[bytes]
    log_path: Path
    # Results of this loop that a runner has read so far.
    served: int = 0
    # Set by a runner that saw the loop leave a job on its list for a whole
    # timeout without ever serving one: what it saw, for later failures.
    not_popping: str = ""

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
    reference: str, folder: Path, env: Mapping[str, str], redis: Any = None
) -> LegacyWorker:
    """Start the loop ``reference`` with ``env`` (which sets the Redis URL).

    Given a redis-py client, wait until the loop blocks on a list pop.
    """
    folder.mkdir(parents=True, exist_ok=True)
    log_path = folder / f"legacy-{time.monotonic_ns()}.log"
    argv = [sys.executable, "-m", "crucible_checks.parity.legacy_main", reference]
    known = {client["id"] for client in redis.client_list()} if redis else set()
    worker = LegacyWorker(reference, spawn(argv, log_path, env), log_path)
    if redis is None:
        try:
            worker.process.wait(STARTUP_GRACE)
        except subprocess.TimeoutExpired:
            return worker
        raise ServiceStartError(worker.failure() or "")
    _wait_blocked(worker, redis, known)
    return worker


def _wait_blocked(worker: LegacyWorker, redis: Any, known: set[str]) -> None:
    """Wait until a client not in ``known`` blocks on a list pop.

    Clients connected before the start (a Celery worker also blocks on
    BRPOP) are in ``known``.
    A loop that never blocks (one that polls, say) is given READY_TIMEOUT
    and then used anyway; one that exits fails the start.
    """
    deadline = time.monotonic() + READY_TIMEOUT
    while time.monotonic() < deadline:
        failure = worker.failure()
        if failure:
            raise ServiceStartError(failure)
        if any(
            client["id"] not in known and client.get("cmd") in BLOCKING_POPS
            for client in redis.client_list()
        ):
            return
        time.sleep(0.01)
