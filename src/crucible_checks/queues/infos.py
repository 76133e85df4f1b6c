"""The metadata of the queue checks: codes, names, explanations and examples."""

from __future__ import annotations

from crucible_checks.checks import CheckInfo, Scope
from crucible_checks.findings import Severity

QUEUE_WITHOUT_CONSUMER = CheckInfo(
    code="QUE001",
    name="queue-without-consumer",
    family="queues",
    summary="Producers send tasks to a queue that no worker consumes.",
    explanation=(
        "A message sent to a queue that no worker consumes waits in PENDING "
        "forever. Producers are apply_async/signature/set calls with queue=, "
        "tasks with a queue= option, task_routes entries and task_default_queue "
        "(celery unless set). Consumers are the celery worker command lines in "
        "Procfiles, compose files, Kubernetes manifests, shell scripts, Makefiles, "
        "Dockerfiles, systemd units and supervisord configs. Nothing is reported "
        "while some worker's queues are unknown (a variable without a value), "
        "or when the project starts no worker at all."
    ),
    bad_example=(
        "task.apply_async(queue='high')\n"
        "# Procfile\nworker: celery -A app worker -Q evaluation"
    ),
    good_example=(
        "task.apply_async(queue='evaluation')\n"
        "# Procfile\nworker: celery -A app worker -Q evaluation"
    ),
    severity=Severity.ERROR,
    scope=Scope.PROJECT,
)

QUEUE_WITHOUT_PRODUCER = CheckInfo(
    code="QUE002",
    name="queue-without-producer",
    family="queues",
    summary="A worker consumes a queue that nothing sends to.",
    explanation=(
        "A queue named in a worker's -Q that no producer sends to keeps a worker "
        "idle; it is often left over from a migration. Only queues named in -Q "
        "are judged, and nothing is reported while some producer's queue is "
        "computed at run time and may match."
    ),
    bad_example="worker: celery -A app worker -Q legacy",
    good_example="worker: celery -A app worker -Q evaluation",
    severity=Severity.WARNING,
    scope=Scope.PROJECT,
)

LIST_WITHOUT_READER = CheckInfo(
    code="QUE003",
    name="list-without-reader",
    family="queues",
    summary="Code pushes to a Redis list that nothing reads.",
    explanation=(
        "A key written by LPUSH, RPUSH, LMOVE or RPOPLPUSH and never read by "
        "BRPOP, BLPOP, RPOP, LPOP, BLMOVE, LRANGE or LINDEX grows without bound: "
        "the jobs pushed to it are never processed. Keys are read when literal "
        "or module constants; a read with a computed key that may match keeps "
        "the key from being reported."
    ),
    bad_example='redis.lpush("evaluation_queue", job)\nredis.brpop("queue")',
    good_example='redis.lpush("jobs", job)\nredis.brpop("jobs")',
    severity=Severity.ERROR,
    scope=Scope.PROJECT,
)

LIST_WITHOUT_WRITER = CheckInfo(
    code="QUE004",
    name="list-without-writer",
    family="queues",
    summary="Code reads a Redis list that nothing pushes to.",
    explanation=(
        "A worker that pops a key nothing writes waits forever, often because "
        "the producer uses another key name. A write with a computed key that "
        "may match keeps the key from being reported."
    ),
    bad_example='redis.lpush("evaluation_queue", job)\nredis.brpop("queue")',
    good_example='redis.lpush("queue", job)\nredis.brpop("queue")',
    severity=Severity.WARNING,
    scope=Scope.PROJECT,
)

ROUTE_CONFLICT = CheckInfo(
    code="QUE005",
    name="route-conflict",
    family="queues",
    summary="A task's own queue= option and its task_routes entry disagree.",
    explanation=(
        "When a task sets queue= in its decorator and a task_routes entry "
        "matches it too, only one of them applies, so the other misleads the "
        "reader. In Celery 5.7 the task's own option wins: the router merges "
        "the route under the task's options. Remove one of the two."
    ),
    bad_example=(
        "@app.task(queue='batch')\ndef report(): ...\n"
        "task_routes = {'app.tasks.report': {'queue': 'reports'}}"
    ),
    good_example=(
        "@app.task\ndef report(): ...\n"
        "task_routes = {'app.tasks.report': {'queue': 'reports'}}"
    ),
    severity=Severity.WARNING,
    scope=Scope.PROJECT,
)

UNREADABLE_WORKER_CONFIG = CheckInfo(
    code="QUE006",
    name="unreadable-worker-config",
    family="queues",
    summary="A file that starts workers could not be parsed.",
    explanation=(
        "A compose file or manifest with invalid YAML, a command line with an "
        "unclosed quote, or a Procfile line that is not 'name: command' cannot "
        "be read, so the workers it starts are unknown to the other checks."
    ),
    bad_example="services:\n  worker:\n    command: celery -A app worker -Q 'a\n",
    good_example="services:\n  worker:\n    command: celery -A app worker -Q a\n",
    severity=Severity.ERROR,
    scope=Scope.FILE,
)

UNKNOWN_QUEUE = CheckInfo(
    code="QUE007",
    name="unknown-queue",
    family="queues",
    summary="A queue name is computed at run time, so it is not checked.",
    explanation=(
        "Queue names from variables, function calls or unset environment "
        "variables cannot be read statically; they are listed here instead of "
        "guessed. Set worker variables under 'environment' in "
        "[tool.crucible-checks.queues] to make them known."
    ),
    bad_example="task.apply_async(queue=pick_queue(user))",
    good_example="task.apply_async(queue='high' if user.premium else 'normal')",
    default_enabled=False,
    severity=Severity.INFO,
    scope=Scope.PROJECT,
)

ALL = (
    QUEUE_WITHOUT_CONSUMER,
    QUEUE_WITHOUT_PRODUCER,
    LIST_WITHOUT_READER,
    LIST_WITHOUT_WRITER,
    ROUTE_CONFLICT,
    UNREADABLE_WORKER_CONFIG,
    UNKNOWN_QUEUE,
)
