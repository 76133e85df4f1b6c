"""The pytest plugin, run by pytester on small projects with a check plugin of
their own, so the tests depend on no family's rules."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest

# A family of two checks: TST001 reads other files (like a dead link), TST100
# is a whole-project check.
CHECK_PLUGIN = """
from crucible_checks import CheckInfo, Family, Finding, Scope, hookimpl


class MissingPage:
    info = CheckInfo(
        code="TST001", name="missing-page", family="tst", summary="s",
        explanation="e", scope=Scope.FILE,
    )

    def run(self, project, options):
        pages = {file.relative for file in project.files_with_suffix(".md")}
        for file in project.files_with_suffix(".md"):
            text = project.read_text(file) or ""
            for number, line in enumerate(text.splitlines(), 1):
                if line.startswith("see: ") and "docs/" + line[5:] not in pages:
                    yield Finding(
                        file.relative, number, 6, "TST001",
                        f"no page {line[5:]!r}",
                    )


class EmptyPage:
    info = CheckInfo(
        code="TST100", name="empty-page", family="tst", summary="s",
        explanation="e", scope=Scope.PROJECT,
    )

    def run(self, project, options):
        for file in project.files_with_suffix(".md"):
            if file.size == 0:
                yield Finding(file.relative, 1, 1, "TST100", "empty page")


@hookimpl
def crucible_checks_families():
    return [Family("tst", "Checks of the plugin tests.")]


@hookimpl
def crucible_checks_checks():
    return [MissingPage(), EmptyPage()]
"""

PYPROJECT = """
[tool.crucible-checks]
roots = ["docs"]
plugins = ["tst_checks"]
select = ["TST"]

[tool.pytest.ini_options]
testpaths = ["tests"]
"""

ALL_ITEMS = [
    "tests/test_unit.py::test_unit",
    "docs/a.md::crucible-checks",
    "docs/b.md::crucible-checks",
    "docs/c.md::crucible-checks",
    "crucible-checks::TST100",
    "crucible-checks::other-paths",
]


@pytest.fixture
def project(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> pytest.Pytester:
    """A project whose docs, outside testpaths, have one missing page."""
    pytester.makepyfile(tst_checks=CHECK_PLUGIN)
    pytester.syspathinsert()
    monkeypatch.setenv("PYTHONPATH", str(pytester.path))
    pytester.makefile(".toml", pyproject=PYPROJECT)
    (pytester.path / "docs").mkdir()
    (pytester.path / "docs" / "a.md").write_text("see: b.md\n")
    (pytester.path / "docs" / "b.md").write_text("# B\n")
    (pytester.path / "docs" / "c.md").write_text("intro\nsee: gone.md\n")
    (pytester.path / "tests").mkdir()
    (pytester.path / "tests" / "test_unit.py").write_text(
        "def test_unit():\n    pass\n"
    )
    return pytester


def collected(result: pytest.RunResult) -> list[str]:
    return [line for line in result.outlines if "::" in line and " " not in line]


def test_plugin_inactive_by_default(project: pytest.Pytester) -> None:
    result = project.runpytest("--collect-only", "-q")
    assert collected(result) == ["tests/test_unit.py::test_unit"]


def test_items_named_by_file_and_code(project: pytest.Pytester) -> None:
    result = project.runpytest("--crucible", "--collect-only", "-q")
    assert collected(result) == ALL_ITEMS


def test_ini_switch_turns_plugin_on(project: pytest.Pytester) -> None:
    project.makefile(".toml", pyproject=PYPROJECT + "crucible = true\n")
    result = project.runpytest("--collect-only", "-q")
    assert collected(result) == ALL_ITEMS


def test_failure_is_concise_line(project: pytest.Pytester) -> None:
    result = project.runpytest("--crucible", "-p", "no:cacheprovider")
    result.assert_outcomes(passed=5, failed=1)
    text = result.stdout.str()
    section = text.split("= FAILURES =")[1].split("= short test summary")[0]
    lines = [line.strip("=_ ") for line in section.splitlines()]
    lines = [line for line in lines if line]
    assert lines == [
        "crucible-checks: docs/c.md",
        "docs/c.md:2:6: TST001 no page 'gone.md'",
    ]
    assert "Traceback" not in text
    assert "raise ChecksFailed" not in text


def test_project_check_item_fails(project: pytest.Pytester) -> None:
    (project.path / "docs" / "empty.md").write_text("")
    result = project.runpytest("--crucible", "-p", "no:cacheprovider", "-k", "TST100")
    result.assert_outcomes(failed=1, deselected=6)
    result.stdout.fnmatch_lines(
        ["FAILED crucible-checks::TST100 - docs/empty.md:1:1: TST100 empty page"]
    )


def test_check_name_selects_with_k(project: pytest.Pytester) -> None:
    result = project.runpytest("--crucible", "--collect-only", "-q", "-k", "empty-page")
    assert collected(result) == ["crucible-checks::TST100"]


def test_deselect_file_item(project: pytest.Pytester) -> None:
    result = project.runpytest(
        "--crucible",
        "-p",
        "no:cacheprovider",
        "--deselect",
        "docs/c.md::crucible-checks",
    )
    result.assert_outcomes(passed=5, deselected=1)


def test_last_failed_reruns_only_failures(project: pytest.Pytester) -> None:
    project.runpytest("--crucible")
    result = project.runpytest("--crucible", "--lf", "-v")
    outcomes = result.parseoutcomes()
    assert outcomes["failed"] == 1
    assert "passed" not in outcomes
    result.stdout.fnmatch_lines(["docs/c.md::crucible-checks FAILED*"])


def test_passed_items_skipped_when_unchanged(project: pytest.Pytester) -> None:
    project.runpytest("--crucible").assert_outcomes(passed=5, failed=1)
    result = project.runpytest("--crucible", "-v")
    result.assert_outcomes(passed=1, skipped=4, failed=1)
    result.stdout.fnmatch_lines(
        [
            "docs/a.md::crucible-checks SKIPPED (crucible-checks: nothing it*",
            "docs/c.md::crucible-checks FAILED*",
        ]
    )


def test_deleted_page_rechecks_linking_file(project: pytest.Pytester) -> None:
    project.runpytest("--crucible").assert_outcomes(passed=5, failed=1)
    (project.path / "docs" / "b.md").unlink()
    result = project.runpytest("--crucible")
    result.assert_outcomes(passed=3, failed=2)
    result.stdout.fnmatch_lines(
        ["FAILED docs/a.md::crucible-checks - docs/a.md:1:6: TST001 no page 'b.md'"]
    )


def test_config_change_rechecks_items(project: pytest.Pytester) -> None:
    project.runpytest("--crucible").assert_outcomes(passed=5, failed=1)
    project.makefile(".toml", pyproject=PYPROJECT + "\n# edited\n")
    project.runpytest("--crucible").assert_outcomes(passed=5, failed=1)


def test_xdist_two_workers(project: pytest.Pytester) -> None:
    result = project.runpytest_subprocess("--crucible", "-n", "2")
    result.assert_outcomes(passed=5, failed=1)
    result.stdout.fnmatch_lines(
        ["FAILED docs/c.md::crucible-checks - docs/c.md:2:6: TST001 no page 'gone.md'"]
    )
    again = project.runpytest_subprocess("--crucible", "-n", "2")
    again.assert_outcomes(passed=1, skipped=4, failed=1)


def test_strict_mode_accepts_options(project: pytest.Pytester) -> None:
    settings = PYPROJECT + textwrap.dedent(
        """
        strict = true
        crucible = true
        crucible_select = ["TST1"]
        crucible_config = "pyproject.toml"
        """
    )
    project.makefile(".toml", pyproject=settings)
    result = project.runpytest("-p", "no:cacheprovider")
    result.assert_outcomes(passed=3)
    assert result.ret == pytest.ExitCode.OK


def test_select_option_limits_checks(project: pytest.Pytester) -> None:
    result = project.runpytest(
        "--crucible", "--crucible-select", "TST100", "--collect-only", "-q"
    )
    assert collected(result) == [
        "tests/test_unit.py::test_unit",
        "crucible-checks::TST100",
        "crucible-checks::other-paths",
    ]


def test_unknown_code_is_collection_error(project: pytest.Pytester) -> None:
    result = project.runpytest("--crucible", "--crucible-select", "TSX9")
    assert result.ret == pytest.ExitCode.INTERRUPTED
    result.stdout.fnmatch_lines(
        [
            "crucible-checks: error: --crucible-select or the crucible_select "
            "ini option: unknown check code or name 'TSX9'"
        ]
    )
    assert "Traceback" not in result.stdout.str()


def test_plugin_import_loads_no_celery() -> None:
    code = (
        "import sys, crucible_checks.pytest_plugin; "
        "print(sorted(m for m in sys.modules if m.split('.')[0] in "
        "('celery', 'kombu', 'redis')))"
    )
    completed = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert completed.stdout.strip() == "[]"
