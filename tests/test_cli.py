"""The command line, run in-process with its exact output and exit status."""

from __future__ import annotations

import argparse
import json
from collections.abc import Callable
from pathlib import Path

import pytest

from crucible_checks import __version__
from crucible_checks import cli as cli_module
from crucible_checks.session import Session
from tests.conftest import Outcome

Cli = Callable[..., Outcome]


@pytest.fixture
def project(tmp_path: Path, textlint: str, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / "pyproject.toml").write_text(
        '[tool.crucible-checks]\nplugins = ["textlint_plugin"]\n'
        'select = ["TXT", "CC"]\n'
    )
    (tmp_path / "notes.txt").write_text("clean line\ndirty line  \n")
    (tmp_path / "long.txt").write_text("x" * 45 + "\n")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_version(cli: Cli) -> None:
    outcome = cli("--version")
    assert outcome.status == 0
    assert outcome.out == f"crucible-checks {__version__}\n"


def test_run_reports_planted_problem(cli: Cli, project: Path) -> None:
    outcome = cli("run")
    assert outcome.status == 1
    assert outcome.out == (
        "long.txt:1:41: TXT002 line is 45 characters long (limit 40)\n"
        "notes.txt:2:11: TXT001 trailing whitespace\n"
        "Found 2 findings (1 error, 1 warning).\n"
    )


def test_run_clean_exits_zero(cli: Cli, project: Path) -> None:
    (project / "notes.txt").write_text("clean\n")
    (project / "long.txt").unlink()
    outcome = cli("run")
    assert outcome.status == 0
    assert outcome.out == "All checks passed!\n"


def test_run_exit_zero(cli: Cli, project: Path) -> None:
    assert cli("run", "--exit-zero").status == 0


def test_warning_only_still_fails(cli: Cli, project: Path) -> None:
    outcome = cli("run", "--select", "TXT002")
    assert outcome.status == 1
    assert outcome.out.splitlines()[-1] == "Found 1 finding (1 warning)."


def test_run_path_limits_report(cli: Cli, project: Path) -> None:
    outcome = cli("run", "notes.txt")
    assert outcome.out == (
        "notes.txt:2:11: TXT001 trailing whitespace\nFound 1 finding (1 error).\n"
    )


def test_select_and_ignore(cli: Cli, project: Path) -> None:
    assert "TXT002" not in cli("run", "--ignore", "TXT002").out
    assert "TXT001" not in cli("run", "--select", "line-too-long").out


def test_select_option_drops_configured_extend_select(cli: Cli, project: Path) -> None:
    config = project / "pyproject.toml"
    config.write_text(config.read_text() + 'extend-select = ["TXT003"]\n')
    assert cli("run").out.splitlines()[0] == (
        "README.txt:1:1: TXT003 README.txt is missing"
    )
    assert cli("run", "--select", "TXT001").out.splitlines() == [
        "notes.txt:2:11: TXT001 trailing whitespace",
        "Found 1 finding (1 error).",
    ]
    assert cli(
        "run", "--select", "TXT001", "--extend-select", "TXT003"
    ).out.splitlines() == [
        "README.txt:1:1: TXT003 README.txt is missing",
        "notes.txt:2:11: TXT001 trailing whitespace",
        "Found 2 findings (2 errors).",
    ]


def test_off_by_default_needs_exact_code(cli: Cli, project: Path) -> None:
    assert "TXT003" not in cli("run", "--select", "TXT").out
    outcome = cli("run", "--select", "TXT003")
    assert outcome.out.splitlines()[0] == "README.txt:1:1: TXT003 README.txt is missing"


def test_statistics(cli: Cli, project: Path) -> None:
    outcome = cli("run", "--statistics")
    assert "    1  TXT001  trailing-whitespace\n" in outcome.out
    assert "    1  TXT002  line-too-long\n" in outcome.out


def test_fix_rewrites_and_reports_rest(cli: Cli, project: Path) -> None:
    (project / "notes.txt").write_bytes(b"a \r\nb\t\r\nc\r\n")
    outcome = cli("run", "--fix", "--select", "TXT001")
    assert outcome.status == 0
    assert (project / "notes.txt").read_bytes() == b"a\r\nb\r\nc\r\n"
    assert outcome.out == "Fixed 2 findings.\nAll checks passed!\n"


def test_output_file(cli: Cli, project: Path) -> None:
    outcome = cli("run", "--format", "json", "--output-file", "out.json")
    rows = json.loads((project / "out.json").read_text())
    assert [(row["code"], row["path"], row["line"]) for row in rows] == [
        ("TXT002", "long.txt", 1),
        ("TXT001", "notes.txt", 2),
    ]
    assert outcome.out == ""
    assert outcome.err == "Found 2 findings (1 error, 1 warning).\n"


def test_unknown_select_code(cli: Cli, project: Path) -> None:
    outcome = cli("run", "--select", "trailing-whitespac")
    assert outcome.status == 2
    assert outcome.err == (
        "crucible-checks: error: --select: unknown check code or name "
        "'trailing-whitespac'; did you mean 'trailing-whitespace'?\n"
    )


def test_unknown_format(cli: Cli, project: Path) -> None:
    outcome = cli("run", "--format", "sarf")
    assert outcome.status == 2
    assert "unknown format 'sarf'; did you mean 'sarif'?" in outcome.err


def test_missing_path(cli: Cli, project: Path) -> None:
    outcome = cli("run", "nowhere.txt")
    assert outcome.status == 2
    assert outcome.err.endswith("nowhere.txt: no such file or folder\n")


def test_unknown_command_is_usage_error(cli: Cli, project: Path) -> None:
    outcome = cli("frobnicate")
    assert outcome.status == 2
    assert "invalid choice: 'frobnicate'" in outcome.err
    assert "Traceback" not in outcome.err


def test_rule_explains_check(cli: Cli, project: Path) -> None:
    outcome = cli("rule", "TXT002")
    assert outcome.status == 0
    assert outcome.out.startswith("TXT002 line-too-long\n\nA line is longer")
    assert "  max-length (integer, default 40): maximum line length" in outcome.out


def test_rule_unknown_code(cli: Cli, project: Path) -> None:
    outcome = cli("rule", "TXT02")
    assert outcome.status == 2
    assert "unknown check 'TXT02'" in outcome.err


def test_list_shows_plugin_checks(cli: Cli, project: Path) -> None:
    outcome = cli("list", "--format", "json")
    rows = {row["code"]: row for row in json.loads(outcome.out)}
    assert rows["TXT001"]["plugin"] == "textlint_plugin"
    assert rows["TXT003"]["default_enabled"] is False
    assert rows["TXT003"]["scope"] == "project"
    assert rows["CC002"]["plugin"] == "core"


def test_list_text_table(cli: Cli, project: Path) -> None:
    lines = cli("list").out.splitlines()
    assert lines[0].split() == [
        "code",
        "name",
        "family",
        "scope",
        "default",
        "severity",
        "plugin",
    ]
    assert "TXT003  missing-readme" in "\n".join(lines)


def test_unreadable_file_is_finding(cli: Cli, project: Path) -> None:
    (project / "latin.txt").write_bytes(b"caf\xe9\n")
    (project / "binary.txt").write_bytes(b"\x00\x01")
    outcome = cli("run", "--select", "TXT001,CC002")
    assert outcome.out == (
        "binary.txt:1:1: CC002 file skipped: binary file (contains NUL bytes); "
        "exclude it\n"
        "latin.txt:1:1: CC002 file skipped: invalid UTF-8 at byte 3 (line 1); "
        "save it as UTF-8\n"
        "notes.txt:2:11: TXT001 trailing whitespace\n"
        "Found 3 findings (3 errors).\n"
    )


def test_no_config_root_is_current_folder(
    cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "setup.md").write_text("# Setup\n\nSee [[Meeting]].\n")
    (tmp_path / "notes").mkdir()
    (tmp_path / "notes" / "meeting.md").write_text("# Meeting\n\n[[Setup]]\n")
    (tmp_path / "readme.md").write_text("# Readme\n\n[[Setup]] and [[Nada]].\n")
    monkeypatch.chdir(tmp_path)
    # As a pre-commit hook passes them: staged files, the first in a subfolder.
    outcome = cli("run", "docs/setup.md", "readme.md", "--select", "DOC001")
    assert outcome.out == (
        "readme.md:3:15: DOC001 dead wiki link [[Nada]]: no page 'nada'\n"
        "Found 1 finding (1 error).\n"
    )
    assert outcome.status == 1
    assert not (tmp_path / "docs" / ".crucible_checks_cache").exists()


def test_path_outside_project_root(
    cli: Cli, project: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    elsewhere = tmp_path_factory.mktemp("elsewhere") / "page.md"
    elsewhere.write_text("# Elsewhere\n")
    outcome = cli("run", "notes.txt", str(elsewhere))
    assert outcome.status == 2
    assert outcome.err == (
        f"crucible-checks: error: {elsewhere}: outside the project root {project}; "
        "check one project at a time, or pass --config with a config file above "
        "both\n"
    )


def test_option_value_is_not_a_path(
    cli: Cli, project: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    reports = tmp_path_factory.mktemp("reports")
    output = reports / "results.json"
    output.write_text("[]")
    outcome = cli("run", "--format", "json", "--output-file", str(output))
    assert outcome.status == 1
    assert [item["code"] for item in json.loads(output.read_text())] == [
        "TXT002",
        "TXT001",
    ]
    assert not (reports / ".crucible_checks_cache").exists()


def test_value_options_match_parser(project: Path) -> None:
    session = Session.create(start=project)
    parser = cli_module._build_parser(session, "run")
    subparsers = next(
        action
        for action in parser._actions
        if isinstance(action, argparse._SubParsersAction)
    )
    taking_values = {
        option
        for command in ("run", "baseline")
        for action in subparsers.choices[command]._actions
        if action.nargs != 0
        for option in action.option_strings
    }
    assert taking_values == cli_module._VALUE_OPTIONS
