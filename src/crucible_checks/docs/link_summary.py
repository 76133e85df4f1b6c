"""What the link checks need of the vault, kept between runs.

The link checks (dead wiki links, dead anchors, dead relative links, ambiguous
pages, orphan pages) read three things. They read every page's names and
anchors, the links that do not plainly reach a page (dead, ambiguous, outside
the root, or naming a fragment), and the pages each page links to. A run stores
these in a snapshot in the cache folder, with the size and modification time of
every file. The next run takes them from there when no file was added or
removed and every changed page still answers to the same names and anchors: it
reads and resolves the changed pages only, instead of loading every page's
record and resolving every link again. Any other change rebuilds the whole
vault.

In a summary taken from the snapshot, ``summary.vault`` resolves links and
holds every page, but only the changed pages keep their links; code that reads
the links of every page uses `crucible_checks.docs.vault.vault_of` instead.
"""

from __future__ import annotations

import dataclasses
import pickle
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from crucible_checks.atomic import write_atomic
from crucible_checks.cache import prepare_folder
from crucible_checks.docs.link_cache import LinkCache
from crucible_checks.docs.pages import RECORD_VERSION, read_records
from crucible_checks.docs.records import Link, PageRecord
from crucible_checks.docs.resolve import PAGE, Resolution
from crucible_checks.docs.settings import DocsSettings
from crucible_checks.docs.vault import Page, Vault, resolve_hook, vault_of
from crucible_checks.project import Project

SNAPSHOT_FILE = "docs-summary.pickle"
#: Raise when the snapshot's content changes, so old snapshots are ignored.
VERSION = 1
SHARED_KEY = "docs.link-summary"
#: With more changed pages than this, rebuilding the vault costs less.
MAX_CHANGED_PAGES = 200
#: A run writes the snapshot when more pages than this changed on disk since
#: it was written, even where what it stores of them is the same.
MAX_STALE_PAGES = 20

Notable = tuple[tuple[Link, Resolution], ...]
_new_tuple: Any = tuple.__new__
_T = TypeVar("_T")


@dataclass
class LinkSummary:
    """The notable links and the page targets of every page, as the module describes."""

    vault: Vault
    #: Per page, in text order: links that are not to a page or name a fragment.
    notable: dict[str, Notable]
    #: Per page: the pages its links reach, itself left out.
    targets: dict[str, tuple[str, ...]]
    #: Whether the snapshot must be written again.
    changed: bool = True

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
    path = folder / SNAPSHOT_FILE
    stored = _load(path, key)
    summary = None if stored is None else _update(project, settings, stored, folder)
    if stored is None or summary is None:
        summary = summarise(vault_of(project))
        stored = _Snapshot.of(summary)
    elif not summary.changed:
        return summary
    stored.files = {file.relative: (file.size, file.mtime_ns) for file in project.files}
    _save(path, key, stored)
    return summary


def summarise(vault: Vault, sources: Iterable[str] | None = None) -> LinkSummary:
    """Return the summary of a whole vault, or of the pages ``sources``."""
    notable: dict[str, Notable] = {}
    targets: dict[str, tuple[str, ...]] = {}
    for source in vault.pages if sources is None else sources:
        pairs = vault.outgoing(source)
        found = tuple(
            (link, resolution)
            for link, resolution in pairs
            if resolution.status != PAGE or link.fragment
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
    return LinkSummary(vault, notable, targets)


@dataclass
class _Snapshot:
    """The stored summary, decoded, with the plain form each part is stored in.

    A run that changed a few pages patches the plain form of those pages and
    writes the rest back as it was read.
    """

    files: dict[str, tuple[int, int]]
    pages: dict[str, Page]
    notable: dict[str, Notable]
    targets: dict[str, tuple[str, ...]]
    fingerprint: str
    plain_pages: dict[str, tuple[Any, ...]]
    plain_notable: dict[str, tuple[Any, ...]]

    @classmethod
    def of(cls, summary: LinkSummary) -> _Snapshot:
        pages = summary.vault.pages
        return cls(
            {},
            pages,
            summary.notable,
            summary.targets,
            summary.vault.link_cache.fingerprint,
            {relative: _plain_page(page) for relative, page in pages.items()},
            {source: _plain_pairs(pairs) for source, pairs in summary.notable.items()},
        )

    def refresh(self, source: str) -> None:
        """Store the plain form of a page whose record or links changed."""
        self.plain_pages[source] = _plain_page(self.pages[source])
        self.plain_notable.pop(source, None)
        if source in self.notable:
            self.plain_notable[source] = _plain_pairs(self.notable[source])


def _plain_page(page: Page) -> tuple[Any, ...]:
    light = page.record._replace(links=())
    return (page.path, page.docs_path, page.permalink, light.to_plain(), page.readable)


def _plain_pairs(pairs: Notable) -> tuple[Any, ...]:
    return tuple((tuple(link), tuple(resolution)) for link, resolution in pairs)


def _update(
    project: Project, settings: DocsSettings, stored: _Snapshot, folder: Path
) -> LinkSummary | None:
    """Return the summary from ``stored`` and the changed pages, or None when
    the change is one the snapshot cannot follow."""
    files = {file.relative: file for file in project.files}
    if files.keys() != stored.files.keys():
        return None
    changed = [
        file
        for relative, file in files.items()
        if relative in stored.pages
        and (file.size, file.mtime_ns) != stored.files[relative]
    ]
    if len(changed) > MAX_CHANGED_PAGES:
        return None
    records = read_records(project, settings, changed)
    pages = stored.pages
    before = {}
    for file in changed:
        old = pages[file.relative]
        record = records.get(file.relative)
        if record is None or not old.readable or _names(record) != _names(old.record):
            return None
        before[file.relative] = _stored_part(stored, file.relative)
        pages[file.relative] = old._replace(record=record)
    link_cache = LinkCache.load(folder, stored.fingerprint)
    vault = Vault(settings, pages, frozenset(files), link_cache=link_cache)
    summary = LinkSummary(vault, stored.notable, stored.targets, changed=False)
    for file in changed:
        _refresh(summary, file.relative)
        stored.refresh(file.relative)
        if _stored_part(stored, file.relative) != before[file.relative]:
            summary.changed = True
    # A page whose stored part is the same is read again by the next run,
    # through the file cache. Past a few such pages, storing them costs less.
    if len(changed) > MAX_STALE_PAGES:
        summary.changed = True
    return summary


def _stored_part(stored: _Snapshot, source: str) -> tuple[object, ...]:
    """Return what the snapshot stores of a page, apart from its stat."""
    return (
        stored.plain_pages[source],
        stored.plain_notable.get(source),
        stored.targets.get(source),
    )


def _names(record: PageRecord) -> tuple[object, ...]:
    """Return what other pages' links depend on: names, anchors and headings."""
    return (
        record.slug,
        record.aliases,
        record.anchors,
        record.block_ids,
        record.headings,
    )


def _refresh(summary: LinkSummary, source: str) -> None:
    page = summarise(summary.vault, [source])
    _replace_entry(summary.notable, page.notable, source)
    _replace_entry(summary.targets, page.targets, source)


def _replace_entry(table: dict[str, _T], fresh: dict[str, _T], key: str) -> None:
    table.pop(key, None)
    if key in fresh:
        table[key] = fresh[key]


def _key(settings: DocsSettings) -> tuple[object, ...]:
    from crucible_checks import __version__

    return (VERSION, RECORD_VERSION, __version__, dataclasses.astuple(settings))


def _load(path: Path, key: tuple[object, ...]) -> _Snapshot | None:
    try:
        stored = pickle.loads(path.read_bytes())
        if stored[0] != key:
            return None
        return _from_plain(stored[1:])
    except (OSError, pickle.UnpicklingError, EOFError, ValueError, TypeError):
        return None
    except (AttributeError, ImportError, IndexError, KeyError):
        return None  # Written by another version of the tool.


def _save(path: Path, key: tuple[object, ...], stored: _Snapshot) -> None:
    plain = (
        key,
        stored.files,
        stored.plain_pages,
        stored.plain_notable,
        stored.targets,
        stored.fingerprint,
    )
    data = pickle.dumps(plain, protocol=pickle.HIGHEST_PROTOCOL)
    try:
        prepare_folder(path.parent)
        # A lost snapshot is rebuilt by the next run, so it needs no fsync.
        write_atomic(path, data, durable=False)
    except OSError:
        return  # A read-only checkout still runs, only without the snapshot.


def _from_plain(plain: tuple[Any, ...]) -> _Snapshot:
    files, plain_pages, plain_notable, targets, fingerprint = plain
    return _Snapshot(
        files,
        {
            relative: _new_tuple(
                Page, (*page[:3], PageRecord.from_plain(page[3]), page[4])
            )
            for relative, page in plain_pages.items()
        },
        {
            source: tuple(
                (_new_tuple(Link, link), _new_tuple(Resolution, resolution))
                for link, resolution in pairs
            )
            for source, pairs in plain_notable.items()
        },
        targets,
        fingerprint,
        plain_pages,
        plain_notable,
    )
