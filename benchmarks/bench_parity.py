"""Parity fixtures: service start-up, per-test overhead and parity job rates.

Runs the fixed example project (examples/crucible-platform-fixed) in this
process: a private redis-server, the Celery worker thread the fixtures use
(threads pool, 8 threads) and the project's legacy BRPOP loop in a child.

Rows:
- time to a ready redis-server (answers INFO with its own pid);
- time to a ready worker (until it consumes; the stop is not timed): the
  thread worker, and a prefork child worker;
- per-test overhead: the work the function-scoped fixtures do per test
  (empty the database, build the runner);
- parity jobs (legacy and Celery, compared) with 1 and 8 jobs in flight;
- Celery jobs alone with 8 in flight, for our thread worker and for
  celery.contrib.testing's ``start_worker``, which is what the
  ``celery_worker`` fixture of celery.contrib.pytest runs (solo pool).
  pytest-celery is not measured: it starts brokers and workers in Docker
  containers, and Docker is not available on the benchmark machine.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import harness

EXAMPLE = harness.REPO_ROOT / "examples" / "crucible-platform-fixed"
TASK = "app.tasks.evaluate_code"


def _timed(function: Callable[[], Any], repeat: int) -> list[float]:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return times


def _timed_start(start_worker: Callable[[], Any], repeat: int) -> list[float]:
    """Time each start until the worker consumes; stop it outside the timing."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        worker = start_worker()
        times.append(time.perf_counter() - start)
        worker.stop()
    return times


def _redis_rows(folder: Path, repeat: int) -> list[dict[str, Any]]:
    from crucible_checks.parity.redis_server import start_redis

    def start_and_stop() -> None:
        start_redis(folder / f"r{time.monotonic_ns()}").stop()

    times = _timed(start_and_stop, repeat)
    note = "start until INFO answers with the child's pid, plus stop"
    return [
        harness.row("parity: redis ready", "crucible-checks", 1, times=times, note=note)
    ]


def _jobs(count: int) -> list[dict[str, Any]]:
    return [{"code": f"{n} * {n}", "language": "arith"} for n in range(count)]


def run(quick: bool) -> list[dict[str, Any]]:
    repeat = 3 if quick else 5
    jobs = 80 if quick else 400
    sys.path.insert(0, str(EXAMPLE))
    folder = Path(tempfile.mkdtemp(dir=harness.work_dir("parity")))
    rows = _redis_rows(folder, repeat)
    from crucible_checks.parity.redis_server import start_redis

    server = start_redis(folder / "main")
    url = f"{server.url}/0"
    for name in ("REDIS_URL", "CELERY_BROKER_URL", "CELERY_RESULT_BACKEND"):
        os.environ[name] = url
    try:
        rows += _service_rows(url, folder, repeat, jobs)
    finally:
        server.stop()
    return rows


def _service_rows(
    url: str, folder: Path, repeat: int, jobs: int
) -> list[dict[str, Any]]:
    import redis
    from app import app

    from crucible_checks.parity.celery_worker import (
        configure_app,
        start_child_worker,
        start_thread_worker,
    )

    configure_app(app, url, url)
    client = redis.Redis.from_url(url)
    rows = []
    thread_times = _timed_start(lambda: start_thread_worker(app, ["spare"]), repeat)
    rows.append(
        harness.row(
            "parity: worker ready",
            "crucible-checks thread",
            1,
            times=thread_times,
            note="start until consuming",
        )
    )
    env = {**os.environ, "PYTHONPATH": str(EXAMPLE)}
    child_times = _timed_start(
        lambda: start_child_worker("app:app", url, url, ["spare"], folder, env=env),
        max(1, repeat // 2),
    )
    rows.append(
        harness.row(
            "parity: worker ready",
            "crucible-checks prefork",
            1,
            times=child_times,
            note="child process, 2 pool processes",
        )
    )
    rows += _job_rows(app, client, url, folder, repeat, jobs)
    return rows


def _job_rows(
    app: Any, client: Any, url: str, folder: Path, repeat: int, jobs: int
) -> list[dict[str, Any]]:
    from celery.contrib.testing.worker import start_worker

    from crucible_checks.parity.celery_worker import start_thread_worker
    from crucible_checks.parity.compare import CompareOptions
    from crucible_checks.parity.fixtures import _clear
    from crucible_checks.parity.legacy_worker import start_legacy_worker
    from crucible_checks.parity.runner import ParityRunner
    from crucible_checks.parity.spec import ParitySpec

    spec = ParitySpec(
        task=TASK,
        legacy_queue="evaluation_queue",
        result_key="evaluation:{eval_id}:result",
        task_args=("eval_id", "code", "language"),
        task_queue="normal",
        job_id_field="eval_id",
        compare=CompareOptions(ignore=("duration_ms", "finished_at")),
    )
    env = {**os.environ, "PYTHONPATH": str(EXAMPLE)}
    legacy = start_legacy_worker("app.legacy_worker:main", folder, env, client)
    worker = start_thread_worker(app, ["normal"], concurrency=8)
    rows = []
    try:

        def setup() -> None:
            _clear(client)
            ParityRunner(spec, client, app, legacy, worker.queues)

        rows.append(
            harness.row(
                "parity: per-test overhead",
                "crucible-checks",
                1,
                times=_timed(setup, repeat * 20),
                note="function-scoped fixture work; services are per session",
            )
        )
        runner = ParityRunner(spec, client, app, legacy, worker.queues)
        for in_flight in (1, 8):
            times = _timed(
                lambda n=in_flight: _all_equal(
                    runner.run_cases(_jobs(jobs), in_flight=n)
                ),
                repeat,
            )
            rate = jobs / min(times)
            rows.append(
                harness.row(
                    f"parity: jobs, {in_flight} in flight",
                    "crucible-checks",
                    jobs,
                    times=times,
                    unit="jobs",
                    note=f"{rate:.0f} parity jobs/s at best",
                )
            )
        rows.append(_celery_only("crucible-checks thread worker", app, jobs, repeat))
    finally:
        worker.stop()
        legacy.stop()
    with start_worker(app, queues=["normal"], perform_ping_check=False):
        rows.append(
            _celery_only("celery.contrib.pytest celery_worker", app, jobs, repeat)
        )
    return rows


def _all_equal(outcomes: list[Any]) -> None:
    unequal = [outcome.case_id for outcome in outcomes if not outcome.equal]
    if unequal:
        raise harness.BenchmarkError(f"parity jobs differ: {unequal[:5]}")


def _celery_only(tool: str, app: Any, jobs: int, repeat: int) -> dict[str, Any]:
    def send_all() -> None:
        for start in range(0, jobs, 8):
            results = [
                app.send_task(TASK, args=[str(n), "2 + 2", "arith"], queue="normal")
                for n in range(start, min(start + 8, jobs))
            ]
            for result in results:
                result.get(timeout=30)

    times = _timed(send_all, repeat)
    return harness.row(
        "parity: celery jobs, 8 in flight",
        tool,
        jobs,
        times=times,
        unit="jobs",
        note=f"{jobs / min(times):.0f} jobs/s at best",
    )


if __name__ == "__main__":
    for result in run(quick="--quick" in sys.argv):
        print(result)
