"""Checks about the index itself: duplicate task names and skipped files."""

from __future__ import annotations

from collections.abc import Iterator

from crucible_checks.celery.base import IndexCheck, finding, info
from crucible_checks.celery.index import TaskIndex
from crucible_checks.checks import CheckInfo
from crucible_checks.findings import Finding, Severity
from crucible_checks.project import Project

DUPLICATE = info(
    "CEL012",
    "duplicate-task-name",
    "Two tasks register under one name.",
    "Celery keeps the last task registered under a name, so which function a "
    "message runs depends on import order. Give one of them another `name=`.",
    "@shared_task(name='send')\ndef send_mail(to): ...\n"
    "@shared_task(name='send')\ndef send_sms(to): ...",
    "@shared_task(name='send_mail')\ndef send_mail(to): ...",
)
SKIPPED = info(
    "CEL013",
    "python-file-skipped",
    "A Python file could not be parsed, so its tasks are unknown.",
    "The task index reads source without importing it. A file with a syntax "
    "error, or with syntax newer than the Python running the check, is left out; "
    "its locked tasks are not reported as removed. Fix the file or run the check "
    "with a newer Python.",
    "def broken(:\n    ...",
    "def fixed():\n    ...",
    severity=Severity.WARNING,
)


def duplicates(
    project: Project, index: TaskIndex, check: CheckInfo
) -> Iterator[Finding]:
    for name in sorted(index.names):
        tasks = index.named(name)
        for task in tasks[1:]:
            first = tasks[0]
            yield finding(
                check,
                task.path,
                task.line,
                task.column,
                f"task name {name!r} is also registered at {first.path}:{first.line}; "
                "Celery keeps only one of them, so give one another name=",
                name,
            )


def skipped(project: Project, index: TaskIndex, check: CheckInfo) -> Iterator[Finding]:
    for item in index.skipped:
        if not item.reason.startswith(("syntax error", "cannot parse")):
            continue  # Unreadable files are reported by CC002.
        yield finding(
            check,
            item.path,
            item.line,
            item.column,
            f"file skipped by the task index: {item.reason}; its tasks are not "
            "checked (fix the file or run with a Python that supports its syntax)",
            item.reason,
        )


CHECKS = [IndexCheck(DUPLICATE, duplicates), IndexCheck(SKIPPED, skipped)]
