"""The compatibility checks: each reports one kind of change against the lock."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from crucible_checks.celery.compat import CHANGE_KINDS, Change, compare, reported
from crucible_checks.celery.index import TaskIndex, task_index
from crucible_checks.celery.lock import LockedTask, locked_from_task, read_lock
from crucible_checks.celery.settings import celery_settings
from crucible_checks.checks import CheckInfo, OptionValue, Scope
from crucible_checks.findings import Finding, Severity
from crucible_checks.project import Project

SAFE_WAY = {
    "CEL001": "keep the old name registered (name='{task}') until queued messages "
    "drain, then run 'crucible-checks tasks lock'",
    "CEL002": "give the parameter a default, deploy the workers, then update the "
    "producers",
    "CEL003": "keep the parameter, or accept *args/**kwargs, until old messages drain",
    "CEL004": "keep the order and add new parameters at the end with defaults",
    "CEL005": "keep the old name, or accept both names, until old messages drain",
    "CEL006": "add or remove the first parameter together with bind=True",
    "CEL007": "add the new content type to accept_content on every worker first",
    "CEL008": "keep a worker consuming the old queue until it is empty",
    "CEL009": "deploy the workers before the producers that send this task",
    "CEL010": "deploy the workers before the producers that pass the argument",
    "CEL011": "keep the default until old messages drain",
}


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


def _info(code: str) -> CheckInfo:
    kind = CHANGE_KINDS[code]
    modes = [m for m in ("BACKWARD", "FORWARD") if getattr(kind, m.lower())]
    return CheckInfo(
        code=code,
        name=kind.name,
        family="celery",
        summary=kind.summary,
        explanation=(
            f"Compared with the task lock file, {kind.why}. Reported under "
            f"{' and '.join(modes)} (and FULL) compatibility; see the mode table in "
            f"the family docs. Safe way: {SAFE_WAY[code].format(task='old.name')}."
        ),
        bad_example=EXAMPLES[code][0],
        good_example=EXAMPLES[code][1],
        severity=Severity.ERROR,
        scope=Scope.PROJECT,
    )


EXAMPLES = {
    "CEL001": (
        "# locked: app.tasks.evaluate\ndef evaluate_code(eval_id): ...",
        "@app.task(name='app.tasks.evaluate')\ndef evaluate_code(eval_id): ...",
    ),
    "CEL002": (
        "def evaluate_code(eval_id, code, lang): ...  # lang added",
        "def evaluate_code(eval_id, code, lang='python'): ...",
    ),
    "CEL003": (
        "def evaluate_code(eval_id): ...  # code removed",
        "def evaluate_code(eval_id, code=None): ...",
    ),
    "CEL004": (
        "def evaluate_code(code, eval_id): ...",
        "def evaluate_code(eval_id, code): ...",
    ),
    "CEL005": (
        "def evaluate_code(eval_id, code, language): ...  # was lang",
        "def evaluate_code(eval_id, code, lang): ...",
    ),
    "CEL006": (
        "@app.task(bind=True)\ndef evaluate_code(eval_id, code): ...",
        "@app.task(bind=True)\ndef evaluate_code(self, eval_id, code): ...",
    ),
    "CEL007": (
        "@app.task(serializer='pickle')  # was json",
        "@app.task(serializer='json')",
    ),
    "CEL008": (
        "@app.task(queue='evaluation')  # was normal",
        "@app.task(queue='normal')",
    ),
    "CEL009": (
        "@app.task  # new, sent before workers know it\ndef notify(id): ...",
        "Deploy the workers first, then the producers.",
    ),
    "CEL010": (
        "def evaluate_code(eval_id, code, timeout=30): ...  # timeout added",
        "Deploy the workers first, then producers that pass timeout.",
    ),
    "CEL011": (
        "def evaluate_code(eval_id, code, lang): ...  # was lang='python'",
        "def evaluate_code(eval_id, code, lang='python'): ...",
    ),
}


class CompatibilityCheck:
    """Reports the changes of one kind that the configured mode covers."""

    def __init__(self, code: str) -> None:
        self.info = _info(code)

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


CHECKS = [CompatibilityCheck(code) for code in CHANGE_KINDS]
