"""The static task index: every task, call site and Celery setting of a project.

Public API (import from `crucible_checks.celery.index`):

- ``task_index(project) -> TaskIndex``: built once per run and shared by every
  check through ``project.shared``; per-file facts are cached between runs by
  size, modification time and content hash.
- `TaskIndex`: ``tasks`` (`crucible_checks.celery.model.Task`, sorted by name),
  ``calls`` (`CallSite`, targets resolved to dotted paths), ``config``
  (`crucible_checks.celery.appconfig.AppConfig`), ``skipped`` (files that
  could not be read or parsed), and the lookups ``named(name)``,
  ``for_function(path)``, ``task_for_call(call)``.

The source is read, never imported: a pre-commit hook runs without the
project's dependencies.
"""

from __future__ import annotations

import dataclasses
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from crucible_checks.celery.appconfig import AppConfig
from crucible_checks.celery.facts import DecoratorAlias, FileFacts, PendingTask
from crucible_checks.celery.file_facts import index_facts

# The queues family imports worth_parallel from this module.
from crucible_checks.celery.file_facts import worth_parallel as worth_parallel
from crucible_checks.celery.index_store import load_index, save_index
from crucible_checks.celery.model import CallSite, Expr, Task
from crucible_checks.celery.modules import ModuleNamer, resolve_reference
from crucible_checks.celery.settings import CelerySettings, celery_settings
from crucible_checks.project import Project


@dataclass(frozen=True)
class SkippedFile:
    """A Python file left out of the index, and why."""

    path: str
    reason: str
    line: int = 1
    column: int = 1


@dataclass
class TaskIndex:
    """See the module docstring."""

    tasks: list[Task] = field(default_factory=list)
    calls: list[CallSite] = field(default_factory=list)
    config: AppConfig = field(default_factory=AppConfig)
    skipped: list[SkippedFile] = field(default_factory=list)
    files_scanned: int = 0
    _by_name: dict[str, list[Task]] = field(default_factory=dict)
    _by_function: dict[str, Task] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.tasks.sort(key=lambda task: (task.display_name, task.path, task.line))
        by_name: dict[str, list[Task]] = defaultdict(list)
        for task in self.tasks:
            by_name[task.display_name].append(task)
            self._by_function.setdefault(task.function, task)
        self._by_name = dict(by_name)

    def named(self, name: str) -> list[Task]:
        return self._by_name.get(name, [])

    @property
    def names(self) -> set[str]:
        return set(self._by_name)

    def for_function(self, function: str) -> Task | None:
        return self._by_function.get(function)

    def task_for_call(self, call: CallSite) -> Task | None:
        if call.by_name:
            found = self.named(call.target)
            return found[0] if len(found) == 1 else None
        return self.for_function(call.target)

    @property
    def has_dynamic_names(self) -> bool:
        return any(isinstance(task.name, Expr) for task in self.tasks)

    @property
    def skipped_paths(self) -> set[str]:
        return {skipped.path for skipped in self.skipped}


def task_index(project: Project) -> TaskIndex:
    """Return the project's task index, built once per run."""
    return project.shared("celery.index", lambda: build_index(project))


def build_index(project: Project, settings: CelerySettings | None = None) -> TaskIndex:
    """Scan every Python file of ``project`` (cached per file) into an index.

    The assembled index is cached too, keyed by the facts of every file, so a
    run in which no file's facts changed only loads it.
    """
    settings = settings or celery_settings(project)
    facts = index_facts(project, settings)
    stored = load_index(facts.folder, facts.key)
    if isinstance(stored, TaskIndex):
        stored.files_scanned = len(facts.entries)
        return stored
    config = AppConfig.from_facts([], settings.broker_url)
    index = assemble((entry.load() for entry in facts.entries), facts.namer, config)
    save_index(facts.folder, facts.key, index)
    return index


def assemble(
    facts: Iterable[FileFacts], namer: ModuleNamer, config: AppConfig
) -> TaskIndex:
    """Resolve module names, aliases and call targets across the scanned files."""
    all_facts = list(facts)
    aliases = {alias.name: alias for f in all_facts for alias in f.aliases}
    index = TaskIndex(files_scanned=len(all_facts))
    for file_facts in all_facts:
        if file_facts.error is not None:
            index.skipped.append(
                SkippedFile(
                    file_facts.path,
                    file_facts.error,
                    file_facts.error_line,
                    file_facts.error_column,
                )
            )
            continue
        config.facts.extend(file_facts.config)
        if not (file_facts.tasks or file_facts.pending or file_facts.calls):
            continue  # Most files: nothing to name, so skip the module name.
        module = namer.name(file_facts.path)
        is_package = file_facts.path.endswith("__init__.py")
        tasks = [*file_facts.tasks, *_aliased(file_facts.pending, aliases)]
        index.tasks.extend(_resolve_task(task, module, is_package) for task in tasks)
        index.calls.extend(
            _resolve_call(call, module, is_package) for call in file_facts.calls
        )
    index.config = config
    index.__post_init__()
    return index


def _aliased(
    pending: list[PendingTask], aliases: dict[str, DecoratorAlias]
) -> Iterable[Task]:
    for candidate in pending:
        alias = aliases.get(candidate.decorator)
        if alias is None:
            continue
        options = {**alias.options, **candidate.call_options}
        task = candidate.task
        bind = options.get("bind") is True
        parameters = task.signature.parameters
        if bind and parameters and parameters[0].is_positional:
            first = parameters[0].name
            task = dataclasses.replace(
                task,
                signature=dataclasses.replace(
                    task.signature, parameters=parameters[1:]
                ),
                first_parameter=first,
            )
        name = options.get("name")
        yield dataclasses.replace(
            task,
            bind=bind,
            name=name if isinstance(name, (str, Expr)) else task.name,
            options={k: v for k, v in options.items() if k not in ("name", "bind")},
        )


def _resolve_task(task: Task, module: str, is_package: bool) -> Task:
    function = resolve_reference(task.function, module, is_package)
    name = task.name or function
    return dataclasses.replace(task, function=function, name=name)


def _resolve_call(call: CallSite, module: str, is_package: bool) -> CallSite:
    if call.by_name:
        return call
    target = resolve_reference(call.target, module, is_package)
    return dataclasses.replace(call, target=target)
