"""Real Celery workers for tests: in a thread of the test process, or a child.

The thread worker starts in well under a second, shares the test process's
imports and sees its code coverage, so it is the default. It cannot enforce
time limits (only the prefork pool does) and a task that hangs takes the
thread with it, so tests of time limits or crashes use the child worker, a
``celery worker -P prefork`` process started by `worker_main`.
"""

from __future__ import annotations

import itertools
import os
import subprocess
import sys
import threading
import time
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from crucible_checks.parity.errors import ServiceStartError
from crucible_checks.parity.processes import log_tail, spawn, stop

READY_TIMEOUT = 30.0
STOP_TIMEOUT = 10.0
_worker_numbers = itertools.count(1)


def configure_app(app: Any, broker_url: str, backend_url: str) -> None:
    """Point a Celery app at the test broker and result backend."""
    app.conf.update(
        broker_url=broker_url,
        result_backend=backend_url,
        worker_hijack_root_logger=False,
        broker_connection_retry_on_startup=False,
    )


@dataclass
class ThreadWorker:
    """A Celery worker running in a thread of this process."""

    app: Any
    queues: tuple[str, ...]
    controller: Any
    thread: threading.Thread

    def stop(self) -> None:
        """Stop the worker from its own thread and wait for the thread to end.

        A stop called from this thread would close the broker channels here
        while the worker thread reads the same connection, and either thread
        may then take the reply the other waits for (a RabbitMQ cancel-ok, a
        Redis BRPOP reply), which hangs the stop.
        """
        hub = self.controller.hub
        if hub is not None and self.thread.is_alive():
            hub.call_soon(_raise_worker_shutdown)
            self.thread.join(STOP_TIMEOUT)
        if self.thread.is_alive():
            # No event loop, or it did not run the shutdown in time.
            self.controller.stop(in_sighandler=False, exitcode=0)
            self.thread.join(STOP_TIMEOUT)


def _raise_worker_shutdown() -> None:
    """Shut the worker down from inside its event loop, as a SIGTERM would."""
    from celery.exceptions import WorkerShutdown

    raise WorkerShutdown(0)


@dataclass
class ChildWorker:
    """A ``celery worker`` child process; the only kind that enforces time limits."""

    process: subprocess.Popen[bytes]
    queues: tuple[str, ...]
    log_path: Path
    ready_file: Path = field(repr=False)

    def stop(self) -> None:
        stop(self.process, timeout=10)


def start_thread_worker(
    app: Any, queues: Sequence[str], concurrency: int = 8, pool: str = "threads"
) -> ThreadWorker:
    """Start a worker thread consuming ``queues`` and wait until it consumes."""
    ready = threading.Event()
    base: type[Any] = app.WorkController

    class Controller(base):  # type: ignore[misc]
        def on_consumer_ready(self, consumer: Any) -> None:
            super().on_consumer_ready(consumer)
            ready.set()

    app.finalize()
    app.set_current()
    app.set_default()
    with _own_event_loop():
        controller = _controller(Controller, app, queues, concurrency, pool)
    thread = threading.Thread(
        target=controller.start, name="celery-worker", daemon=True
    )
    thread.start()
    worker = ThreadWorker(app, tuple(queues), controller, thread)
    if not ready.wait(READY_TIMEOUT):
        worker.controller.stop(in_sighandler=False, exitcode=0)
        thread.join(STOP_TIMEOUT)
        raise ServiceStartError(
            f"Celery worker for queues {', '.join(queues)} was not ready within "
            f"{READY_TIMEOUT:g} s; check that the broker {app.conf.broker_url} answers"
        )
    # The pool marks joins as blocking for the whole process, but this process
    # is the test, which must wait for results.
    from celery.result import _set_task_join_will_block

    _set_task_join_will_block(False)
    return worker


def _controller(
    controller_class: type[Any],
    app: Any,
    queues: Sequence[str],
    concurrency: int,
    pool: str,
) -> Any:
    return controller_class(
        app=app,
        queues=list(queues),
        pool_cls=pool,
        concurrency=concurrency,
        hostname=f"parity-{os.getpid()}-{next(_worker_numbers)}@localhost",
        without_heartbeat=True,
        without_mingle=True,
        without_gossip=True,
        loglevel="WARNING",
    )


@contextmanager
def _own_event_loop() -> Iterator[None]:
    """Give the worker built inside a kombu event loop of its own.

    Celery's worker takes the process-wide current loop when there is one,
    so two thread workers would share a loop, and a shutdown sent to one
    could run in the other's thread.
    """
    from kombu.asynchronous import get_event_loop, set_event_loop

    saved = get_event_loop()
    set_event_loop(None)
    try:
        yield
    finally:
        set_event_loop(saved)


def start_child_worker(
    app_reference: str,
    broker_url: str,
    backend_url: str,
    queues: Sequence[str],
    folder: Path,
    *,
    concurrency: int = 2,
    pool: str = "prefork",
    env: Mapping[str, str] | None = None,
) -> ChildWorker:
    """Start ``celery worker`` in a child process and wait until it consumes."""
    folder.mkdir(parents=True, exist_ok=True)
    ready_file = folder / f"worker-{time.monotonic_ns()}.ready"
    log_path = ready_file.with_suffix(".log")
    argv = [
        sys.executable, "-m", "crucible_checks.parity.worker_main",
        "--app", app_reference,
        "--broker", broker_url,
        "--backend", backend_url,
        "--ready-file", str(ready_file),
        "--queues", ",".join(queues),
        "--pool", pool,
        "--concurrency", str(concurrency),
    ]  # fmt: skip
    worker = ChildWorker(
        spawn(argv, log_path, env), tuple(queues), log_path, ready_file
    )
    try:
        _wait_for_file(worker)
    except BaseException:
        worker.stop()
        raise
    return worker


def _wait_for_file(worker: ChildWorker) -> None:
    deadline = time.monotonic() + READY_TIMEOUT
    while time.monotonic() < deadline:
        if worker.ready_file.exists():
            return
        if worker.process.poll() is not None:
            raise ServiceStartError(
                f"Celery worker for queues {', '.join(worker.queues)} exited with "
                f"status {worker.process.returncode}:\n{log_tail(worker.log_path)}"
            )
        time.sleep(0.01)
    raise ServiceStartError(
        f"Celery worker for queues {', '.join(worker.queues)} was not ready within "
        f"{READY_TIMEOUT:g} s:\n{log_tail(worker.log_path)}"
    )
