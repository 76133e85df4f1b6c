"""The compatibility checks: each reports one kind of change against the lock."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from crucible_checks.celery.change_kinds import reported
from crucible_checks.celery.findings_cache import cached_findings, file_digest
from crucible_checks.celery.rules import (
    BIND_CHANGED,
    DEFAULT_REMOVED,
    OPTIONAL_PARAMETER_ADDED,
    PARAMETER_MADE_KEYWORD_ONLY,
    PARAMETER_MADE_POSITIONAL,
    PARAMETER_MADE_POSITIONAL_ONLY,
    PARAMETER_NO_LONGER_POSITIONAL_ONLY,
    PARAMETER_REMOVED,
    PARAMETER_RENAMED,
    PARAMETERS_REORDERED,
    QUEUE_CHANGED,
    REQUIRED_PARAMETER_ADDED,
    SERIALIZER_CHANGED,
    TASK_ADDED,
    TASK_REMOVED,
)
from crucible_checks.celery.settings import celery_settings
from crucible_checks.checks import CheckInfo, OptionValue
from crucible_checks.findings import Finding
from crucible_checks.project import Project


class CompatibilityCheck:
    """Reports the changes of one kind that the configured mode covers.

    A subclass sets ``info``, whose code names the kind of change.
    """

    info: CheckInfo

    def run(
        self, project: Project, options: Mapping[str, OptionValue]
    ) -> Iterable[Finding]:
        settings = celery_settings(project)
        mode = settings.compatibility
        if not reported(self.info.code, mode):
            return []
        lock = project.shared(
            "celery.lock-digest",
            lambda: file_digest(project.root / settings.lock_file),
        )
        if lock is None:
            # The lock file cannot be read, so computing the findings raises an
            # error that names it, and nothing is stored.
            return self.findings_of(project, mode)
        return cached_findings(
            project, self.info, options, [lock], lambda: self.findings_of(project, mode)
        )

    def findings_of(self, project: Project, mode: str) -> list[Finding]:
        """Return a finding for each change of this kind against the lock."""
        from crucible_checks.celery.compat_findings import changes_of_kind

        return changes_of_kind(project, self.info.code, mode)


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


class ParameterMadeKeywordOnly(CompatibilityCheck):
    info = PARAMETER_MADE_KEYWORD_ONLY


class ParameterMadePositional(CompatibilityCheck):
    info = PARAMETER_MADE_POSITIONAL


class ParameterMadePositionalOnly(CompatibilityCheck):
    info = PARAMETER_MADE_POSITIONAL_ONLY


class ParameterNoLongerPositionalOnly(CompatibilityCheck):
    info = PARAMETER_NO_LONGER_POSITIONAL_ONLY
