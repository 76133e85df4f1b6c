"""Small projects for the celery check tests, and running the checks on them."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from crucible_checks.cli import main


def write_project(root: Path, files: dict[str, str], config: str = "") -> Path:
    """Write ``files`` (dedented) and a crucible-checks.toml under ``root``."""
    (root / "crucible-checks.toml").write_text(f"[celery]\n{config}")
    for relative, text in files.items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text).lstrip("\n"))
    return root


def findings(capsys: pytest.CaptureFixture[str], root: Path, select: str) -> list[str]:
    """Run ``select`` on ``root`` and return the finding lines without the summary."""
    main(["run", str(root), "--select", select, "--no-cache"])
    lines = capsys.readouterr().out.splitlines()
    return [line for line in lines if f": {select}" in line]
