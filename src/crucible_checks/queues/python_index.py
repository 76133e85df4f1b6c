"""The queue facts of every Python file, cached per file, with names resolved.

A name such as ``HIGH`` or ``queues.HIGH`` resolves to a string constant
assigned at the top level of this module or of the module it was imported
from. Anything else stays unknown and is never guessed.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from crucible_checks.cache import FileCache, content_hash
from crucible_checks.celery.modules import ModuleNamer
from crucible_checks.files import SourceFile
from crucible_checks.project import Project
from crucible_checks.python_source import read_python
from crucible_checks.queues.python_facts import PythonFacts, Value, collect_facts

#: Bump when the shape of `PythonFacts` changes, so old cache entries are dropped.
FACTS_VERSION = 3

#: A file whose text contains none of these sends to no queue and touches no
#: Redis list, so it is parsed only when another module imports a constant
#: from it.
NEEDLES = ("queue", "push", "pop(", "move(", "lrange(", "lindex(", "linsert(", "lset(")


@dataclass
class PythonIndex:
    """The facts of every module, by dotted module name and by path.

    Modules without `NEEDLES` are parsed on first use, by `resolve`.
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
    for file in project.files_with_suffix(".py"):
        module = namer.name(file.relative)
        index.files[module] = file
        facts = cache.get(file)
        if facts is None:
            facts = _read_facts(project, file, module, cache)
        if facts is None or not facts.complete:
            continue
        index.by_module[module] = facts
        index.by_path[file.relative] = facts
        index.module_of[file.relative] = module
    return index


def _read_facts(
    project: Project, file: SourceFile, module: str, cache: FileCache
) -> PythonFacts | None:
    data = project.read_bytes(file)
    text = None if data is None else project.decode(file, data)
    if data is None or text is None:
        return None
    digest = content_hash(data)
    cached: PythonFacts | None = cache.get_by_hash(file, digest)
    if cached is not None:
        return cached
    if not any(needle in text for needle in NEEDLES):
        facts: PythonFacts | None = PythonFacts(complete=False)
    else:
        facts = _parse_facts(project, file, module)
    if facts is not None:
        cache.put(file, digest, facts)
    return facts


def _parse_facts(project: Project, file: SourceFile, module: str) -> PythonFacts | None:
    source = read_python(project, file)
    if source.tree is None:
        return None
    is_package = file.relative.endswith("__init__.py")
    package = module if is_package else module.rpartition(".")[0]
    return collect_facts(source.tree, file.relative, package)
