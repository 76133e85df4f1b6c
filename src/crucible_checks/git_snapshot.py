"""Snapshots a git hook checks: the staged files, or the tree of a pushed commit.

A hook must check what will be committed, so a fix that is not added does not
pass. When the working tree has no unstaged changes to tracked files, its
tracked files equal the index and the check runs in place with the file set
taken from the index (untracked files are left out). Otherwise the index is
written to a temporary folder with ``git checkout-index`` and checked there.
Writing a copy costs more than reading blobs one by one, but it lets every
check read ordinary files and never touches the user's working tree, unlike
stashing unstaged changes.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from tempfile import TemporaryDirectory

from crucible_checks.errors import UsageError

ZERO_SHA = "0" * 40


@dataclass(frozen=True)
class StagedChanges:
    """The paths a commit adds or modifies, and whether it deletes or renames."""

    changed: frozenset[str]
    removes: bool


@dataclass(frozen=True)
class PushedRef:
    """A ref being pushed, from one line of the pre-push hook's input."""

    local_ref: str
    local_sha: str


def git(cwd: Path, *args: str, env: dict[str, str] | None = None) -> str:
    """Run git and return its output; raise `UsageError` when it fails."""
    try:
        completed = subprocess.run(
            ["git", *args],
            cwd=cwd,
            capture_output=True,
            text=True,
            env=env,
            check=True,
        )
    except FileNotFoundError as error:
        raise UsageError("git-hooks needs git on PATH") from error
    except subprocess.CalledProcessError as error:
        raise UsageError(
            f"git {' '.join(args)} failed: {error.stderr.strip()}"
        ) from error
    return completed.stdout


def top_level(cwd: Path) -> Path:
    return Path(git(cwd, "rev-parse", "--show-toplevel").strip())


def staged_changes(top: Path) -> StagedChanges:
    """Return the staged changes against HEAD (or the empty tree before the
    first commit)."""
    changed = git(top, "diff", "--cached", "--name-only", "-z", "--diff-filter=ACMR")
    removed = git(top, "diff", "--cached", "--name-only", "-z", "--diff-filter=DR")
    names = frozenset(name for name in changed.split("\0") if name)
    return StagedChanges(names, any(removed.split("\0")))


def has_unstaged_changes(top: Path) -> bool:
    completed = subprocess.run(
        ["git", "diff", "--quiet", "--no-ext-diff"], cwd=top, check=False
    )
    return completed.returncode != 0


def parse_pushed_refs(lines: Sequence[str]) -> list[PushedRef]:
    """Return the refs of pre-push input that update or create a ref.

    Each line is ``<local ref> <local sha> <remote ref> <remote sha>``; a
    deletion has a local sha of zeros and is left out, as is a repeated sha.
    """
    refs: list[PushedRef] = []
    seen: set[str] = set()
    for line in lines:
        fields = line.split()
        if len(fields) != 4 or fields[1] == ZERO_SHA or fields[1] in seen:
            continue
        seen.add(fields[1])
        refs.append(PushedRef(fields[0], fields[1]))
    return refs


@contextmanager
def index_copy(top: Path, tree: str | None = None) -> Iterator[Path]:
    """Write the index, or the tree of commit ``tree``, to a temporary folder.

    For a commit, a temporary index file is filled with ``git read-tree`` so
    the repository's own index stays as it is.
    """
    with TemporaryDirectory(prefix="crucible-checks-") as temporary:
        folder = Path(temporary) / "tree"
        env = dict(os.environ)
        if tree is not None:
            env["GIT_INDEX_FILE"] = str(Path(temporary) / "index")
            git(top, "read-tree", tree, env=env)
        git(top, "checkout-index", "--all", f"--prefix={folder}/", env=env)
        folder.mkdir(exist_ok=True)
        yield folder


def copy_cache(source: Path, target: Path) -> None:
    """Copy the per-file cache into a temporary tree so its run starts warm.

    Entries whose stat no longer matches are confirmed by content hash, so a
    copied cache never hides a change.
    """
    if source.is_dir() and not target.exists():
        shutil.copytree(source, target)
