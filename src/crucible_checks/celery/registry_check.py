"""The opt-in check that imports the Celery app and compares its registry with
the static task index."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path

from crucible_checks.celery.base import IndexCheck, finding
from crucible_checks.celery.index import TaskIndex
from crucible_checks.celery.registry import RegisteredTask, read_registry
from crucible_checks.celery.rules import REGISTRY_MISMATCH
from crucible_checks.celery.settings import celery_settings
from crucible_checks.checks import CheckInfo, OptionValue
from crucible_checks.errors import ConfigError
from crucible_checks.findings import Finding, Severity
from crucible_checks.project import Project


def registry_mismatches(
    project: Project, index: TaskIndex, check: CheckInfo
) -> Iterator[Finding]:
    settings = celery_settings(project)
    if not settings.app:
        raise ConfigError(
            "CEL014 app-registry-mismatch needs the Celery app: set app = "
            "'module:attribute' in the [celery] settings"
        )
    root = project.root.resolve()
    registered = read_registry(settings.app, root, settings.import_roots)
    names = {task.name for task in registered}
    for task in index.tasks:
        if isinstance(task.name, str) and task.name not in names:
            yield finding(
                check,
                task.path,
                task.line,
                task.column,
                f"task {task.name!r} is defined here but app {settings.app!r} does "
                "not register it, so workers drop its messages; make the app "
                "import this module (include= or autodiscover_tasks)",
                task.name,
            )
    yield from _registry_only(check, index, registered, root)


def _registry_only(
    check: CheckInfo, index: TaskIndex, registered: list[RegisteredTask], root: Path
) -> Iterator[Finding]:
    for task in registered:
        relative = _inside(task.file, root)
        # NOTE: a task whose source file is unknown or outside the project
        # (a library's task, Celery's own) cannot be placed, so it is skipped.
        if relative is None or index.named(task.name):
            continue
        found = finding(
            check,
            relative,
            max(task.line, 1),
            1,
            f"app registers task {task.name!r}, which the static task index does "
            "not find, so its signature is not checked; list its decorator in "
            "task-decorators",
            task.name,
        )
        yield dataclasses.replace(found, severity=Severity.WARNING)


def _inside(file: Path | None, root: Path) -> str | None:
    if file is None:
        return None
    try:
        return file.resolve().relative_to(root).as_posix()
    except ValueError:
        return None


class AppRegistryMismatch(IndexCheck):
    info = REGISTRY_MISMATCH

    def run(
        self, project: Project, options: Mapping[str, OptionValue]
    ) -> Iterable[Finding]:
        # What the app registers depends on code outside the project, such as
        # installed packages, so these findings are never stored.
        return list(self.findings_of(project))

    def findings(self, project: Project, index: TaskIndex) -> Iterator[Finding]:
        return registry_mismatches(project, index, self.info)
