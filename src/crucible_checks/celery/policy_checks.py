"""Task policy: option combinations that do not do what their author meant.

Each rule is checked against a real worker in the tests (Celery 5.7, kombu
5.7), so the rule states what the installed Celery does.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from crucible_checks.celery.base import IndexCheck, finding
from crucible_checks.celery.rules import (
    AMQP_NO_MAX_PRIORITY,
    BACKOFF_WITHOUT_AUTORETRY,
    BOUND_WITHOUT_SELF,
    DELAY_OVER_VISIBILITY,
    MAX_RETRIES_UNUSED,
    REDIS_PRIORITY,
    RETRY_WITHOUT_BIND,
    TIME_LIMITS,
)
from crucible_checks.checks import CheckInfo
from crucible_checks.findings import Finding
from crucible_checks.project import Project

if TYPE_CHECKING:
    from crucible_checks.celery.index import TaskIndex
    from crucible_checks.celery.model import Task, Value

#: kombu 5.7's Redis transport groups priorities into these steps (0 is most urgent).
REDIS_PRIORITY_STEPS = (0, 3, 6, 9)
_BACKOFF_OPTIONS = ("retry_backoff", "retry_jitter", "retry_backoff_max")


def _number(value: Value) -> float | None:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return float(value)
    return None


def _function_tasks(index: TaskIndex) -> Iterator[Task]:
    return (task for task in index.tasks if task.kind == "function")


def time_limits(
    project: Project, index: TaskIndex, check: CheckInfo
) -> Iterator[Finding]:
    for task in index.tasks:
        soft = _number(task.option("soft_time_limit"))
        hard = _number(task.option("time_limit"))
        if soft is not None and hard is not None and soft >= hard:
            yield finding(
                check,
                task.path,
                task.line,
                task.column,
                f"task {task.display_name!r}: soft_time_limit={soft:g} is not below "
                f"time_limit={hard:g}, so the worker process is killed as soon as "
                "SoftTimeLimitExceeded is raised and cleanup never finishes; set "
                "soft_time_limit lower",
                task.display_name,
            )


def retry_without_bind(
    project: Project, index: TaskIndex, check: CheckInfo
) -> Iterator[Finding]:
    for task in _function_tasks(index):
        if task.bind or task.signature.get("self") is not None:
            continue
        for call in task.retry_calls:
            if call.receiver == "self":
                yield finding(
                    check,
                    task.path,
                    call.line,
                    call.column,
                    f"task {task.display_name!r} calls self.retry() without "
                    "bind=True, so self is undefined; add bind=True and a first "
                    "parameter self",
                    task.display_name,
                )


def bound_without_self(
    project: Project, index: TaskIndex, check: CheckInfo
) -> Iterator[Finding]:
    for task in _function_tasks(index):
        if (
            task.bind
            and task.first_parameter is None
            and not task.signature.var_positional
        ):
            yield finding(
                check,
                task.path,
                task.line,
                task.column,
                f"task {task.display_name!r} has bind=True but no parameter for the "
                f"task instance {task.signature.render()}; add self as the first "
                "parameter",
                task.display_name,
            )


def _uses_base(task: Task) -> bool:
    return task.option("base") is not None or not task.options_complete


def backoff_without_autoretry(
    project: Project, index: TaskIndex, check: CheckInfo
) -> Iterator[Finding]:
    for task in index.tasks:
        if task.option("autoretry_for") or _uses_base(task):
            continue
        set_options = [
            name
            for name in _BACKOFF_OPTIONS
            if name in task.options and task.options[name] not in (False, None)
        ]
        if not set_options:
            continue
        how = (
            "it retries only through a manual retry(), which waits countdown or "
            "default_retry_delay instead"
            if task.retry_calls
            else "it has no autoretry_for, so they have no effect"
        )
        yield finding(
            check,
            task.path,
            task.line,
            task.column,
            f"task {task.display_name!r} sets {', '.join(set_options)} but {how}; "
            "use autoretry_for=(...) with retry_backoff, or pass countdown= to "
            "retry()",
            task.display_name,
        )


def max_retries_unused(
    project: Project, index: TaskIndex, check: CheckInfo
) -> Iterator[Finding]:
    for task in index.tasks:
        if "max_retries" not in task.options or _uses_base(task):
            continue
        if task.option("autoretry_for") or task.retry_calls:
            continue
        yield finding(
            check,
            task.path,
            task.line,
            task.column,
            f"task {task.display_name!r} sets max_retries but never retries (no "
            "autoretry_for, no retry() call); add autoretry_for or remove "
            "max_retries",
            task.display_name,
        )


def delays_over_visibility(
    project: Project, index: TaskIndex, check: CheckInfo
) -> Iterator[Finding]:
    config = index.config
    if not config.is_redis:
        return
    limit = config.visibility_timeout
    for path, line, column, what, subject in _delays(index):
        seconds = _number(what[1])
        if seconds is not None and seconds > limit:
            yield finding(
                check,
                path,
                line,
                column,
                f"{what[0]}={seconds:g} s is longer than the Redis "
                f"visibility_timeout of {limit:g} s, so the message is delivered "
                "again and the task runs twice; raise broker_transport_options"
                "['visibility_timeout'] or shorten the delay",
                subject,
            )


def _delays(index: TaskIndex) -> Iterator[tuple[str, int, int, tuple[str, Value], str]]:
    for call in index.calls:
        if "countdown" in call.options:
            yield (
                call.path,
                call.line,
                call.column,
                ("countdown", call.options["countdown"]),
                call.target,
            )
        if call.eta_offset is not None:
            where = (call.path, call.line, call.column)
            yield (*where, ("eta", call.eta_offset), call.target)
    for task in index.tasks:
        for option in ("default_retry_delay", "retry_backoff_max"):
            if option in task.options:
                yield (
                    task.path,
                    task.line,
                    task.column,
                    (option, task.options[option]),
                    task.display_name,
                )
        for retry in task.retry_calls:
            yield (
                task.path,
                retry.line,
                retry.column,
                ("retry countdown", retry.countdown),
                task.display_name,
            )


def _priorities(
    index: TaskIndex,
) -> Iterator[tuple[str, int, int, Value, str | None, str]]:
    """Yield each priority set in source with the queue it goes to, if known."""
    for task in index.tasks:
        if "priority" in task.options:
            queue = task.option("queue")
            yield (
                task.path,
                task.line,
                task.column,
                task.options["priority"],
                (queue if isinstance(queue, str) else None),
                task.display_name,
            )
    for call in index.calls:
        if "priority" in call.options:
            queue = call.options.get("queue")
            called = index.task_for_call(call)
            if not isinstance(queue, str) and called is not None:
                task_queue = called.option("queue")
                queue = task_queue if isinstance(task_queue, str) else None
            yield (
                call.path,
                call.line,
                call.column,
                call.options["priority"],
                (queue if isinstance(queue, str) else None),
                call.target,
            )


def redis_priorities(
    project: Project, index: TaskIndex, check: CheckInfo
) -> Iterator[Finding]:
    config = index.config
    if not config.is_redis:
        return
    for path, line, column, value, _queue, subject in _priorities(index):
        number = _number(value)
        if number is None or number in REDIS_PRIORITY_STEPS:
            continue
        step = max(s for s in REDIS_PRIORITY_STEPS if s <= max(number, 0))
        yield finding(
            check,
            path,
            line,
            column,
            f"priority={number:g} on a Redis broker is handled as {step} (steps "
            f"{', '.join(map(str, REDIS_PRIORITY_STEPS))}; 0 is the most urgent, "
            "unlike RabbitMQ); use one of the steps",
            f"{subject}:{number:g}",
        )
    for queue in config.queues:
        if "x-max-priority" in queue.arguments:
            yield finding(
                check,
                _queue_path(index),
                queue.line,
                1,
                f"queue {queue.name!r} declares x-max-priority, a RabbitMQ "
                "argument that a Redis broker ignores; on Redis 0 is the most "
                "urgent priority",
                f"queue:{queue.name}",
            )


def _queue_path(index: TaskIndex) -> str:
    fact = index.config.setting("task_queues")
    return fact.path if fact else ""


def amqp_priorities(
    project: Project, index: TaskIndex, check: CheckInfo
) -> Iterator[Finding]:
    config = index.config
    if not config.is_amqp or config.setting("task_queue_max_priority") is not None:
        return
    declared = {q.name: q for q in config.queues if isinstance(q.name, str)}
    for path, line, column, value, queue, subject in _priorities(index):
        name = queue or config.default_queue
        declaration = declared.get(name)
        if declaration is not None and "x-max-priority" in declaration.arguments:
            continue
        if _number(value) is None:
            continue
        yield finding(
            check,
            path,
            line,
            column,
            f"priority={value} goes to queue {name!r}, which is declared without "
            "x-max-priority, so RabbitMQ ignores it; declare the queue with "
            "queue_arguments={'x-max-priority': 10} or set task_queue_max_priority",
            f"{subject}:{name}",
        )


class SoftTimeLimitNotBelowTimeLimit(IndexCheck):
    info = TIME_LIMITS

    def findings(self, project: Project, index: TaskIndex) -> Iterator[Finding]:
        return time_limits(project, index, self.info)


class RetryWithoutBind(IndexCheck):
    info = RETRY_WITHOUT_BIND

    def findings(self, project: Project, index: TaskIndex) -> Iterator[Finding]:
        return retry_without_bind(project, index, self.info)


class BoundTaskWithoutSelf(IndexCheck):
    info = BOUND_WITHOUT_SELF

    def findings(self, project: Project, index: TaskIndex) -> Iterator[Finding]:
        return bound_without_self(project, index, self.info)


class BackoffWithoutAutoretry(IndexCheck):
    info = BACKOFF_WITHOUT_AUTORETRY

    def findings(self, project: Project, index: TaskIndex) -> Iterator[Finding]:
        return backoff_without_autoretry(project, index, self.info)


class MaxRetriesWithoutRetry(IndexCheck):
    info = MAX_RETRIES_UNUSED

    def findings(self, project: Project, index: TaskIndex) -> Iterator[Finding]:
        return max_retries_unused(project, index, self.info)


class DelayExceedsVisibilityTimeout(IndexCheck):
    info = DELAY_OVER_VISIBILITY

    def findings(self, project: Project, index: TaskIndex) -> Iterator[Finding]:
        return delays_over_visibility(project, index, self.info)


class RedisPriorityScale(IndexCheck):
    info = REDIS_PRIORITY

    def findings(self, project: Project, index: TaskIndex) -> Iterator[Finding]:
        return redis_priorities(project, index, self.info)


class QueueWithoutMaxPriority(IndexCheck):
    info = AMQP_NO_MAX_PRIORITY

    def findings(self, project: Project, index: TaskIndex) -> Iterator[Finding]:
        return amqp_priorities(project, index, self.info)
