"""The link graph snapshot: read when no file changed, rebuilt otherwise."""

from __future__ import annotations

import shutil
import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest

from crucible_checks.docs import link_graph
from crucible_checks.docs.link_graph import SNAPSHOT_FILE
from tests.conftest import Outcome

Cli = Callable[..., Outcome]

CONFIG = '[tool.crucible-checks]\nroots = ["docs"]\n'

PAGES = {
    "index.md": "# Home\n\nSee [[setup]], [[setup]] and [[gone]]. The Queues wait.\n",
    "setup.md": "# Setup Guide\n\nRead [[queues]] and [text](index.md).\n",
    "queues.md": "# Queues\n\n- Back to [[index|home]].\n",
    "lonely.md": "# Lonely\n\nNo links, and no page links here.\n",
}

#: A resolver hook that sends [[home]] to the index page.
RESOLVER = """
    from crucible_checks import hookimpl
    from crucible_checks.docs.resolve import PAGE, Resolution

    @hookimpl
    def crucible_checks_docs_resolve(link, source, vault):
        if link.target == "home":
            return Resolution(PAGE, ("docs/index.md",))
        return None
"""


def write_vault(root: Path, pages: dict[str, str], config: str = "") -> Path:
    (root / "pyproject.toml").write_text(CONFIG + config, encoding="utf-8")
    for name, text in pages.items():
        path = root / "docs" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


def outputs(cli: Cli, *options: str) -> list[Outcome]:
    """Return the outcome of each command that reads the link graph."""
    return [
        cli(*options, "docs", "graph", "--format", "json"),
        cli(*options, "docs", "stats", "--format", "json"),
        cli(*options, "docs", "backlinks", "--check"),
        cli(*options, "run", "--select", "DOC102", "--format", "concise"),
    ]


def forbid_vault(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make building the vault fail, to show a run takes the snapshot."""

    def fail(project: object) -> None:
        raise AssertionError("the vault was built")

    monkeypatch.setattr(link_graph, "vault_of", fail)


def test_unchanged_run_reads_snapshot(
    tmp_path: Path, cli: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = write_vault(tmp_path, PAGES)
    monkeypatch.chdir(root)
    cold = outputs(cli)
    assert [outcome.status for outcome in cold] == [0, 0, 1, 1]
    assert '"source": "docs/index.md",\n      "target": "docs/setup.md",\n' in (
        cold[0].out
    )
    assert (root / ".crucible_checks_cache" / SNAPSHOT_FILE).is_file()
    # Only the unlinked mention finding writes a wiki link, which needs the vault.
    with monkeypatch.context() as patch:
        forbid_vault(patch)
        assert outputs(cli)[:3] == cold[:3]
    assert outputs(cli) == cold


def test_changed_page_rebuilds_snapshot(
    tmp_path: Path, cli: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = write_vault(tmp_path, PAGES)
    monkeypatch.chdir(root)
    before = cli("docs", "stats", "--format", "json").out
    assert '"orphans": 1' in before
    (root / "docs" / "queues.md").write_text(
        "# Queues\n\n- Back to [[index|home]], or [[lonely]].\n", encoding="utf-8"
    )
    after = cli("docs", "stats", "--format", "json").out
    assert '"orphans": 0' in after
    shutil.rmtree(root / ".crucible_checks_cache")
    assert cli("docs", "stats", "--format", "json").out == after


def test_added_page_rebuilds_snapshot(
    tmp_path: Path, cli: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = write_vault(tmp_path, PAGES)
    monkeypatch.chdir(root)
    before = cli("docs", "graph", "--format", "json").out
    assert '"id": "missing:gone",' in before
    (root / "docs" / "gone.md").write_text("# Gone\n", encoding="utf-8")
    after = cli("docs", "graph", "--format", "json").out
    assert '"id": "missing:gone",' not in after
    assert '"id": "docs/gone.md",' in after


def test_settings_change_rebuilds_snapshot(
    tmp_path: Path, cli: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = write_vault(tmp_path, PAGES)
    monkeypatch.chdir(root)
    before = cli("docs", "graph", "--format", "json").out
    assert '"id": "missing:home",' not in before
    config = '\n[tool.crucible-checks.docs]\nalias-order = "alias-first"\n'
    write_vault(root, {}, config)
    after = cli("docs", "graph", "--format", "json").out
    assert '"id": "missing:home",' in after


def test_resolver_hook_skips_snapshot(
    tmp_path: Path, cli: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    plugins = tmp_path / "plugins"
    plugins.mkdir()
    (plugins / "home_resolver.py").write_text(textwrap.dedent(RESOLVER))
    monkeypatch.syspath_prepend(str(plugins))
    pages = {**PAGES, "queues.md": "# Queues\n\n- Back to [[home]].\n"}
    (tmp_path / "vault").mkdir()
    root = write_vault(tmp_path / "vault", pages)
    monkeypatch.chdir(root)
    first = outputs(cli, "-p", "home_resolver")
    assert '"target": "docs/index.md",' in first[0].out
    assert not (root / ".crucible_checks_cache" / SNAPSHOT_FILE).exists()
    assert outputs(cli, "-p", "home_resolver") == first
