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

from crucible_checks.cache import FileCache, content_hash
from crucible_checks.celery.appconfig import AppConfig
from crucible_checks.celery.facts import DecoratorAlias, FileFacts, PendingTask
from crucible_checks.celery.index_store import (
    StoredFacts,
    index_key,
    load_index,
    save_index,
)
from crucible_checks.celery.model import CallSite, Expr, Task
from crucible_checks.celery.modules import ModuleNamer, resolve_reference
from crucible_checks.celery.scan import may_matter, scan_source
from crucible_checks.celery.settings import CelerySettings, celery_settings
from crucible_checks.files import SourceFile
from crucible_checks.parallel import MIN_PARALLEL_ITEMS, map_parallel
from crucible_checks.project import Project
from crucible_checks.python_source import parse_text, read_python

#: Bump when what a scan reads from source, or the shape of `FileFacts` or of
#: `StoredFacts.cached`, changes, so old cache entries are dropped.
SCAN_VERSION = 6

#: Source text from which fewer files than `MIN_PARALLEL_ITEMS` are still
#: parsed in a process pool: `ast.parse` took 0.5 to 0.9 s for it on one core
#: of the benchmark machine (saleor's task modules, Python 3.11).
PARALLEL_CHARACTERS = 1_000_000


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
    files = project.files_with_suffix(".py")
    cache = project.cache("celery", [SCAN_VERSION, list(settings.task_decorators)])
    found = _collect(project, files, cache, settings.task_decorators)
    namer = ModuleNamer(settings.import_roots, (f.relative for f in project.files))
    key = index_key(
        [cache.key, settings.import_roots, settings.broker_url, sorted(namer.packages)],
        [(entry.path, entry.digest) for entry in found if entry.digest],
    )
    stored = load_index(cache.folder, key)
    if isinstance(stored, TaskIndex):
        stored.files_scanned = len(found)
        return stored
    config = AppConfig.from_facts([], settings.broker_url)
    index = assemble((entry.load() for entry in found), namer, config)
    save_index(cache.folder, key, index)
    return index


def _collect(
    project: Project,
    files: list[SourceFile],
    cache: FileCache,
    decorators: tuple[str, ...],
) -> list[StoredFacts]:
    found: dict[str, StoredFacts] = {}
    misses: list[tuple[SourceFile, str, str]] = []
    for file in files:
        cached = cache.get(file)
        if isinstance(cached, tuple):
            found[file.relative] = StoredFacts.of_cached(file.relative, cached)
            continue
        facts_or_miss = _read(project, file, cache, decorators)
        if isinstance(facts_or_miss, StoredFacts):
            found[file.relative] = facts_or_miss
        else:
            misses.append(facts_or_miss)
    scanned = _scan_misses(project, misses, decorators)
    for (file, _text, digest), facts in zip(misses, scanned, strict=True):
        stored = StoredFacts.of_facts(facts)
        cache.put(file, digest, stored.cached)
        found[file.relative] = stored
    return [found[file.relative] for file in files if file.relative in found]


def _read(
    project: Project, file: SourceFile, cache: FileCache, decorators: tuple[str, ...]
) -> StoredFacts | tuple[SourceFile, str, str]:
    data = project.read_bytes(file)
    text = None if data is None else project.decode(file, data)
    if data is None or text is None:
        problem = project.read_problems.get(file.relative)
        reason = problem.reason if problem else "unreadable"
        return StoredFacts.of_facts(FileFacts(file.relative, error=reason))
    digest = content_hash(data)
    cached = cache.get_by_hash(file, digest)
    if isinstance(cached, tuple):
        return StoredFacts.of_cached(file.relative, cached)
    if not may_matter(text, decorators):
        stored = StoredFacts.of_facts(FileFacts(file.relative))
        cache.put(file, digest, stored.cached)
        return stored
    return (file, text, digest)


def _scan_misses(
    project: Project,
    misses: list[tuple[SourceFile, str, str]],
    decorators: tuple[str, ...],
) -> list[FileFacts]:
    if not worth_parallel([text for _file, text, _digest in misses]):
        return [scan_source(read_python(project, m[0]), decorators) for m in misses]
    items = [(file.relative, text, digest, decorators) for file, text, digest in misses]
    return map_parallel(_scan_item, items, min_items=1)


def worth_parallel(texts: list[str]) -> bool:
    """Return whether parsing ``texts`` in a process pool pays for the pool:
    for many files, or for a few large ones."""
    if len(texts) >= MIN_PARALLEL_ITEMS:
        return True
    return len(texts) > 1 and sum(map(len, texts)) >= PARALLEL_CHARACTERS


def _scan_item(item: tuple[str, str, str, tuple[str, ...]]) -> FileFacts:
    relative, text, digest, decorators = item
    file = SourceFile(relative, relative, 0, 0)
    return scan_source(parse_text(file, text, digest), decorators)


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
