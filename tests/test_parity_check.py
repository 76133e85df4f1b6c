"""PAR001 through the command line, on copies of the example project."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest

from crucible_checks.cli import main

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
FIXED = EXAMPLES / "crucible-platform-fixed"
SHIPPED = EXAMPLES / "crucible-platform"
CASES = """
[[case]]
id = "addition"
code = "1 + 2"
language = "arith"

[[case]]
id = "division"
code = "7 / 2"
language = "arith"
"""


def _copy(source: Path, target: Path) -> Path:
    return shutil.copytree(source, target, ignore=shutil.ignore_patterns("__pycache__"))


@pytest.fixture
def project(tmp_path):
    """A copy of the fixed example with two cases; its modules unloaded after."""
    target = _copy(FIXED, tmp_path / "platform")
    (target / "tests" / "parity_cases.toml").write_text(CASES)
    yield target
    _unload(tmp_path)


@pytest.fixture
def shipped(tmp_path):
    """A copy of the shipped example with a 1 s timeout."""
    target = _copy(SHIPPED, tmp_path / "shipped")
    pyproject = target / "pyproject.toml"
    pyproject.write_text(
        pyproject.read_text().replace(
            "calibrate = true", "calibrate = true\ntimeout = 1.0"
        )
    )
    yield target
    _unload(tmp_path)


def _unload(tmp_path: Path) -> None:
    for name in [
        name for name in sys.modules if name == "app" or name.startswith("app.")
    ]:
        del sys.modules[name]
    sys.path[:] = [entry for entry in sys.path if not entry.startswith(str(tmp_path))]


def test_par001_is_off_by_default(capsys):
    assert main(["list"]) == 0
    rows = [row.split() for row in capsys.readouterr().out.splitlines()]
    row = next(row for row in rows if row and row[0] == "PAR001")
    assert row[:5] == ["PAR001", "queue-parity-mismatch", "parity", "project", "off"]


def test_par001_reports_the_diff(project, capsys):
    worker = project / "app" / "legacy_worker.py"
    source = worker.read_text().replace(
        "    store_result(record)",
        '    if isinstance(record["output"], float):\n'
        '        record["output"] = int(record["output"])\n'
        "    store_result(record)",
    )
    worker.write_text(source)
    assert main(["run", str(project), "--select", "PAR001"]) == 1
    out = capsys.readouterr().out
    assert (
        "tests/parity_cases.toml:7:1: PAR001 app.tasks.evaluate_code case 'division': "
        "1 difference between the legacy and the Celery result:\n"
        "  output: legacy 3 != celery 3.5\n"
        "  ignored as noise: duration_ms, finished_at"
    ) in out
    assert "case 'addition'" not in out


def test_par001_stops_waiting_after_unpopped_job(shipped, capsys):
    assert main(["run", str(shipped), "--select", "PAR001"]) == 1
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith(
        "tests/parity_cases.toml:3:1: PAR001 app.tasks.evaluate_code case "
        "'addition': legacy worker stored no result at 'evaluation:"
    )
    assert lines[0].endswith(
        "within 1 s of the job's LPUSH to 'evaluation_queue'; 1 message(s) still "
        "wait on 'evaluation_queue', so the worker is not popping that list"
    )
    not_run = (
        "not run: legacy worker app.legacy_worker:main left an earlier job on "
        "'evaluation_queue' for the whole 1 s timeout, so it is not popping that list"
    )
    assert lines[1:7] == [
        f"tests/parity_cases.toml:{line}:1: PAR001 app.tasks.evaluate_code case "
        f"{case!r}: {not_run}"
        for line, case in [
            (8, "precedence"),
            (13, "true-division"),
            (18, "rpn"),
            (23, "division-by-zero"),
            (28, "rejected-call"),
            (33, "unknown-language"),
        ]
    ]
    assert lines[7] == "Found 7 findings (7 errors)."


def test_par001_rejects_app_that_is_not_celery(tmp_path, capsys):
    (tmp_path / "pyproject.toml").write_text(
        "[tool.crucible-checks.parity]\n"
        'celery-app = "os:path"\n'
        'legacy-worker = "os:getpid"\n'
        'legacy-queue = "jobs"\n'
        'result-key = "result:{job_id}"\n'
        'task = "tasks.evaluate"\n'
        'task-args = ["code"]\n'
        'cases = "cases.toml"\n'
    )
    (tmp_path / "cases.toml").write_text('[[case]]\ncode = "1"\n')
    assert main(["run", str(tmp_path), "--select", "PAR001"]) == 2
    assert capsys.readouterr().err == (
        "crucible-checks: error: plugin 'parity': celery-app 'os:path' is a "
        "module, not a Celery app; point it at the Celery() instance, for "
        "example 'app:app'\n"
    )
