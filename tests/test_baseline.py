"""The baseline: accepted findings stay hidden when lines move above them."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from crucible_checks.findings import Finding
from tests.conftest import Outcome

Cli = Callable[..., Outcome]


@pytest.fixture
def project(tmp_path: Path, textlint: str, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / "pyproject.toml").write_text(
        '[tool.crucible-checks]\nplugins = ["textlint_plugin"]\nselect = ["TXT001"]\n'
    )
    (tmp_path / "notes.txt").write_text("one \ntwo\n")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_fingerprint_ignores_line() -> None:
    first = Finding("a.md", 3, 1, "DOC001", "dead link", subject="[[Setup]]")
    moved = Finding("a.md", 9, 4, "DOC001", "dead link", subject="[[Setup]]")
    other = Finding("a.md", 3, 1, "DOC001", "dead link", subject="[[Install]]")
    assert first.fingerprint == moved.fingerprint
    assert first.fingerprint != other.fingerprint


def test_baseline_hides_moved_finding(cli: Cli, project: Path) -> None:
    outcome = cli("baseline")
    assert outcome.out == (
        f"Wrote 1 finding to {project / '.crucible-checks-baseline.json'}.\n"
    )
    (project / "notes.txt").write_text("inserted\nabove\none \ntwo\n")
    outcome = cli("run")
    assert outcome.status == 0
    assert outcome.out == (
        "All checks passed!\n"
        "1 finding accepted by the baseline not shown; use --no-baseline to see "
        "them.\n"
    )


def test_baseline_reports_new_finding(cli: Cli, project: Path) -> None:
    cli("baseline")
    (project / "notes.txt").write_text("one \ntwo \n")
    outcome = cli("run")
    assert outcome.status == 1
    assert outcome.out.splitlines()[0] == "notes.txt:2:4: TXT001 trailing whitespace"


def test_baseline_counts_fixed_entries(cli: Cli, project: Path) -> None:
    cli("baseline")
    (project / "notes.txt").write_text("one\ntwo\n")
    outcome = cli("run")
    assert outcome.status == 0
    assert outcome.out == (
        "All checks passed!\n"
        "1 baseline entries no longer occur; run 'crucible-checks baseline' "
        "to drop them.\n"
    )


def test_baseline_file_is_sorted_json(cli: Cli, project: Path) -> None:
    (project / "b.txt").write_text("x \n")
    cli("baseline")
    document = json.loads((project / ".crucible-checks-baseline.json").read_text())
    assert [row["path"] for row in document["findings"]] == ["b.txt", "notes.txt"]
    assert document["version"] == 1


def test_no_baseline_flag(cli: Cli, project: Path) -> None:
    cli("baseline")
    assert cli("run", "--no-baseline").status == 1


def test_malformed_baseline(cli: Cli, project: Path) -> None:
    (project / ".crucible-checks-baseline.json").write_text("{not json")
    outcome = cli("run")
    assert outcome.status == 2
    assert "invalid baseline" in outcome.err
    assert "regenerate it with 'crucible-checks baseline'" in outcome.err
