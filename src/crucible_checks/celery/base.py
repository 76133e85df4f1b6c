"""Shared parts of the celery checks: a check class built from its metadata."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping

from crucible_checks.celery.index import TaskIndex, task_index
from crucible_checks.checks import CheckInfo, OptionValue, Scope
from crucible_checks.findings import Finding, Severity
from crucible_checks.project import Project

Rule = Callable[[Project, TaskIndex, CheckInfo], Iterable[Finding]]


class IndexCheck:
    """A check whose findings come from a function of the task index."""

    def __init__(self, info: CheckInfo, rule: Rule) -> None:
        self.info = info
        self.rule = rule

    def run(
        self, project: Project, options: Mapping[str, OptionValue]
    ) -> Iterable[Finding]:
        return list(self.rule(project, task_index(project), self.info))


def info(
    code: str,
    name: str,
    summary: str,
    explanation: str,
    bad: str,
    good: str,
    severity: Severity = Severity.ERROR,
    default_enabled: bool = True,
) -> CheckInfo:
    return CheckInfo(
        code=code,
        name=name,
        family="celery",
        summary=summary,
        explanation=explanation,
        bad_example=bad,
        good_example=good,
        severity=severity,
        scope=Scope.PROJECT,
        default_enabled=default_enabled,
    )


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
