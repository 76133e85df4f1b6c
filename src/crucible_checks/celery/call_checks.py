"""Checks of call sites and task names against the task index."""

from __future__ import annotations

import fnmatch
from collections.abc import Iterator
from typing import TYPE_CHECKING

from crucible_checks.celery.base import IndexCheck, finding
from crucible_checks.celery.rules import CALL_MISMATCH, DEAD_ROUTE, UNKNOWN_TASK
from crucible_checks.celery.settings import celery_settings
from crucible_checks.checks import CheckInfo
from crucible_checks.findings import Finding
from crucible_checks.project import Project

if TYPE_CHECKING:
    from crucible_checks.celery.appconfig import Route
    from crucible_checks.celery.computed_names import ComputedNames
    from crucible_checks.celery.index import TaskIndex
    from crucible_checks.celery.model import CallSite, Signature

_PARTIAL_METHODS = ("s", "signature")


def call_mismatches(
    project: Project, index: TaskIndex, check: CheckInfo
) -> Iterator[Finding]:
    for call in index.calls:
        task = index.task_for_call(call)
        if task is None or call.partial or task.wrapped or not task.options_complete:
            continue
        problem = argument_problem(task.signature, call)
        if problem is not None:
            yield finding(
                check,
                call.path,
                call.line,
                call.column,
                f"{call.method}() of task {task.display_name!r}: {problem}; the "
                f"task takes {task.signature.render()}",
                f"{task.display_name}:{problem}",
            )


def argument_problem(signature: Signature, call: CallSite) -> str | None:
    """Describe why the arguments cannot bind to the signature, or None."""
    positional = signature.positional
    too_many = (
        call.positional is not None
        and not signature.var_positional
        and call.positional > len(positional)
    )
    if too_many:
        return (
            f"{call.positional} positional arguments given, at most {len(positional)}"
        )
    if call.keywords is not None and not signature.var_keyword:
        allowed = signature.keyword_names
        unknown = [name for name in call.keywords if name not in allowed]
        if unknown:
            return f"unknown keyword argument {unknown[0]!r}"
    if (
        call.method in _PARTIAL_METHODS
        or call.positional is None
        or call.keywords is None
    ):
        return None
    return _missing(signature, call.positional, call.keywords)


def _missing(signature: Signature, given: int, keywords: tuple[str, ...]) -> str | None:
    filled = {p.name for p in signature.positional[:given]} | set(keywords)
    required = [
        p.name
        for p in signature.parameters
        if not p.has_default
        and p.name not in filled
        and p.kind not in ("var-positional", "var-keyword")
    ]
    if required:
        return f"missing required argument {required[0]!r}"
    return None


def _known(
    name: str,
    index: TaskIndex,
    external: tuple[str, ...],
    computed: ComputedNames,
) -> bool:
    if index.named(name) or name.startswith("celery."):
        return True
    if any(fnmatch.fnmatchcase(name, pattern) for pattern in external):
        return True
    return computed.may_name(name)


def unknown_names(
    project: Project, index: TaskIndex, check: CheckInfo
) -> Iterator[Finding]:
    from crucible_checks.celery.computed_names import ComputedNames

    external = celery_settings(project).external_tasks
    computed = ComputedNames.of(index.tasks)
    names = sorted(index.names)
    for call in index.calls:
        if call.by_name and not _known(call.target, index, external, computed):
            yield finding(
                check,
                call.path,
                call.line,
                call.column,
                f"{call.method}() names task {call.target!r}, which no module "
                f"defines{_suggestion(call.target, names)}",
                call.target,
            )
    for entry in index.config.beat_entries:
        if not _known(entry.task, index, external, computed):
            line, column = entry.position
            yield finding(
                check,
                entry.fact.path,
                line,
                column,
                f"beat_schedule entry {entry.entry!r} names task {entry.task!r}, "
                f"which no module defines{_suggestion(entry.task, names)}",
                entry.task,
            )


def _suggestion(name: str, names: list[str]) -> str:
    """Return a "did you mean" for the closest of the sorted task ``names``."""
    import difflib

    close = difflib.get_close_matches(name, names, n=1, cutoff=0.7)
    return f"; did you mean {close[0]!r}?" if close else ""


def dead_routes(
    project: Project, index: TaskIndex, check: CheckInfo
) -> Iterator[Finding]:
    if not index.tasks:
        return
    from crucible_checks.celery.computed_names import ComputedNames

    external = celery_settings(project).external_tasks
    computed = ComputedNames.of(index.tasks)
    names = sorted(index.names)
    for route in index.config.routes:
        if isinstance(route.key, str) and _known(route.key, index, external, computed):
            continue
        if computed.may_route(route):
            continue
        if any(route.matches(name) for name in names):
            continue
        if isinstance(route.key, str) and any(
            fnmatch.fnmatchcase(route.key, pattern) for pattern in external
        ):
            continue
        line, column = route.position
        yield finding(
            check,
            route.fact.path,
            line,
            column,
            f"task_routes key {_key_text(route)} matches no task, so it routes "
            f"nothing{_suggestion(route.pattern_text, names)}",
            route.pattern_text,
        )


def _key_text(route: Route) -> str:
    return route.pattern_text if route.is_regex else repr(route.pattern_text)


class TaskCallMismatch(IndexCheck):
    info = CALL_MISMATCH

    def findings(self, project: Project, index: TaskIndex) -> Iterator[Finding]:
        return call_mismatches(project, index, self.info)


class UnknownTaskName(IndexCheck):
    info = UNKNOWN_TASK

    def findings(self, project: Project, index: TaskIndex) -> Iterator[Finding]:
        return unknown_names(project, index, self.info)


class UnmatchedTaskRoute(IndexCheck):
    info = DEAD_ROUTE

    def findings(self, project: Project, index: TaskIndex) -> Iterator[Finding]:
        return dead_routes(project, index, self.info)
