"""Facts read from each page's text besides its record, cached per file.

``docs stats``, ``docs backlinks`` and the checks DOC101 and DOC102 need more
of a page than its record. Each kind of fact (`FactKind`) is scanned from the
page's text alone, so it is cached per file, and `facts_of` returns it for
every readable page. A file whose size and modification time, else whose
content hash, match the cache entry is not read again, so only new and changed
pages are scanned. The kinds are in `crucible_checks.docs.prose_facts` (words
and prose runs) and `crucible_checks.docs.section_facts` (backlinks sections
and quoted link lines), kept apart so a command scans only what it reads.

The cache stores each page's facts as one plain tuple of strings, numbers and
plain tuples, because unpickling that is several times faster than unpickling
named tuples or dataclasses. `tuple.__new__` then turns it into the kind's
named tuple without a Python-level call.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from crucible_checks.cache import content_hash
from crucible_checks.docs.link_graph import LinkGraph
from crucible_checks.docs.settings import DocsSettings
from crucible_checks.files import SourceFile
from crucible_checks.parallel import (
    MIN_PARALLEL_ITEMS,
    die_with_parent,
    map_parallel,
    worker_count,
)
from crucible_checks.project import Project

if TYPE_CHECKING:
    from concurrent.futures import Executor

F = TypeVar("F", bound=tuple[Any, ...])
#: The plain tuple a page's facts are stored as.
Plain = tuple[Any, ...]
#: Scans one page's text, with the alias order of the docs settings.
Scan = Callable[[str, bool], Plain]

_new_tuple: Any = tuple.__new__


@dataclass(frozen=True)
class FactKind(Generic[F]):
    """One kind of per-page facts: its cache and how a page is scanned.

    ``scan_here`` returns None for a page that ``scan`` must read, the slower
    scan worth sending to a worker process. Both must be module-level
    functions, so worker processes can run them. Raise ``version`` when the
    facts or the scans change, so old cache entries are dropped.
    """

    name: str
    version: int
    facts: type[F]
    scan: Scan
    scan_here: Callable[[str, bool], Plain | None]
    uses_alias_order: bool = False

    def cache_key(self, settings: DocsSettings) -> list[object]:
        alias_first = settings.alias_first if self.uses_alias_order else None
        return [self.version, alias_first]


def facts_of(
    project: Project,
    graph: LinkGraph,
    kind: FactKind[F],
    scan: FactsScan | None = None,
    paths: Collection[str] | None = None,
) -> dict[str, F]:
    """Return the facts of every readable page, or of the pages ``paths``,
    built once per run.

    ``scan``, from `start_scan`, contains the cached facts it looked up and
    the pages scanned in the background. A kind must be read for the same
    pages in every call of a run.
    """
    key = f"docs.facts.{kind.name}"
    chosen = None if paths is None else frozenset(paths)
    return project.shared(key, lambda: _read_all(project, graph, kind, scan, chosen))


def _read_all(
    project: Project,
    graph: LinkGraph,
    kind: FactKind[F],
    scan: FactsScan | None,
    paths: frozenset[str] | None,
) -> dict[str, F]:
    """Read each page's facts from the cache or ``scan``, else scan the page.

    A page ``kind.scan_here`` reads is scanned in this process, where it costs
    less than sending the page to a worker process. The others are read by
    ``kind.scan``, in worker processes when there are many.
    """
    alias_first = graph.settings.alias_first
    cache = project.cache(kind.name, kind.cache_key(graph.settings))
    scanned = {} if scan is None else scan.results()
    found: dict[str, Plain] = {}
    pending: list[tuple[SourceFile, str, str]] = []
    for file in project.files:
        page = graph.pages.get(file.relative)
        if page is None or (paths is not None and file.relative not in paths):
            continue
        # The scan looked every page up in the cache already.
        plain = cache.get(file) if scan is None else scan.cached.get(file.relative)
        ready = scanned.get(file.relative) if page.readable else None
        if plain is None and ready is not None:
            digest, plain = ready
            cache.put(file, digest, plain)
        if plain is None:
            data = project.read_bytes(file)
            text = None if data is None else project.decode(file, data)
            if data is None or text is None:
                continue
            digest = content_hash(data)
            plain = cache.get_by_hash(file, digest)
            if plain is None:
                plain = kind.scan_here(text, alias_first)
                if plain is None:
                    pending.append((file, digest, text))
                    continue
                cache.put(file, digest, plain)
        found[file.relative] = plain
    if pending:
        items = [(text, alias_first) for _file, _digest, text in pending]
        for (file, digest, _text), plain in zip(
            pending, map_parallel(partial(_scan_item, kind.scan), items), strict=True
        ):
            cache.put(file, digest, plain)
            found[file.relative] = plain
    # In the order of the project's files, as a warm run reads them.
    return {
        file.relative: _new_tuple(kind.facts, found[file.relative])
        for file in project.files
        if file.relative in found
    }


def _scan_item(scan: Scan, item: tuple[str, bool]) -> Plain:
    text, alias_first = item
    return scan(text, alias_first)


class FactsScan:
    """The cached facts of every page, and the pages without them that
    worker processes are scanning; see `start_scan`."""

    def __init__(
        self,
        cached: dict[str, Plain],
        pool: Executor | None = None,
        paths: Sequence[str] = (),
        results: Iterable[Any] = (),
    ) -> None:
        #: The plain facts found in the cache, by path.
        self.cached = cached
        self._pool = pool
        self._paths = paths
        self._results = results

    def results(self) -> dict[str, tuple[str, Plain]]:
        """Wait for the scan; return the content hash and plain facts by path.

        Pages the workers could not read or decode are left out.
        """
        try:
            return {
                path: result
                for path, result in zip(self._paths, self._results, strict=True)
                if result is not None
            }
        finally:
            self.close()

    def close(self) -> None:
        """End the workers, dropping the pages they have not started on."""
        if self._pool is not None:
            self._pool.shutdown(wait=False, cancel_futures=True)


def start_scan(project: Project, kind: FactKind[Any]) -> FactsScan:
    """Look every page up in the cache, and start scanning the pages without
    cached facts in worker processes.

    Call it before the link graph is built: on a cold run the workers scan
    while this process parses the page records. No worker starts when there
    are too few such pages, or cores, for a process pool to pay off, and
    `facts_of` then scans them itself. The caller must close the scan.
    """
    settings = DocsSettings.of(project)
    cache = project.cache(kind.name, kind.cache_key(settings))
    cached: dict[str, Plain] = {}
    files = []
    for file in project.files_with_suffix(".md"):
        if settings.docs_path(file.relative) is None:
            continue
        plain = cache.get(file)
        if plain is None:
            files.append(file)
        else:
            cached[file.relative] = plain
    # This process keeps one core busy building the vault meanwhile.
    workers = worker_count() - 1
    if len(files) < MIN_PARALLEL_ITEMS or workers < 1:
        return FactsScan(cached)
    # Imported here: warm runs start no process pool.
    from concurrent.futures import ProcessPoolExecutor

    pool = ProcessPoolExecutor(max_workers=workers, initializer=die_with_parent)
    items = [(str(file.path), settings.alias_first) for file in files]
    chunk = max(1, len(items) // (workers * 4))
    results = pool.map(partial(_scan_file, kind.scan), items, chunksize=chunk)
    return FactsScan(cached, pool, [file.relative for file in files], results)


def _scan_file(scan: Scan, item: tuple[str, bool]) -> tuple[str, Plain] | None:
    """Return the content hash and plain facts of a page file, or None when
    it cannot be read or decoded (`Project.read_bytes` reports why)."""
    location, alias_first = item
    try:
        data = Path(location).read_bytes()
        text = data.decode("utf-8")
    except (OSError, UnicodeDecodeError):
        return None
    return content_hash(data), scan(text, alias_first)
