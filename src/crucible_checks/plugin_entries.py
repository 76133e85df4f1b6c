"""Finding the plugins installed for the entry-point group, with a cache.

Reading entry points with `importlib.metadata` imports it and the email, zip
and CSV modules it needs, and scans every installed distribution: about 40 ms
on a 2-core machine. So the entries found are stored in the cache folder and
read back while nothing they come from has changed. The key contains the
modification time of every ``sys.path`` entry, which installing, upgrading or
removing a package changes. It also contains the size and modification time
of the ``entry_points.txt`` of every package metadata folder there, which a
develop-mode install rewrites in place. Listing them took half a millisecond
with 30 packages installed.
"""

from __future__ import annotations

import importlib
import json
import os
import sys
from dataclasses import dataclass
from pathlib import Path

from crucible_checks.cache import read_cache_file, write_cache_bytes

CACHE_FILE = "entry-points.json"
#: Raise when the stored form changes, so old files are ignored.
VERSION = 2
_METADATA_SUFFIXES = (".dist-info", ".egg-info")


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
        else:
            times.extend(_entry_point_files(entry or "."))
    return [VERSION, group, sys.executable, sys.version, times]


def _entry_point_files(folder: str) -> list[object]:
    """Return ``[path, size, mtime]`` of the ``entry_points.txt`` of each
    package metadata folder in ``folder``, with None for a missing file."""
    found: list[object] = []
    try:
        with os.scandir(folder) as entries:
            names = [
                entry.path
                for entry in entries
                if entry.name.endswith(_METADATA_SUFFIXES)
            ]
    except OSError:
        return found
    for metadata in sorted(names):
        # Joined as text, which is cheaper than making a Path object.
        path = metadata + "/entry_points.txt"
        try:
            stat = os.stat(path)  # noqa: PTH116
        except OSError:
            found.append([path, None, None])
        else:
            found.append([path, stat.st_size, stat.st_mtime_ns])
    return found


def _read(path: Path, key: list[object]) -> list[PluginEntry] | None:
    try:
        stored = json.loads(bytes(read_cache_file(path)))
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
        if not path.parent.is_dir() or path.parent.is_symlink():
            # The first run that stores results creates the folder, and
            # nothing is written through a link that may lead elsewhere.
            return
        write_cache_bytes(path, json.dumps(stored).encode())
    except OSError:
        return  # A read-only checkout still runs, only without the cache.
