"""The task policy rules checked against the installed Celery on a real worker.

Each test runs real tasks on a real worker, so a rule that stops being true
for the installed Celery fails here. The broker is Redis at 127.0.0.1:6379, on
a private database number that is flushed before and after, or RabbitMQ at
127.0.0.1:5672. Limits and delays are a few seconds at most.
"""

from __future__ import annotations

import os
import socket
import sys
import textwrap
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from crucible_checks.parity.celery_worker import (
    configure_app,
    start_child_worker,
    start_thread_worker,
)
from tests.conftest import skip_unless

celery = pytest.importorskip("celery")
redis = pytest.importorskip("redis")
from celery.exceptions import TimeLimitExceeded  # noqa: E402  (after the skip)

#: One database per xdist worker (up to four): a worker with a short
#: visibility timeout restores the unacknowledged messages of every worker on
#: its database. Queue and key names are new in each test, so nothing is
#: flushed and another test run on the same Redis leaves them alone.
_WORKER = os.environ.get("PYTEST_XDIST_WORKER", "gw0").removeprefix("gw")
REDIS_DB = 9 + int(_WORKER or 0) % 4  # 9 to 12; the queue tests use 13.
REDIS_URL = f"redis://127.0.0.1:6379/{REDIS_DB}"
AMQP_URL = "amqp://guest:guest@127.0.0.1:5672//"
#: kombu's separator between a Redis queue name and its priority step.
PRIORITY_SEPARATOR = "\x06\x16"


def _reachable(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1):
            return True
    except OSError:
        return False


@pytest.fixture
def redis_client() -> Iterator[Any]:
    skip_unless(_reachable(6379), "Redis is not running on 127.0.0.1:6379")
    client = redis.Redis.from_url(REDIS_URL)
    yield client
    client.close()


def _app(broker: str = REDIS_URL, **settings: Any) -> Any:
    app = celery.Celery(f"policy{uuid.uuid4().hex[:8]}")
    configure_app(app, broker, REDIS_URL)
    app.conf.update(task_default_queue=f"q{uuid.uuid4().hex[:8]}", **settings)
    return app


@pytest.fixture
def thread_worker() -> Iterator[Callable[..., Any]]:
    """Start thread-pool workers for an app; every one is stopped at teardown."""
    started: list[Any] = []

    def start(app: Any, concurrency: int = 2) -> Any:
        worker = start_thread_worker(
            app, [app.conf.task_default_queue], concurrency=concurrency
        )
        started.append(worker)
        return worker

    yield start
    for worker in started:
        worker.stop()


class Attempts:
    """Times at which a task body started, recorded from worker threads."""

    def __init__(self) -> None:
        self.times: list[float] = []
        self.lock = threading.Lock()

    def record(self) -> int:
        with self.lock:
            self.times.append(time.monotonic())
            return len(self.times)

    def wait_for(self, count: int, timeout: float) -> list[float]:
        deadline = time.monotonic() + timeout
        while len(self.times) < count and time.monotonic() < deadline:
            time.sleep(0.02)
        return list(self.times)


# CEL204: retry_backoff shapes autoretry_for only -----------------------------


def test_manual_retry_ignores_backoff(
    redis_client: Any, thread_worker: Callable[..., Any]
) -> None:
    app = _app()
    manual_attempts, automatic_attempts = Attempts(), Attempts()
    options = {"retry_backoff": 3, "retry_jitter": False, "max_retries": 1}

    @app.task(bind=True, default_retry_delay=1, **options)
    def manual(self: Any) -> None:
        manual_attempts.record()
        raise self.retry(exc=OSError("temporary"))

    @app.task(autoretry_for=(OSError,), **options)
    def automatic() -> None:
        automatic_attempts.record()
        raise OSError("temporary")

    thread_worker(app)
    manual.delay()
    automatic.delay()
    manual_times = manual_attempts.wait_for(2, timeout=10)
    automatic_times = automatic_attempts.wait_for(2, timeout=10)
    assert len(manual_times) == 2
    assert len(automatic_times) == 2
    # The manual retry waits default_retry_delay (1 s), not the 3 s backoff.
    assert 0.8 <= manual_times[1] - manual_times[0] < 2.5
    assert automatic_times[1] - automatic_times[0] >= 2.8


# CEL202 and CEL203: bind and the first parameter -----------------------------


def test_retry_without_bind_fails(
    redis_client: Any, thread_worker: Callable[..., Any]
) -> None:
    app = _app()
    source = "def unbound(x):\n    raise self.retry(countdown=1)\n"
    namespace: dict[str, Any] = {}
    # Compiled from text, so linters accept the undefined name self.
    exec(compile(source, "tasks.py", "exec"), namespace)
    unbound = app.task(namespace["unbound"])

    @app.task(bind=True, max_retries=1, default_retry_delay=0)
    def bound(self: Any, x: int) -> int:
        if self.request.retries == 0:
            raise self.retry()
        return self.request.retries

    thread_worker(app)
    with pytest.raises(NameError, match="name 'self' is not defined"):
        unbound.delay(1).get(timeout=10)
    assert bound.delay(1).get(timeout=10) == 1


def test_bound_task_without_self_fails(
    redis_client: Any, thread_worker: Callable[..., Any]
) -> None:
    app = _app()

    @app.task(bind=True)
    def no_self() -> int:
        return 1

    @app.task(bind=True)
    def keyword_only(*, x: int) -> int:
        return x

    @app.task(bind=True)
    def with_self(self: Any) -> int:
        return 1

    thread_worker(app)
    with pytest.raises(TypeError, match="takes 0 positional arguments but 1"):
        no_self.delay().get(timeout=10)
    with pytest.raises(TypeError, match="takes 0 positional arguments but 1"):
        keyword_only.delay(x=1).get(timeout=10)
    assert with_self.delay().get(timeout=10) == 1


# CEL205: max_retries without a way to retry ----------------------------------


def test_max_retries_alone_runs_once(
    redis_client: Any, thread_worker: Callable[..., Any]
) -> None:
    app = _app()
    attempts = Attempts()

    @app.task(max_retries=3, default_retry_delay=0)
    def never() -> None:
        attempts.record()
        raise OSError("temporary")

    thread_worker(app)
    with pytest.raises(OSError, match="temporary"):
        never.delay().get(timeout=10)
    time.sleep(0.5)
    assert len(attempts.times) == 1


# CEL206: delays beyond the Redis visibility_timeout --------------------------


def test_countdown_over_visibility_runs_twice(
    redis_client: Any, thread_worker: Callable[..., Any]
) -> None:
    # The transport looks for unacknowledged messages every second here; by
    # default it does so every 10 * 10 s, which only delays the redelivery.
    app = _app(
        broker_transport_options={
            "visibility_timeout": 2,
            "unacked_restore_interval": 1,
            "unacked_restore_throttle": 1,
        }
    )
    over, under = Attempts(), Attempts()

    @app.task
    def late() -> None:
        over.record()

    @app.task
    def soon() -> None:
        under.record()

    thread_worker(app)
    late.apply_async(countdown=4)
    soon.apply_async(countdown=1)
    times = over.wait_for(2, timeout=10)
    assert len(times) >= 2
    assert len(under.times) == 1


# CEL207: Redis priority steps ------------------------------------------------


def test_redis_priority_steps(redis_client: Any) -> None:
    app = _app()
    queue = app.conf.task_default_queue

    @app.task
    def job() -> None:
        return None

    for priority in (0, 2, 3, 5, 9, 10):
        job.apply_async(priority=priority)
    lengths = {
        key.decode(): redis_client.llen(key)
        for key in redis_client.keys(f"{queue}*")
        if redis_client.type(key) == b"list"
    }
    assert lengths == {
        queue: 2,  # 0 and 2
        f"{queue}{PRIORITY_SEPARATOR}3": 2,  # 3 and 5
        f"{queue}{PRIORITY_SEPARATOR}9": 2,  # 9 and 10
    }


def test_redis_priority_zero_runs_first(
    redis_client: Any, thread_worker: Callable[..., Any]
) -> None:
    app = _app(worker_prefetch_multiplier=1)
    order: list[int] = []

    @app.task
    def job(priority: int) -> None:
        order.append(priority)

    for priority in (9, 6, 3, 0):
        job.apply_async((priority,), priority=priority)
    thread_worker(app, concurrency=1)
    deadline = time.monotonic() + 10
    while len(order) < 4 and time.monotonic() < deadline:
        time.sleep(0.02)
    assert order == [0, 3, 6, 9]


# CEL208: RabbitMQ ignores priorities without x-max-priority ------------------

PRIORITY_APP = """
import redis
from celery import Celery

app = Celery("priorities")
app.conf.update(
    task_default_queue="{queue}",
    task_queue_max_priority={max_priority},
    worker_prefetch_multiplier=1,
)
order = redis.Redis.from_url("{redis_url}")


@app.task
def job(priority):
    order.rpush("{order_key}", priority)
"""


@pytest.mark.parametrize(
    ("max_priority", "expected"),
    [(None, [b"1", b"5", b"9"]), (10, [b"9", b"5", b"1"])],
    ids=["plain-queue", "x-max-priority"],
)
def test_rabbitmq_priority_needs_max_priority(
    redis_client: Any, tmp_path: Path, max_priority: int | None, expected: list[bytes]
) -> None:
    skip_unless(_reachable(5672), "RabbitMQ is not running on 127.0.0.1:5672")
    queue = f"q{uuid.uuid4().hex[:8]}"
    order_key = f"order-{queue}"
    source = PRIORITY_APP.format(
        queue=queue,
        max_priority=max_priority,
        redis_url=REDIS_URL,
        order_key=order_key,
    )
    app, module = _import_app(tmp_path, "priorities", source)
    configure_app(app, AMQP_URL, REDIS_URL)
    # Declare the queue with its arguments before the first publish.
    with app.connection_for_write() as connection:
        app.amqp.queues[queue].bind(connection).declare()
    try:
        for priority in (1, 5, 9):
            app.send_task(f"{module}.job", args=(priority,), priority=priority)
        worker = _child_worker(tmp_path, module, AMQP_URL, queue)
        try:
            # A prefork worker takes a few seconds to start on a loaded machine;
            # the loop ends as soon as the three jobs are done.
            deadline = time.monotonic() + 40
            while redis_client.llen(order_key) < 3 and time.monotonic() < deadline:
                time.sleep(0.02)
        finally:
            worker.stop()
    finally:
        with app.connection_for_write() as connection:
            app.amqp.queues[queue].bind(connection).delete()
    assert redis_client.lrange(order_key, 0, -1) == expected


def _import_app(tmp_path: Path, prefix: str, source: str) -> tuple[Any, str]:
    """Write ``source`` as a new module under ``tmp_path`` and return its app."""
    module = f"{prefix}_{uuid.uuid4().hex[:8]}"
    (tmp_path / f"{module}.py").write_text(textwrap.dedent(source))
    sys.path.insert(0, str(tmp_path))
    try:
        return __import__(module).app, module
    finally:
        sys.path.remove(str(tmp_path))


def _child_worker(tmp_path: Path, module: str, broker: str, queue: str) -> Any:
    return start_child_worker(
        f"{module}:app",
        broker,
        REDIS_URL,
        [queue],
        tmp_path / "worker",
        concurrency=1,
        env={**os.environ, "PYTHONPATH": str(tmp_path)},
    )


# CEL201: the soft time limit, on the prefork pool ----------------------------

LIMITS_APP = """
import time

import redis
from celery import Celery
from celery.exceptions import SoftTimeLimitExceeded

app = Celery("limits")
marks = redis.Redis.from_url("{redis_url}")


@app.task(soft_time_limit={soft}, time_limit={hard})
def sleeper(key):
    try:
        time.sleep(5)
    except SoftTimeLimitExceeded:
        time.sleep(0.3)
        marks.set(key, "cleaned up")
        return "cleaned up"
    return "finished"
"""


@pytest.mark.parametrize(
    ("soft", "hard", "killed_after"),
    [(2.0, 1.0, 2.0), (1.0, 1.0, 1.0), (0.5, 3.0, None)],
    ids=["soft-above-hard", "soft-equal-hard", "soft-below-hard"],
)
def test_soft_limit_needs_time_before_hard(
    redis_client: Any,
    tmp_path: Path,
    soft: float,
    hard: float,
    killed_after: float | None,
) -> None:
    source = LIMITS_APP.format(redis_url=REDIS_URL, soft=soft, hard=hard)
    app, module = _import_app(tmp_path, "limits", source)
    configure_app(app, REDIS_URL, REDIS_URL)
    queue = f"q{uuid.uuid4().hex[:8]}"
    mark = f"mark-{queue}"
    app.conf.task_default_queue = queue
    worker = _child_worker(tmp_path, module, REDIS_URL, queue)
    try:
        started = time.monotonic()
        # send_task, because Celery 5.7's apply_async itself rejects a task
        # whose soft limit is above its hard limit (tested below).
        result = app.send_task(f"{module}.sleeper", args=(mark,))
        if killed_after is None:
            assert result.get(timeout=10) == "cleaned up"
            assert redis_client.get(mark) == b"cleaned up"
            return
        with pytest.raises(TimeLimitExceeded):
            result.get(timeout=10)
        elapsed = time.monotonic() - started
    finally:
        worker.stop()
    # The prefork pool starts the hard timer only when the soft limit fires,
    # for the remaining hard - soft seconds, so the process is killed at once.
    assert redis_client.get(mark) is None
    assert elapsed >= killed_after - 0.1


def test_apply_async_rejects_soft_above_hard() -> None:
    app = _app()

    @app.task(soft_time_limit=2, time_limit=1)
    def sleeper() -> None:
        return None

    message = "soft_time_limit must be less than or equal to time_limit"
    with pytest.raises(ValueError, match=message):
        sleeper.delay()
