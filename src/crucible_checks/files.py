"""Finding the files of a project: one walk of the roots, as ruff walks them."""

from __future__ import annotations

import os
import stat
import subprocess
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pathspec

from crucible_checks.errors import ConfigError

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


Spec = pathspec.PathSpec[Any]
_Specs = tuple[tuple[Path, Spec], ...]


@dataclass(frozen=True)
class SourceFile:
    """A file found under a root, with the stat fields that key the cache."""

    path: Path
    relative: str
    size: int
    mtime_ns: int


@dataclass(frozen=True)
class WalkProblem:
    """A path the walk could not enter, such as a symlink loop or a denied folder."""

    relative: str
    reason: str


class Walker:
    """Walks roots below a project root, skipping excluded and git-ignored paths."""

    def __init__(
        self,
        root: Path,
        exclude: Sequence[str] = DEFAULT_EXCLUDE,
        respect_gitignore: bool = True,
    ) -> None:
        self.root = root
        self.exclude = pathspec.GitIgnoreSpec.from_lines(exclude)
        self.respect_gitignore = respect_gitignore
        self.problems: list[WalkProblem] = []

    def walk(self, roots: Iterable[Path]) -> list[SourceFile]:
        """Return every file under ``roots``, each once, sorted by relative path."""
        found: dict[str, SourceFile] = {}
        for root in roots:
            for file in self._walk_root(root):
                found.setdefault(file.relative, file)
        return [found[key] for key in sorted(found)]

    def _walk_root(self, start: Path) -> Iterator[SourceFile]:
        if not start.exists():
            raise ConfigError(
                f"{start}: path not found; check 'roots' or the paths given"
            )
        if start.is_file():
            file = self._source_file(start)
            if file is not None:
                yield file
            return
        yield from self._walk_folder(start, frozenset(), self._specs_above(start))

    def _walk_folder(
        self, folder: Path, visited: frozenset[tuple[int, int]], specs: _Specs
    ) -> Iterator[SourceFile]:
        try:
            folder_stat = folder.stat()
            entries = sorted(os.scandir(folder), key=lambda entry: entry.name)
        except OSError as error:
            self.problems.append(WalkProblem(self._relative(folder), _reason(error)))
            return
        identity = (folder_stat.st_dev, folder_stat.st_ino)
        if identity in visited:
            self.problems.append(WalkProblem(self._relative(folder), "symlink loop"))
            return
        visited = visited | {identity}
        specs = self._with_gitignore(folder, specs)
        for entry in entries:
            path = Path(entry.path)
            try:
                is_dir = entry.is_dir()
            except OSError:
                is_dir = False
            if self._is_excluded(path, is_dir, specs):
                continue
            if is_dir:
                yield from self._walk_folder(path, visited, specs)
            else:
                file = self._source_file(path)
                if file is not None:
                    yield file

    def _source_file(self, path: Path) -> SourceFile | None:
        try:
            file_stat = path.stat()
        except OSError as error:
            self.problems.append(WalkProblem(self._relative(path), _reason(error)))
            return None
        if not stat.S_ISREG(file_stat.st_mode):
            return None
        relative = self._relative(path)
        return SourceFile(path, relative, file_stat.st_size, file_stat.st_mtime_ns)

    def _is_excluded(self, path: Path, is_dir: bool, specs: _Specs) -> bool:
        suffix = "/" if is_dir else ""
        if self.exclude.match_file(self._relative(path) + suffix):
            return True
        for folder, spec in specs:
            if spec.match_file(path.relative_to(folder).as_posix() + suffix):
                return True
        return False

    def _with_gitignore(self, folder: Path, specs: _Specs) -> _Specs:
        if not self.respect_gitignore:
            return specs
        try:
            text = (folder / ".gitignore").read_text("utf-8", "replace")
        except OSError:
            return specs
        spec = pathspec.GitIgnoreSpec.from_lines(text.splitlines())
        return (*specs, (folder, spec))

    def _specs_above(self, start: Path) -> _Specs:
        """Read the .gitignore files between the project root and a root below it."""
        specs: _Specs = ()
        if start == self.root or self.root not in start.parents:
            return specs
        for folder in reversed(start.parents):
            if folder == self.root or self.root in folder.parents:
                specs = self._with_gitignore(folder, specs)
        return specs

    def _relative(self, path: Path) -> str:
        try:
            return path.relative_to(self.root).as_posix()
        except ValueError:
            return path.as_posix()


def git_tracked(root: Path) -> set[str] | None:
    """Return the paths in the git index below ``root``, or None outside git.

    Whole-tree checks under pre-commit take their file set from here: pre-commit
    stashes unstaged edits but leaves untracked files on disk.
    """
    try:
        completed = subprocess.run(
            ["git", "ls-files", "-z", "--cached", "--full-name", "--", "."],
            cwd=root,
            capture_output=True,
            check=True,
        )
        top = subprocess.run(
            ["git", "rev-parse", "--show-toplevel"],
            cwd=root,
            capture_output=True,
            check=True,
            text=True,
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return None
    prefix = root.resolve().relative_to(Path(top).resolve()).as_posix()
    names = completed.stdout.decode("utf-8", "surrogateescape").split("\0")
    strip = "" if prefix == "." else prefix + "/"
    return {name[len(strip) :] for name in names if name and name.startswith(strip)}


def _reason(error: OSError) -> str:
    if error.errno is not None and error.strerror:
        return error.strerror.lower()
    return str(error)
