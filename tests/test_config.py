"""Reading and validating configuration: every bad value ends with exit 2."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import Outcome

Cli = Callable[..., Outcome]


def write_config(folder: Path, body: str) -> Path:
    path = folder / "pyproject.toml"
    path.write_text('[tool.crucible-checks]\nplugins = ["textlint_plugin"]\n' + body)
    return path


@pytest.fixture
def folder(tmp_path: Path, textlint: str, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "a.txt").write_text("x" * 45 + "\n")
    return tmp_path


def test_unknown_key_suggests_nearest(cli: Cli, folder: Path) -> None:
    path = write_config(folder, 'selct = ["TXT"]\n')
    outcome = cli("run")
    assert outcome.status == 2
    assert outcome.err == (
        f"crucible-checks: error: {path} [tool.crucible-checks]: unknown key "
        "'selct'; did you mean 'select'?\n"
    )


def test_wrong_type(cli: Cli, folder: Path) -> None:
    path = write_config(folder, 'ignore = "TXT001"\n')
    outcome = cli("run")
    assert outcome.status == 2
    assert outcome.err == (
        f"crucible-checks: error: {path} [tool.crucible-checks]: 'ignore' must be "
        "a list of strings, got 'TXT001'\n"
    )


def test_unknown_code_in_config(cli: Cli, folder: Path) -> None:
    path = write_config(folder, 'ignore = ["TXT01x"]\n')
    outcome = cli("run")
    assert outcome.status == 2
    assert outcome.err == (
        f"crucible-checks: error: {path} [tool.crucible-checks] 'ignore': unknown "
        "check code or name 'TXT01x'; did you mean 'TXT001'?\n"
    )


def test_unknown_family_table(cli: Cli, folder: Path) -> None:
    write_config(folder, "[tool.crucible-checks.textlnt]\nsuffixes = []\n")
    outcome = cli("run")
    assert outcome.status == 2
    assert "unknown key 'textlnt'; did you mean 'textlint'?" in outcome.err


def test_family_option_wrong_type(cli: Cli, folder: Path) -> None:
    write_config(folder, '[tool.crucible-checks.textlint]\nsuffixes = ".txt"\n')
    outcome = cli("run")
    assert outcome.status == 2
    assert outcome.err.endswith(
        "[tool.crucible-checks.textlint]: 'suffixes' must be a list of strings, "
        "got '.txt'\n"
    )


def test_check_option_applies(cli: Cli, folder: Path) -> None:
    write_config(
        folder, "[tool.crucible-checks.checks.line-too-long]\nmax-length = 20\n"
    )
    outcome = cli("run")
    assert outcome.out.splitlines()[0] == (
        "a.txt:1:21: TXT002 line is 45 characters long (limit 20)"
    )


def test_check_option_unknown_key(cli: Cli, folder: Path) -> None:
    write_config(folder, "[tool.crucible-checks.checks.TXT002]\nmax-lenght = 20\n")
    outcome = cli("run")
    assert outcome.status == 2
    assert outcome.err.endswith(
        "[tool.crucible-checks.checks.TXT002]: unknown key 'max-lenght'; "
        "did you mean 'max-length'?\n"
    )


def test_check_table_unknown_check(cli: Cli, folder: Path) -> None:
    write_config(
        folder, "[tool.crucible-checks.checks.line-to-long]\nmax-length = 20\n"
    )
    outcome = cli("run")
    assert outcome.status == 2
    assert "unknown key 'line-to-long'; did you mean 'line-too-long'?" in outcome.err


def test_check_table_of_missing_plugin(cli: Cli, folder: Path) -> None:
    path = write_config(folder, "[tool.crucible-checks.checks.TODO001]\nx = 1\n")
    outcome = cli("run")
    assert outcome.status == 2
    assert outcome.out == ""
    assert outcome.err == (
        f"crucible-checks: error: {path} [tool.crucible-checks.checks]: no loaded "
        "plugin provides check 'TODO001'; install or enable the plugin that "
        "provides it, or remove its options table\n"
    )


def test_check_table_of_disabled_plugin(cli: Cli, folder: Path) -> None:
    path = write_config(
        folder, "[tool.crucible-checks.checks.TXT002]\nmax-length = 20\n"
    )
    outcome = cli("--disable-plugin", "textlint_plugin", "run")
    assert outcome.status == 2
    assert outcome.out == ""
    assert outcome.err == (
        f"crucible-checks: error: {path} [tool.crucible-checks.checks]: no loaded "
        "plugin provides check 'TXT002'; install or enable the plugin that "
        "provides it (disabled: textlint_plugin), or remove its options table\n"
    )


def test_check_table_misspelled_code(cli: Cli, folder: Path) -> None:
    path = write_config(folder, "[tool.crucible-checks.checks.TXT02]\nx = 1\n")
    outcome = cli("run")
    assert outcome.status == 2
    assert outcome.err == (
        f"crucible-checks: error: {path} [tool.crucible-checks.checks]: unknown "
        "key 'TXT02'; did you mean 'TXT002'?\n"
    )


def test_invalid_toml(cli: Cli, folder: Path) -> None:
    (folder / "crucible-checks.toml").write_text("select = [\n")
    outcome = cli("run")
    assert outcome.status == 2
    assert outcome.err.startswith(
        f"crucible-checks: error: {folder / 'crucible-checks.toml'}: invalid TOML:"
    )


def test_standalone_file_wins(cli: Cli, folder: Path) -> None:
    write_config(folder, 'select = ["TXT001"]\n')
    (folder / "crucible-checks.toml").write_text(
        'plugins = ["textlint_plugin"]\nselect = ["TXT002"]\n'
    )
    assert "TXT002" in cli("run").out


def test_config_found_from_subfolder(
    cli: Cli, folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_config(folder, 'select = ["TXT002"]\n')
    (folder / "sub").mkdir()
    monkeypatch.chdir(folder / "sub")
    assert cli("run").out.startswith("a.txt:1:")


def test_per_file_ignores(cli: Cli, folder: Path) -> None:
    (folder / "b.txt").write_text("y" * 50 + "\n")
    write_config(
        folder, '[tool.crucible-checks.per-file-ignores]\n"a.*" = ["TXT002"]\n'
    )
    assert cli("run").out.splitlines()[0].startswith("b.txt:1:41: TXT002")


def test_bad_file_source(cli: Cli, folder: Path) -> None:
    write_config(folder, 'file-source = "index"\n')
    outcome = cli("run")
    assert outcome.status == 2
    assert "'file-source' must be one of 'worktree', 'git', got 'index'" in outcome.err
