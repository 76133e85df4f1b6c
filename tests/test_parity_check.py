"""PAR001 through the command line, on copies of the example project."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest

from crucible_checks.cli import main

FIXED = Path(__file__).resolve().parent.parent / "examples" / "crucible-platform-fixed"
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


@pytest.fixture
def project(tmp_path):
    """A copy of the fixed example with two cases; its modules unloaded after."""
    target = shutil.copytree(
        FIXED, tmp_path / "platform", ignore=shutil.ignore_patterns("__pycache__")
    )
    (target / "tests" / "parity_cases.toml").write_text(CASES)
    yield target
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
