"""The parity check and its child processes under bad settings."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import Outcome

Cli = Callable[..., Outcome]

SETTINGS = """[tool.crucible-checks.parity]
celery-app = "app:app"
legacy-worker = "app:main"
legacy-queue = "jobs"
result-key = "result:{job_id}"
task = "app.evaluate"
task-args = ["code"]
"""


@pytest.mark.parametrize("timeout", ["0", "-1", "0.0"])
def test_timeout_not_positive(
    cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, timeout: str
) -> None:
    config = tmp_path / "pyproject.toml"
    config.write_text(SETTINGS + f"timeout = {timeout}\n")
    monkeypatch.chdir(tmp_path)
    outcome = cli("run", "--select", "PAR001")
    assert outcome.status == 2
    assert outcome.err == (
        f"crucible-checks: error: {config} [tool.crucible-checks]: "
        f"parity setting 'timeout' must be more than 0 seconds, "
        f"got {float(timeout)}\n"
    )


def test_parity_settings_missing(
    cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = tmp_path / "crucible-checks.toml"
    config.write_text("[parity]\ntask = 'app.evaluate'\n")
    monkeypatch.chdir(tmp_path)
    outcome = cli("run", "--select", "PAR001")
    assert outcome.status == 2
    assert outcome.err == (
        f"crucible-checks: error: {config}: the parity check needs the parity "
        "settings task, legacy-queue, result-key and task-args; missing: "
        "'legacy-queue', 'result-key', 'task-args'; the migration guide "
        "(docs/migration-guide.md) shows them\n"
    )


def test_legacy_worker_import_error(tmp_path: Path) -> None:
    completed = subprocess.run(
        [sys.executable, "-m", "crucible_checks.parity.legacy_main", "nope:main"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert completed.returncode == 2
    assert completed.stdout == ""
    assert completed.stderr == (
        "legacy worker 'nope:main': cannot import: No module named 'nope'\n"
    )
