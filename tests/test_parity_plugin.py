"""PAR001 as a pytest item: turned on through the plugin, as CI does."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

FIXED = Path(__file__).resolve().parent.parent / "examples" / "crucible-platform-fixed"


def _copy(target: Path) -> Path:
    return shutil.copytree(FIXED, target, ignore=shutil.ignore_patterns("__pycache__"))


def _pytest(project: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-p",
            "no:cacheprovider",
            "-p",
            "no:randomly",
            "-rf",
            *args,
        ],
        cwd=project,
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )


def test_ini_options_run_par001(tmp_path):
    project = _copy(tmp_path / "fixed")
    pyproject = project / "pyproject.toml"
    pyproject.write_text(
        pyproject.read_text().replace(
            'pythonpath = ["."]',
            'pythonpath = ["."]\ncrucible = true\ncrucible_extend_select = ["PAR001"]',
        )
    )
    result = _pytest(project, "-v", "-k", "PAR001")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "crucible-checks::PAR001 PASSED" in result.stdout


def test_broken_copy_fails_par001_item(tmp_path):
    project = _copy(tmp_path / "broken")
    worker = project / "app" / "legacy_worker.py"
    worker.write_text(
        worker.read_text().replace(
            "    store_result(record)",
            '    record["output"] = str(record["output"])\n    store_result(record)',
        )
    )
    result = _pytest(
        project, "--crucible", "--crucible-extend-select", "PAR001", "-k", "PAR001"
    )
    assert result.returncode == 1, result.stdout + result.stderr
    assert "_ crucible-checks: PAR001 _" in result.stdout
    diff = (
        "tests/parity_cases.toml:{line}:1: PAR001 app.tasks.evaluate_code case "
        "{case!r}: 1 difference between the legacy and the Celery result:\n"
        "  output: legacy {legacy} != celery {celery}\n"
        "  ignored as noise: duration_ms, finished_at\n"
    )
    assert diff.format(line=3, case="addition", legacy='"3"', celery=3) in (
        result.stdout
    )
    assert diff.format(line=13, case="true-division", legacy='"3.5"', celery=3.5) in (
        result.stdout
    )
    assert "FAILED crucible-checks::PAR001" in result.stdout
