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


def test_family_key_not_table(cli: Cli, folder: Path) -> None:
    path = write_config(folder, "docs = 5\n")
    outcome = cli("run")
    assert outcome.status == 2
    assert outcome.err == (
        f"crucible-checks: error: {path} [tool.crucible-checks]: 'docs' must be a "
        "table, got 5; write the options of family 'docs' under "
        "[tool.crucible-checks.docs]\n"
    )


def test_family_key_not_table_standalone(cli: Cli, folder: Path) -> None:
    path = folder / "crucible-checks.toml"
    path.write_text('plugins = ["textlint_plugin"]\ntextlint = "x"\n')
    outcome = cli("run")
    assert outcome.status == 2
    assert outcome.err == (
        f"crucible-checks: error: {path}: 'textlint' must be a table, got 'x'; "
        "write the options of family 'textlint' under [textlint]\n"
    )


def test_unknown_scalar_suggests_family(cli: Cli, folder: Path) -> None:
    path = write_config(folder, "textlnt = 5\n")
    outcome = cli("run")
    assert outcome.status == 2
    assert outcome.err == (
        f"crucible-checks: error: {path} [tool.crucible-checks]: unknown key "
        "'textlnt'; did you mean 'textlint'?\n"
    )


def test_option_of_check_without_options(cli: Cli, folder: Path) -> None:
    path = write_config(folder, "checks = {DOC001 = {foo = 1}}\n")
    outcome = cli("run")
    assert outcome.status == 2
    assert outcome.err == (
        f"crucible-checks: error: {path} [tool.crucible-checks.checks.DOC001]: "
        "unknown key 'foo'; check DOC001 takes no options, so remove the table\n"
    )


def test_option_of_family_without_options(cli: Cli, folder: Path) -> None:
    path = write_config(folder, "[tool.crucible-checks.core]\nfoo = 1\n")
    outcome = cli("run")
    assert outcome.status == 2
    assert outcome.err == (
        f"crucible-checks: error: {path} [tool.crucible-checks.core]: unknown key "
        "'foo'; family 'core' takes no options, so remove the table\n"
    )


@pytest.mark.parametrize(
    ("key", "default"),
    [
        ("baseline", ".crucible-checks-baseline.json"),
        ("cache-dir", ".crucible_checks_cache"),
    ],
)
def test_absolute_path_setting(cli: Cli, folder: Path, key: str, default: str) -> None:
    path = write_config(folder, f'{key} = "/tmp/evil.json"\n')
    outcome = cli("run")
    assert outcome.status == 2
    assert outcome.err == (
        f"crucible-checks: error: {path} [tool.crucible-checks]: {key!r} = "
        "'/tmp/evil.json' is an absolute path; name a path relative to the "
        f"project folder, such as {default!r}\n"
    )


def test_empty_roots(cli: Cli, folder: Path) -> None:
    path = write_config(folder, "roots = []\n")
    outcome = cli("run")
    assert outcome.status == 2
    assert outcome.out == ""
    assert outcome.err == (
        f"crucible-checks: error: {path} [tool.crucible-checks]: 'roots' is empty, "
        "so nothing would be checked; list at least one folder or file, such as "
        "'.'\n"
    )


@pytest.mark.parametrize("name", ["pyproject.toml", "crucible-checks.toml"])
def test_byte_order_mark_accepted(cli: Cli, folder: Path, name: str) -> None:
    table = "[tool.crucible-checks]\n" if name == "pyproject.toml" else ""
    body = table + 'plugins = ["textlint_plugin"]\nselect = ["TXT002"]\n'
    (folder / name).write_bytes(b"\xef\xbb\xbf" + body.encode())
    outcome = cli("run")
    assert outcome.err == ""
    assert outcome.out == (
        "a.txt:1:41: TXT002 line is 45 characters long (limit 40)\n"
        "Found 1 finding (1 warning).\n"
    )
    assert outcome.status == 1


def test_pyproject_table_in_other_file(cli: Cli, folder: Path) -> None:
    other = folder / "other.toml"
    other.write_text('[tool.crucible-checks]\nselect = ["TXT"]\n')
    outcome = cli("--config", str(other), "run")
    assert outcome.status == 2
    assert outcome.err == (
        f"crucible-checks: error: {other}: [tool.crucible-checks] is the table of "
        "pyproject.toml; in other.toml, write the settings at the top level, "
        "without the [tool.crucible-checks] header (and [docs] for "
        "[tool.crucible-checks.docs])\n"
    )


def test_cache_dir_of_other_files_rejected(cli: Cli, folder: Path) -> None:
    (folder / "docs").mkdir()
    (folder / "docs" / "index.md").write_text("# Home\n")
    path = write_config(folder, 'cache-dir = "docs"\n')
    outcome = cli("run")
    assert outcome.status == 2
    assert outcome.err == (
        f"crucible-checks: error: {path} [tool.crucible-checks]: 'cache-dir' = "
        "'docs' is a folder with other files; name a folder of its own, such as "
        "'.crucible_checks_cache'\n"
    )
    write_config(folder, 'cache-dir = "build/cache"\n')
    assert cli("run").status == 1
    assert (folder / "build" / "cache" / "CACHEDIR.TAG").is_file()
    assert cli("run").status == 1
