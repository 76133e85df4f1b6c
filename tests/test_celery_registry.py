"""The opt-in registry comparison (CEL014) on a small real Celery app."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from tests.celery_helpers import write_project
from tests.conftest import Outcome

pytest.importorskip("celery")

APP = {
    "proj/__init__.py": "",
    "proj/celery.py": """
        from celery import Celery

        app = Celery("proj", include=["proj.tasks", "proj.dynamic"])
    """,
    "proj/tasks.py": """
        from proj.celery import app


        @app.task
        def add(x, y):
            return x + y
    """,
    "proj/reports.py": """
        from proj.celery import app


        @app.task
        def build(report_id):
            return report_id
    """,
    "proj/dynamic.py": """
        from proj.celery import app


        def make(name):
            def body():
                return name

            return app.task(body, name=f"proj.dynamic.{name}")


        cleanup = make("cleanup")
    """,
}


def test_registry_mismatch_before(tmp_path: Path, cli: Callable[..., Outcome]) -> None:
    write_project(tmp_path, APP, 'app = "proj.celery:app"\n')
    outcome = cli("run", str(tmp_path), "--select", "CEL014", "--no-cache")
    assert outcome.status == 1
    assert outcome.out.splitlines() == [
        "proj/dynamic.py:5:1: CEL014 app registers task 'proj.dynamic.cleanup', "
        "which the static task index does not find, so its signature is not "
        "checked; list its decorator in task-decorators",
        "proj/reports.py:5:1: CEL014 task 'proj.reports.build' is defined here but "
        "app 'proj.celery:app' does not register it, so workers drop its "
        "messages; make the app import this module (include= or "
        "autodiscover_tasks)",
        "Found 2 findings (1 error, 1 warning).",
    ]


def test_registry_mismatch_after(tmp_path: Path, cli: Callable[..., Outcome]) -> None:
    fixed = dict(APP)
    fixed["proj/celery.py"] = APP["proj/celery.py"].replace(
        '"proj.tasks"', '"proj.tasks", "proj.reports"'
    )
    fixed["proj/dynamic.py"] = "import proj.celery\n"
    write_project(tmp_path, fixed, 'app = "proj.celery:app"\n')
    outcome = cli("run", str(tmp_path), "--select", "CEL014", "--no-cache")
    assert outcome.out.splitlines() == ["All checks passed!"]
    assert outcome.status == 0


def test_registry_check_off_by_default(
    tmp_path: Path, cli: Callable[..., Outcome]
) -> None:
    write_project(tmp_path, APP, 'app = "proj.missing:app"\n')
    outcome = cli("run", str(tmp_path), "--no-cache")
    assert outcome.out.splitlines() == ["All checks passed!"]
    assert outcome.status == 0


@pytest.mark.parametrize(
    ("config", "extra", "message"),
    [
        (
            'app = "proj.missing:app"\n',
            {},
            "[celery] app 'proj.missing:app' cannot be imported: "
            "ModuleNotFoundError: No module named 'proj.missing'; set app to "
            "'module:attribute' of the Celery app and install the project's "
            "dependencies",
        ),
        (
            'app = "proj.broken:app"\n',
            {"proj/broken.py": "raise RuntimeError('DJANGO_SETTINGS_MODULE unset')"},
            "[celery] app 'proj.broken:app' cannot be imported: RuntimeError: "
            "DJANGO_SETTINGS_MODULE unset; set app to 'module:attribute' of the "
            "Celery app and install the project's dependencies",
        ),
        (
            'app = "proj.celery:application"\n',
            {},
            "[celery] app 'proj.celery:application' cannot be imported: "
            "AttributeError: module 'proj.celery' has no attribute 'application'; "
            "set app to 'module:attribute' of the Celery app and install the "
            "project's dependencies",
        ),
        (
            "",
            {},
            "CEL014 app-registry-mismatch needs the Celery app: set app = "
            "'module:attribute' in the [celery] settings",
        ),
    ],
    ids=["missing-module", "import-raises", "missing-attribute", "no-app"],
)
def test_registry_import_failure(
    tmp_path: Path,
    cli: Callable[..., Outcome],
    config: str,
    extra: dict[str, str],
    message: str,
) -> None:
    write_project(tmp_path, {**APP, **extra}, config)
    outcome = cli("run", str(tmp_path), "--select", "CEL014", "--no-cache")
    assert outcome.status == 2
    assert outcome.out == ""
    assert outcome.err.strip() == f"crucible-checks: error: {message}"
