"""The project a run looks at: its files, settings, cache and shared indexes."""

from __future__ import annotations

import hashlib
import io
import json
import sys
import tokenize
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import pluggy

from crucible_checks.cache import FileCache
from crucible_checks.checks import Family, OptionValue
from crucible_checks.config import Config
from crucible_checks.files import SourceFile, WalkProblem
from crucible_checks.selection import family_options

T = TypeVar("T")

#: Files larger than this are not read by default; checks report them instead.
MAX_FILE_SIZE = 20 * 1024 * 1024


@dataclass(frozen=True)
class ReadProblem:
    """A file that could not be read or decoded, and why."""

    relative: str
    reason: str


@dataclass
class Project:
    """Everything a check may look at in one run.

    ``files`` contains every file under the configured roots. ``targets``, when
    not None, contains the relative paths the run reports on. Checks still read
    the other files where they need them, for example to know which pages exist.
    """

    config: Config
    files: list[SourceFile]
    families: dict[str, Family]
    targets: frozenset[str] | None = None
    use_cache: bool = True
    #: The run's plugin manager, for families that call hooks of their own.
    pluginmanager: pluggy.PluginManager | None = None
    walk_problems: list[WalkProblem] = field(default_factory=list)
    read_problems: dict[str, ReadProblem] = field(default_factory=dict)
    _shared: dict[str, Any] = field(default_factory=dict)
    _caches: dict[str, FileCache] = field(default_factory=dict)

    @property
    def root(self) -> Path:
        return self.config.root

    def files_with_suffix(self, *suffixes: str) -> list[SourceFile]:
        """Return the files whose name ends with one of ``suffixes``, any case."""
        lowered = tuple(suffix.lower() for suffix in suffixes)
        return [file for file in self.files if file.relative.lower().endswith(lowered)]

    def is_target(self, relative: str) -> bool:
        return self.targets is None or relative in self.targets

    def family_options(self, name: str) -> dict[str, OptionValue]:
        return family_options(self.families[name], self.config)

    def read_bytes(
        self, file: SourceFile, max_size: int = MAX_FILE_SIZE
    ) -> bytes | None:
        """Return a file's bytes, or None after recording why it cannot be read."""
        if file.size > max_size:
            limit = max_size // (1024 * 1024)
            self._problem(
                file, f"file is larger than {limit} MiB; exclude it or split it"
            )
            return None
        try:
            return file.path.read_bytes()
        except OSError as error:
            self._problem(file, f"cannot read file: {error.strerror or error}")
            return None

    def decode(self, file: SourceFile, data: bytes) -> str | None:
        """Decode UTF-8 (a byte-order mark stays as U+FEFF), or the encoding a
        Python file declares on its first two lines; or record why not."""
        if b"\0" in data[:8192]:
            self._problem(file, "binary file (contains NUL bytes); exclude it")
            return None
        encoding = "utf-8"
        if file.relative.endswith(_PYTHON_SUFFIXES):
            try:
                encoding = _declared_encoding(data)
            except ValueError as error:
                self._problem(file, str(error))
                return None
        try:
            return data.decode(encoding)
        except UnicodeDecodeError as error:
            if encoding != "utf-8":
                self._problem(file, f"invalid {encoding} at byte {error.start}")
                return None
            line = data.count(b"\n", 0, error.start) + 1
            self._problem(
                file,
                f"invalid UTF-8 at byte {error.start} (line {line}); save it as UTF-8",
            )
            return None

    def read_text(self, file: SourceFile) -> str | None:
        data = self.read_bytes(file)
        return None if data is None else self.decode(file, data)

    def shared(self, key: str, build: Callable[[], T]) -> T:
        """Build a value once per run, such as a family's index of every file."""
        if key not in self._shared:
            self._shared[key] = build()
        value: T = self._shared[key]
        return value

    def cache(self, namespace: str, settings: object = None) -> FileCache:
        """Return the file cache of a family, keyed by the tool version and settings."""
        if namespace not in self._caches:
            folder = self.root / self.config.cache_dir if self.use_cache else None
            key = _settings_key(namespace, settings)
            self._caches[namespace] = FileCache(folder, namespace, key)
        return self._caches[namespace]

    def save_caches(self) -> None:
        present = frozenset(file.relative for file in self.files)
        for cache in self._caches.values():
            cache.save(present)

    def _problem(self, file: SourceFile, reason: str) -> None:
        self.read_problems[file.relative] = ReadProblem(file.relative, reason)


def _settings_key(namespace: str, settings: object) -> str:
    from crucible_checks import __version__

    # Keyed by the Python version too: which source parses depends on it, and
    # tox or nox environments of two versions may share one cache folder.
    python = list(sys.version_info[:2])
    text = json.dumps(
        [__version__, python, namespace, settings], sort_keys=True, default=repr
    )
    return hashlib.sha256(text.encode()).hexdigest()


def relative_paths(files: Iterable[SourceFile]) -> list[str]:
    return [file.relative for file in files]


def targets_from_paths(root: Path, paths: Sequence[Path]) -> frozenset[str] | None:
    """Return nothing for a whole-project run, else the relative paths given."""
    if not paths:
        return None
    return frozenset(_relative(root, path) for path in paths)


def _relative(root: Path, path: Path) -> str:
    try:
        return path.resolve().relative_to(root).as_posix()
    except ValueError:
        return path.as_posix()


_PYTHON_SUFFIXES = (".py", ".pyi", ".pyw")


def _declared_encoding(data: bytes) -> str:
    """Return the codec a Python file declares on its first two lines (PEP
    263), as Python's own tokenizer reads it, or "utf-8" when it declares none.

    Raise ValueError, with what to do, for a declaration Python rejects.
    """
    try:
        encoding, _lines = tokenize.detect_encoding(io.BytesIO(data).readline)
    except SyntaxError as error:
        message = error.msg or ""
        if message.startswith("unknown encoding"):
            name = message.rpartition(": ")[2]
            raise ValueError(
                f"unknown encoding {name!r} declared; declare utf-8 or a codec "
                "Python knows"
            ) from error
        if message.startswith("encoding problem"):
            raise ValueError(
                "a byte-order mark and a declared encoding other than utf-8; "
                "remove one of them"
            ) from error
        # No declaration, and a first line that is not UTF-8: decoding as
        # UTF-8 reports where.
        return "utf-8"
    # The byte-order mark stays, as in every other file.
    return "utf-8" if encoding == "utf-8-sig" else encoding
