"""The plugin on docs/writing-a-plugin.md, installed and run as the page shows."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from markdown_it import MarkdownIt

from tests.conftest import Outcome

PAGE = Path(__file__).resolve().parent.parent / "docs" / "writing-a-plugin.md"
PACKAGE = "crucible-todo"


def _fences() -> list[tuple[str, str]]:
    """Return (info string, content) of every fenced block on the page."""
    tokens = MarkdownIt().parse(PAGE.read_text(encoding="utf-8"))
    return [(token.info, token.content) for token in tokens if token.type == "fence"]


def _files() -> dict[str, str]:
    """Return the page's files: blocks whose info string has ``title="PATH"``."""
    files = {}
    for info, content in _fences():
        if 'title="' in info:
            files[info.split('title="', 1)[1].split('"', 1)[0]] = content
    return files


def _sessions() -> list[tuple[str, str]]:
    """Return (command, expected output) pairs from the page's console blocks."""
    pairs: list[tuple[str, str]] = []
    for info, content in _fences():
        if info != "console":
            continue
        for chunk in content.split("$ ")[1:]:
            command, _, output = chunk.partition("\n")
            pairs.append((command, output))
    return pairs


@pytest.fixture
def installed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Install the page's package into a site folder on sys.path; return the
    project folder holding the page's other files."""
    package, project, site = tmp_path / PACKAGE, tmp_path / "project", tmp_path / "site"
    for relative, content in _files().items():
        base = tmp_path if relative.startswith(PACKAGE + "/") else project
        (base / relative).parent.mkdir(parents=True, exist_ok=True)
        (base / relative).write_text(content, encoding="utf-8")
    pip = [sys.executable, "-m", "pip", "install", "--quiet", "--no-deps"]
    pip += ["--no-build-isolation", "--no-index", "--target", str(site), str(package)]
    subprocess.run(pip, check=True, capture_output=True)
    monkeypatch.syspath_prepend(str(site))
    monkeypatch.chdir(project)
    return project


def test_page_has_package_files() -> None:
    assert set(_files()) == {
        "crucible-todo/pyproject.toml",
        "crucible-todo/crucible_todo.py",
        "docs/index.md",
        "pyproject.toml",
    }


def test_page_commands_in_order() -> None:
    commands = [command for command, _ in _sessions()]
    assert commands == [
        "pip install ./crucible-todo",
        "crucible-checks rule TODO001",
        "crucible-checks run",
    ]


def test_rule_output_matches_page(installed: Path, cli: Callable[..., Outcome]) -> None:
    command, expected = _sessions()[1]
    outcome = cli(*command.split()[1:])
    assert outcome.err == ""
    assert outcome.out == expected
    assert outcome.status == 0


def test_run_output_matches_page(installed: Path, cli: Callable[..., Outcome]) -> None:
    command, expected = _sessions()[2]
    outcome = cli(*command.split()[1:])
    assert outcome.err == ""
    assert outcome.out == expected
    assert outcome.status == 1


def test_option_table_from_page(installed: Path, cli: Callable[..., Outcome]) -> None:
    option_table = next(
        content
        for info, content in _fences()
        if info == "toml" and "[tool.crucible-checks.checks.TODO001]" in content
    )
    pyproject = installed / "pyproject.toml"
    pyproject.write_text(pyproject.read_text(encoding="utf-8") + "\n" + option_table)

    outcome = cli("run")

    assert outcome.out == "All checks passed!\n"
    assert outcome.status == 0
