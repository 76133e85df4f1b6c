"""The findings of the compatibility checks: changes against the lock, graded.

The check classes in `crucible_checks.celery.compat_checks` import this module
only when their findings are not stored, because it imports the task index.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from crucible_checks.celery.compat import (
    CHANGE_KINDS,
    Change,
    compare,
    positional_index,
)
from crucible_checks.celery.index import TaskIndex, task_index
from crucible_checks.celery.lock import LockedTask, locked_from_task, read_lock
from crucible_checks.celery.model import CallSite
from crucible_checks.celery.rules import SAFE_WAY
from crucible_checks.celery.settings import celery_settings
from crucible_checks.findings import Finding, Severity
from crucible_checks.project import Project


@dataclass(frozen=True)
class TaskChanges:
    """The changes of every task against the lock, and where the lock is."""

    changes: list[Change]
    lock_path: str
    index: TaskIndex


def task_changes(project: Project) -> TaskChanges:
    """Compare the index with the lock file, once per run."""
    return project.shared("celery.changes", lambda: _build_changes(project))


def _build_changes(project: Project) -> TaskChanges:
    settings = celery_settings(project)
    index = task_index(project)
    locked = read_lock(project.root / settings.lock_file, settings.lock_file)
    if locked is None:
        return TaskChanges([], settings.lock_file, index)
    return TaskChanges(changes_between(locked, index), settings.lock_file, index)


def changes_between(locked: Mapping[str, LockedTask], index: TaskIndex) -> list[Change]:
    """Return the changes from the locked tasks to the tasks of ``index``.

    A locked task whose file was skipped (unreadable or unparsable) is left
    out: it is unknown, not removed.
    """
    current = {
        name: locked_from_task(tasks[0])
        for name in index.names
        if (tasks := index.named(name))
    }
    skipped = index.skipped_paths
    changes: list[Change] = []
    for name in sorted(set(locked) | set(current)):
        old = locked.get(name)
        if old is not None and name not in current and old.path in skipped:
            continue
        changes.extend(compare(old, current.get(name)))
    return changes


def changes_of_kind(project: Project, code: str, mode: str) -> list[Finding]:
    """Return a finding for each change of kind ``code`` against the lock."""
    found = task_changes(project)
    return [
        _finding(change, found, mode) for change in found.changes if change.code == code
    ]


def _finding(change: Change, found: TaskChanges, mode: str) -> Finding:
    severity, checked = _severity(change, found.index)
    location = change.new or change.old
    assert location is not None
    path = location.path if change.new is not None else found.lock_path
    safe = SAFE_WAY[change.code].format(task=change.task)
    message = (
        f"task {change.task!r}: {change.detail} {_signatures(change)} breaks "
        f"{mode} compatibility: {CHANGE_KINDS[change.code].why}{checked}; {safe}"
    )
    return Finding(
        path=path,
        line=location.line,
        column=1,
        code=change.code,
        message=message,
        severity=severity,
        subject=f"{change.task}:{change.detail}",
    )


def _signatures(change: Change) -> str:
    old = "none" if change.old is None else change.old.signature.render()
    new = "none" if change.new is None else change.new.signature.render()
    return f"{old} -> {new}" if old != new else old


def _severity(change: Change, index: TaskIndex) -> tuple[Severity, str]:
    """Grade a change that breaks only messages passing a parameter one way:
    an error where a call site may pass it that way, else a warning that
    names the call sites checked. Other changes are errors."""
    if change.new is None:
        return Severity.ERROR, ""
    if change.code == "CEL005":
        return _grade_rename(change, _task_calls(change, index))
    if change.code in ("CEL015", "CEL016"):
        return _grade_kind_change(change, _task_calls(change, index))
    if change.code in ("CEL017", "CEL018"):
        return _grade_by_keyword(change, _task_calls(change, index))
    return Severity.ERROR, ""


def _task_calls(change: Change, index: TaskIndex) -> list[CallSite]:
    return [
        call
        for call in index.calls
        if (task := index.task_for_call(call)) and task.display_name == change.task
    ]


def _grade_rename(change: Change, calls: list[CallSite]) -> tuple[Severity, str]:
    """Grade a rename: an error where a call site passes the parameter by
    keyword, else a warning that names the positional call sites checked."""
    new_name = change.detail.rsplit("'", 2)[-2]
    names = {change.parameter, new_name}
    if any(call.keywords is None or names & set(call.keywords) for call in calls):
        return Severity.ERROR, " (a call site passes it by keyword)"
    where = ", ".join(f"{c.path}:{c.line}" for c in calls) or "none found"
    return Severity.WARNING, f" (call sites checked, all positional: {where})"


def _grade_kind_change(change: Change, calls: list[CallSite]) -> tuple[Severity, str]:
    """Grade a change between positional and keyword-only: an error where a
    call site may pass the parameter by position, else a warning that names
    the call sites checked.

    The position is the one in the old signature for CEL015, because old
    messages break, and in the new one for CEL016, because new messages do.
    """
    assert change.old is not None
    assert change.new is not None
    side = change.old if change.code == "CEL015" else change.new
    position = positional_index(side.signature, change.parameter)
    by_position = [call for call in calls if _may_reach(call, position)]
    if by_position:
        where = ", ".join(f"{c.path}:{c.line}" for c in by_position)
        return Severity.ERROR, f" (call sites that may pass it by position: {where})"
    where = ", ".join(f"{c.path}:{c.line}" for c in calls) or "none found"
    return (
        Severity.WARNING,
        f" (call sites checked, none passes it by position: {where})",
    )


def _grade_by_keyword(change: Change, calls: list[CallSite]) -> tuple[Severity, str]:
    """Grade a change to or from positional-only: an error where a call site
    may pass the parameter by keyword, else a warning that names the call
    sites checked."""
    by_keyword = [
        call
        for call in calls
        if call.keywords is None or change.parameter in call.keywords
    ]
    if by_keyword:
        where = ", ".join(f"{c.path}:{c.line}" for c in by_keyword)
        return Severity.ERROR, f" (call sites that may pass it by keyword: {where})"
    where = ", ".join(f"{c.path}:{c.line}" for c in calls) or "none found"
    return (
        Severity.WARNING,
        f" (call sites checked, none passes it by keyword: {where})",
    )


def _may_reach(call: CallSite, position: int) -> bool:
    """Return whether ``call`` may pass a positional argument at ``position``
    (counted from 1): it passes that many, or a number that cannot be counted.
    A signature that a chain or chord completes (``partial``) also receives
    the previous result as its first argument."""
    if call.positional is None:
        return True
    count = call.positional + 1 if call.partial else call.positional
    return count >= position
