"""The work of ``crucible-checks tasks``: write, show and compare the task lock."""

from __future__ import annotations

import argparse
import shutil
import subprocess
import tarfile
import tempfile
from dataclasses import replace
from pathlib import Path

from crucible_checks.celery.compat import CHANGE_KINDS, Change, reported
from crucible_checks.celery.compat_findings import changes_between
from crucible_checks.celery.index import TaskIndex, build_index
from crucible_checks.celery.lock import (
    InvalidLockFileError,
    LockedTask,
    locked_from_task,
    read_lock,
    write_lock,
)
from crucible_checks.celery.settings import celery_settings
from crucible_checks.errors import UsageError
from crucible_checks.output import escape_line
from crucible_checks.run import RunOptions, build_project
from crucible_checks.session import Session


def run_action(args: argparse.Namespace, session: Session) -> int:
    """Run the ``lock`` or ``list`` action that ``args`` names."""
    if args.action == "lock" and (args.against is not None or args.mode is not None):
        raise UsageError(
            "tasks lock: --against and --mode apply to 'tasks list' only; the "
            "lock is written from the code as it is"
        )
    if args.against is not None:
        _check_revision(args.against)
    project = build_project(session, RunOptions())
    settings = celery_settings(project)
    index = build_index(project, settings)
    project.save_caches()
    if args.action == "lock":
        return _lock(session, index, settings.lock_file)
    if args.against is not None:
        old = _index_at(session, args.against)
        mode = args.mode or settings.compatibility
        return _print_changes(_changes(old, index), mode)
    return _list(
        index, session, settings.lock_file, args.mode or settings.compatibility
    )


def _lock(session: Session, index: TaskIndex, lock_file: str) -> int:
    tasks = [locked_from_task(index.named(name)[0]) for name in sorted(index.names)]
    path = session.config.root / lock_file
    try:
        locked = read_lock(path, lock_file) or {}
        replaced = None
    except InvalidLockFileError as error:
        _check_replaceable(error, index, lock_file)
        locked = {}
        replaced = error.problem
    kept = _kept_from_skipped(locked, index)
    write_lock(path, [*tasks, *kept])
    count = len(tasks) + len(kept)
    if replaced is not None:
        print(f"Replaced the invalid lock file: {replaced}.")
    print(f"Wrote {count} task{'s' if count != 1 else ''} to {lock_file}.")
    for skipped in index.skipped:
        print(escape_line(f"{skipped.path}: skipped: {skipped.reason}"))
    for task in kept:
        print(
            escape_line(
                f"{task.path}: kept the locked task {task.name!r} of a skipped file"
            )
        )
    return 0


def _check_replaceable(
    error: InvalidLockFileError, index: TaskIndex, lock_file: str
) -> None:
    """Raise `UsageError` unless an invalid lock file may be overwritten.

    The lock is written from the code, so the old one is needed only for the
    tasks of files the index skipped, which it keeps.
    """
    if not index.skipped:
        return
    paths = ", ".join(sorted(index.skipped_paths))
    raise UsageError(
        f"{error.problem}. 'tasks lock' keeps the locked tasks of skipped files "
        f"({paths}), so it does not replace an invalid lock file; fix the lock "
        f"file or those files, or delete {lock_file} to drop their tasks, then "
        "run 'crucible-checks tasks lock' again"
    ) from error


def _kept_from_skipped(
    locked: dict[str, LockedTask], index: TaskIndex
) -> list[LockedTask]:
    """Return the locked tasks of files the index skipped, so a lock written
    while a file cannot be parsed does not forget its tasks."""
    skipped = index.skipped_paths
    return [
        task
        for name, task in sorted(locked.items())
        if task.path in skipped and not index.named(name)
    ]


def _list(index: TaskIndex, session: Session, lock_file: str, mode: str) -> int:
    # Read first, so an invalid lock file stops the command before any output.
    locked = read_lock(session.config.root / lock_file, lock_file)
    for name in sorted(index.names):
        task = index.named(name)[0]
        bind = " bind" if task.bind else ""
        queue = task.option("queue")
        where = f" queue={queue}" if isinstance(queue, str) else ""
        print(
            escape_line(
                f"{name}{task.signature.render()}{bind}{where}  {task.path}:{task.line}"
            )
        )
    for skipped in index.skipped:
        print(escape_line(f"{skipped.path}: skipped: {skipped.reason}"))
    if locked is None:
        print(f"{len(index.names)} tasks; no lock file {lock_file} yet.")
        return 0
    return _print_changes(changes_between(locked, index), mode)


def _changes(old: TaskIndex, new: TaskIndex) -> list[Change]:
    locked = {name: locked_from_task(old.named(name)[0]) for name in sorted(old.names)}
    return changes_between(locked, new)


def _print_changes(changes: list[Change], mode: str) -> int:
    shown = [change for change in changes if reported(change.code, mode)]
    for change in shown:
        kind = CHANGE_KINDS[change.code]
        print(
            escape_line(
                f"{change.code} {kind.name}: task {change.task!r}: {change.detail}"
            )
        )
    if not shown:
        print(f"No task changes that break {mode} compatibility.")
        return 0
    if len(shown) == 1:
        print(f"1 task change breaks {mode} compatibility.")
    else:
        print(f"{len(shown)} task changes break {mode} compatibility.")
    return 1


def _check_revision(revision: str) -> None:
    """Raise `UsageError` for a revision that is empty or that git would read as
    an option (``--output=FILE`` makes git archive write that file)."""
    if not revision.strip():
        raise UsageError("--against: empty git revision; name a commit, such as HEAD")
    if revision.startswith("-"):
        raise UsageError(
            f"--against {revision}: a git revision cannot start with '-'; name a "
            "commit, such as HEAD or origin/main"
        )


def _index_at(session: Session, revision: str) -> TaskIndex:
    """Build the index of the project as committed at ``revision``."""
    root = session.config.root
    folder = Path(tempfile.mkdtemp(prefix="crucible-checks-"))
    try:
        tree = _export(root, revision, folder)
        config = replace(session.config, root=tree)
        other = Session(config, session.host)
        project = build_project(other, RunOptions(use_cache=False))
        return build_index(project)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _export(root: Path, revision: str, folder: Path) -> Path:
    """Extract the tree at ``revision`` below ``folder`` and return its root."""
    archive = folder / "tree.tar"
    try:
        with archive.open("wb") as output:
            subprocess.run(
                # git archive takes no "--" before its paths, so
                # --end-of-options alone stops git reading the revision as an
                # option.
                ["git", "archive", "--format=tar", "--end-of-options", revision, "."],
                cwd=root,
                stdout=output,
                stderr=subprocess.PIPE,
                check=True,
            )
    except FileNotFoundError as error:
        raise UsageError("--against needs git on PATH") from error
    except subprocess.CalledProcessError as error:
        message = error.stderr.decode("utf-8", "replace").strip()
        raise UsageError(f"--against {revision}: git failed: {message}") from error
    tree = folder / "tree"
    try:
        with tarfile.open(archive) as tar:
            tar.extractall(tree, filter=_inside_link_filter)
    except (OSError, tarfile.TarError) as error:
        raise UsageError(
            f"--against {revision}: cannot extract the tree from git: {error}"
        ) from error
    archive.unlink()
    return tree


def _inside_link_filter(member: tarfile.TarInfo, path: str) -> tarfile.TarInfo | None:
    """Apply the ``data`` extraction filter, but skip a symbolic link to an
    absolute path or out of the tree instead of failing. Its target is not
    part of the revision, so the index cannot read it anyway."""
    try:
        return tarfile.data_filter(member, path)
    except (tarfile.AbsoluteLinkError, tarfile.LinkOutsideDestinationError):
        return None
