"""The task index kept between runs: reused while no file's facts change."""

from __future__ import annotations

from pathlib import Path

import pytest
from celery_helpers import write_project

from crucible_checks.celery.index_store import INDEX_FILE
from crucible_checks.cli import main

TASKS = """
from celery import shared_task


@shared_task(bind=True)
def cleanup():
    return None
"""
HELPER = """
def total(values):
    return sum(values)
"""


def _run(capsys: pytest.CaptureFixture[str], root: Path) -> list[str]:
    main(["run", str(root), "--select", "CEL203"])
    lines = capsys.readouterr().out.splitlines()
    return [line for line in lines if ": CEL203" in line]


def _stored_index(root: Path) -> bytes:
    return (root / ".crucible_checks_cache" / INDEX_FILE).read_bytes()


def test_index_kept_after_comment_edit(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = write_project(tmp_path, {"app/tasks.py": TASKS, "app/util.py": HELPER})
    first = _run(capsys, root)
    stored = _stored_index(root)
    with (root / "app" / "tasks.py").open("a") as handle:
        handle.write("# a comment changes no task\n")
    (root / "app" / "more.py").write_text(HELPER)
    assert _run(capsys, root) == first
    assert first == [
        "app/tasks.py:5:1: CEL203 task 'app.tasks.cleanup' has bind=True but no "
        "parameter for the task instance (); add self as the first parameter"
    ]
    assert _stored_index(root) == stored


def test_index_rebuilt_after_task_change(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = write_project(tmp_path, {"app/tasks.py": TASKS, "app/util.py": HELPER})
    assert len(_run(capsys, root)) == 1
    stored = _stored_index(root)
    (root / "app" / "tasks.py").write_text(
        TASKS.replace("cleanup():", "cleanup(self):")
    )
    assert _run(capsys, root) == []
    assert _stored_index(root) != stored


def test_index_rebuilt_after_new_task_module(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = write_project(tmp_path, {"app/tasks.py": TASKS})
    assert len(_run(capsys, root)) == 1
    (root / "app" / "other.py").write_text(TASKS.replace("cleanup", "purge"))
    found = _run(capsys, root)
    assert [line.split(":")[0] for line in found] == ["app/other.py", "app/tasks.py"]
