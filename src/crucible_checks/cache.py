"""The on-disk cache of per-file results, as ruff keeps one.

An entry is found by path, size and modification time. When those changed, the
file is read again, and a content hash that still matches reuses the entry.
Each family stores its entries in one file that is replaced atomically. So two
runs that share the folder never see half a file, and the last one to finish wins.
"""

from __future__ import annotations

import errno
import hashlib
import os
import pickle
import stat
import zlib
from collections.abc import Container
from functools import partial
from pathlib import Path
from typing import Any, BinaryIO

from crucible_checks.atomic import write_atomic_with
from crucible_checks.files import SourceFile

_README = "Cache of crucible-checks; safe to delete.\n"
_CACHEDIR_TAG = (
    "Signature: 8a477f597d28d172789f06886806bc55\n"
    "# This file is a cache directory tag created by crucible-checks.\n"
)


def content_hash(data: bytes) -> str:
    """Return the hash that confirms a cached entry matches a file's content."""
    return hashlib.blake2b(data, digest_size=16).hexdigest()


#: Exceptions that loading a damaged or foreign cache file may raise. A
#: crafted pickle can also overflow a size or run out of memory. Each of them
#: means "no cache", never a failed run.
DAMAGED_CACHE_ERRORS = (
    OSError,
    pickle.UnpicklingError,
    EOFError,
    ValueError,
    TypeError,
    OverflowError,
    MemoryError,
)


def open_cache_file(path: Path) -> BinaryIO:
    """Open a file of the cache folder for reading, or raise OSError when it
    is not a regular file.

    The open does not wait, so a FIFO or a device in place of a cache file
    counts as a damaged cache instead of stopping the run.
    """
    descriptor = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    try:
        if not stat.S_ISREG(os.fstat(descriptor).st_mode):
            raise OSError(errno.EINVAL, "not a regular file", str(path))
        return os.fdopen(descriptor, "rb")
    except BaseException:
        os.close(descriptor)
        raise


def read_cache_file(path: Path) -> bytes:
    """Return the content of a file of the cache folder; see `open_cache_file`."""
    with open_cache_file(path) as file:
        return file.read()


#: Entries are split over this many files, so a run that changed a few files
#: rewrites a few small files instead of the whole cache.
SHARDS = 16

#: An entry: size, modification time in ns, content hash, and the value.
_Entry = tuple[int, int, str, Any]


class FileCache:
    """Per-file values of one family, valid for one tool version and settings key."""

    def __init__(self, folder: Path | None, namespace: str, key: str) -> None:
        self.folder = folder
        self.namespace = namespace
        self.key = key
        # Each shard loads on first use: a warm run that looks at a few
        # files reads a few shards, not every entry.
        self._shards: list[dict[str, _Entry] | None] = [None] * SHARDS
        self._seen: set[str] = set()
        self._dirty: set[int] = set()

    @property
    def path(self) -> Path | None:
        """Return the first shard's file, or None when caching is off."""
        return None if self.folder is None else self._shard_path(0)

    def get(self, file: SourceFile) -> Any | None:
        """Return the value stored for ``file`` if its size and mtime match."""
        entry = self._shard(file.relative).get(file.relative)
        if entry is None or entry[0] != file.size or entry[1] != file.mtime_ns:
            return None
        self._seen.add(file.relative)
        return entry[3]

    def get_by_hash(self, file: SourceFile, digest: str) -> Any | None:
        """Return the stored value if the content hash matches, refreshing the stat."""
        entry = self._shard(file.relative).get(file.relative)
        if entry is None or entry[2] != digest:
            return None
        self.put(file, digest, entry[3])
        return entry[3]

    def put(self, file: SourceFile, digest: str, value: Any) -> None:
        index = _shard_index(file.relative)
        self._shard(file.relative)[file.relative] = (
            file.size,
            file.mtime_ns,
            digest,
            value,
        )
        self._seen.add(file.relative)
        self._dirty.add(index)

    def save(self, present: Container[str] | None = None) -> None:
        """Write the shards that changed, dropping the files not seen in this
        run, or only those not ``present`` in the project when given: a warm
        run may look at the changed files alone. A shard this run did not
        load is left as it is."""
        if self.folder is None:
            return
        for index, shard in enumerate(self._shards):
            if shard is None:
                continue
            stale = [
                relative
                for relative in shard
                if relative not in self._seen
                and (present is None or relative not in present)
            ]
            for relative in stale:
                del shard[relative]
            if stale:
                self._dirty.add(index)
        try:
            _prepare_folder(self.folder)
            for index in sorted(self._dirty):
                # Pickled straight into the file: a shard of a 50k-page vault
                # is megabytes, which need not be built in memory first.
                stored = (self.key, self._shards[index] or {})
                # A cache lost in a crash is rebuilt, so it needs no fsync.
                write_atomic_with(
                    self._shard_path(index),
                    partial(pickle.dump, stored, protocol=pickle.HIGHEST_PROTOCOL),
                    durable=False,
                )
        except OSError:
            return  # A read-only checkout still runs, only without a cache.
        self._dirty.clear()

    def _shard(self, relative: str) -> dict[str, _Entry]:
        index = _shard_index(relative)
        shard = self._shards[index]
        if shard is None:
            shard = self._shards[index] = self._load(index)
        return shard

    def _shard_path(self, index: int) -> Path:
        assert self.folder is not None
        return self.folder / f"{self.namespace}.{index:02d}.pickle"

    def _load(self, index: int) -> dict[str, _Entry]:
        if self.folder is None:
            return {}
        try:
            key, entries = pickle.loads(read_cache_file(self._shard_path(index)))
        except DAMAGED_CACHE_ERRORS:
            return {}
        except (AttributeError, ImportError, IndexError):
            return {}  # Written by another version of the tool.
        if key != self.key or not isinstance(entries, dict):
            return {}
        return entries


def _shard_index(relative: str) -> int:
    return zlib.crc32(relative.encode("utf-8", "surrogateescape")) % SHARDS


def prepare_folder(folder: Path) -> None:
    """Create the cache folder, with its .gitignore, CACHEDIR.TAG and README."""
    _prepare_folder(folder)


def _prepare_folder(folder: Path) -> None:
    if folder.is_dir():
        return
    folder.mkdir(parents=True, exist_ok=True)
    (folder / ".gitignore").write_text("*\n")
    (folder / "CACHEDIR.TAG").write_text(_CACHEDIR_TAG)
    (folder / "README").write_text(_README)
