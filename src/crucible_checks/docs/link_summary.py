"""What the link checks need of the vault, kept between runs.

The link checks (dead wiki links, dead anchors, dead relative links, ambiguous
pages, orphan pages) report on a few facts. The first is the links that do not
plainly reach a page: dead, ambiguous or outside the root, or naming a fragment
that the page lacks. The others are the pages each page links to, and three
sets of pages: those exempt from the orphan check, those with generated
sections, and those sharing a permalink. A run stores them in a snapshot in the
cache folder, with the size and modification time of every file and a digest of
each page's names and anchors.

The next run takes them from there when no file was added or removed and every
changed page still has the same names and anchors. It reads and resolves the
changed pages only, instead of loading every page's record and resolving every
link again. Any other change rebuilds the whole vault.

The names and anchors of every page sit in a second file, read only when a run
needs them: to resolve a name it has not seen before, to check a fragment of a
changed page, or to suggest names for a new dead link. In a summary taken from
the snapshot, ``summary.vault`` holds every page, but only the changed pages
keep their links. Code that reads the links of every page uses
`crucible_checks.docs.vault.vault_of` instead.
"""

from __future__ import annotations

import dataclasses
import hashlib
import io
import os
import pickle
from array import array
from collections.abc import Callable, Container, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

from crucible_checks.cache import (
    DAMAGED_CACHE_ERRORS,
    prepare_folder,
    read_cache_file,
    write_cache_file,
)
from crucible_checks.docs.anchors import markdown_fragment_exists, wiki_fragment_exists
from crucible_checks.docs.link_cache import LinkCache
from crucible_checks.docs.pages import RECORD_VERSION, read_records
from crucible_checks.docs.records import Link, PageRecord
from crucible_checks.docs.resolve import PAGE, Resolution
from crucible_checks.docs.settings import DocsSettings
from crucible_checks.docs.vault import (
    Page,
    Vault,
    make_page,
    orphan_exempt,
    resolve_hook,
    vault_files,
    vault_of,
)
from crucible_checks.files import SourceFile
from crucible_checks.project import Project

SNAPSHOT_FILE = "docs-summary.pickle"
PAGES_FILE = "docs-summary-pages.pickle"
#: Raise when the snapshot's content changes, so old snapshots are ignored.
VERSION = 4
SHARED_KEY = "docs.link-summary"
#: With more changed pages than this, rebuilding the vault costs less.
MAX_CHANGED_PAGES = 200
#: A run writes the snapshot when more pages than this changed on disk since
#: it was written, even where what it stores of them is the same.
MAX_STALE_PAGES = 20
#: The names digest of a page that could not be read or decoded.
UNREADABLE = "unreadable"

Notable = tuple[tuple[Link, Resolution], ...]
#: A page's invalid front matter: 1-based line and column, and the problem.
FrontMatterError = tuple[int, int, str]
_new_tuple: Any = tuple.__new__
_PAGES_PER_CHUNK = 1000


@dataclass
class LinkSummary:
    """The facts the link checks report on, as the module describes."""

    vault: Vault
    #: Per page, in text order: links that do not reach a page, and links to
    #: a page whose fragment names no heading, anchor or block there.
    notable: dict[str, Notable]
    #: Per page: the pages its links reach, itself left out.
    targets: dict[str, tuple[str, ...]]
    #: Pages the orphan check leaves alone: entry pages, pages marked
    #: ``orphan: true`` and unreadable pages.
    exempt: frozenset[str]
    #: Pages with a generated section marker.
    marked: frozenset[str]
    #: ``(path, permalink, first path)`` for each page whose permalink an
    #: earlier page (in path order) has.
    shared_permalinks: tuple[tuple[str, str, str], ...]
    #: Per page: a digest of its names and anchors.
    names: dict[str, str] = field(repr=False)
    #: Whether the snapshot must be written again.
    changed: bool = True
    #: Per page whose front matter is invalid: where, and the problem.
    front_matter: dict[str, FrontMatterError] = field(default_factory=dict)

    def linked_pages(self) -> set[str]:
        """Return the pages that a link from another page reaches."""
        return {target for targets in self.targets.values() for target in targets}

    def notable_links(self) -> Iterator[tuple[str, Link, Resolution]]:
        for source, pairs in self.notable.items():
            for link, resolution in pairs:
                yield source, link, resolution


def link_summary_of(project: Project) -> LinkSummary:
    """Return the run's summary, from the snapshot where it is still valid."""
    return project.shared(SHARED_KEY, lambda: _build(project))


def _build(project: Project) -> LinkSummary:
    folder = project.root / project.config.cache_dir if project.use_cache else None
    if folder is None or resolve_hook(project) is not None:
        # A project's own resolver may depend on anything, so nothing is stored.
        return summarise(vault_of(project))
    settings = DocsSettings.of(project)
    key = _key(settings)
    stored = _load(folder / SNAPSHOT_FILE, key)
    summary = None
    if stored is not None:
        summary = _update(project, settings, stored, folder)
    if stored is None or summary is None:
        summary = summarise(vault_of(project))
        generation = os.urandom(8).hex()
        _save_pages(folder / PAGES_FILE, key, generation, summary.vault.pages)
        stored = _Snapshot.of(summary, generation)
    elif not summary.changed:
        return summary
    stored.files = FileStats.of(vault_files(project, settings))
    _write(folder / SNAPSHOT_FILE, (key, *stored.plain()))
    return summary


def summarise(vault: Vault, sources: Iterable[str] | None = None) -> LinkSummary:
    """Return the summary of a whole vault, or of the pages ``sources``."""
    pages = vault.pages
    chosen = list(pages if sources is None else sources)
    notable: dict[str, Notable] = {}
    targets: dict[str, tuple[str, ...]] = {}
    for source in chosen:
        pairs = vault.outgoing(source)
        found = tuple(
            (link, resolution)
            for link, resolution in pairs
            if resolution.status != PAGE or _dead_fragment(vault, link, resolution)
        )
        if found:
            notable[source] = found
        reached = tuple(
            dict.fromkeys(
                resolution.paths[0]
                for _link, resolution in pairs
                if resolution.status == PAGE and resolution.paths[0] != source
            )
        )
        if reached:
            targets[source] = reached
    pages_chosen = [pages[path] for path in chosen]
    return LinkSummary(
        vault,
        notable,
        targets,
        exempt=frozenset(
            page.path for page in pages_chosen if orphan_exempt(vault.settings, page)
        ),
        marked=frozenset(page.path for page in pages_chosen if page.record.has_markers),
        shared_permalinks=_shared_permalinks(pages_chosen),
        names={
            page.path: names_digest(page.record) if page.readable else UNREADABLE
            for page in pages_chosen
        },
        front_matter={
            page.path: _front_matter_error(page.record)
            for page in pages_chosen
            if page.record.front_matter_error is not None
        },
    )


def _front_matter_error(record: PageRecord) -> FrontMatterError:
    return (
        record.front_matter_error_line,
        record.front_matter_error_column,
        record.front_matter_error or "",
    )


def _dead_fragment(vault: Vault, link: Link, resolution: Resolution) -> bool:
    if not link.fragment:
        return False
    record = vault.pages[resolution.paths[0]].record
    if link.is_wiki:
        return not wiki_fragment_exists(record, link.fragment, vault.settings)
    return not markdown_fragment_exists(record, link.fragment, vault.settings)


def _shared_permalinks(pages: Iterable[Page]) -> tuple[tuple[str, str, str], ...]:
    first_of: dict[str, str] = {}
    shared = []
    for page in sorted(pages):
        first = first_of.setdefault(page.permalink, page.path)
        if first != page.path:
            shared.append((page.path, page.permalink, first))
    return tuple(shared)


def names_digest(record: PageRecord) -> str:
    """Return a digest of what other pages' links depend on: the page's names,
    anchors and headings."""
    names = (
        record.slug,
        record.aliases,
        sorted(record.anchors),
        sorted(record.block_ids),
        [tuple(heading[:3]) for heading in record.headings],
    )
    encoded = repr(names).encode("utf-8", "surrogateescape")
    return hashlib.blake2b(encoded, digest_size=16).hexdigest()


class LazyPages(Mapping[str, Page]):
    """Pages by path, whose records load on first use, changed pages aside."""

    def __init__(self, paths: Iterable[str], load: Callable[[], dict[str, Page]]):
        self._paths = dict.fromkeys(paths)
        self._load = load
        self._loaded: dict[str, Page] | None = None
        self.changed: dict[str, Page] = {}

    def __getitem__(self, path: str) -> Page:
        page = self.changed.get(path)
        if page is not None:
            return page
        if path not in self._paths:
            raise KeyError(path)
        if self._loaded is None:
            self._loaded = self._load()
        return self._loaded[path]

    @property
    def loaded(self) -> bool:
        """Return whether the records of the unchanged pages were loaded."""
        return self._loaded is not None

    def __contains__(self, path: object) -> bool:
        return path in self._paths

    def __iter__(self) -> Iterator[str]:
        return iter(self._paths)

    def __len__(self) -> int:
        return len(self._paths)


@dataclass
class FileStats:
    """The path, size and modification time of every file of a run, as
    arrays: 50k pairs of int objects cost several megabytes."""

    paths: tuple[str, ...]
    sizes: array[int]
    times: array[int]

    @classmethod
    def of(cls, files: Sequence[SourceFile]) -> FileStats:
        return cls(
            tuple(file.relative for file in files),
            array("q", [file.size for file in files]),
            array("q", [file.mtime_ns for file in files]),
        )

    def changed(
        self, files: Sequence[SourceFile], pages: Container[str]
    ) -> list[SourceFile] | None:
        """Return the pages among ``files`` whose stat changed, or None when
        a file was added or removed."""
        if tuple(file.relative for file in files) != self.paths:
            return None
        return [
            file
            for file, size, time in zip(files, self.sizes, self.times, strict=True)
            if (file.size != size or file.mtime_ns != time) and file.relative in pages
        ]


@dataclass
class _Snapshot:
    """The stored summary, decoded."""

    files: FileStats
    notable: dict[str, Notable]
    plain_notable: dict[str, tuple[Any, ...]]
    targets: dict[str, tuple[str, ...]]
    exempt: frozenset[str]
    marked: frozenset[str]
    shared_permalinks: tuple[tuple[str, str, str], ...]
    names: dict[str, str]
    front_matter: dict[str, FrontMatterError]
    fingerprint: str
    generation: str

    @classmethod
    def of(cls, summary: LinkSummary, generation: str) -> _Snapshot:
        return cls(
            FileStats((), array("q"), array("q")),
            summary.notable,
            {source: _plain_pairs(pairs) for source, pairs in summary.notable.items()},
            summary.targets,
            summary.exempt,
            summary.marked,
            summary.shared_permalinks,
            summary.names,
            summary.front_matter,
            summary.vault.link_cache.fingerprint,
            generation,
        )

    def plain(self) -> tuple[Any, ...]:
        return (
            self.files,
            self.plain_notable,
            self.targets,
            self.exempt,
            self.marked,
            self.shared_permalinks,
            self.names,
            self.front_matter,
            self.fingerprint,
            self.generation,
        )


def _plain_pairs(pairs: Notable) -> tuple[Any, ...]:
    return tuple((tuple(link), tuple(resolution)) for link, resolution in pairs)


def _update(
    project: Project, settings: DocsSettings, stored: _Snapshot, folder: Path
) -> LinkSummary | None:
    """Return the summary from ``stored`` and the changed pages, or None when
    the change is one the snapshot cannot follow."""
    in_root = vault_files(project, settings)
    changed = stored.files.changed(in_root, stored.names)
    if changed is None:
        return None
    if len(changed) > MAX_CHANGED_PAGES:
        return None
    # An unreadable page is read on every run, as without the snapshot, so
    # each run reports it. Still unreadable, it changes nothing here.
    unreadable = {path for path, digest in stored.names.items() if digest == UNREADABLE}
    reread = [
        file for file in in_root if file.relative in unreadable and file not in changed
    ]
    records = read_records(project, settings, [*changed, *reread])
    if any(file.relative in records for file in reread):
        return None
    changed = [
        file
        for file in changed
        if file.relative in records or file.relative not in unreadable
    ]
    if any(
        file.relative not in records
        or names_digest(records[file.relative]) != stored.names[file.relative]
        for file in changed
    ):
        return None

    key = _key(settings)
    pages = LazyPages(
        stored.names,
        lambda: _load_pages(folder / PAGES_FILE, key, stored.generation, project),
    )
    for file in changed:
        relative = file.relative
        docs_path = settings.docs_path(relative) or relative
        pages.changed[relative] = make_page(relative, docs_path, records[relative])

    link_cache = LinkCache.load(folder, stored.fingerprint)
    files = frozenset(file.relative for file in in_root)
    vault = Vault(settings, pages, files, link_cache=link_cache)
    summary = LinkSummary(
        vault,
        stored.notable,
        stored.targets,
        stored.exempt,
        stored.marked,
        stored.shared_permalinks,
        stored.names,
        changed=len(changed) > MAX_STALE_PAGES,
        front_matter=stored.front_matter,
    )
    for file in changed:
        if _refresh(summary, stored, file.relative):
            summary.changed = True
    return summary


def _refresh(summary: LinkSummary, stored: _Snapshot, source: str) -> bool:
    """Summarise one changed page into ``summary`` and ``stored``; return
    whether what the snapshot stores of it changed."""
    page = summarise(summary.vault, [source])
    before = (
        summary.notable.get(source),
        summary.targets.get(source),
        source in summary.exempt,
        source in summary.marked,
        summary.front_matter.get(source),
    )
    after = (
        page.notable.get(source),
        page.targets.get(source),
        source in page.exempt,
        source in page.marked,
        page.front_matter.get(source),
    )
    if before == after:
        return False
    _replace_entry(summary.notable, page.notable, source)
    _replace_entry(summary.targets, page.targets, source)
    # The same dictionary as the snapshot's, so this updates both.
    _replace_entry(summary.front_matter, page.front_matter, source)
    stored.plain_notable.pop(source, None)
    if source in page.notable:
        stored.plain_notable[source] = _plain_pairs(page.notable[source])
    summary.exempt = stored.exempt = _with(summary.exempt, source, page.exempt)
    summary.marked = stored.marked = _with(summary.marked, source, page.marked)
    return True


def _with(pages: frozenset[str], page: str, fresh: frozenset[str]) -> frozenset[str]:
    return pages | {page} if page in fresh else pages - {page}


def _replace_entry(table: dict[str, Any], fresh: dict[str, Any], key: str) -> None:
    table.pop(key, None)
    if key in fresh:
        table[key] = fresh[key]


def _key(settings: DocsSettings) -> tuple[object, ...]:
    from crucible_checks import __version__

    return (VERSION, RECORD_VERSION, __version__, dataclasses.astuple(settings))


def _load(path: Path, key: tuple[object, ...]) -> _Snapshot | None:
    try:
        stored = pickle.loads(read_cache_file(path))
        if stored[0] != key:
            return None
        return _from_plain(stored[1:])
    except DAMAGED_CACHE_ERRORS:
        return None
    except (AttributeError, ImportError, IndexError, KeyError):
        return None  # Written by another version of the tool.


def _from_plain(plain: tuple[Any, ...]) -> _Snapshot:
    (
        files,
        plain_notable,
        targets,
        exempt,
        marked,
        shared_permalinks,
        names,
        front_matter,
        fingerprint,
        generation,
    ) = plain
    notable = {
        source: tuple(
            (_new_tuple(Link, link), _new_tuple(Resolution, resolution))
            for link, resolution in pairs
        )
        for source, pairs in plain_notable.items()
    }
    return _Snapshot(
        files,
        notable,
        plain_notable,
        targets,
        exempt,
        marked,
        shared_permalinks,
        names,
        front_matter,
        fingerprint,
        generation,
    )


def _save_pages(
    path: Path, key: tuple[object, ...], generation: str, pages: Mapping[str, Page]
) -> None:
    """Write the pages' names and anchors in chunks, each pickled on its own,
    so the plain form of 50k pages is never held in memory at once."""

    def write(file: BinaryIO) -> None:
        pickler = pickle.Pickler(file, protocol=pickle.HIGHEST_PROTOCOL)
        pickler.dump((key, generation))
        chunk: dict[str, tuple[Any, ...]] = {}
        for relative, page in pages.items():
            chunk[relative] = _plain_page(page)
            if len(chunk) == _PAGES_PER_CHUNK:
                pickler.dump(chunk)
                pickler.clear_memo()
                chunk = {}
        pickler.dump(chunk)
        pickler.dump(None)

    try:
        prepare_folder(path.parent)
        write_cache_file(path, write)
    except OSError:
        return  # A read-only checkout still runs, only without the file.


def _plain_page(page: Page) -> tuple[Any, ...]:
    light = page.record._replace(links=())
    return (page.path, page.docs_path, page.permalink, light.to_plain(), page.readable)


def _load_pages(
    path: Path, key: tuple[object, ...], generation: str, project: Project
) -> dict[str, Page]:
    """Return the pages stored with the snapshot, or every page read again
    if another run replaced the file since."""
    try:
        unpickler = pickle.Unpickler(io.BytesIO(read_cache_file(path)))
        if unpickler.load() == (key, generation):
            return _read_chunks(unpickler)
    except DAMAGED_CACHE_ERRORS:
        pass
    except (AttributeError, ImportError, IndexError, KeyError):
        pass  # Written by another version of the tool.
    return dict(vault_of(project).pages)


def _read_chunks(unpickler: pickle.Unpickler) -> dict[str, Page]:
    pages: dict[str, Page] = {}
    chunk = unpickler.load()
    while chunk is not None:
        for relative, page in chunk.items():
            record = PageRecord.from_plain(page[3])
            pages[relative] = _new_tuple(Page, (*page[:3], record, page[4]))
        chunk = unpickler.load()
    return pages


def _write(path: Path, plain: tuple[Any, ...]) -> None:
    def write(file: BinaryIO) -> None:
        pickle.dump(plain, file, protocol=pickle.HIGHEST_PROTOCOL)

    try:
        prepare_folder(path.parent)
        write_cache_file(path, write)
    except OSError:
        return  # A read-only checkout still runs, only without the snapshot.
