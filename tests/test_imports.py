"""Start-up cost: a module that a run does not need is not imported."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest

from crucible_checks.checks import DeferredCheck
from crucible_checks.docs import plugin as docs_plugin
from crucible_checks.docs.command import DocsCommand
from crucible_checks.parity import plugin as parity_plugin
from tests.conftest import run_probe

PROBE = (
    "import sys\n"
    "from crucible_checks.cli import main\n"
    "status = main(sys.argv[1:])\n"
    "print(status, 'markdown_it' in sys.modules, file=sys.stderr)\n"
)


def probe(*arguments: str) -> str:
    """Return the exit status and the markdown-it flag the probe prints."""
    return run_probe(PROBE, *arguments)


def test_list_skips_markdown_it() -> None:
    assert probe("list") == "0 False"


def write_page(root: Path, text: str) -> tuple[str, ...]:
    """Write a one-page vault; return the arguments of a run of its checks."""
    (root / "pyproject.toml").write_text('[tool.crucible-checks]\nroots = ["docs"]\n')
    (root / "docs").mkdir()
    (root / "docs" / "index.md").write_text(text)
    return ("run", str(root), "--select", "DOC", "--format", "json")


def test_warm_run_skips_markdown_it(tmp_path: Path) -> None:
    arguments = write_page(tmp_path, "# Home\n\nSee [[gone]], not `[[code]]`.\n")
    assert probe(*arguments) == "1 True"
    assert probe(*arguments) == "1 False"


def test_plain_page_skips_markdown_it(tmp_path: Path) -> None:
    arguments = write_page(tmp_path, "# Home\n\nSee [[gone]].\n")
    assert probe(*arguments, "--no-cache") == "1 False"


LIST_PROBE = (
    "import sys\n"
    "from crucible_checks.cli import main\n"
    "main(['list'])\n"
    "print(sorted(name for name in sys.argv[1:] if name in sys.modules), "
    "file=sys.stderr)\n"
)
#: Modules that do a check's work, which listing the checks must not import.
WORK_MODULES = (
    "concurrent.futures.process",
    "crucible_checks.celery.index",
    "crucible_checks.docs.commands",
    "crucible_checks.docs.graph_commands",
    "crucible_checks.docs.link_checks",
    "crucible_checks.docs.vault",
    "crucible_checks.parity.check",
    "crucible_checks.queues.checks",
    "pathspec",
    "xml.etree.ElementTree",
)


def test_list_imports_no_check_code() -> None:
    completed = subprocess.run(
        [sys.executable, "-c", LIST_PROBE, *WORK_MODULES],
        capture_output=True,
        text=True,
        check=True,
    )
    assert completed.stderr.strip().splitlines()[-1] == "[]"


@pytest.mark.parametrize("plugin", [docs_plugin, parity_plugin], ids=["docs", "parity"])
def test_deferred_checks_keep_their_info(plugin: ModuleType) -> None:
    for check in plugin.crucible_checks_checks():
        assert isinstance(check, DeferredCheck)
        assert check.load().info is check.info, check.target


def test_docs_command_help_names_every_action() -> None:
    from crucible_checks.docs.commands import ACTIONS

    listed = DocsCommand.help.split(": ", 1)[1].split(", ")
    assert listed == [action.name for action in ACTIONS]
