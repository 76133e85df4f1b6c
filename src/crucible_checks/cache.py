"""The on-disk cache of per-file results, as ruff keeps one.

An entry is found by path, size and modification time. When those changed, the
file is read again, and a content hash that still matches reuses the entry.
Each family stores its entries in one file that is replaced atomically. So two
runs that share the folder never see half a file, and the last one to finish wins.
"""

from __future__ import annotations

import hashlib
import pickle
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from crucible_checks.atomic import write_atomic
from crucible_checks.files import SourceFile

_README = "Cache of crucible-checks; safe to delete.\n"
_CACHEDIR_TAG = (
    "Signature: 8a477f597d28d172789f06886806bc55\n"
    "# This file is a cache directory tag created by crucible-checks.\n"
)


def content_hash(data: bytes) -> str:
    """Return the hash that confirms a cached entry matches a file's content."""
    return hashlib.blake2b(data, digest_size=16).hexdigest()


@dataclass
class _Entry:
    size: int
    mtime_ns: int
    digest: str
    value: Any


class FileCache:
    """Per-file values of one family, valid for one tool version and settings key."""

    def __init__(self, folder: Path | None, namespace: str, key: str) -> None:
        self.path = None if folder is None else folder / f"{namespace}.pickle"
        self.folder = folder
        self.key = key
        self._entries: dict[str, _Entry] | None = None
        self._seen: set[str] = set()
        self._dirty = False

    @property
    def entries(self) -> dict[str, _Entry]:
        if self._entries is None:
            self._entries = self._load()
        return self._entries

    def get(self, file: SourceFile) -> Any | None:
        """Return the value stored for ``file`` if its size and mtime match."""
        entry = self.entries.get(file.relative)
        if entry is None or (entry.size, entry.mtime_ns) != (file.size, file.mtime_ns):
            return None
        self._seen.add(file.relative)
        return entry.value

    def get_by_hash(self, file: SourceFile, digest: str) -> Any | None:
        """Return the stored value if the content hash matches, refreshing the stat."""
        entry = self.entries.get(file.relative)
        if entry is None or entry.digest != digest:
            return None
        self.put(file, digest, entry.value)
        return entry.value

    def put(self, file: SourceFile, digest: str, value: Any) -> None:
        self.entries[file.relative] = _Entry(file.size, file.mtime_ns, digest, value)
        self._seen.add(file.relative)
        self._dirty = True

    def save(self) -> None:
        """Write the entries of files seen in this run, if anything changed."""
        if self.path is None or self.folder is None:
            return
        stale = set(self.entries) - self._seen
        if not self._dirty and not stale:
            return
        for relative in stale:
            del self.entries[relative]
        data = pickle.dumps((self.key, self.entries), protocol=pickle.HIGHEST_PROTOCOL)
        try:
            _prepare_folder(self.folder)
            write_atomic(self.path, data)
        except OSError:
            return  # A read-only checkout still runs, only without a cache.
        self._dirty = False

    def _load(self) -> dict[str, _Entry]:
        if self.path is None:
            return {}
        try:
            key, entries = pickle.loads(self.path.read_bytes())
        except (OSError, pickle.UnpicklingError, EOFError, ValueError, TypeError):
            return {}
        except (AttributeError, ImportError, IndexError):
            return {}  # Written by another version of the tool.
        if key != self.key or not isinstance(entries, dict):
            return {}
        return entries


def _prepare_folder(folder: Path) -> None:
    if folder.is_dir():
        return
    folder.mkdir(parents=True, exist_ok=True)
    (folder / ".gitignore").write_text("*\n")
    (folder / "CACHEDIR.TAG").write_text(_CACHEDIR_TAG)
    (folder / "README").write_text(_README)
