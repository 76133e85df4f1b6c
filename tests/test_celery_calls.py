"""Call-site and task-name checks (CEL101-CEL103) on before/after projects."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.celery_helpers import findings, write_project

TASKS = """
    from celery import Celery, shared_task

    app = Celery("proj", broker="redis://")


    @app.task
    def add(x, y, *, scale=1):
        return (x + y) * scale


    @shared_task(bind=True)
    def evaluate(self, eval_id, code, lang="py"):
        return eval_id


    @shared_task
    def tally(results):
        return sum(results)
"""
ADD = "the task takes (x, y, *, scale=1)"
EVALUATE = "the task takes (eval_id, code, lang='py')"


def _calls(root: Path, body: str) -> Path:
    lines = "\n".join("    " + line for line in body.strip().splitlines())
    producer = (
        "from celery import chain, chord, signature\n"
        "from proj.tasks import add, app, evaluate, tally\n"
        "\n"
        "\n"
        f"def produce(args, options, more):\n{lines}\n"
    )
    return write_project(
        root,
        {"proj/__init__.py": "", "proj/tasks.py": TASKS, "proj/producer.py": producer},
    )


BAD_CALLS = """
add.delay(1, 2, 3)
add.delay(1, scale=2, weight=3)
add.delay(1)
add.apply_async(args=(1, 2, 3))
add.apply_async(args=[1], kwargs={"z": 1})
add.apply_async((1,), {"y": 2, "q": 0})
add.apply_async(args=[1])
add.s(1, 2, 3)
add.si(1)
add.signature((1, 2, 3))
evaluate.delay(1, "c", "py", 4)
evaluate.delay(1)
app.send_task("proj.tasks.add", args=[1, 2, 3])
app.send_task("proj.tasks.add", args=[1])
app.send_task("proj.tasks.add", kwargs={"q": 1})
"""
GOOD_CALLS = """
add.delay(1, 2, scale=3)
add.delay(1, 2, scale=2)
add.delay(1, y=2)
add.apply_async(args=(1, 2))
add.apply_async(args=[1], kwargs={"y": 1})
add.apply_async((1,), {"y": 2, "scale": 0})
add.apply_async(args=[1, 2])
add.s(1)
add.si(1, 2)
add.signature((1, 2))
evaluate.delay(1, "c", "py")
evaluate.delay(eval_id=1, code="c")
app.send_task("proj.tasks.add", args=[1, 2])
app.send_task("proj.tasks.add", args=[1], kwargs={"y": 2})
app.send_task("proj.tasks.add", kwargs={"x": 1, "y": 2})
"""


def test_call_mismatch_before(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _calls(tmp_path, BAD_CALLS)
    found = findings(capsys, tmp_path, "CEL101")
    at = "proj/producer.py:{}:5: CEL101 "
    assert found == [
        at.format(6) + f"delay() of task 'proj.tasks.add': 3 positional arguments "
        f"given, at most 2; {ADD}",
        at.format(7) + "delay() of task 'proj.tasks.add': unknown keyword argument "
        f"'weight'; {ADD}",
        at.format(8) + "delay() of task 'proj.tasks.add': missing required "
        f"argument 'y'; {ADD}",
        at.format(9) + "apply_async() of task 'proj.tasks.add': 3 positional "
        f"arguments given, at most 2; {ADD}",
        at.format(10) + "apply_async() of task 'proj.tasks.add': unknown keyword "
        f"argument 'z'; {ADD}",
        at.format(11) + "apply_async() of task 'proj.tasks.add': unknown keyword "
        f"argument 'q'; {ADD}",
        at.format(12) + "apply_async() of task 'proj.tasks.add': missing required "
        f"argument 'y'; {ADD}",
        at.format(13) + "s() of task 'proj.tasks.add': 3 positional arguments "
        f"given, at most 2; {ADD}",
        at.format(14) + "si() of task 'proj.tasks.add': missing required argument "
        f"'y'; {ADD}",
        at.format(15) + "signature() of task 'proj.tasks.add': 3 positional "
        f"arguments given, at most 2; {ADD}",
        at.format(16) + "delay() of task 'proj.tasks.evaluate': 4 positional "
        f"arguments given, at most 3; {EVALUATE}",
        at.format(17) + "delay() of task 'proj.tasks.evaluate': missing required "
        f"argument 'code'; {EVALUATE}",
        at.format(18) + "send_task() of task 'proj.tasks.add': 3 positional "
        f"arguments given, at most 2; {ADD}",
        at.format(19) + "send_task() of task 'proj.tasks.add': missing required "
        f"argument 'y'; {ADD}",
        at.format(20) + "send_task() of task 'proj.tasks.add': unknown keyword "
        f"argument 'q'; {ADD}",
    ]


def test_call_mismatch_after(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _calls(tmp_path, GOOD_CALLS)
    assert findings(capsys, tmp_path, "CEL101") == []


#: Calls whose arguments are known only at run time, so none of them is checked.
UNKNOWABLE_CALLS = """
add.apply_async(args=args)
add.apply_async(args=[1], **options)
add.apply_async(args=(1, *more))
add.delay(*more)
add.delay(1, **options)
add.s(1, 2, 3, 4) | add.s(5)
chain(add.s(1), add.s(2), add.s(3, 4, 5))()
chord([add.s(1, 2)], tally.s(1, 2))()
chord([add.s(1, 2)])(tally.s(1, 2))
add.apply_async((1, 2), link=add.s(5, 6))
evaluate.s(1)
"""


def test_call_mismatch_leaves_unknowable_alone(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _calls(tmp_path, UNKNOWABLE_CALLS)
    assert findings(capsys, tmp_path, "CEL101") == []


def test_call_mismatch_skips_wrapped_task(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write_project(
        tmp_path,
        {
            "jobs.py": """
                from celery import shared_task
                from telemetry import with_context

                @shared_task
                @with_context
                def job(a, context): ...

                def produce():
                    job.delay(1)
            """
        },
    )
    assert findings(capsys, tmp_path, "CEL101") == []


NAMES = """
    import re

    from celery.schedules import crontab

    task_routes = {
        "proj.tasks.add": {"queue": "math"},
        "proj.tasks.*": {"queue": "all"},
        "proj.task.*": {"queue": "typo"},
        "proj.tasks.removed": "old",
        re.compile(r"proj\\.tasks\\.e.*"): {"queue": "eval"},
        re.compile(r"other\\..*"): {"queue": "none"},
    }
    beat_schedule = {
        "tally": {"task": "proj.tasks.tally", "schedule": 60.0},
        "old-entry": {"task": "proj.tasks.talley", "schedule": crontab()},
    }
"""
NAME_CALLS = """
app.send_task("proj.tasks.gone")
signature("proj.tasks.missing", args=(1,))
app.signature("proj.tasks.adds")
app.send_task("celery.ping")
app.send_task("billing.charge")
app.send_task("proj.tasks.tally", args=[[1]])
"""


def test_unknown_task_names_before(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _calls(tmp_path, NAME_CALLS)
    write_project(tmp_path, {"proj/celeryconfig.py": NAMES})
    assert findings(capsys, tmp_path, "CEL102") == [
        "proj/celeryconfig.py:15:5: CEL102 beat_schedule entry 'old-entry' names "
        "task 'proj.tasks.talley', which no module defines; did you mean "
        "'proj.tasks.tally'?",
        "proj/producer.py:6:5: CEL102 send_task() names task 'proj.tasks.gone', "
        "which no module defines; did you mean 'proj.tasks.add'?",
        "proj/producer.py:7:5: CEL102 signature() names task 'proj.tasks.missing', "
        "which no module defines",
        "proj/producer.py:8:5: CEL102 signature() names task 'proj.tasks.adds', "
        "which no module defines; did you mean 'proj.tasks.add'?",
        "proj/producer.py:10:5: CEL102 send_task() names task 'billing.charge', "
        "which no module defines",
    ]


def test_unknown_task_names_after(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    fixed = NAME_CALLS.replace("proj.tasks.gone", "proj.tasks.add")
    fixed = fixed.replace("proj.tasks.missing", "proj.tasks.evaluate")
    fixed = fixed.replace("proj.tasks.adds", "proj.tasks.add")
    _calls(tmp_path, fixed)
    write_project(
        tmp_path,
        {"proj/celeryconfig.py": NAMES.replace("talley", "tally")},
        config='external-tasks = ["billing.*"]\n',
    )
    assert findings(capsys, tmp_path, "CEL102") == []


def test_unknown_names_skipped_with_dynamic_name(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _calls(tmp_path, NAME_CALLS)
    write_project(
        tmp_path,
        {
            "proj/dynamic.py": """
                from celery import shared_task
                from django.conf import settings

                @shared_task(name=settings.TASK_NAME)
                def configured(): ...
            """
        },
    )
    assert findings(capsys, tmp_path, "CEL102") == []


def test_dead_routes_before(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _calls(tmp_path, "pass")
    write_project(tmp_path, {"proj/celeryconfig.py": NAMES})
    assert findings(capsys, tmp_path, "CEL103") == [
        "proj/celeryconfig.py:8:5: CEL103 task_routes key 'proj.task.*' matches no "
        "task, so it routes nothing; did you mean 'proj.tasks.add'?",
        "proj/celeryconfig.py:9:5: CEL103 task_routes key 'proj.tasks.removed' "
        "matches no task, so it routes nothing; did you mean 'proj.tasks.evaluate'?",
        "proj/celeryconfig.py:11:5: CEL103 task_routes key re.compile('other\\\\..*') "
        "matches no task, so it routes nothing",
    ]


def test_dead_routes_after(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _calls(tmp_path, "pass")
    routes = NAMES.replace('"proj.task.*"', '"proj.tasks.t*"')
    routes = routes.replace("proj.tasks.removed", "proj.tasks.evaluate")
    write_project(
        tmp_path,
        {"proj/celeryconfig.py": routes},
        config='external-tasks = ["other.*"]\n',
    )
    assert findings(capsys, tmp_path, "CEL103") == [
        "proj/celeryconfig.py:11:5: CEL103 task_routes key re.compile('other\\\\..*') "
        "matches no task, so it routes nothing",
    ]


def test_dead_routes_in_app_conf_update(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _calls(tmp_path, "pass")
    write_project(
        tmp_path,
        {
            "proj/celery.py": """
                from proj.tasks import app

                app.conf.update(
                    task_routes={
                        "proj.tasks.add": "math",
                        "proj.tasks.gone": "old",
                    },
                )
            """
        },
    )
    assert findings(capsys, tmp_path, "CEL103") == [
        "proj/celery.py:6:9: CEL103 task_routes key 'proj.tasks.gone' matches no "
        "task, so it routes nothing; did you mean 'proj.tasks.add'?",
    ]
