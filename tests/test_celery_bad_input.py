"""Python files the task index cannot read or parse, through the command line."""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.celery_helpers import write_project
from tests.conftest import Outcome

TASK = """from celery import shared_task


@shared_task
def {name}(value):
    return value
"""
#: A task in syntax the running Python cannot parse: type parameter lists
#: arrived in Python 3.12 and template strings in Python 3.14.
if sys.version_info < (3, 12):
    NEWER_TASK = TASK.replace("def {name}(value)", "def {name}[T](value: T)")
    NEWER_ERROR = "generic.py:5:12: CEL013 file skipped by the task index: syntax error"
elif sys.version_info < (3, 14):
    NEWER_TASK = TASK.replace("return value", 'return t"{{value}}"')
    NEWER_ERROR = "generic.py:6:13: CEL013 file skipped by the task index: syntax error"
else:  # pragma: no cover - depends on the running Python
    NEWER_TASK = ""
    NEWER_ERROR = ""


def _locked_project(root: Path, cli: Callable[..., Outcome]) -> None:
    """Write four task modules and lock them while all of them parse."""
    write_project(
        root,
        {
            f"{name}.py": TASK.format(name=name)
            for name in ("kept", "generic", "latin", "blob")
        },
    )
    assert cli("tasks", "lock").status == 0


@pytest.fixture
def in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_newer_syntax_file_skipped(in_tmp: Path, cli: Callable[..., Outcome]) -> None:
    if not NEWER_TASK:
        pytest.skip("no syntax newer than this Python is known to the test")
    _locked_project(in_tmp, cli)
    (in_tmp / "generic.py").write_text(NEWER_TASK.format(name="generic"))
    (in_tmp / "kept.py").write_text(TASK.format(name="kept").replace("value", "v"))
    outcome = cli("run", ".", "--select", "CEL", "--no-cache")
    lines = outcome.out.splitlines()
    assert outcome.status == 1
    assert len(lines) == 3
    assert lines[0].startswith(NEWER_ERROR)
    assert lines[0].endswith(
        "; its tasks are not checked (fix the file or run with a Python that "
        "supports its syntax)"
    )
    # The rest is still indexed: the rename in kept.py is found.
    assert lines[1] == (
        "kept.py:5:1: CEL005 task 'kept.kept': parameter 'value' renamed to 'v' "
        "(value) -> (v) breaks BACKWARD compatibility: arguments passed by keyword "
        "no longer match (call sites checked, all positional: none found); keep "
        "the old name, or accept both names, until old messages drain"
    )
    assert lines[2] == "Found 2 findings (2 warnings)."


def test_undecodable_and_binary_skipped(
    in_tmp: Path, cli: Callable[..., Outcome]
) -> None:
    _locked_project(in_tmp, cli)
    latin = TASK.format(name="latin").replace("return value", 'return "caf\xe9"')
    (in_tmp / "latin.py").write_bytes(latin.encode("latin-1"))
    (in_tmp / "blob.py").write_bytes(b"\x00\x01\x02 not python")
    outcome = cli("run", ".", "--no-cache")
    assert outcome.out.splitlines() == [
        "blob.py:1:1: CC002 file skipped: binary file (contains NUL bytes); exclude it",
        "latin.py:1:1: CC002 file skipped: invalid UTF-8 at byte 79 (line 6); save "
        "it as UTF-8",
        "Found 2 findings (2 errors).",
    ]
    assert outcome.status == 1


def test_declared_encoding_read(in_tmp: Path, cli: Callable[..., Outcome]) -> None:
    _locked_project(in_tmp, cli)
    latin = TASK.format(name="latin").replace("return value", 'return "caf\xe9"')
    declared = "# -*- coding: latin-1 -*-\n" + latin.replace(
        "(value)", "(value, extra)"
    )
    (in_tmp / "latin.py").write_bytes(declared.encode("latin-1"))
    (in_tmp / "blob.py").write_text("# coding: klingon\n" + TASK.format(name="blob"))
    outcome = cli("run", ".", "--select", "CEL002,CC002", "--no-cache")
    assert outcome.out.splitlines() == [
        "blob.py:1:1: CC002 file skipped: unknown encoding 'klingon' declared; "
        "declare utf-8 or a codec Python knows",
        "latin.py:6:1: CEL002 task 'latin.latin': parameter 'extra' added (value) "
        "-> (value, extra) breaks BACKWARD compatibility: old messages lack the "
        "argument; old workers reject the new one; add the parameter at the end "
        "with a default (or keyword-only, after '*'), deploy the workers, then "
        "update the producers",
        "Found 2 findings (2 errors).",
    ]


@pytest.mark.skipif(
    not hasattr(os, "geteuid") or os.geteuid() == 0,
    reason="root reads files whatever their permissions",
)
def test_unreadable_file_skipped(in_tmp: Path, cli: Callable[..., Outcome]) -> None:
    _locked_project(in_tmp, cli)
    (in_tmp / "latin.py").chmod(0)
    try:
        outcome = cli("run", ".", "--no-cache")
    finally:
        (in_tmp / "latin.py").chmod(0o644)
    lines = outcome.out.splitlines()
    assert lines[0].startswith("latin.py:1:1: CC002 file skipped: ")
    assert lines[1] == "Found 1 finding (1 error)."


def test_lock_keeps_tasks_of_skipped_file(
    in_tmp: Path, cli: Callable[..., Outcome]
) -> None:
    _locked_project(in_tmp, cli)
    (in_tmp / "blob.py").write_bytes(b"\x00 not python")
    outcome = cli("tasks", "lock")
    assert outcome.status == 0
    assert outcome.out.splitlines() == [
        "Wrote 4 tasks to celery-tasks.lock.json.",
        "blob.py: skipped: binary file (contains NUL bytes); exclude it",
        "blob.py: kept the locked task 'blob.blob' of a skipped file",
    ]
    locked = json.loads((in_tmp / "celery-tasks.lock.json").read_text())
    assert sorted(locked["tasks"]) == [
        "blob.blob",
        "generic.generic",
        "kept.kept",
        "latin.latin",
    ]
