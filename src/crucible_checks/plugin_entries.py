"""Finding the plugins installed for the entry-point group, with a cache.

Reading entry points with `importlib.metadata` imports it and the email, zip
and CSV modules it needs, and scans every installed distribution: about 40 ms
on a 2-core machine, a tenth of a warm run. Installing, upgrading or removing a
package creates or deletes a folder in a ``sys.path`` folder, which changes
that folder's modification time. So the entries found are stored in the cache
folder, keyed by the modification time of every ``sys.path`` entry, and read
back while those times stay the same.
"""

from __future__ import annotations

import importlib
import json
import sys
from dataclasses import dataclass
from pathlib import Path

from crucible_checks.atomic import write_atomic

CACHE_FILE = "entry-points.json"
#: Raise when the stored form changes, so old files are ignored.
VERSION = 1


@dataclass(frozen=True)
class PluginEntry:
    """An entry point of the group: a plugin's name and the module it loads."""

    name: str
    module: str
    attribute: str | None = None

    def load(self) -> object:
        """Import the module and return it, or the attribute it names."""
        loaded: object = importlib.import_module(self.module)
        for part in (self.attribute or "").split("."):
            if part:
                loaded = getattr(loaded, part)
        return loaded


def plugin_entries(group: str, cache_folder: Path | None) -> list[PluginEntry]:
    """Return the entry points of ``group``, one per name, in name order."""
    key = _path_key(group)
    stored = None if cache_folder is None else _read(cache_folder / CACHE_FILE, key)
    if stored is not None:
        return stored
    entries = _scan(group)
    if cache_folder is not None:
        _write(cache_folder / CACHE_FILE, key, entries)
    return entries


def _scan(group: str) -> list[PluginEntry]:
    import importlib.metadata

    found = importlib.metadata.entry_points(group=group)
    unique = {entry_point.name: entry_point for entry_point in found}
    return [
        PluginEntry(name, entry.module, entry.attr or None)
        for name, entry in sorted(unique.items())
    ]


def _path_key(group: str) -> list[object]:
    times: list[object] = []
    for entry in sys.path:
        try:
            times.append([entry, Path(entry or ".").stat().st_mtime_ns])
        except OSError:
            times.append([entry, None])
    return [VERSION, group, sys.executable, sys.version, times]


def _read(path: Path, key: list[object]) -> list[PluginEntry] | None:
    try:
        stored = json.loads(path.read_bytes())
        if stored["key"] != key:
            return None
        return [PluginEntry(*entry) for entry in stored["entries"]]
    except (OSError, ValueError, TypeError, KeyError):
        return None


def _write(path: Path, key: list[object], entries: list[PluginEntry]) -> None:
    stored = {
        "key": key,
        "entries": [[entry.name, entry.module, entry.attribute] for entry in entries],
    }
    try:
        if not path.parent.is_dir():
            return  # The first run that stores results creates the folder.
        # A lost file is rebuilt by the next run, so it needs no fsync.
        write_atomic(path, json.dumps(stored).encode(), durable=False)
    except OSError:
        return  # A read-only checkout still runs, only without the cache.
