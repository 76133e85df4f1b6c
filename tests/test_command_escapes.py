"""Text from checked files reaches the terminal through the commands, escaped."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import Outcome

Cli = Callable[..., Outcome]

#: Every control character but the line feed that ends each printed line.
RAW_CONTROL = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f]")
TASKS = """from celery import shared_task


@shared_task(name="ok\\nFORGED app/x.py:1", queue="q\\x1b]0;title\\x07")
def job(value):
    return value


job.delay(1)
"""


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / "pyproject.toml").write_text("[tool.crucible-checks]\n")
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "index.md").write_text(
        "# Home\n\n[[other\x1b]2;title\x07]] [[file\x1bname]]\n"
    )
    (docs / "file\x1bname.md").write_text("# Name \x1b[2J\n\n[[index]]\n")
    (tmp_path / "tasks.py").write_text(TASKS)
    (tmp_path / "Procfile").write_text("worker: celery -A app worker -Q other\n")
    monkeypatch.chdir(tmp_path)
    return tmp_path


@pytest.mark.parametrize(
    "command",
    [
        ("docs", "wanted"),
        ("docs", "stats"),
        ("docs", "graph", "--format", "dot"),
        ("docs", "graph", "--format", "mermaid"),
        ("tasks", "list"),
        ("queues",),
        ("run", "--format", "full"),
    ],
)
def test_no_raw_control_characters(
    cli: Cli, project: Path, command: tuple[str, ...]
) -> None:
    outcome = cli(*command)
    assert outcome.out
    assert RAW_CONTROL.findall(outcome.out) == []
    assert RAW_CONTROL.findall(outcome.err) == []
    assert not any(line.startswith("FORGED") for line in outcome.out.splitlines())


def test_task_name_line_feed_escaped(cli: Cli, project: Path) -> None:
    outcome = cli("tasks", "list")
    assert outcome.out.splitlines()[0] == (
        "ok\\x0aFORGED app/x.py:1(value) queue=q\\x1b]0;title\\x07  tasks.py:5"
    )


def test_bidi_override_escaped(cli: Cli, project: Path) -> None:
    (project / "docs" / "index.md").write_text(
        "# Home\n\n[x](missing\u202eevil\u202c.md)\n"
    )
    outcome = cli("run", "--select", "DOC003")
    assert outcome.out.splitlines()[0] == (
        "docs/index.md:3:1: DOC003 dead link missing\\u202eevil\\u202c.md: no file "
        "'docs/missing\\u202eevil\\u202c.md'"
    )


def test_full_source_line_after_form_feed(cli: Cli, project: Path) -> None:
    (project / "docs" / "index.md").write_text("# Home\x0cpage\r\n\r\n[[gone]]\n")
    outcome = cli("run", "--select", "DOC001", "--format", "full")
    assert outcome.out.splitlines()[:3] == [
        "docs/index.md:3:1: DOC001 dead wiki link [[gone]]: no page 'gone'",
        "    3 | [[gone]]",
        "      | ^",
    ]
