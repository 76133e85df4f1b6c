"""Checks about the index itself: duplicate task names and skipped files."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from crucible_checks.celery.base import IndexCheck, finding
from crucible_checks.celery.rules import DUPLICATE, SKIPPED
from crucible_checks.checks import CheckInfo
from crucible_checks.findings import Finding
from crucible_checks.project import Project

if TYPE_CHECKING:
    from crucible_checks.celery.index import TaskIndex


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


class DuplicateTaskName(IndexCheck):
    info = DUPLICATE

    def findings(self, project: Project, index: TaskIndex) -> Iterator[Finding]:
        return duplicates(project, index, self.info)


class PythonFileSkipped(IndexCheck):
    info = SKIPPED

    def findings(self, project: Project, index: TaskIndex) -> Iterator[Finding]:
        return skipped(project, index, self.info)
