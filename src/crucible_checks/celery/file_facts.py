"""Every Python file's facts for the task index, from the file cache or a scan.

`index_facts` is the cheap first half of building the index. It stats every
file and reads and scans only the files whose cached facts are out of date.
Its key is what the assembled index and the stored findings are kept under.
It imports the scanner and the model classes only when a file must be read,
so a run in which no Python file changed imports neither.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from crucible_checks.cache import FileCache, content_hash
from crucible_checks.celery.index_store import StoredFacts, index_key
from crucible_checks.celery.modules import ModuleNamer
from crucible_checks.celery.settings import CelerySettings, celery_settings
from crucible_checks.files import SourceFile
from crucible_checks.project import Project

if TYPE_CHECKING:
    from crucible_checks.celery.facts import FileFacts

#: Bump when what a scan reads from source, or the shape of `FileFacts` or of
#: `StoredFacts.cached`, changes, so old cache entries are dropped.
SCAN_VERSION = 6

#: Source text from which fewer files than `MIN_PARALLEL_ITEMS` are still
#: parsed in a process pool: `ast.parse` took 0.5 to 0.9 s for it on one core
#: of the benchmark machine (saleor's task modules, Python 3.11).
PARALLEL_CHARACTERS = 1_000_000


@dataclass(frozen=True)
class IndexFacts:
    """The facts of every Python file, in walk order, and what they are keyed by.

    ``key`` changes when the facts of any file, the celery settings that shape
    the index, the set of packages or the tool version change. ``folder`` is
    the cache folder, or None when the run keeps no cache.
    """

    entries: list[StoredFacts]
    namer: ModuleNamer
    key: str
    folder: Path | None


def index_facts(project: Project, settings: CelerySettings | None = None) -> IndexFacts:
    """Return the facts of every Python file of ``project``, collected once per
    run and scanned only for the files not cached."""
    chosen = settings or celery_settings(project)
    return project.shared("celery.facts", lambda: _collect_facts(project, chosen))


def _collect_facts(project: Project, settings: CelerySettings) -> IndexFacts:
    files = project.files_with_suffix(".py")
    cache = project.cache("celery", [SCAN_VERSION, list(settings.task_decorators)])
    found = _collect(project, files, cache, settings.task_decorators)
    namer = ModuleNamer(settings.import_roots, (f.relative for f in project.files))
    key = index_key(
        [cache.key, settings.import_roots, settings.broker_url, sorted(namer.packages)],
        [(entry.path, entry.digest) for entry in found if entry.digest],
    )
    return IndexFacts(found, namer, key, cache.folder)


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
    scanned = _scan_misses(project, misses, decorators) if misses else []
    for (file, _text, digest), facts in zip(misses, scanned, strict=True):
        stored = StoredFacts.of_facts(facts)
        cache.put(file, digest, stored.cached)
        found[file.relative] = stored
    return [found[file.relative] for file in files if file.relative in found]


def _read(
    project: Project, file: SourceFile, cache: FileCache, decorators: tuple[str, ...]
) -> StoredFacts | tuple[SourceFile, str, str]:
    from crucible_checks.celery.facts import FileFacts
    from crucible_checks.celery.scan import may_matter

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
    from crucible_checks.celery.scan import scan_source
    from crucible_checks.python_source import read_python

    if not worth_parallel([text for _file, text, _digest in misses]):
        return [scan_source(read_python(project, m[0]), decorators) for m in misses]
    from crucible_checks.parallel import map_parallel

    items = [(file.relative, text, digest, decorators) for file, text, digest in misses]
    return map_parallel(_scan_item, items, min_items=1)


def worth_parallel(texts: list[str]) -> bool:
    """Return whether parsing ``texts`` in a process pool pays for the pool:
    for many files, or for a few large ones."""
    if len(texts) < 2:
        return False  # One file gains nothing from a pool.
    from crucible_checks.parallel import MIN_PARALLEL_ITEMS

    if len(texts) >= MIN_PARALLEL_ITEMS:
        return True
    return sum(map(len, texts)) >= PARALLEL_CHARACTERS


def _scan_item(item: tuple[str, str, str, tuple[str, ...]]) -> FileFacts:
    from crucible_checks.celery.scan import scan_source
    from crucible_checks.python_source import parse_text

    relative, text, digest, decorators = item
    file = SourceFile(relative, relative, 0, 0)
    return scan_source(parse_text(file, text, digest), decorators)
