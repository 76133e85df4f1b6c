"""The metadata of the celery checks: codes, names, explanations, examples.

The plugin module lists the checks from here without importing their code, so
a run that selects no celery check never imports the task index or the parser.
"""

from __future__ import annotations

from crucible_checks.celery.change_kinds import CHANGE_KINDS
from crucible_checks.checks import CheckInfo, Scope
from crucible_checks.findings import Severity


def info(
    code: str,
    name: str,
    summary: str,
    explanation: str,
    bad: str,
    good: str,
    severity: Severity = Severity.ERROR,
    default_enabled: bool = True,
) -> CheckInfo:
    return CheckInfo(
        code=code,
        name=name,
        family="celery",
        summary=summary,
        explanation=explanation,
        bad_example=bad,
        good_example=good,
        severity=severity,
        scope=Scope.PROJECT,
        default_enabled=default_enabled,
    )


# Compatibility with the task lock (CEL001-CEL011 and CEL015-CEL018).

SAFE_WAY = {
    "CEL001": "keep the old name registered (name='{task}') until queued messages "
    "drain, then run 'crucible-checks tasks lock'",
    "CEL002": "add the parameter at the end with a default (or keyword-only, "
    "after '*'), deploy the workers, then update the producers",
    "CEL003": "keep the parameter, or accept *args/**kwargs, until old messages drain",
    "CEL004": "keep the order, add new parameters at the end with defaults or as "
    "keyword-only parameters after '*', and keep a parameter you remove, with a "
    "default, until old messages drain",
    "CEL005": "keep the old name, or accept both names, until old messages drain",
    "CEL006": "add or remove the first parameter together with bind=True",
    "CEL007": "add the new content type to accept_content on every worker first",
    "CEL008": "keep a worker consuming the old queue until it is empty",
    "CEL009": "deploy the workers before the producers that send this task",
    "CEL010": "deploy the workers before the producers that pass the argument",
    "CEL011": "keep the default until old messages drain",
    "CEL015": "keep the parameter positional, with a default if producers may "
    "omit it, until old messages drain, then make it keyword-only",
    "CEL016": "pass it by keyword until every worker runs the new code, or deploy "
    "the workers before the producers that pass it by position",
    "CEL017": "keep it a parameter that takes keywords until old messages drain, "
    "then move it before '/'",
    "CEL018": "pass it by position until every worker runs the new code, or deploy "
    "the workers before the producers that pass it by keyword",
}


def _info(code: str) -> CheckInfo:
    kind = CHANGE_KINDS[code]
    modes = [m for m in ("BACKWARD", "FORWARD") if getattr(kind, m.lower())]
    return CheckInfo(
        code=code,
        name=kind.name,
        family="celery",
        summary=kind.summary,
        explanation=(
            f"Compared with the task lock file, {kind.why}. Reported under "
            f"{' and '.join(modes)} (and FULL) compatibility; see the mode table in "
            f"the family docs. Safe way: {SAFE_WAY[code].format(task='old.name')}."
        ),
        bad_example=EXAMPLES[code][0],
        good_example=EXAMPLES[code][1],
        severity=Severity.ERROR,
        scope=Scope.PROJECT,
    )


EXAMPLES = {
    "CEL001": (
        "# locked: app.tasks.evaluate\ndef evaluate_code(eval_id): ...",
        "@app.task(name='app.tasks.evaluate')\ndef evaluate_code(eval_id): ...",
    ),
    "CEL002": (
        "def evaluate_code(eval_id, code, lang): ...  # lang added",
        "def evaluate_code(eval_id, code, lang='python'): ...",
    ),
    "CEL003": (
        "def evaluate_code(eval_id): ...  # code removed",
        "def evaluate_code(eval_id, code=None): ...",
    ),
    "CEL004": (
        "# locked: (eval_id, code, lang='python')\n"
        "def evaluate_code(code, eval_id, lang='python'): ...  # reordered\n"
        "def evaluate_code(eval_id, code, timeout=30, lang='python'): ...  # inserted",
        "def evaluate_code(eval_id, code, lang='python', timeout=30): ...\n"
        "def evaluate_code(eval_id, code, lang='python', *, timeout=30): ...",
    ),
    "CEL005": (
        "def evaluate_code(eval_id, code, language): ...  # was lang",
        "def evaluate_code(eval_id, code, lang): ...",
    ),
    "CEL006": (
        "@app.task(bind=True)\ndef evaluate_code(eval_id, code): ...",
        "@app.task(bind=True)\ndef evaluate_code(self, eval_id, code): ...",
    ),
    "CEL007": (
        "@app.task(serializer='pickle')  # was json",
        "@app.task(serializer='json')",
    ),
    "CEL008": (
        "@app.task(queue='evaluation')  # was normal",
        "@app.task(queue='normal')",
    ),
    "CEL009": (
        "@app.task  # new, sent before workers know it\ndef notify(id): ...",
        "Deploy the workers first, then the producers.",
    ),
    "CEL010": (
        "def evaluate_code(eval_id, code, timeout=30): ...  # timeout added",
        "Deploy the workers first, then producers that pass timeout.",
    ),
    "CEL011": (
        "def evaluate_code(eval_id, code, lang): ...  # was lang='python'",
        "def evaluate_code(eval_id, code, lang='python'): ...",
    ),
    "CEL015": (
        "# locked: (eval_id, code, lang='python')\n"
        "def evaluate_code(eval_id, code, *, lang='python'): ...\n"
        "# an old message evaluate_code.delay(1, src, 'rust') raises TypeError",
        "def evaluate_code(eval_id, code, lang='python'): ...  # until old "
        "messages drain",
    ),
    "CEL016": (
        "# locked: (eval_id, code, *, lang='python')\n"
        "def evaluate_code(eval_id, code, lang='python'): ...\n"
        "evaluate_code.delay(1, src, 'rust')  # an old worker raises TypeError",
        "evaluate_code.delay(1, src, lang='rust')  # until every worker runs the "
        "new code",
    ),
    "CEL017": (
        "# locked: (eval_id, code)\n"
        "def evaluate_code(eval_id, code, /): ...\n"
        "# an old message evaluate_code.delay(1, code=src) raises TypeError",
        "def evaluate_code(eval_id, code): ...  # until old messages drain",
    ),
    "CEL018": (
        "# locked: (eval_id, code, /)\n"
        "def evaluate_code(eval_id, code): ...\n"
        "evaluate_code.delay(1, code=src)  # an old worker raises TypeError",
        "evaluate_code.delay(1, src)  # until every worker runs the new code",
    ),
}


TASK_REMOVED = _info("CEL001")
REQUIRED_PARAMETER_ADDED = _info("CEL002")
PARAMETER_REMOVED = _info("CEL003")
PARAMETERS_REORDERED = _info("CEL004")
PARAMETER_RENAMED = _info("CEL005")
BIND_CHANGED = _info("CEL006")
SERIALIZER_CHANGED = _info("CEL007")
QUEUE_CHANGED = _info("CEL008")
TASK_ADDED = _info("CEL009")
OPTIONAL_PARAMETER_ADDED = _info("CEL010")
DEFAULT_REMOVED = _info("CEL011")
PARAMETER_MADE_KEYWORD_ONLY = _info("CEL015")
PARAMETER_MADE_POSITIONAL = _info("CEL016")
PARAMETER_MADE_POSITIONAL_ONLY = _info("CEL017")
PARAMETER_NO_LONGER_POSITIONAL_ONLY = _info("CEL018")

# The task index itself.

DUPLICATE = info(
    "CEL012",
    "duplicate-task-name",
    "Two tasks register under one name.",
    "Celery keeps the last task registered under a name, so which function a "
    "message runs depends on import order. Give one of them another `name=`.",
    "@shared_task(name='send')\ndef send_mail(to): ...\n"
    "@shared_task(name='send')\ndef send_sms(to): ...",
    "@shared_task(name='send_mail')\ndef send_mail(to): ...",
)
SKIPPED = info(
    "CEL013",
    "python-file-skipped",
    "A Python file could not be parsed, so its tasks are unknown.",
    "The task index reads source without importing it. A file with a syntax "
    "error, or with syntax newer than the Python running the check, is left out; "
    "its locked tasks are not reported as removed. Fix the file or run the check "
    "with a newer Python.",
    "def broken(:\n    ...",
    "def fixed():\n    ...",
    severity=Severity.WARNING,
)

# Call sites and task names.

CALL_MISMATCH = info(
    "CEL101",
    "task-call-mismatch",
    "A task is called with arguments its signature does not accept.",
    "`.delay`, `.apply_async(args=, kwargs=)`, `.s`, `.si`, `.signature` and "
    "`send_task('name', ...)` are checked against the task's parameters: too "
    "many positional arguments, an unknown keyword or a missing required "
    "argument fail on the worker with a TypeError. Arguments given as a "
    "variable or a `**` splat, and signatures completed by a chain or chord, "
    "are not checked. `.s` and `.signature` may be completed later, so only "
    "extra arguments are reported for them.",
    "evaluate_code.delay(eval_id, code)  # def evaluate_code(eval_id, code, lang)",
    "evaluate_code.delay(eval_id, code, lang)",
)
UNKNOWN_TASK = info(
    "CEL102",
    "unknown-task-name",
    "A task name in send_task, signature or beat_schedule names no task.",
    "A message for a name no worker registers is dropped with 'Received "
    "unregistered task'. Names of tasks that other services define can be "
    "listed in the `external-tasks` option; `celery.*` built-ins are known. "
    "A name that a task with a computed name (such as "
    "`name=f'{settings.PREFIX}.evaluate'`) could register is not reported.",
    "app.send_task('app.tasks.evaluate')  # the task is app.tasks.evaluate_code",
    "app.send_task('app.tasks.evaluate_code')",
)
DEAD_ROUTE = info(
    "CEL103",
    "unmatched-task-route",
    "A task_routes key matches no task.",
    "A route whose name or glob matches no task routes nothing; usually a task "
    "was renamed or moved and its messages now go to the default queue. A "
    "route that could match a computed task name is not reported, and with any "
    "computed task name neither is a `re.compile` route.",
    "task_routes = {'app.task.*': {'queue': 'high'}}  # tasks live in app.tasks",
    "task_routes = {'app.tasks.*': {'queue': 'high'}}",
)

# Task policy.

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

# The imported app's registry.

REGISTRY_MISMATCH = info(
    "CEL014",
    "app-registry-mismatch",
    "The imported app registers other tasks than the source defines.",
    "Off by default, because it imports the app given in the celery `app` "
    "option, which needs the project's dependencies. A task defined in source "
    "that the app does not register lives in a module the app never imports "
    "(add it to `include` or autodiscovery): a worker drops its messages as "
    "unregistered. A task the app registers that the static index does not see "
    "escapes the signature and call checks, so it is reported as a warning (add "
    "its decorator to `task-decorators`). Tasks defined outside the project, "
    "such as Celery's own `celery.*` tasks, are left out.",
    "# proj/celery.py: Celery('proj', include=['proj.tasks'])\n"
    "# proj/reports.py defines @app.task def build(): ...",
    "Celery('proj', include=['proj.tasks', 'proj.reports'])",
    default_enabled=False,
)
