"""Broken plugins: each ends in one message naming the plugin, with exit 2."""

from __future__ import annotations

import sys
import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest

from crucible_checks import cli
from crucible_checks.host import BUILT_IN_COMMANDS
from tests.conftest import Outcome

Cli = Callable[..., Outcome]


@pytest.fixture
def plugins(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Return a folder on sys.path for plugin modules, next to a project."""
    folder = tmp_path / "plugins"
    folder.mkdir()
    monkeypatch.syspath_prepend(str(folder))
    project = tmp_path / "project"
    project.mkdir()
    (project / "crucible-checks.toml").write_text("")
    (project / "a.txt").write_text("text\n")
    monkeypatch.chdir(project)
    return folder


def write_plugin(folder: Path, name: str, source: str) -> None:
    """Write a plugin module, dropping the module of the same name that an
    earlier case of a parametrized test imported."""
    (folder / f"{name}.py").write_text(textwrap.dedent(source))
    sys.modules.pop(name, None)


def check_plugin(code: str, name: str, run_body: str = "return []") -> str:
    """Return the source of a plugin with one check in its own family."""
    return f"""
    from crucible_checks import CheckInfo, Family, Finding, Severity, hookimpl

    class OneCheck:
        info = CheckInfo({code!r}, {name!r}, "extra", "Summary.", "Explanation.")

        def run(self, project, options):
            {run_body}

    @hookimpl
    def crucible_checks_families():
        return [Family("extra", "Extra checks.")]

    @hookimpl
    def crucible_checks_checks():
        return [OneCheck()]
    """


def command_plugin(name: str | None, run_body: str) -> str:
    """Return the source of a plugin that adds one command."""
    return f"""
    from crucible_checks import hookimpl

    class OneCommand:
        name = {name!r}
        help = "a command of a test plugin"

        def add_arguments(self, parser):
            pass

        def run(self, args, session):
            {run_body}

    @hookimpl
    def crucible_checks_commands():
        return [OneCommand()]
    """


def test_plugin_exiting_at_import(cli: Cli, plugins: Path) -> None:
    write_plugin(plugins, "exiting_plugin", "import sys\nsys.exit(3)\n")
    outcome = cli("-p", "exiting_plugin", "list")
    assert outcome.status == 2
    assert outcome.out == ""
    assert outcome.err == (
        "crucible-checks: error: plugin 'exiting_plugin': failed to import: the "
        "module called sys.exit(3); a plugin module must not exit when imported\n"
    )


def test_hook_exiting(cli: Cli, plugins: Path) -> None:
    write_plugin(
        plugins,
        "exiting_hook",
        """
        import sys
        from crucible_checks import hookimpl

        @hookimpl
        def crucible_checks_checks():
            sys.exit("no checks")
        """,
    )
    outcome = cli("-p", "exiting_hook", "list")
    assert outcome.status == 2
    assert outcome.err == (
        "crucible-checks: error: plugin 'exiting_hook': SystemExit: no checks\n"
    )


def test_duplicate_code_blames_second(cli: Cli, plugins: Path) -> None:
    write_plugin(plugins, "dup_plugin", check_plugin("DOC001", "dead-link-again"))
    outcome = cli("-p", "dup_plugin", "list")
    assert outcome.status == 2
    assert outcome.err == (
        "crucible-checks: error: plugin 'dup_plugin': check code DOC001 is "
        "already used by 'docs'\n"
    )


def test_duplicate_name_blames_second(cli: Cli, plugins: Path) -> None:
    write_plugin(plugins, "same_name", check_plugin("EXT001", "dead-wiki-link"))
    outcome = cli("-p", "same_name", "list")
    assert outcome.status == 2
    assert outcome.err == (
        "crucible-checks: error: plugin 'same_name': check EXT001 has the name "
        "'dead-wiki-link', which check DOC001 of 'docs' already uses\n"
    )


@pytest.mark.parametrize("code", ["", "ext001", "EXT", "EXT-001", "001"])
def test_check_code_shape(cli: Cli, plugins: Path, code: str) -> None:
    write_plugin(plugins, "bad_code", check_plugin(code, "some-check"))
    outcome = cli("-p", "bad_code", "list")
    assert outcome.status == 2
    assert outcome.err == (
        f"crucible-checks: error: plugin 'bad_code': check 'some-check' has the "
        f"code {code!r}; a check code is capital letters then digits, such as "
        "TODO001\n"
    )


@pytest.mark.parametrize("name", ["", "two words", "a,b"])
def test_check_name_shape(cli: Cli, plugins: Path, name: str) -> None:
    write_plugin(plugins, "bad_name", check_plugin("EXT001", name))
    outcome = cli("-p", "bad_name", "list")
    assert outcome.status == 2
    assert outcome.err == (
        f"crucible-checks: error: plugin 'bad_name': check EXT001 has the name "
        f"{name!r}; a check name is a word without spaces or commas, such as "
        "todo-without-owner\n"
    )


def test_empty_code_and_name(cli: Cli, plugins: Path) -> None:
    write_plugin(plugins, "empty_check", check_plugin("", ""))
    outcome = cli("-p", "empty_check", "list")
    assert outcome.status == 2
    assert outcome.err == (
        "crucible-checks: error: plugin 'empty_check': check '' has the code ''; "
        "a check code is capital letters then digits, such as TODO001\n"
    )


@pytest.mark.parametrize("name", BUILT_IN_COMMANDS)
def test_command_named_like_built_in(cli: Cli, plugins: Path, name: str) -> None:
    write_plugin(plugins, "clashing_command", command_plugin(name, "return 0"))
    outcome = cli("-p", "clashing_command", "list")
    assert outcome.status == 2
    assert outcome.err == (
        f"crucible-checks: error: plugin 'clashing_command': command {name!r} has "
        "the name of a built-in command; rename the plugin's command\n"
    )


@pytest.mark.parametrize("name", ["", "--all", None])
def test_command_name_invalid(cli: Cli, plugins: Path, name: str | None) -> None:
    write_plugin(plugins, "unnamed_command", command_plugin(name, "return 0"))
    outcome = cli("-p", "unnamed_command", "list")
    assert outcome.status == 2
    assert outcome.err == (
        f"crucible-checks: error: plugin 'unnamed_command': contributed a command "
        f"named {name!r}; a command needs a non-empty str name that does not "
        "start with '-'\n"
    )


def test_built_in_commands_match_handlers() -> None:
    assert set(BUILT_IN_COMMANDS) == set(cli._HANDLERS)


def test_command_taken_by_other_plugin(cli: Cli, plugins: Path) -> None:
    write_plugin(plugins, "second_docs", command_plugin("docs", "return 0"))
    outcome = cli("-p", "second_docs", "list")
    assert outcome.status == 2
    assert outcome.err == (
        "crucible-checks: error: plugin 'second_docs': command 'docs' is already "
        "added by 'docs'; rename one of them\n"
    )


def test_command_raising(cli: Cli, plugins: Path) -> None:
    source = command_plugin("boom", 'raise RuntimeError("boom in command")')
    write_plugin(plugins, "raising_command", source)
    outcome = cli("-p", "raising_command", "boom")
    assert outcome.status == 2
    assert outcome.err == (
        "crucible-checks: error: plugin 'raising_command': command 'boom' failed: "
        "RuntimeError: boom in command\n"
    )


def test_command_calling_exit(cli: Cli, plugins: Path) -> None:
    source = command_plugin("leave", "import sys; sys.exit(3)")
    write_plugin(plugins, "exiting_command", source)
    outcome = cli("-p", "exiting_command", "leave")
    assert outcome.status == 2
    assert outcome.err == (
        "crucible-checks: error: plugin 'exiting_command': command 'leave' called "
        "sys.exit(3); a command returns its exit status instead\n"
    )


@pytest.mark.parametrize("status", ["None", "3", "True", "'0'"])
def test_command_bad_status(cli: Cli, plugins: Path, status: str) -> None:
    write_plugin(plugins, "odd_status", command_plugin("odd", f"return {status}"))
    outcome = cli("-p", "odd_status", "odd")
    assert outcome.status == 2
    assert outcome.err == (
        f"crucible-checks: error: plugin 'odd_status': command 'odd' returned "
        f"{status}; expected an exit status of 0, 1 or 2\n"
    )


def test_command_exit_status_passes(cli: Cli, plugins: Path) -> None:
    write_plugin(plugins, "fine_command", command_plugin("fine", "return 1"))
    outcome = cli("-p", "fine_command", "fine")
    assert outcome.status == 1
    assert outcome.err == ""


FINDING_CASES = [
    (
        'return [Finding("a.txt", 1, 1, "EXT001", "m", severity="bogus")]',
        "Finding(path='a.txt', line=1, column=1, code='EXT001', message='m', "
        "severity='bogus', end_line=None, end_column=None, subject='', fix=None); "
        "its severity 'bogus' is not one of Severity.ERROR, Severity.WARNING, "
        "Severity.INFO",
    ),
    (
        'return [Finding("../a.txt", 1, 1, "EXT001", "m")]',
        "Finding(path='../a.txt', line=1, column=1, code='EXT001', message='m', "
        "severity=<Severity.ERROR: 'error'>, end_line=None, end_column=None, "
        "subject='', fix=None); its path '../a.txt' contains '..'; expected a path "
        "relative to the project root, without '..'",
    ),
    (
        'return [Finding("/a.txt", 1, 1, "EXT001", "m")]',
        "Finding(path='/a.txt', line=1, column=1, code='EXT001', message='m', "
        "severity=<Severity.ERROR: 'error'>, end_line=None, end_column=None, "
        "subject='', fix=None); its path '/a.txt' is absolute; expected a path "
        "relative to the project root",
    ),
    (
        'return [Finding("a.txt", -1, 1, "EXT001", "m")]',
        "Finding(path='a.txt', line=-1, column=1, code='EXT001', message='m', "
        "severity=<Severity.ERROR: 'error'>, end_line=None, end_column=None, "
        "subject='', fix=None); its line -1 is not a number of at least 1",
    ),
    (
        'return [Finding("a.txt", 1, "2", "EXT001", "m")]',
        "Finding(path='a.txt', line=1, column='2', code='EXT001', message='m', "
        "severity=<Severity.ERROR: 'error'>, end_line=None, end_column=None, "
        "subject='', fix=None); its column '2' is not a number of at least 1",
    ),
    (
        'import pathlib; return [Finding(pathlib.PurePosixPath("a.txt"), 1, 1, '
        '"EXT001", "m")]',
        "Finding(path=PurePosixPath('a.txt'), line=1, column=1, code='EXT001', "
        "message='m', severity=<Severity.ERROR: 'error'>, end_line=None, "
        "end_column=None, subject='', fix=None); its path is a PurePosixPath; "
        "expected a str",
    ),
    (
        'return [Finding("a.txt", 1, 1, "EXT001", None)]',
        "Finding(path='a.txt', line=1, column=1, code='EXT001', message=None, "
        "severity=<Severity.ERROR: 'error'>, end_line=None, end_column=None, "
        "subject='', fix=None); its message is a NoneType; expected a str",
    ),
    (
        'return [Finding("a.txt", 1, 1, "EXT002", "m")]',
        "Finding(path='a.txt', line=1, column=1, code='EXT002', message='m', "
        "severity=<Severity.ERROR: 'error'>, end_line=None, end_column=None, "
        "subject='', fix=None); its code 'EXT002' is not the check's code EXT001; "
        "a check reports findings of its own code only",
    ),
    ('return ["a.txt:1:1 m"]', "'a.txt:1:1 m'; expected Finding objects, got str"),
]


@pytest.mark.parametrize(("run_body", "problem"), FINDING_CASES)
def test_bad_finding_before_output(
    cli: Cli, plugins: Path, run_body: str, problem: str
) -> None:
    write_plugin(plugins, "bad_finding", check_plugin("EXT001", "ext", run_body))
    for output_format in ("concise", "json"):
        outcome = cli(
            "-p", "bad_finding", "run", "--no-cache", "--format", output_format
        )
        assert outcome.status == 2
        assert outcome.out == ""
        assert outcome.err == (
            f"crucible-checks: error: plugin 'bad_finding': check EXT001 returned "
            f"{problem}\n"
        )


def test_output_file_untouched_by_bad_finding(cli: Cli, plugins: Path) -> None:
    run_body = FINDING_CASES[0][0]
    write_plugin(plugins, "bad_finding", check_plugin("EXT001", "ext", run_body))
    outcome = cli("-p", "bad_finding", "run", "--output-file", "out.txt")
    assert outcome.status == 2
    assert not Path("out.txt").exists()


def test_disabled_core_has_no_formats(cli: Cli, plugins: Path) -> None:
    outcome = cli("--disable-plugin", "core", "run")
    assert outcome.status == 2
    assert outcome.out == ""
    assert outcome.err == (
        "crucible-checks: error: no output format is loaded, because plugin 'core' "
        "provides them and it is disabled; remove 'core' from --disable-plugin, "
        "the 'disable-plugins' setting and CRUCIBLE_CHECKS_DISABLE_PLUGINS\n"
    )


def test_disabled_core_still_lists(cli: Cli, plugins: Path) -> None:
    outcome = cli("--disable-plugin", "core", "list")
    assert outcome.status == 0
    assert "DOC001" in outcome.out
    assert "CC002" not in outcome.out


@pytest.mark.parametrize(
    ("returned", "problem"),
    [
        ('"extra"', "crucible_checks_families returned a str; a hook returns a list"),
        (
            "[42]",
            "contributed <int> as a family; a family is a "
            "crucible_checks.Family with a str name",
        ),
    ],
)
def test_families_hook_wrong_type(
    cli: Cli, plugins: Path, returned: str, problem: str
) -> None:
    source = f"""
    from crucible_checks import hookimpl

    @hookimpl
    def crucible_checks_families():
        return {returned}
    """
    write_plugin(plugins, "odd_families", source)
    outcome = cli("-p", "odd_families", "list")
    assert outcome.status == 2
    assert outcome.err.splitlines()[0].startswith(
        "crucible-checks: error: plugin 'odd_families': "
    )
    assert problem in outcome.err


def test_command_arguments_raising(cli: Cli, plugins: Path) -> None:
    adds_nothing = "def add_arguments(self, parser):\n            pass"
    raises = "def add_arguments(self, parser):\n            raise RuntimeError('no')"
    source = command_plugin("args", "return 0").replace(adds_nothing, raises)
    write_plugin(plugins, "arguments_command", source)
    outcome = cli("-p", "arguments_command", "args")
    assert outcome.status == 2
    assert outcome.err == (
        "crucible-checks: error: plugin 'arguments_command': command 'args' failed "
        "to add its arguments: RuntimeError: no\n"
    )
