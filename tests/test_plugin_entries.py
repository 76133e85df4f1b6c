"""Plugin entry points are read once and kept while sys.path stays the same."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from crucible_checks.plugin_entries import CACHE_FILE, PluginEntry, plugin_entries
from tests.conftest import Outcome, load_json_cache, store_json_cache

Cli = Callable[..., Outcome]

GROUP = "crucible_checks"


def test_entries_stored_and_read_back(tmp_path: Path) -> None:
    found = plugin_entries(GROUP, tmp_path)
    assert PluginEntry("docs", "crucible_checks.docs.plugin") in found
    stored = load_json_cache(tmp_path / CACHE_FILE)
    stored["entries"] = [["only", "json", None]]
    store_json_cache(tmp_path / CACHE_FILE, stored)
    assert plugin_entries(GROUP, tmp_path) == [PluginEntry("only", "json")]


def test_entries_rescan_after_path_change(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    site = tmp_path / "site"
    site.mkdir()
    monkeypatch.setattr(sys, "path", [*sys.path, str(site)])
    cache = tmp_path / "cache"
    cache.mkdir()
    plugin_entries(GROUP, cache)
    stored = load_json_cache(cache / CACHE_FILE)
    stored["entries"] = []
    store_json_cache(cache / CACHE_FILE, stored)
    assert plugin_entries(GROUP, cache) == []
    # Installing a package creates a folder, which moves the folder's time on.
    later = site.stat().st_mtime_ns + 10**9
    os.utime(site, ns=(later, later))
    assert PluginEntry("core", "crucible_checks.core_plugin") in plugin_entries(
        GROUP, cache
    )


def test_entries_rescan_damaged_file(tmp_path: Path) -> None:
    (tmp_path / CACHE_FILE).write_text("{not json")
    assert PluginEntry("queues", "crucible_checks.queues.plugin") in plugin_entries(
        GROUP, tmp_path
    )


def test_entry_loads_module_attribute() -> None:
    assert PluginEntry("x", "os.path", "join").load() is os.path.join
    assert PluginEntry("x", "os").load() is os


def test_no_cache_run_scans_entry_points(tmp_path: Path, cli: Cli) -> None:
    (tmp_path / "pyproject.toml").write_text("[tool.crucible-checks]\n")
    (tmp_path / "index.md").write_text("# Home\n")
    for _ in range(2):
        assert cli("run", str(tmp_path)).status == 0
    stored_file = tmp_path / ".crucible_checks_cache" / CACHE_FILE
    stored = load_json_cache(stored_file)
    stored["entries"] = [["core", "crucible_checks.core_plugin", None]]
    store_json_cache(stored_file, stored)
    assert cli("run", str(tmp_path), "--select", "DOC001").status == 2
    assert cli("run", str(tmp_path), "--select", "DOC001", "--no-cache").status == 0
