"""The built-in core plugin: the output formats and the checks about the run itself."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from crucible_checks.checks import Check, CheckInfo, Family, OptionValue, Scope
from crucible_checks.commands import Command
from crucible_checks.findings import Finding, Severity
from crucible_checks.hookspecs import hookimpl
from crucible_checks.output import OutputFormat
from crucible_checks.output.concise import ConciseFormat
from crucible_checks.output.full import FullFormat
from crucible_checks.output.github import GithubFormat
from crucible_checks.output.json_format import JsonFormat
from crucible_checks.output.junit import JunitFormat
from crucible_checks.output.sarif import SarifFormat
from crucible_checks.project import Project
from crucible_checks.rule_pages_command import RulePagesCommand

UNUSED_SUPPRESSION = CheckInfo(
    code="CC001",
    name="unused-suppression",
    family="core",
    summary="A suppression comment suppresses no finding.",
    explanation=(
        "A `# noqa: CODE` or `<!-- crucible-checks-disable CODE -->` comment that "
        "covers no finding of the codes it names hides nothing today and may hide a "
        "real problem tomorrow. Only directives whose codes all ran are judged."
    ),
    bad_example="See [[Setup]]. <!-- crucible-checks-disable-line DOC001 -->",
    good_example="See [[Setup]].",
    default_enabled=False,
    severity=Severity.WARNING,
    scope=Scope.FILE,
)

UNREADABLE_FILE = CheckInfo(
    code="CC002",
    name="unreadable-file",
    family="core",
    summary="A file could not be read or decoded, so no check looked at it.",
    explanation=(
        "A file that is not valid UTF-8, contains NUL bytes, is larger than the "
        "size limit, cannot be opened, or a folder that loops back through a "
        "symlink, is skipped by every check. The finding names the reason; fix the "
        "file or exclude it with `extend-exclude`."
    ),
    bad_example="docs/notes.md saved as Latin-1: b'caf\\xe9'",
    good_example="docs/notes.md saved as UTF-8: b'caf\\xc3\\xa9'",
    severity=Severity.ERROR,
    scope=Scope.FILE,
)


class UnusedSuppression:
    """Listed and selected like any check; `run` builds its findings after every
    other check, since only then is it known which directives suppressed something."""

    info = UNUSED_SUPPRESSION

    def run(
        self, project: Project, options: Mapping[str, OptionValue]
    ) -> Iterable[Finding]:
        return ()


class UnreadableFile:
    """Reports the files that other checks or the walk could not read."""

    info = UNREADABLE_FILE

    def run(
        self, project: Project, options: Mapping[str, OptionValue]
    ) -> Iterable[Finding]:
        for walk_problem in project.walk_problems:
            yield self._finding(walk_problem.relative, walk_problem.reason)
        for read_problem in project.read_problems.values():
            yield self._finding(read_problem.relative, read_problem.reason)

    def _finding(self, path: str, reason: str) -> Finding:
        return Finding(
            path=path,
            line=1,
            column=1,
            code=self.info.code,
            message=f"file skipped: {reason}",
            severity=self.info.severity,
            subject=reason,
        )


@hookimpl
def crucible_checks_families() -> list[Family]:
    return [
        Family(
            "core", "Checks about the run itself: suppressions and unreadable files."
        )
    ]


@hookimpl
def crucible_checks_checks() -> list[Check]:
    return [UnusedSuppression(), UnreadableFile()]


@hookimpl
def crucible_checks_output_formats() -> list[OutputFormat]:
    return [
        ConciseFormat(),
        FullFormat(),
        JsonFormat(),
        GithubFormat(),
        SarifFormat(),
        JunitFormat(),
    ]


@hookimpl
def crucible_checks_commands() -> list[Command]:
    return [RulePagesCommand()]
