"""Producers of Celery queues and Redis lists, checked through the command line."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import Outcome
from tests.queues_helpers import write_project

Cli = Callable[..., Outcome]

PROCFILE = "worker: celery -A app worker -Q known\n"
APP = """\
from celery import Celery

app = Celery("app")
"""


def findings(cli: Cli, root: Path, *extra: str) -> list[str]:
    """Return the finding lines of a run; QUE002 only when ``extra`` selects it,
    since most projects here leave the worker's own queue without a producer."""
    outcome = cli("run", str(root), "--no-cache", *(extra or ("--ignore", "QUE002")))
    assert outcome.err == ""
    return [
        line
        for line in outcome.out.splitlines()
        if not line.startswith(("Found ", "All checks"))
    ]


def codes(lines: list[str]) -> list[str]:
    """Return ``path:line CODE subject-quote`` for each concise line."""
    result = []
    for line in lines:
        location, _, rest = line.partition(": ")
        path, line_number, _column = location.split(":")
        code = rest.split(" ", 1)[0]
        quoted = rest.split("'")[1] if "'" in rest else ""
        result.append(f"{path}:{line_number} {code} {quoted}")
    return result


def test_call_queue_literal(cli: Cli, tmp_path: Path) -> None:
    write_project(
        tmp_path,
        {
            "Procfile": PROCFILE,
            "app/__init__.py": APP,
            "app/tasks.py": """\
                from app import app

                @app.task
                def work(): ...

                work.apply_async(queue="known")
                work.apply_async(queue="missing")
                """,
        },
    )
    lines = findings(cli, tmp_path)
    assert codes(lines) == ["app/tasks.py:7 QUE001 missing"]
    assert lines[0] == (
        "app/tasks.py:7:24: QUE001 queue 'missing' has no consumer: sent from "
        "app/tasks.py:7 (queue= of a call to app.tasks.work); the workers consume "
        "known; start a worker with -Q missing or send to one of those queues"
    )


def test_conditional_branches_and_constants(cli: Cli, tmp_path: Path) -> None:
    write_project(
        tmp_path,
        {
            "Procfile": PROCFILE,
            "app/__init__.py": APP,
            "app/names.py": 'HIGH = "high"\n\nclass Queues:\n    LOW = "low"\n',
            "app/tasks.py": """\
                from app import app
                from app.names import HIGH, Queues
                from app import names

                LOCAL = "local"

                @app.task
                def work(): ...

                def send(premium):
                    work.apply_async(queue=HIGH if premium else Queues.LOW)
                    work.apply_async(queue=LOCAL)
                    work.apply_async(queue=names.HIGH)
                """,
        },
    )
    assert codes(findings(cli, tmp_path)) == [
        "app/tasks.py:11 QUE001 high",
        "app/tasks.py:11 QUE001 low",
        "app/tasks.py:12 QUE001 local",
    ]


def test_signature_set_and_send_task(cli: Cli, tmp_path: Path) -> None:
    write_project(
        tmp_path,
        {
            "Procfile": PROCFILE,
            "app/__init__.py": APP,
            "app/tasks.py": """\
                from celery import signature
                from app import app

                @app.task
                def work(): ...

                signature("app.tasks.work", queue="by-signature")
                work.s().set(queue="by-set")
                work.signature((), queue="by-method")
                app.send_task("app.tasks.work", queue="by-send-task")
                """,
        },
    )
    assert codes(findings(cli, tmp_path)) == [
        "app/tasks.py:7 QUE001 by-signature",
        "app/tasks.py:8 QUE001 by-set",
        "app/tasks.py:9 QUE001 by-method",
        "app/tasks.py:10 QUE001 by-send-task",
    ]


def test_decorator_queue(cli: Cli, tmp_path: Path) -> None:
    write_project(
        tmp_path,
        {
            "Procfile": PROCFILE,
            "app/__init__.py": APP,
            "app/tasks.py": """\
                from celery import shared_task

                QUEUE = "decorated"

                @shared_task(queue=QUEUE)
                def work(): ...
                """,
        },
    )
    lines = findings(cli, tmp_path)
    assert codes(lines) == ["app/tasks.py:6 QUE001 decorated"]
    assert "(queue= option of task app.tasks.work)" in lines[0]


@pytest.mark.parametrize(
    "routes",
    [
        '{"app.tasks.work": {"queue": "routed"}}',
        '[{"app.tasks.work": {"queue": "routed"}}]',
        '{"app.tasks.*": {"queue": "routed"}}',
        '{re.compile(r"app\\.tasks\\.w.*"): {"queue": "routed"}}',
        '{"app.tasks.work": "routed"}',
    ],
)
def test_task_routes_forms(cli: Cli, tmp_path: Path, routes: str) -> None:
    write_project(
        tmp_path,
        {
            "Procfile": PROCFILE,
            "app/__init__.py": APP + f"import re\napp.conf.task_routes = {routes}\n",
            "app/tasks.py": "from app import app\n\n@app.task\ndef work(): ...\n",
        },
    )
    lines = findings(cli, tmp_path)
    assert codes(lines) == ["app/tasks.py:4 QUE001 routed"]
    assert "(task_routes entry for app.tasks.work)" in lines[0]


def test_default_queue_needs_a_call(cli: Cli, tmp_path: Path) -> None:
    write_project(
        tmp_path,
        {
            "Procfile": PROCFILE,
            "app/__init__.py": APP,
            "app/tasks.py": "from app import app\n\n@app.task\ndef work(): ...\n",
            "app/views.py": "from app.tasks import work\n\nwork.delay()\n",
        },
    )
    assert codes(findings(cli, tmp_path)) == ["app/views.py:3 QUE001 celery"]
    (tmp_path / "app/views.py").write_text("x = 1\n")
    assert findings(cli, tmp_path) == []


def test_task_default_queue_setting(cli: Cli, tmp_path: Path) -> None:
    write_project(
        tmp_path,
        {
            "Procfile": "worker: celery -A app worker\n",
            "app/__init__.py": APP + 'app.conf.task_default_queue = "main"\n',
            "app/tasks.py": "from app import app\n\n@app.task\ndef work(): ...\n",
            "app/views.py": (
                "from app.tasks import work\n\nwork.delay()\n"
                'work.apply_async(queue="main")\n'
                'work.apply_async(queue="celery")\n'
            ),
        },
    )
    assert codes(findings(cli, tmp_path)) == ["app/views.py:5 QUE001 celery"]


def test_worker_without_queues_uses_task_queues(cli: Cli, tmp_path: Path) -> None:
    write_project(
        tmp_path,
        {
            "Procfile": "worker: celery -A app worker -X skipped\n",
            "app/__init__.py": APP
            + "from kombu import Queue\n"
            + 'app.conf.task_queues = [Queue("a"), Queue("skipped")]\n',
            "app/views.py": (
                "from app import app\n\n"
                'app.send_task("t", queue="a")\n'
                'app.send_task("t", queue="skipped")\n'
            ),
        },
    )
    assert codes(findings(cli, tmp_path)) == ["app/views.py:4 QUE001 skipped"]


def test_dynamic_routing_gives_no_error(cli: Cli, tmp_path: Path) -> None:
    write_project(
        tmp_path,
        {
            "Procfile": PROCFILE,
            "app/__init__.py": APP
            + "def route(name, args, kwargs, options, task=None, **kw):\n"
            + "    return {'queue': name.split('.')[0]}\n"
            + "app.conf.task_routes = (route,)\n",
            "app/tasks.py": "from app import app\n\n@app.task\ndef work(): ...\n",
            "app/views.py": (
                "from app.tasks import work\n\n"
                "def send(user):\n"
                "    work.delay()\n"
                "    work.apply_async(queue=user.queue)\n"
                '    work.apply_async(queue=f"tenant-{user.id}")\n'
            ),
        },
    )
    assert findings(cli, tmp_path) == []
    lines = findings(cli, tmp_path, "--select", "QUE007")
    assert codes(lines) == [
        "app/tasks.py:4 QUE007 ",
        "app/views.py:4 QUE007 ",
        "app/views.py:5 QUE007 ",
        "app/views.py:6 QUE007 tenant-{user.id}",
    ]


def test_unknown_worker_suppresses_missing_consumer(cli: Cli, tmp_path: Path) -> None:
    write_project(
        tmp_path,
        {
            "Procfile": PROCFILE + "other: celery -A app worker -Q $QUEUES\n",
            "app/views.py": 'from app import app\napp.send_task("t", queue="x")\n',
        },
    )
    assert findings(cli, tmp_path) == []
    config = '[tool.crucible-checks.queues]\nenvironment = {QUEUES = "y"}\n'
    write_project(tmp_path, {}, config)
    assert codes(findings(cli, tmp_path)) == ["app/views.py:2 QUE001 x"]


def test_queue_without_producer(cli: Cli, tmp_path: Path) -> None:
    write_project(
        tmp_path,
        {
            "Procfile": "worker: celery -A app worker -Q used,leftover,outside\n",
            "app/views.py": 'from app import app\napp.send_task("t", queue="used")\n',
        },
        '[tool.crucible-checks.queues]\nexternal-queues = ["outside"]\n',
    )
    lines = findings(cli, tmp_path, "--select", "QUE002")
    assert lines == [
        "Procfile:1:1: QUE002 queue 'leftover' is consumed by the worker at "
        "Procfile:1 but no producer sends to it; remove it from -Q or add it to "
        "'external-queues' if another service sends to it"
    ]


def test_route_conflict_names_the_winner(cli: Cli, tmp_path: Path) -> None:
    write_project(
        tmp_path,
        {
            "Procfile": "worker: celery -A app worker -Q own,routed\n",
            "app/__init__.py": APP
            + 'app.conf.task_routes = {"app.tasks.work": {"queue": "routed"}}\n',
            "app/tasks.py": (
                'from app import app\n\n@app.task(queue="own")\ndef work(): ...\n'
            ),
        },
    )
    lines = findings(cli, tmp_path, "--select", "QUE005")
    assert lines == [
        "app/tasks.py:4:1: QUE005 task app.tasks.work sets queue='own' but "
        "task_routes entry 'app.tasks.work' at app/__init__.py:4 sends it to "
        "'routed'; the installed Celery uses 'own', because a task's own options "
        "win over task_routes; remove one of the two"
    ]


def test_redis_lists(cli: Cli, tmp_path: Path) -> None:
    write_project(
        tmp_path,
        {
            "legacy/keys.py": 'JOBS = "jobs"\n',
            "legacy/producer.py": """\
                import redis
                from legacy.keys import JOBS

                client = redis.Redis()
                client.lpush("evaluation_queue", "job")
                client.rpush(JOBS, "job")
                client.lmove("jobs", "processing")
                """,
            "legacy/worker.py": """\
                import redis.asyncio as aioredis

                async def main():
                    client = aioredis.Redis()
                    await client.brpop(["queue", "jobs"], timeout=5)
                    await client.rpoplpush("processing", "done")
                    await client.lrange("done", 0, -1)
                """,
        },
    )
    assert codes(findings(cli, tmp_path)) == [
        "legacy/producer.py:5 QUE003 evaluation_queue",
        "legacy/worker.py:5 QUE004 queue",
    ]


def test_redis_computed_key_suppresses(cli: Cli, tmp_path: Path) -> None:
    write_project(
        tmp_path,
        {
            "legacy/worker.py": """\
                def pop(client, name):
                    return client.brpop(f"jobs:{name}")

                def push(client):
                    client.lpush("jobs:mail", "x")
                    client.lpush("other", "x")
                """,
        },
    )
    assert codes(findings(cli, tmp_path)) == ["legacy/worker.py:6 QUE003 other"]


def test_no_workers_reports_no_missing_consumer(cli: Cli, tmp_path: Path) -> None:
    write_project(
        tmp_path,
        {"app/views.py": 'from app import app\napp.send_task("t", queue="x")\n'},
    )
    assert findings(cli, tmp_path) == []


def test_unparseable_compose_is_reported(cli: Cli, tmp_path: Path) -> None:
    write_project(
        tmp_path,
        {
            "docker-compose.yml": (
                "services:\n  worker:\n    command: celery -A app worker\n  x: [\n"
            ),
            "Procfile": "web: gunicorn app\nworker: celery -A app worker -Q 'a\n",
        },
    )
    assert findings(cli, tmp_path) == [
        "Procfile:2:1: QUE006 cannot read worker command lines: cannot split the "
        "command line: No closing quotation",
        "docker-compose.yml:5:1: QUE006 cannot read worker command lines: invalid "
        "YAML: expected the node content, but found '<stream end>'; fix the file or "
        "exclude it",
    ]
