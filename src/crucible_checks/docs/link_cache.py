"""Wiki link resolutions and dead link suggestions, kept between runs.

Where a wiki link name leads depends only on the docs options, the pages (their
paths and front matter names) and the other files. So the results are stored
under a fingerprint of those, in one file of the cache folder. A run after a
page's text changed, with no page or file added, removed or renamed, reuses
every stored result and resolves only names it has not seen before. Any other
change gives a new fingerprint and starts an empty store.
"""

from __future__ import annotations

import dataclasses
import hashlib
import pickle
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Protocol

from crucible_checks.cache import (
    DAMAGED_CACHE_ERRORS,
    prepare_folder,
    read_cache_file,
    write_cache_bytes,
)
from crucible_checks.docs.resolve import Resolution
from crucible_checks.docs.settings import DocsSettings

CACHE_FILE = "docs-links.pickle"
#: Raise when resolution or suggestion rules change, so stored results are dropped.
VERSION = 1


class NamedPage(Protocol):
    """A page as the fingerprint reads it: its front matter names."""

    @property
    def slug(self) -> str | None: ...

    @property
    def aliases(self) -> tuple[str, ...]: ...


class LinkCache:
    """Resolved names, by name and by (name, folder), and suggestions by name."""

    def __init__(self, path: Path | None = None, fingerprint: str = "") -> None:
        self.path = path
        self.fingerprint = fingerprint
        self.names: dict[str, Resolution] = {}
        self.by_folder: dict[tuple[str, str], Resolution] = {}
        self.suggestions: dict[str, tuple[str, ...]] = {}
        self._saved_sizes = self._sizes()

    @classmethod
    def load(cls, folder: Path | None, fingerprint: str) -> LinkCache:
        """Return the results stored under ``fingerprint``, else an empty store."""
        cache = cls(None if folder is None else folder / CACHE_FILE, fingerprint)
        if cache.path is None:
            return cache
        try:
            stored = pickle.loads(read_cache_file(cache.path))
            key, names, by_folder, suggestions = stored
        except DAMAGED_CACHE_ERRORS:
            return cache
        except (AttributeError, ImportError, IndexError):
            return cache  # Written by another version of the tool.
        if key != fingerprint:
            return cache
        cache.names, cache.by_folder, cache.suggestions = names, by_folder, suggestions
        cache._saved_sizes = cache._sizes()
        return cache

    def save(self) -> None:
        """Write the store if this run added results and it has a path."""
        if self.path is None or self._sizes() == self._saved_sizes:
            return
        stored = (self.fingerprint, self.names, self.by_folder, self.suggestions)
        data = pickle.dumps(stored, protocol=pickle.HIGHEST_PROTOCOL)
        try:
            prepare_folder(self.path.parent)
            write_cache_bytes(self.path, data)
        except OSError:
            return  # A read-only checkout still runs, only without the store.
        self._saved_sizes = self._sizes()

    def _sizes(self) -> tuple[int, int, int]:
        return len(self.names), len(self.by_folder), len(self.suggestions)


def fingerprint(
    settings: DocsSettings,
    pages: Mapping[str, NamedPage],
    files: Iterable[str],
    version: str,
) -> str:
    """Return a digest of everything a wiki link's resolution depends on."""
    digest = hashlib.blake2b(digest_size=16)
    digest.update(repr((VERSION, version, dataclasses.astuple(settings))).encode())
    for path in sorted(pages):
        page = pages[path]
        digest.update(_encode(f"\0p{path}\0{page.slug}\0{page.aliases!r}"))
    digest.update(_encode("\0f" + "\0".join(sorted(files))))
    return digest.hexdigest()


def _encode(text: str) -> bytes:
    return text.encode("utf-8", "surrogateescape")
