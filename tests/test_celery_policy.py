"""Task policy checks (CEL201-CEL208) on before/after projects."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.celery_helpers import findings, write_project

HEADER = """
    from datetime import datetime, timedelta

    from celery import Celery
    from kombu import Queue

    app = Celery("pol", broker="BROKER")
    app.conf.broker_transport_options = {"visibility_timeout": 600}
"""


def _tasks(root: Path, body: str, broker: str = "redis://127.0.0.1:6379/0") -> Path:
    header = HEADER.replace("BROKER", broker)
    return write_project(root, {"tasks.py": header + body})


def test_time_limits_before(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _tasks(
        tmp_path,
        """
    @app.task(soft_time_limit=60, time_limit=30)
    def limits(x): ...

    @app.task(soft_time_limit=30, time_limit=30)
    def equal(x): ...
    """,
    )
    assert findings(capsys, tmp_path, "CEL201") == [
        "tasks.py:10:1: CEL201 task 'tasks.limits': soft_time_limit=60 is not below "
        "time_limit=30, so the worker process is killed as soon as "
        "SoftTimeLimitExceeded is raised and cleanup never finishes; set "
        "soft_time_limit lower",
        "tasks.py:13:1: CEL201 task 'tasks.equal': soft_time_limit=30 is not below "
        "time_limit=30, so the worker process is killed as soon as "
        "SoftTimeLimitExceeded is raised and cleanup never finishes; set "
        "soft_time_limit lower",
    ]


def test_time_limits_after(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _tasks(
        tmp_path,
        """
    @app.task(soft_time_limit=25, time_limit=30)
    def limits(x): ...

    @app.task(soft_time_limit=30)
    def soft_only(x): ...
    """,
    )
    assert findings(capsys, tmp_path, "CEL201") == []


def test_retry_without_bind_before(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _tasks(
        tmp_path,
        """
    @app.task
    def unbound(x):
        raise self.retry(countdown=5)
    """,
    )
    assert findings(capsys, tmp_path, "CEL202") == [
        "tasks.py:11:11: CEL202 task 'tasks.unbound' calls self.retry() without "
        "bind=True, so self is undefined; add bind=True and a first parameter self",
    ]


def test_retry_without_bind_after(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _tasks(
        tmp_path,
        """
    @app.task(bind=True)
    def bound(self, x):
        raise self.retry(countdown=5)

    @app.task
    def other(x):
        raise unbound_task.retry(countdown=5)
    """,
    )
    assert findings(capsys, tmp_path, "CEL202") == []


def test_bound_without_self_before(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _tasks(
        tmp_path,
        """
    @app.task(bind=True)
    def no_self():
        return 1

    @app.task(bind=True)
    def keyword_only(*, x):
        return x
    """,
    )
    assert findings(capsys, tmp_path, "CEL203") == [
        "tasks.py:10:1: CEL203 task 'tasks.no_self' has bind=True but no parameter "
        "for the task instance (); add self as the first parameter",
        "tasks.py:14:1: CEL203 task 'tasks.keyword_only' has bind=True but no "
        "parameter for the task instance (*, x); add self as the first parameter",
    ]


def test_bound_without_self_after(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _tasks(
        tmp_path,
        """
    @app.task(bind=True)
    def with_self(self):
        return 1

    @app.task(bind=True)
    def star_args(*args):
        return args
    """,
    )
    assert findings(capsys, tmp_path, "CEL203") == []


def test_backoff_without_autoretry_before(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _tasks(
        tmp_path,
        """
    @app.task(bind=True, retry_backoff=True, retry_jitter=True, max_retries=3)
    def manual(self, x):
        try:
            return x
        except OSError as exc:
            raise self.retry(exc=exc)

    @app.task(retry_backoff=5)
    def no_retry(x): ...
    """,
    )
    assert findings(capsys, tmp_path, "CEL204") == [
        "tasks.py:10:1: CEL204 task 'tasks.manual' sets retry_backoff, retry_jitter "
        "but it retries only through a manual retry(), which waits countdown or "
        "default_retry_delay instead; use autoretry_for=(...) with retry_backoff, "
        "or pass countdown= to retry()",
        "tasks.py:17:1: CEL204 task 'tasks.no_retry' sets retry_backoff but it has "
        "no autoretry_for, so they have no effect; use autoretry_for=(...) with "
        "retry_backoff, or pass countdown= to retry()",
    ]


def test_backoff_without_autoretry_after(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _tasks(
        tmp_path,
        """
    @app.task(autoretry_for=(OSError,), retry_backoff=True, retry_jitter=True)
    def automatic(x): ...

    @app.task(bind=True, retry_backoff=False)
    def manual(self, x):
        raise self.retry(countdown=2 ** self.request.retries)
    """,
    )
    assert findings(capsys, tmp_path, "CEL204") == []


def test_max_retries_unused_before(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _tasks(
        tmp_path,
        """
    @app.task(max_retries=5)
    def never(x):
        return x
    """,
    )
    assert findings(capsys, tmp_path, "CEL205") == [
        "tasks.py:10:1: CEL205 task 'tasks.never' sets max_retries but never "
        "retries (no autoretry_for, no retry() call); add autoretry_for or remove "
        "max_retries",
    ]


def test_max_retries_unused_after(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _tasks(
        tmp_path,
        """
    @app.task(max_retries=5, autoretry_for=(OSError,))
    def automatic(x): ...

    @app.task(bind=True, max_retries=5)
    def manual(self, x):
        raise self.retry()

    class Base(app.Task):
        autoretry_for = (OSError,)

    @app.task(base=Base, max_retries=5)
    def inherited(x): ...
    """,
    )
    assert findings(capsys, tmp_path, "CEL205") == []


DELAYS = """
    @app.task(bind=True, default_retry_delay=900)
    def slow(self, x):
        raise self.retry(countdown=1200)

    def produce():
        slow.apply_async((1,), countdown=7200)
        slow.apply_async((1,), eta=datetime.now() + timedelta(hours=2))
        slow.apply_async((1,), countdown=60)
"""


def test_delay_over_visibility_before(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _tasks(tmp_path, DELAYS)
    tail = (
        "is longer than the Redis visibility_timeout of 600 s, so the message is "
        "delivered again and the task runs twice; raise broker_transport_options"
        "['visibility_timeout'] or shorten the delay"
    )
    assert findings(capsys, tmp_path, "CEL206") == [
        f"tasks.py:10:1: CEL206 default_retry_delay=900 s {tail}",
        f"tasks.py:11:11: CEL206 retry countdown=1200 s {tail}",
        f"tasks.py:14:5: CEL206 countdown=7200 s {tail}",
        f"tasks.py:15:5: CEL206 eta=7200 s {tail}",
    ]


def test_delay_over_visibility_after(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _tasks(tmp_path, DELAYS)
    tasks = tmp_path / "tasks.py"
    tasks.write_text(tasks.read_text().replace('timeout": 600}', 'timeout": 7300}'))
    assert findings(capsys, tmp_path, "CEL206") == []


def test_delay_over_visibility_not_on_amqp(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _tasks(tmp_path, DELAYS, broker="amqp://127.0.0.1:5672//")
    assert findings(capsys, tmp_path, "CEL206") == []


PRIORITIES = """
    app.conf.task_queues = [Queue("high", queue_arguments={"x-max-priority": 10})]

    @app.task(priority=10)
    def urgent(x): ...

    def produce():
        urgent.apply_async((1,), priority=5)
        urgent.apply_async((1,), priority=9, queue="high")
"""


def test_redis_priority_before(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _tasks(tmp_path, PRIORITIES)
    assert findings(capsys, tmp_path, "CEL207") == [
        "tasks.py:9:1: CEL207 queue 'high' declares x-max-priority, a RabbitMQ "
        "argument that a Redis broker ignores; on Redis 0 is the most urgent "
        "priority",
        "tasks.py:12:1: CEL207 priority=10 on a Redis broker is handled as 9 (steps "
        "0, 3, 6, 9; 0 is the most urgent, unlike RabbitMQ); use one of the steps",
        "tasks.py:15:5: CEL207 priority=5 on a Redis broker is handled as 3 (steps "
        "0, 3, 6, 9; 0 is the most urgent, unlike RabbitMQ); use one of the steps",
    ]


def test_redis_priority_after(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    fixed = PRIORITIES.replace(', queue_arguments={"x-max-priority": 10}', "")
    fixed = fixed.replace("priority=10", "priority=0").replace(
        "priority=5", "priority=6"
    )
    _tasks(tmp_path, fixed)
    assert findings(capsys, tmp_path, "CEL207") == []


def test_amqp_priority_before(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _tasks(tmp_path, PRIORITIES, broker="amqp://127.0.0.1:5672//")
    assert findings(capsys, tmp_path, "CEL208") == [
        "tasks.py:12:1: CEL208 priority=10 goes to queue 'celery', which is "
        "declared without x-max-priority, so RabbitMQ ignores it; declare the "
        "queue with queue_arguments={'x-max-priority': 10} or set "
        "task_queue_max_priority",
        "tasks.py:15:5: CEL208 priority=5 goes to queue 'celery', which is "
        "declared without x-max-priority, so RabbitMQ ignores it; declare the "
        "queue with queue_arguments={'x-max-priority': 10} or set "
        "task_queue_max_priority",
    ]


def test_amqp_priority_after(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    fixed = PRIORITIES.replace(
        "app.conf.task_queues", "app.conf.task_queue_max_priority = 10\n    x"
    )
    _tasks(tmp_path, fixed, broker="amqp://127.0.0.1:5672//")
    assert findings(capsys, tmp_path, "CEL208") == []


def test_amqp_priority_on_declared_queue(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    declared = PRIORITIES.replace("@app.task(priority=10)", '@app.task(queue="high")')
    declared = declared.replace("(1,), priority=5", "(1,), priority=5, queue='high'")
    _tasks(tmp_path, declared, broker="amqp://127.0.0.1:5672//")
    assert findings(capsys, tmp_path, "CEL208") == []
