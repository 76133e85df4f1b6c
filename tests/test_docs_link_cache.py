"""The link cache: resolutions and suggestions stored between runs."""

from __future__ import annotations

import pickle
from collections.abc import Callable
from pathlib import Path

from crucible_checks.cache import read_cache_file
from crucible_checks.docs.link_cache import CACHE_FILE
from tests.conftest import Outcome

Cli = Callable[..., Outcome]

CONFIG = '[tool.crucible-checks]\nroots = ["docs"]\n'
DEAD = (
    "docs/index.md:3:5: DOC001 dead wiki link [[Set Up]]: no page 'set-up'; "
    "did you mean [[Setup]]?"
)


def write_vault(root: Path) -> Path:
    (root / "pyproject.toml").write_text(CONFIG)
    (root / "docs").mkdir()
    (root / "docs" / "index.md").write_text("# Home\n\nSee [[Set Up]].\n")
    (root / "docs" / "Setup.md").write_text("# Setup\n\nBack to [[index]].\n")
    return root


def findings(cli: Cli, root: Path) -> list[str]:
    outcome = cli("run", str(root), "--select", "DOC001")
    return outcome.out.splitlines()[:-1]


def stored(root: Path) -> tuple[object, ...]:
    data = read_cache_file(root / ".crucible_checks_cache" / CACHE_FILE)
    loaded: tuple[object, ...] = pickle.loads(data)
    return loaded


def test_link_cache_stores_suggestions(tmp_path: Path, cli: Cli) -> None:
    root = write_vault(tmp_path)
    assert findings(cli, root) == [DEAD]
    _key, names, _by_folder, suggestions = stored(root)
    assert suggestions == {"Set Up": ("Setup",)}
    assert sorted(names) == ["Set Up", "index"]
    assert findings(cli, root) == [DEAD]


def test_link_cache_new_page_resolves(tmp_path: Path, cli: Cli) -> None:
    root = write_vault(tmp_path)
    assert findings(cli, root) == [DEAD]
    (root / "docs" / "Set Up.md").write_text("# Set up\n\nSee [[index]].\n")
    assert findings(cli, root) == []


def test_link_cache_changed_text_reuses(tmp_path: Path, cli: Cli) -> None:
    root = write_vault(tmp_path)
    findings(cli, root)
    key = stored(root)[0]
    page = root / "docs" / "index.md"
    page.write_text(page.read_text() + "And [[Set Up]] again.\n")
    assert findings(cli, root) == [DEAD, DEAD.replace("3:5", "4:5")]
    assert stored(root)[0] == key


def test_link_cache_unwritten_without_cache(tmp_path: Path, cli: Cli) -> None:
    root = write_vault(tmp_path)
    outcome = cli("run", str(root), "--select", "DOC001", "--no-cache")
    assert outcome.out.splitlines()[:-1] == [DEAD]
    assert not (root / ".crucible_checks_cache").exists()
