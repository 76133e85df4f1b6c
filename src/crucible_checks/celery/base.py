"""Shared parts of the celery checks: the index check base class and findings.

A check's findings are stored between runs (see `findings_cache`), so the
checks that store them import the task index, the model classes and the lock
code only inside the functions that compute findings. A run that finds every
check's findings stored then imports none of them.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING

from crucible_checks.celery.findings_cache import cached_findings
from crucible_checks.checks import CheckInfo, OptionValue
from crucible_checks.findings import Finding
from crucible_checks.project import Project

if TYPE_CHECKING:
    from crucible_checks.celery.index import TaskIndex


class IndexCheck:
    """A check whose findings come from a function of the task index.

    A subclass sets ``info`` and implements `findings`.
    """

    info: CheckInfo

    def run(
        self, project: Project, options: Mapping[str, OptionValue]
    ) -> Iterable[Finding]:
        return cached_findings(
            project, self.info, options, (), lambda: self.findings_of(project)
        )

    def findings_of(self, project: Project) -> Iterable[Finding]:
        """Return the findings of this check on the project's task index."""
        from crucible_checks.celery.index import task_index

        return self.findings(project, task_index(project))

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
