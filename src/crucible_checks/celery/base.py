"""Shared parts of the celery checks: the index check base class and findings."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from crucible_checks.celery.index import TaskIndex, task_index
from crucible_checks.checks import CheckInfo, OptionValue
from crucible_checks.findings import Finding
from crucible_checks.project import Project


class IndexCheck:
    """A check whose findings come from a function of the task index.

    A subclass sets ``info`` and implements `findings`.
    """

    info: CheckInfo

    def run(
        self, project: Project, options: Mapping[str, OptionValue]
    ) -> Iterable[Finding]:
        return list(self.findings(project, task_index(project)))

    def findings(self, project: Project, index: TaskIndex) -> Iterable[Finding]:
        """Return the findings of this check on ``index``."""
        raise NotImplementedError


def finding(
    check: CheckInfo, path: str, line: int, column: int, message: str, subject: str
) -> Finding:
    return Finding(
        path=path,
        line=line,
        column=column,
        code=check.code,
        message=message,
        severity=check.severity,
        subject=subject,
    )
