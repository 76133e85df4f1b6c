"""The compatibility checks: each reports one kind of change against the lock."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from crucible_checks.celery.compat import CHANGE_KINDS, Change, compare, reported
from crucible_checks.celery.index import TaskIndex, task_index
from crucible_checks.celery.lock import LockedTask, locked_from_task, read_lock
from crucible_checks.celery.rules import (
    BIND_CHANGED,
    DEFAULT_REMOVED,
    OPTIONAL_PARAMETER_ADDED,
    PARAMETER_REMOVED,
    PARAMETER_RENAMED,
    PARAMETERS_REORDERED,
    QUEUE_CHANGED,
    REQUIRED_PARAMETER_ADDED,
    SAFE_WAY,
    SERIALIZER_CHANGED,
    TASK_ADDED,
    TASK_REMOVED,
)
from crucible_checks.celery.settings import celery_settings
from crucible_checks.checks import CheckInfo, OptionValue
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


class CompatibilityCheck:
    """Reports the changes of one kind that the configured mode covers.

    A subclass sets ``info``, whose code names the kind of change.
    """

    info: CheckInfo

    def run(
        self, project: Project, options: Mapping[str, OptionValue]
    ) -> Iterable[Finding]:
        mode = celery_settings(project).compatibility
        if not reported(self.info.code, mode):
            return []
        found = task_changes(project)
        return [
            self._finding(change, found, mode)
            for change in found.changes
            if change.code == self.info.code
        ]

    def _finding(self, change: Change, found: TaskChanges, mode: str) -> Finding:
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
    """Grade a rename: an error where a call site passes the parameter by
    keyword, else a warning that names the positional call sites checked."""
    if change.code != "CEL005" or change.new is None:
        return Severity.ERROR, ""
    calls = [
        call
        for call in index.calls
        if (task := index.task_for_call(call)) and task.display_name == change.task
    ]
    new_name = change.detail.rsplit("'", 2)[-2]
    names = {change.parameter, new_name}
    if any(call.keywords is None or names & set(call.keywords) for call in calls):
        return Severity.ERROR, " (a call site passes it by keyword)"
    where = ", ".join(f"{c.path}:{c.line}" for c in calls) or "none found"
    return Severity.WARNING, f" (call sites checked, all positional: {where})"


class TaskRemoved(CompatibilityCheck):
    info = TASK_REMOVED


class RequiredParameterAdded(CompatibilityCheck):
    info = REQUIRED_PARAMETER_ADDED


class ParameterRemoved(CompatibilityCheck):
    info = PARAMETER_REMOVED


class ParametersReordered(CompatibilityCheck):
    info = PARAMETERS_REORDERED


class ParameterRenamed(CompatibilityCheck):
    info = PARAMETER_RENAMED


class BindChanged(CompatibilityCheck):
    info = BIND_CHANGED


class SerializerChanged(CompatibilityCheck):
    info = SERIALIZER_CHANGED


class QueueChanged(CompatibilityCheck):
    info = QUEUE_CHANGED


class TaskAdded(CompatibilityCheck):
    info = TASK_ADDED


class OptionalParameterAdded(CompatibilityCheck):
    info = OPTIONAL_PARAMETER_ADDED


class DefaultRemoved(CompatibilityCheck):
    info = DEFAULT_REMOVED
