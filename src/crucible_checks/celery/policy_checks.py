"""Task policy: option combinations that do not do what their author meant.

Each rule is checked against a real worker in the tests (Celery 5.7, kombu
5.7), so the rule states what the installed Celery does.
"""

from __future__ import annotations

from collections.abc import Iterator

from crucible_checks.celery.base import IndexCheck, finding, info
from crucible_checks.celery.index import TaskIndex
from crucible_checks.celery.model import Task, Value
from crucible_checks.checks import CheckInfo
from crucible_checks.findings import Finding, Severity
from crucible_checks.project import Project

#: kombu 5.7's Redis transport groups priorities into these steps (0 is most urgent).
REDIS_PRIORITY_STEPS = (0, 3, 6, 9)
_BACKOFF_OPTIONS = ("retry_backoff", "retry_jitter", "retry_backoff_max")

TIME_LIMITS = info(
    "CEL201",
    "soft-time-limit-not-below-time-limit",
    "soft_time_limit is not below time_limit, so cleanup after the soft limit "
    "gets no time.",
    "In Celery 5.7 the prefork pool, the only pool that enforces time limits, "
    "starts the hard timer when the soft limit fires and gives it the remaining "
    "`time_limit - soft_time_limit` seconds. With a soft limit at or above the "
    "hard one, the process is killed right after `SoftTimeLimitExceeded` is "
    "raised, so the cleanup code never finishes, and the task runs until "
    "`soft_time_limit`, past `time_limit`. A soft limit above the hard one also "
    "makes `apply_async` and `delay` raise ValueError in the producer.",
    "@app.task(soft_time_limit=600, time_limit=300)",
    "@app.task(soft_time_limit=300, time_limit=600)",
)
RETRY_WITHOUT_BIND = info(
    "CEL202",
    "retry-without-bind",
    "self.retry() in a task that is not bound.",
    "Without `bind=True` the task does not receive its task instance, so "
    "`self` is not defined and `self.retry()` raises NameError instead of "
    "retrying.",
    "@app.task\ndef fetch(url):\n    raise self.retry()",
    "@app.task(bind=True)\ndef fetch(self, url):\n    raise self.retry()",
)
BOUND_WITHOUT_SELF = info(
    "CEL203",
    "bound-task-without-self",
    "A bound task has no parameter to receive the task instance.",
    "With `bind=True` Celery passes the task instance as the first argument; a "
    "function without a positional parameter fails with TypeError on every call.",
    "@app.task(bind=True)\ndef cleanup(): ...",
    "@app.task(bind=True)\ndef cleanup(self): ...",
)
BACKOFF_WITHOUT_AUTORETRY = info(
    "CEL204",
    "backoff-without-autoretry",
    "retry_backoff or retry_jitter on a task without autoretry_for.",
    "`retry_backoff`, `retry_backoff_max` and `retry_jitter` shape only the "
    "automatic retries of `autoretry_for`. A manual `self.retry()` waits "
    "`countdown` or `default_retry_delay` (180 s) instead, so the backoff never "
    "happens.",
    "@app.task(bind=True, retry_backoff=True, retry_jitter=True)\n"
    "def evaluate_code(self, eval_id):\n    raise self.retry(exc=exc)",
    "@app.task(autoretry_for=(TemporaryError,), retry_backoff=True)\n"
    "def evaluate_code(eval_id): ...",
    severity=Severity.WARNING,
)
MAX_RETRIES_UNUSED = info(
    "CEL205",
    "max-retries-without-retry",
    "max_retries on a task that never retries.",
    "`max_retries` limits `self.retry()` and `autoretry_for`; a task with "
    "neither runs once, whatever the limit says.",
    "@app.task(max_retries=3)\ndef send(to): ...",
    "@app.task(max_retries=3, autoretry_for=(SMTPError,))\ndef send(to): ...",
    severity=Severity.WARNING,
)
DELAY_OVER_VISIBILITY = info(
    "CEL206",
    "delay-exceeds-visibility-timeout",
    "A countdown, eta or retry delay is longer than the Redis visibility_timeout.",
    "The Redis transport hands an unacknowledged message to another worker after "
    "`visibility_timeout` (3600 s by default). A worker holds a message with a "
    "countdown unacknowledged until it runs, so a longer delay runs the task "
    "twice. Raise `broker_transport_options['visibility_timeout']` or shorten "
    "the delay.",
    "evaluate_code.apply_async(args=[1], countdown=7200)  # Redis broker",
    "evaluate_code.apply_async(args=[1], countdown=600)",
)
REDIS_PRIORITY = info(
    "CEL207",
    "redis-priority-scale",
    "A priority that assumes RabbitMQ's scale on a Redis broker.",
    "On Redis, 0 is the most urgent priority and kombu groups values into the "
    "steps 0, 3, 6 and 9 (a value goes down to the step below it). A priority "
    "above 9 is the least urgent, values between steps share a step, and "
    "`x-max-priority` queue arguments are ignored.",
    "evaluate_code.apply_async(args=[1], priority=10)  # meant: most urgent",
    "evaluate_code.apply_async(args=[1], priority=0)",
    severity=Severity.WARNING,
)
AMQP_NO_MAX_PRIORITY = info(
    "CEL208",
    "queue-without-max-priority",
    "A priority sent to a RabbitMQ queue declared without x-max-priority.",
    "RabbitMQ orders messages by priority only in queues declared with the "
    "`x-max-priority` argument (or with `task_queue_max_priority` set); in "
    "other queues priorities are ignored.",
    "task_queues = [Queue('high')]\n"
    "evaluate_code.apply_async(priority=9, queue='high')",
    "task_queues = [Queue('high', queue_arguments={'x-max-priority': 10})]",
)


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


CHECKS = [
    IndexCheck(TIME_LIMITS, time_limits),
    IndexCheck(RETRY_WITHOUT_BIND, retry_without_bind),
    IndexCheck(BOUND_WITHOUT_SELF, bound_without_self),
    IndexCheck(BACKOFF_WITHOUT_AUTORETRY, backoff_without_autoretry),
    IndexCheck(MAX_RETRIES_UNUSED, max_retries_unused),
    IndexCheck(DELAY_OVER_VISIBILITY, delays_over_visibility),
    IndexCheck(REDIS_PRIORITY, redis_priorities),
    IndexCheck(AMQP_NO_MAX_PRIORITY, amqp_priorities),
]
