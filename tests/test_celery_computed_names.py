"""Task names computed at run time: which references and routes stay checked."""

from __future__ import annotations

from pathlib import Path

import pytest

from crucible_checks.celery.appconfig import Route
from crucible_checks.celery.computed_names import ComputedNames
from crucible_checks.celery.model import ConfigFact, Expr, RegexKey
from tests.celery_helpers import findings, write_project

TASKS = """
    from celery import shared_task
    from django.conf import settings

    @shared_task
    def add(x, y):
        return x + y

    @shared_task(name=f"{settings.PREFIX}.evaluate")
    def evaluate(code):
        return code
"""

CALLS = """
    import re

    from celery import current_app

    current_app.send_task("billing.evaluate")
    current_app.send_task("proj.tasks.gone")
    current_app.send_task("proj.tasks.add", args=[1, 2])

    task_routes = {
        "*.evaluate": "eval",
        "other.*evaluat?": "eval",
        "proj.tasks.removed": "old",
        "x.*.send": "mail",
        re.compile(r"other\\..*"): "other",
    }
"""


@pytest.fixture
def project(tmp_path: Path) -> Path:
    return write_project(
        tmp_path,
        {"proj/__init__.py": "", "proj/tasks.py": TASKS, "proj/calls.py": CALLS},
    )


def test_unknown_names_beside_computed_name(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert findings(capsys, project, "CEL102") == [
        "proj/calls.py:6:1: CEL102 send_task() names task 'proj.tasks.gone', which "
        "no module defines; did you mean 'proj.tasks.add'?",
    ]


def test_dead_routes_beside_computed_name(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert findings(capsys, project, "CEL103") == [
        "proj/calls.py:12:5: CEL103 task_routes key 'proj.tasks.removed' matches no "
        "task, so it routes nothing; did you mean 'proj.tasks.add'?",
        "proj/calls.py:13:5: CEL103 task_routes key 'x.*.send' matches no task, so "
        "it routes nothing",
    ]


EVALUATE = ComputedNames((("", ".evaluate"),))


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("billing.evaluate", True),
        (".evaluate", True),
        ("evaluate", False),
        ("billing.evaluate.v2", False),
        ("billing.add", False),
    ],
)
def test_computed_name_may_name(name: str, expected: bool) -> None:
    assert EVALUATE.may_name(name) is expected


@pytest.mark.parametrize(
    ("parts", "name"),
    [((), "anything"), (("", ""), "anything"), (("a.", ".b"), "a.x.y.b")],
)
def test_unknown_pieces_match_any_text(parts: tuple[str, ...], name: str) -> None:
    assert ComputedNames((parts,)).may_name(name)


def _route(key: str | RegexKey | Expr) -> Route:
    return Route(key, "queue", ConfigFact("task_routes", {}, "celery.py", 1, 1))


@pytest.mark.parametrize(
    ("key", "expected"),
    [
        ("*.evaluate", True),
        ("billing.*", True),
        ("*", True),
        ("*.evaluat?", True),
        ("b*.evaluat[e]", True),
        ("b*.evaluat[!e]", True),
        ("billing.evaluat?", False),
        ("billing.evaluate", True),
        ("*.send", False),
        ("billing.*.add", False),
        ("billing.evaluate.*.x", False),
        ("billing.add", False),
        (RegexKey(r"other\..*"), True),
        (Expr("settings.ROUTE"), True),
    ],
)
def test_computed_name_may_route(key: str | RegexKey | Expr, expected: bool) -> None:
    assert EVALUATE.may_route(_route(key)) is expected


def test_no_computed_name_routes_nothing() -> None:
    assert not ComputedNames(()).may_route(_route("*"))
    assert not ComputedNames(()).may_name("proj.tasks.add")
