"""The queue facts of every Python file, cached per file, with names resolved.

A name such as ``HIGH`` or ``queues.HIGH`` resolves to a string constant
assigned at the top level of this module or of the module it was imported
from. Anything else stays unknown and is never guessed.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from crucible_checks.cache import FileCache, content_hash
from crucible_checks.celery.index import worth_parallel
from crucible_checks.celery.modules import ModuleNamer
from crucible_checks.files import SourceFile
from crucible_checks.parallel import map_parallel
from crucible_checks.project import Project
from crucible_checks.python_source import (
    PythonSource,
    parse_text,
    parsed_already,
    read_python,
)
from crucible_checks.queues.python_facts import PythonFacts, Value, collect_facts

#: Bump when the shape of `PythonFacts` changes or when `may_send` lets other
#: files through, so old cache entries are dropped.
FACTS_VERSION = 4

#: A ``queue=`` keyword, or the name of a Redis list command. ``lpop`` and
#: ``rpop`` also match ``blpop``, ``brpop`` and ``rpoplpush``.
NEEDLES = (
    "queue",
    "push",
    "lpop",
    "rpop",
    "lmove",
    "lrange",
    "lindex",
    "linsert",
    "lset",
)
#: Calls that count as a send with an unknown queue when given ``**options``.
SPLAT_SENDS = ("delay", "apply_async", "send_task")


@dataclass
class PythonIndex:
    """The facts of every module, by dotted module name and by path.

    Modules that `may_send` rejects are parsed on first use, by `resolve`.
    """

    project: Project
    files: dict[str, SourceFile] = field(default_factory=dict)
    by_module: dict[str, PythonFacts] = field(default_factory=dict)
    by_path: dict[str, PythonFacts] = field(default_factory=dict)
    module_of: dict[str, str] = field(default_factory=dict)

    def resolve(self, value: Value, path: str) -> str | None:
        """Return the string a value stands for, or None when it is unknown."""
        if value.literal is not None:
            return value.literal
        if value.reference is None:
            return None
        facts = self.by_path.get(path)
        return None if facts is None else self._lookup(facts, value.reference, 0)

    def _lookup(self, facts: PythonFacts, reference: str, depth: int) -> str | None:
        if reference in facts.constants:
            return facts.constants[reference]
        head, _, rest = reference.partition(".")
        target = facts.imports.get(head)
        if target is None or depth > 4:
            return None
        parts = (f"{target}.{rest}" if rest else target).split(".")
        for split in range(len(parts) - 1, 0, -1):
            imported = self._module(".".join(parts[:split]))
            if imported is not None:
                name = ".".join(parts[split:])
                return self._lookup(imported, name, depth + 1)
        return None

    def _module(self, module: str) -> PythonFacts | None:
        if module not in self.by_module and module in self.files:
            file = self.files[module]
            facts = _parse_facts(self.project, file, module)
            if facts is not None:
                self.by_module[module] = facts
        return self.by_module.get(module)


def build_python_index(project: Project, namer: ModuleNamer) -> PythonIndex:
    """Collect the queue facts of every Python file of ``project`` that may
    send to a queue or use a Redis list.

    Files that cannot be parsed are left out; the celery family reports them.
    """
    cache = project.cache("queues.python", [FACTS_VERSION, list(namer.import_roots)])
    index = PythonIndex(project)
    found: dict[str, PythonFacts | None] = {}
    misses: list[_Miss] = []
    modules = [
        (file, namer.name(file.relative)) for file in project.files_with_suffix(".py")
    ]
    for file, module in modules:
        index.files[module] = file
        facts = cache.get(file)
        if facts is None:
            facts = _read_facts(project, file, module, cache)
        if isinstance(facts, _Miss):
            misses.append(facts)
        else:
            found[file.relative] = facts
    for miss, parsed in zip(misses, _parse_misses(project, misses), strict=True):
        if parsed is not None:
            cache.put(miss.file, miss.digest, parsed)
        found[miss.file.relative] = parsed
    for file, module in modules:
        facts = found.get(file.relative)
        if facts is None or not facts.complete:
            continue
        index.by_module[module] = facts
        index.by_path[file.relative] = facts
        index.module_of[file.relative] = module
    return index


@dataclass(frozen=True)
class _Miss:
    """A file that may send to a queue and has no cached facts."""

    file: SourceFile
    module: str
    text: str
    digest: str


def _parse_misses(project: Project, misses: list[_Miss]) -> list[PythonFacts | None]:
    """Scan the files the task index has not parsed in this run in a process
    pool when that pays, and the others here."""
    unparsed = [m for m in misses if parsed_already(project, m.file) is None]
    if not worth_parallel([miss.text for miss in unparsed]):
        return [_parse_facts(project, miss.file, miss.module) for miss in misses]
    items = [(m.file.relative, m.module, m.text, m.digest) for m in unparsed]
    results = map_parallel(_parse_item, items, min_items=1)
    scanned = {item[0]: facts for item, facts in zip(items, results, strict=True)}
    return [
        scanned[m.file.relative]
        if m.file.relative in scanned
        else _parse_facts(project, m.file, m.module)
        for m in misses
    ]


def _parse_item(item: tuple[str, str, str, str]) -> PythonFacts | None:
    relative, module, text, digest = item
    source = parse_text(SourceFile(relative, relative, 0, 0), text, digest)
    return _facts_of(source, module)


def may_send(text: str) -> bool:
    """Return whether a module's text may send to a queue or use a Redis list.

    A module without these words is parsed only when another module imports
    a constant from it.
    """
    if any(needle in text for needle in NEEDLES):
        return True
    return "**" in text and any(name in text for name in SPLAT_SENDS)


def _read_facts(
    project: Project, file: SourceFile, module: str, cache: FileCache
) -> PythonFacts | _Miss | None:
    data = project.read_bytes(file)
    text = None if data is None else project.decode(file, data)
    if data is None or text is None:
        return None
    digest = content_hash(data)
    cached: PythonFacts | None = cache.get_by_hash(file, digest)
    if cached is not None:
        return cached
    if may_send(text):
        return _Miss(file, module, text, digest)
    facts = PythonFacts(complete=False)
    cache.put(file, digest, facts)
    return facts


def _parse_facts(project: Project, file: SourceFile, module: str) -> PythonFacts | None:
    return _facts_of(read_python(project, file), module)


def _facts_of(source: PythonSource, module: str) -> PythonFacts | None:
    if source.tree is None:
        return None
    relative = source.file.relative
    is_package = relative.endswith("__init__.py")
    package = module if is_package else module.rpartition(".")[0]
    return collect_facts(source.tree, relative, package)
