"""The baseline: accepted findings stay hidden when lines move above them."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from crucible_checks.baseline import BaselineEntry
from crucible_checks.findings import Finding
from crucible_checks.run import RunScope
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
        "1 baseline entry no longer occurs; run 'crucible-checks baseline' "
        "to drop it.\n"
    )


def test_baseline_file_is_sorted_json(cli: Cli, project: Path) -> None:
    (project / "b.txt").write_text("x \n")
    cli("baseline")
    document = json.loads((project / ".crucible-checks-baseline.json").read_text())
    assert [row["path"] for row in document["findings"]] == ["b.txt", "notes.txt"]
    assert document["version"] == 1


def test_baseline_counts_two_fixed_entries(cli: Cli, project: Path) -> None:
    (project / "b.txt").write_text("x \n")
    cli("baseline")
    (project / "notes.txt").write_text("one\ntwo\n")
    (project / "b.txt").write_text("x\n")
    outcome = cli("run")
    assert outcome.status == 0
    assert outcome.out == (
        "All checks passed!\n"
        "2 baseline entries no longer occur; run 'crucible-checks baseline' "
        "to drop them.\n"
    )


@pytest.fixture
def docs_project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A project with a baseline of one DOC001 and one DOC005 finding."""
    (tmp_path / "pyproject.toml").write_text("[tool.crucible-checks]\n")
    (tmp_path / "a.md").write_text("# A\n\nSee [[Missing]].\n")
    (tmp_path / "b.md").write_text("# B\n\n[[a]]\n")
    (tmp_path / "c.md").write_text("[[b]]\n")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def _baseline_codes(project: Path) -> list[tuple[str, str]]:
    document = json.loads((project / ".crucible-checks-baseline.json").read_text())
    return [(row["path"], row["code"]) for row in document["findings"]]


def test_run_of_other_checks_counts_no_entry(cli: Cli, docs_project: Path) -> None:
    assert cli("baseline").status == 0
    assert _baseline_codes(docs_project) == [("a.md", "DOC001"), ("c.md", "DOC005")]
    outcome = cli("run", "--select", "CEL")
    assert outcome.status == 0
    assert outcome.out == "All checks passed!\n"
    assert outcome.err == ""


def test_baseline_keeps_entries_of_other_checks(cli: Cli, docs_project: Path) -> None:
    cli("baseline")
    outcome = cli("baseline", "--select", "CEL")
    assert outcome.status == 0
    assert outcome.out == (
        f"Wrote 0 findings to {docs_project / '.crucible-checks-baseline.json'}; "
        "kept 2 entries of checks or files that this run did not check.\n"
    )
    assert _baseline_codes(docs_project) == [("a.md", "DOC001"), ("c.md", "DOC005")]
    outcome = cli("run")
    assert outcome.status == 0
    assert outcome.out == (
        "All checks passed!\n"
        "2 findings accepted by the baseline not shown; use --no-baseline to see "
        "them.\n"
    )


def test_baseline_replaces_entries_of_its_checks(cli: Cli, docs_project: Path) -> None:
    cli("baseline")
    (docs_project / "a.md").write_text("# A\n\nSee [[b]].\n")
    outcome = cli("baseline", "--select", "DOC001")
    assert outcome.status == 0
    assert outcome.out == (
        f"Wrote 0 findings to {docs_project / '.crucible-checks-baseline.json'}; "
        "kept 1 entry of checks or files that this run did not check.\n"
    )
    assert _baseline_codes(docs_project) == [("c.md", "DOC005")]


def test_run_of_some_files_counts_only_them(cli: Cli, docs_project: Path) -> None:
    cli("baseline")
    (docs_project / "a.md").unlink()
    outcome = cli("run", "b.md")
    assert outcome.status == 1
    assert outcome.out == (
        "b.md:3:1: DOC001 dead wiki link [[a]]: no page 'a'\n"
        "Found 1 finding (1 error).\n"
    )
    outcome = cli("run")
    assert outcome.out.splitlines()[-1] == (
        "1 baseline entry no longer occurs; run 'crucible-checks baseline' to drop it."
    )


def test_no_baseline_flag(cli: Cli, project: Path) -> None:
    cli("baseline")
    assert cli("run", "--no-baseline").status == 1


def test_malformed_baseline(cli: Cli, project: Path) -> None:
    (project / ".crucible-checks-baseline.json").write_text("{not json")
    outcome = cli("run")
    assert outcome.status == 2
    assert "invalid baseline" in outcome.err
    assert "regenerate it with 'crucible-checks baseline'" in outcome.err


def test_baseline_entry_without_code(cli: Cli, project: Path) -> None:
    row = {"path": "notes.txt", "fingerprint": "x"}
    document = {"version": 1, "findings": [row]}
    (project / ".crucible-checks-baseline.json").write_text(json.dumps(document))
    outcome = cli("run")
    assert outcome.status == 2
    assert outcome.err == (
        f"crucible-checks: error: {project / '.crucible-checks-baseline.json'}: "
        f"invalid baseline entry {row!r}; regenerate it with "
        "'crucible-checks baseline'\n"
    )


def test_scope_with_changed_files() -> None:
    scope = RunScope(
        codes=frozenset({"DOC001", "DOC005"}),
        changed=frozenset({"a.md"}),
        file_codes=frozenset({"DOC001"}),
    )
    assert scope.covers(BaselineEntry("a.md", "DOC001", "x", 1))
    assert not scope.covers(BaselineEntry("b.md", "DOC001", "x", 1))
    assert scope.covers(BaselineEntry("b.md", "DOC005", "x", 1))
    assert not scope.covers(BaselineEntry("a.md", "CEL001", "x", 1))
