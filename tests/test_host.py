"""The plugin host: entry points, broken plugins, disabling."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import Outcome

Cli = Callable[..., Outcome]

PLUGIN_SOURCE = """
from crucible_checks import CheckInfo, Family, Finding, hookimpl


class Shouting:
    info = CheckInfo(
        code="SHOUT001",
        name="shouting-line",
        family="shout",
        summary="A line is written in capitals.",
        explanation="Capitals read as shouting.",
    )

    def run(self, project, options):
        for file in project.files_with_suffix(".txt"):
            text = project.read_text(file) or ""
            for number, line in enumerate(text.splitlines(), start=1):
                if line.isupper():
                    message = "line in capitals"
                    yield Finding(file.relative, number, 1, "SHOUT001", message)


@hookimpl
def crucible_checks_families():
    return [Family("shout", "Shouting checks.")]


@hookimpl
def crucible_checks_checks():
    return [Shouting()]
"""

PYPROJECT = """
[build-system]
requires = ["hatchling"]
build-backend = "hatchling.build"

[project]
name = "crucible-shout"
version = "1.0"

[project.entry-points.crucible_checks]
shout = "crucible_shout"
"""


@pytest.fixture(scope="module")
def installed_plugin(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Build and install a real plugin package into a private site folder."""
    source = tmp_path_factory.mktemp("crucible-shout")
    (source / "pyproject.toml").write_text(PYPROJECT)
    (source / "crucible_shout").mkdir()
    (source / "crucible_shout" / "__init__.py").write_text(PLUGIN_SOURCE)
    site = tmp_path_factory.mktemp("site")
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--quiet",
            "--no-deps",
            "--no-build-isolation",
            "--no-index",
            "--target",
            str(site),
            str(source),
        ],
        check=True,
    )
    return site


def test_installed_plugin_listed_and_run(
    cli: Cli,
    installed_plugin: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.syspath_prepend(str(installed_plugin))
    monkeypatch.chdir(tmp_path)
    (tmp_path / "memo.txt").write_text("calm\nLOUD WORDS\n")
    listed = cli("list")
    assert any(
        line.split()[:3] == ["SHOUT001", "shouting-line", "shout"]
        and line.split()[-1] == "shout"
        for line in listed.out.splitlines()
    )
    outcome = cli("run")
    assert outcome.status == 1
    assert outcome.out.splitlines()[0] == "memo.txt:2:1: SHOUT001 line in capitals"


def test_disable_plugin_flag(
    cli: Cli, installed_plugin: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.syspath_prepend(str(installed_plugin))
    monkeypatch.chdir(tmp_path)
    assert "SHOUT001" not in cli("--disable-plugin", "shout", "list").out


def test_disable_plugin_environment(
    cli: Cli, installed_plugin: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.syspath_prepend(str(installed_plugin))
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("CRUCIBLE_CHECKS_DISABLE_PLUGINS", "other, shout")
    assert "SHOUT001" not in cli("list").out


BUILT_IN_PLUGINS = "celery, core, docs, git-hooks, parity, queues"


def test_disable_unknown_plugin_flag(
    cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    outcome = cli("--disable-plugin", "doc", "list")
    assert outcome.status == 2
    assert outcome.out == ""
    assert outcome.err == (
        "crucible-checks: error: --disable-plugin: unknown plugin 'doc' "
        f"(the plugins found are {BUILT_IN_PLUGINS}); did you mean 'docs'?\n"
    )
    outcome = cli("--disable-plugin", "nosuchplugin", "list")
    assert outcome.status == 2
    assert outcome.err == (
        "crucible-checks: error: --disable-plugin: unknown plugin 'nosuchplugin' "
        f"(the plugins found are {BUILT_IN_PLUGINS})\n"
    )


def test_disable_unknown_plugin_config(
    cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    config = tmp_path / "pyproject.toml"
    config.write_text('[tool.crucible-checks]\ndisable-plugins = ["celry"]\n')
    outcome = cli("list")
    assert outcome.status == 2
    assert outcome.out == ""
    assert outcome.err == (
        f"crucible-checks: error: {config} [tool.crucible-checks] 'disable-plugins': "
        f"unknown plugin 'celry' (the plugins found are {BUILT_IN_PLUGINS}); "
        "did you mean 'celery'?\n"
    )


def test_disable_extra_plugin(
    cli: Cli, textlint: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "pyproject.toml").write_text(
        '[tool.crucible-checks]\nplugins = ["textlint_plugin"]\n'
    )
    outcome = cli("--disable-plugin", "textlint_plugin", "list")
    assert outcome.status == 0
    assert "TXT001" not in outcome.out


def test_disable_plugin_environment_unknown(
    cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("CRUCIBLE_CHECKS_DISABLE_PLUGINS", "nosuchplugin")
    outcome = cli("list")
    assert outcome.status == 0
    assert outcome.err == ""


def write_module(folder: Path, name: str, source: str) -> None:
    (folder / f"{name}.py").write_text(textwrap.dedent(source))


@pytest.fixture
def plugin_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "plugins"
    folder.mkdir()
    monkeypatch.syspath_prepend(str(folder))
    monkeypatch.chdir(tmp_path)
    return folder


def test_plugin_import_error(cli: Cli, plugin_folder: Path) -> None:
    write_module(plugin_folder, "broken_import", "import not_a_module_anywhere\n")
    outcome = cli("-p", "broken_import", "list")
    assert outcome.status == 2
    assert outcome.err == (
        "crucible-checks: error: plugin 'broken_import': failed to import: "
        "ModuleNotFoundError: No module named 'not_a_module_anywhere'\n"
    )


def test_plugin_hook_typo(cli: Cli, plugin_folder: Path) -> None:
    write_module(
        plugin_folder,
        "typo_plugin",
        """
        from crucible_checks import hookimpl

        @hookimpl
        def crucible_checks_chekcs():
            return []
        """,
    )
    outcome = cli("-p", "typo_plugin", "list")
    assert outcome.status == 2
    assert outcome.err.startswith("crucible-checks: error: plugin 'typo_plugin': ")
    assert "crucible_checks_chekcs" in outcome.err


def test_plugin_wrong_hook_signature(cli: Cli, plugin_folder: Path) -> None:
    write_module(
        plugin_folder,
        "signature_plugin",
        """
        from crucible_checks import hookimpl

        @hookimpl
        def crucible_checks_checks(unexpected):
            return []
        """,
    )
    outcome = cli("-p", "signature_plugin", "list")
    assert outcome.status == 2
    assert outcome.err.startswith("crucible-checks: error: plugin 'signature_plugin': ")
    assert "unexpected" in outcome.err


def test_plugin_hook_raises(cli: Cli, plugin_folder: Path) -> None:
    write_module(
        plugin_folder,
        "raising_plugin",
        """
        from crucible_checks import hookimpl

        @hookimpl
        def crucible_checks_checks():
            raise RuntimeError("no checks today")
        """,
    )
    outcome = cli("-p", "raising_plugin", "list")
    assert outcome.status == 2
    assert outcome.err == (
        "crucible-checks: error: plugin 'raising_plugin': "
        "RuntimeError: no checks today\n"
    )


CRASHING_CHECK = """
from crucible_checks import CheckInfo, Family, hookimpl

class Crash:
    info = CheckInfo("BOOM001", "boom", "boom", "Crashes.", "Crashes on purpose.")

    def run(self, project, options):
        raise ZeroDivisionError("division by zero in boom")

@hookimpl
def crucible_checks_families():
    return [Family("boom", "Crashing checks.")]

@hookimpl
def crucible_checks_checks():
    return [Crash()]
"""


def test_check_crash_names_plugin(cli: Cli, plugin_folder: Path) -> None:
    write_module(plugin_folder, "boom_plugin", CRASHING_CHECK)
    outcome = cli("-p", "boom_plugin", "run")
    assert outcome.status == 2
    assert outcome.err == (
        "crucible-checks: error: plugin 'boom_plugin': check BOOM001 (boom) failed: "
        "ZeroDivisionError: division by zero in boom\n"
    )


def test_debug_shows_traceback(cli: Cli, plugin_folder: Path) -> None:
    write_module(plugin_folder, "boom_plugin", CRASHING_CHECK)
    outcome = cli("--debug", "-p", "boom_plugin", "run")
    assert outcome.status == 2
    assert "Traceback (most recent call last)" in outcome.err
    assert outcome.err.endswith("division by zero in boom\n")


def test_check_with_unknown_family(cli: Cli, plugin_folder: Path) -> None:
    write_module(
        plugin_folder,
        "orphan_check",
        """
        from crucible_checks import CheckInfo, hookimpl

        class Lonely:
            info = CheckInfo("LONE001", "lonely", "nowhere", "S.", "E.")
            def run(self, project, options):
                return []

        @hookimpl
        def crucible_checks_checks():
            return [Lonely()]
        """,
    )
    outcome = cli("-p", "orphan_check", "list")
    assert outcome.status == 2
    assert outcome.err == (
        "crucible-checks: error: plugin 'orphan_check': check LONE001 names "
        "unknown family 'nowhere'\n"
    )
