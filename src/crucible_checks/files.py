"""Finding the files of a project: one walk of the roots, as ruff walks them."""

from __future__ import annotations

import fnmatch
import os
import re
import stat
import subprocess
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple, TypeAlias

from crucible_checks.errors import ConfigError

if TYPE_CHECKING:
    import pathspec

DEFAULT_EXCLUDE = (
    ".git",
    ".hg",
    ".svn",
    ".bzr",
    ".venv",
    "venv",
    ".tox",
    ".nox",
    ".eggs",
    "*.egg-info",
    "__pycache__",
    ".mypy_cache",
    ".ruff_cache",
    ".pytest_cache",
    ".crucible_checks_cache",
    "node_modules",
    "site-packages",
    "__pypackages__",
    "_build",
    "build",
    "dist",
    "vendor",
    "third_party",
)


Spec: TypeAlias = "pathspec.PathSpec[Any]"
_Specs = tuple[tuple[str, Spec], ...]


class SourceFile(NamedTuple):
    """A file found under a root, with the stat fields that key the cache.

    ``location`` is the file's path as text. `path` builds the `Path` on
    demand, because a walk of 10k files would spend more on building them than
    on the walk itself.
    """

    location: str
    relative: str
    size: int
    mtime_ns: int

    @property
    def path(self) -> Path:
        return Path(self.location)


@dataclass(frozen=True)
class WalkProblem:
    """A path the walk could not enter, such as a symlink loop or a denied folder."""

    relative: str
    reason: str


class _Excluder:
    """Matches exclude patterns: bare names by one regex, the rest with pathspec."""

    def __init__(self, patterns: Sequence[str]) -> None:
        any_kind: list[str] = []
        folders_only: list[str] = []
        path_patterns: list[str] = []
        for pattern in patterns:
            body = pattern.rstrip("/")
            if "/" in body or pattern.startswith("!") or not body:
                path_patterns.append(pattern)
            elif pattern.endswith("/"):
                folders_only.append(fnmatch.translate(body))
            else:
                any_kind.append(fnmatch.translate(body))
        self._any = _union(any_kind)
        self._folders = _union(folders_only)
        for pattern in path_patterns:
            if not _is_valid_pattern(pattern):
                raise ConfigError(
                    f"invalid exclude pattern {pattern!r}; fix it in 'exclude' or "
                    "'extend-exclude'"
                )
        self._paths = compile_patterns(path_patterns) if path_patterns else None

    def excluded(self, name: str, relative: str, is_dir: bool) -> bool:
        if self._any is not None and self._any.match(name):
            return True
        if is_dir and self._folders is not None and self._folders.match(name):
            return True
        if self._paths is None:
            return False
        return self._paths.match_file(relative + "/" if is_dir else relative)


def _union(expressions: list[str]) -> re.Pattern[str] | None:
    return re.compile("|".join(expressions)) if expressions else None


def compile_patterns(lines: list[str]) -> Spec:
    """Compile gitignore-style lines. pathspec is imported here: a project
    without .gitignore files or path patterns never needs it."""
    import pathspec

    return pathspec.GitIgnoreSpec.from_lines(lines)


def _is_valid_pattern(line: str) -> bool:
    try:
        compile_patterns([line])
    except ValueError:
        return False
    return True


def _gitignore_spec(lines: list[str]) -> Spec:
    """Compile .gitignore lines; git skips a line it cannot parse, and so do we."""
    try:
        return compile_patterns(lines)
    except ValueError:
        return compile_patterns([line for line in lines if _is_valid_pattern(line)])


class Walker:
    """Walks roots below a project root, skipping excluded and git-ignored paths.

    Paths are handled as strings relative to the root, because building a
    `Path` for every entry costs more than the walk itself on 10k-file trees.
    """

    def __init__(
        self,
        root: Path,
        exclude: Sequence[str] = DEFAULT_EXCLUDE,
        respect_gitignore: bool = True,
    ) -> None:
        self.root = root
        self._root_text = os.fspath(root)
        self.exclude = _Excluder(exclude)
        self.respect_gitignore = respect_gitignore
        self.problems: list[WalkProblem] = []
        #: Folders already walked as roots: a later root that contains one (the
        #: project root after `roots`) finds the same files there, so skips it.
        self._walked: set[str] = set()

    def walk(self, roots: Iterable[Path]) -> list[SourceFile]:
        """Return every file under ``roots``, each once, sorted by relative path."""
        found: dict[str, SourceFile] = {}
        self._walked = set()
        for root in roots:
            for file in self._walk_root(root):
                found.setdefault(file.relative, file)
            if root.is_dir():
                self._walked.add(self._relative(root))
        return [found[key] for key in sorted(found)]

    def is_excluded(self, path: Path) -> bool:
        """Return whether the exclude patterns cover ``path`` or a folder above it.

        The walk never enters excluded folders; this applies the same patterns
        to a path given by name, as ruff's ``--force-exclude`` does.
        """
        relative = self._relative(path)
        parts = relative.split("/")
        for depth in range(1, len(parts) + 1):
            is_dir = depth < len(parts) or path.is_dir()
            prefix = "/".join(parts[:depth])
            if self.exclude.excluded(parts[depth - 1], prefix, is_dir):
                return True
        return False

    def is_skipped(self, path: Path) -> bool:
        """Return whether a walk from the project root would skip ``path``.

        Besides the exclude patterns, this reads the ``.gitignore`` files of
        the folders on the way, so it works for a path not yet created too.
        """
        parts = self._relative(path).split("/")
        specs = self._with_gitignore(self._root_text, "", ())
        for depth in range(1, len(parts) + 1):
            relative = "/".join(parts[:depth])
            is_dir = depth < len(parts) or path.is_dir()
            if self._is_excluded(parts[depth - 1], relative, is_dir, specs):
                return True
            if is_dir:
                folder = os.path.join(self._root_text, relative)
                specs = self._with_gitignore(folder, relative, specs)
        return False

    def _walk_root(self, start: Path) -> list[SourceFile]:
        if not start.exists():
            raise ConfigError(
                f"{start}: path not found; check 'roots' or the paths given"
            )
        relative = self._relative(start)
        found: list[SourceFile] = []
        if start.is_file():
            self._add_file(os.fspath(start), relative, found)
            return found
        specs = self._specs_above(start)
        # A symlink to a folder above the start is a loop too, so the walk
        # starts knowing every folder above it.
        above = frozenset(_identity(folder) for folder in start.resolve().parents)
        self._walk_folder(os.fspath(start), relative, above, specs, found)
        return found

    def _walk_folder(
        self,
        folder: str,
        relative: str,
        visited: frozenset[tuple[int, int]],
        specs: _Specs,
        found: list[SourceFile],
    ) -> None:
        """Add the files below ``folder`` to ``found``, in name order.

        The walk appends to one list instead of yielding through a generator
        per folder level, which costs a call per file and level.
        """
        try:
            folder_stat = os.stat(folder)
            entries = sorted(os.scandir(folder), key=lambda entry: entry.name)
        except OSError as error:
            self.problems.append(WalkProblem(relative or ".", _reason(error)))
            return
        identity = (folder_stat.st_dev, folder_stat.st_ino)
        if identity in visited:
            self.problems.append(WalkProblem(relative, "symlink loop"))
            return
        visited = visited | {identity}
        specs = self._with_gitignore(folder, relative, specs)
        prefix = relative + "/" if relative else ""
        for entry in entries:
            entry_relative = prefix + entry.name
            try:
                is_dir = entry.is_dir()
            except OSError:
                is_dir = False
            if self._is_excluded(entry.name, entry_relative, is_dir, specs):
                continue
            if not is_dir:
                self._add_file(entry.path, entry_relative, found)
            elif entry_relative not in self._walked:
                self._walk_folder(entry.path, entry_relative, visited, specs, found)

    def _add_file(self, path: str, relative: str, found: list[SourceFile]) -> None:
        try:
            file_stat = os.stat(path)
        except OSError as error:
            self.problems.append(WalkProblem(relative, _reason(error)))
            return
        if stat.S_ISREG(file_stat.st_mode):
            found.append(
                SourceFile(path, relative, file_stat.st_size, file_stat.st_mtime_ns)
            )
        else:
            # Reading a FIFO would wait for a writer, so it is named instead.
            self.problems.append(
                WalkProblem(
                    relative,
                    "not a regular file (a FIFO, socket or device); exclude it",
                )
            )

    def _is_excluded(
        self, name: str, relative: str, is_dir: bool, specs: _Specs
    ) -> bool:
        if self.exclude.excluded(name, relative, is_dir):
            return True
        suffix = "/" if is_dir else ""
        for prefix, spec in specs:
            if spec.match_file(relative[len(prefix) :] + suffix):
                return True
        return False

    def _with_gitignore(self, folder: str, relative: str, specs: _Specs) -> _Specs:
        if not self.respect_gitignore:
            return specs
        try:
            with open(
                os.path.join(folder, ".gitignore"), encoding="utf-8", errors="replace"
            ) as file:
                lines = file.read().splitlines()
        except OSError:
            return specs
        prefix = relative + "/" if relative else ""
        return (*specs, (prefix, _gitignore_spec(lines)))

    def _specs_above(self, start: Path) -> _Specs:
        """Read the .gitignore files between the project root and a root below it."""
        specs: _Specs = ()
        if start == self.root or self.root not in start.parents:
            return specs
        for folder in reversed(start.parents):
            if folder == self.root or self.root in folder.parents:
                specs = self._with_gitignore(
                    os.fspath(folder), self._relative(folder), specs
                )
        return specs

    def _relative(self, path: Path) -> str:
        try:
            relative = path.relative_to(self.root).as_posix()
        except ValueError:
            return path.as_posix()
        return "" if relative == "." else relative


def git_tracked(root: Path) -> set[str] | None:
    """Return the paths in the git index below ``root``, or None outside git.

    Whole-tree checks under pre-commit take their file set from here: pre-commit
    stashes unstaged edits but leaves untracked files on disk.
    """
    try:
        # Without --full-name, git prints paths relative to the working folder,
        # which is the root: no second call is needed to find the top level.
        completed = subprocess.run(
            ["git", "ls-files", "-z", "--cached", "--", "."],
            cwd=root,
            capture_output=True,
            check=True,
        )
    except (OSError, subprocess.CalledProcessError):
        return None
    names = completed.stdout.decode("utf-8", "surrogateescape").split("\0")
    return {name for name in names if name}


def _identity(folder: Path) -> tuple[int, int]:
    folder_stat = folder.stat()
    return (folder_stat.st_dev, folder_stat.st_ino)


def _reason(error: OSError) -> str:
    if error.errno is not None and error.strerror:
        return error.strerror.lower()
    return str(error)
