"""The task index's cache: per-file facts kept pickled, and the assembled index.

A warm run needs the facts of a file only when the index must be assembled
again. So the file cache keeps each file's facts as pickled bytes with their
hash, and a file that contributes nothing as an empty pair: loading the cache
then creates no objects per task. The assembled index is stored in a file of
its own, under a key made of every file's facts hash, so a run in which no
file's facts changed (an edited comment, a new helper module) loads it
instead of assembling it. The facts classes are imported only where facts
are pickled or unpickled, so a run that finds every file's facts by size and
modification time never imports them.
"""

from __future__ import annotations

import hashlib
import json
import pickle
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from crucible_checks.cache import (
    DAMAGED_CACHE_ERRORS,
    content_hash,
    prepare_folder,
    read_cache_file,
    write_cache_bytes,
)

if TYPE_CHECKING:
    from crucible_checks.celery.facts import FileFacts

INDEX_FILE = "celery.index.pickle"

#: How a file's facts are kept in the file cache: the hash of the pickled
#: facts and the pickled facts, both empty for a file that contributes nothing.
CachedFacts = tuple[str, bytes]
_NOTHING: CachedFacts = ("", b"")


@dataclass
class StoredFacts:
    """One file's facts, unpickled only when the index is assembled."""

    path: str
    digest: str
    blob: bytes
    facts: FileFacts | None = None

    @classmethod
    def of_facts(cls, facts: FileFacts) -> StoredFacts:
        from crucible_checks.celery.facts import FileFacts

        if facts == FileFacts(facts.path):
            return cls(facts.path, "", b"", facts)
        blob = pickle.dumps(facts, protocol=pickle.HIGHEST_PROTOCOL)
        return cls(facts.path, content_hash(blob), blob, facts)

    @classmethod
    def of_cached(cls, path: str, cached: CachedFacts) -> StoredFacts:
        digest, blob = cached
        return cls(path, digest, blob)

    @property
    def cached(self) -> CachedFacts:
        return (self.digest, self.blob) if self.blob else _NOTHING

    def load(self) -> FileFacts:
        from crucible_checks.celery.facts import FileFacts

        if self.facts is None:
            loaded = pickle.loads(self.blob) if self.blob else FileFacts(self.path)
            self.facts = loaded if isinstance(loaded, FileFacts) else None
        if self.facts is None:
            raise ValueError(f"{self.path}: cached facts are not FileFacts")
        return self.facts


def index_key(settings: object, facts: Sequence[tuple[str, str]]) -> str:
    """Return the key of an assembled index: the settings it was built with and
    the path and facts hash of each file that contributes something, in order."""
    text = json.dumps([settings, list(facts)], default=repr)
    return hashlib.sha256(text.encode("utf-8", "surrogateescape")).hexdigest()


def load_index(folder: Path | None, key: str) -> object | None:
    """Return the index stored under ``key``, or None."""
    if folder is None:
        return None
    try:
        stored_key, index = pickle.loads(read_cache_file(folder / INDEX_FILE))
    except DAMAGED_CACHE_ERRORS:
        return None
    except (AttributeError, ImportError, IndexError):
        return None  # Written by another version of the tool.
    return index if stored_key == key else None


def save_index(folder: Path | None, key: str, index: object) -> None:
    """Store ``index`` under ``key``, replacing the index stored before."""
    if folder is None:
        return
    data = pickle.dumps((key, index), protocol=pickle.HIGHEST_PROTOCOL)
    try:
        prepare_folder(folder)
        write_cache_bytes(folder / INDEX_FILE, data)
    except OSError:
        return  # A read-only checkout still runs, only without a cache.
