"""Every page's links and where they lead, kept between runs for the graph tools.

``docs stats``, ``docs backlinks``, ``docs graph`` and the checks DOC101 and
DOC102 read every link of every page with its resolution, and a few facts of
each page. Building them from the vault means loading every page record and
resolving every link. `link_graph_of` builds them from the vault once and
stores them in a snapshot in the cache folder, with the size and modification
time of every file. The next run in which no file was added, removed or
changed reads the snapshot instead; any other run rebuilds it from the vault.
So does a project with its own resolver hook, whose resolutions may depend on
anything, and nothing is stored for it.

Writing a wiki link to a page needs the vault's name resolution, which the
snapshot does not keep: `LinkGraph.vault` builds the vault on first use.
"""

from __future__ import annotations

import dataclasses
import pickle
from collections.abc import Callable
from itertools import compress
from pathlib import Path
from typing import Any, NamedTuple

from crucible_checks.cache import (
    DAMAGED_CACHE_ERRORS,
    prepare_folder,
    read_cache_file,
    write_cache_bytes,
)
from crucible_checks.docs import link_cache
from crucible_checks.docs.pages import RECORD_VERSION
from crucible_checks.docs.records import Link
from crucible_checks.docs.resolve import PAGE, Resolution
from crucible_checks.docs.settings import DocsSettings
from crucible_checks.docs.vault import (
    Page,
    Vault,
    orphan_exempt,
    resolve_hook,
    vault_files,
    vault_of,
)
from crucible_checks.project import Project

SHARED_KEY = "docs.link-graph"
SNAPSHOT_FILE = "docs-graph.pickle"
#: Raise when the snapshot's content changes, so old snapshots are ignored.
VERSION = 3

_new_tuple: Any = tuple.__new__


class GraphPage(NamedTuple):
    """A page as the graph tools read it.

    ``exempt`` is whether the orphan check leaves the page alone (an entry
    page, ``orphan: true`` or unreadable), and ``readable`` whether its text
    could be read and decoded. ``marked`` is whether it contains a generated
    section marker, without which it has no backlinks section.
    """

    permalink: str
    title: str
    aliases: tuple[str, ...]
    exempt: bool
    readable: bool
    marked: bool


class PageLinks(NamedTuple):
    """The links of one page in text order, a tuple per field.

    ``kinds``, ``lines`` and ``targets`` are those of the written links
    (`crucible_checks.docs.records.Link`). ``statuses`` and ``names`` are
    those of their resolutions (`crucible_checks.docs.resolve.Resolution`),
    and ``paths`` the first path each resolved to, empty when there is none.
    Fields are stored apart because a 10k-page vault has 60k links, and a
    tuple per link would take longer to load than the rest of the graph.
    """

    kinds: tuple[str, ...]
    lines: tuple[int, ...]
    targets: tuple[str, ...]
    statuses: tuple[str, ...]
    paths: tuple[str, ...]
    names: tuple[str, ...]


#: A link from another page: its source page, kind and line.
IncomingLink = tuple[str, str, int]


class LinkGraph:
    """The pages of a run and the links of each, as the module describes."""

    def __init__(
        self,
        settings: DocsSettings,
        pages: dict[str, GraphPage],
        links: dict[str, PageLinks],
        vault: Callable[[], Vault],
    ) -> None:
        self.settings = settings
        self.pages = pages
        #: Per page, every link outside generated sections.
        self.links = links
        self._vault = vault
        self._backlinks: dict[str, list[IncomingLink]] | None = None
        self._reached: dict[str, set[str]] | None = None

    def vault(self) -> Vault:
        """Return the run's vault, building it on first use."""
        return self._vault()

    def marked_pages(self) -> list[str]:
        """Return the pages with a generated section marker, in page order."""
        return [path for path, page in self.pages.items() if page.marked]

    def linked(self, source: str) -> set[str]:
        """Return the pages a page's links reach, itself included if it links
        to itself."""
        links = self.links[source]
        if links.statuses.count(PAGE) == len(links.statuses):
            return set(links.paths)  # Most pages link to pages only.
        return set(compress(links.paths, map(PAGE.__eq__, links.statuses)))

    def reached(self) -> dict[str, set[str]]:
        """Return, for every page, the other pages its links reach."""
        if self._reached is None:
            self._reached = {}
            for source in self.links:
                pages = self.linked(source)
                pages.discard(source)
                self._reached[source] = pages
        return self._reached

    def backlinks(self) -> dict[str, list[IncomingLink]]:
        """Return, per linked page, ``(source, kind, line)`` for each link from
        another page, sources in page order and links in text order."""
        if self._backlinks is None:
            backlinks: dict[str, list[IncomingLink]] = {}
            for source, links in self.links.items():
                for kind, line, status, path in zip(
                    links.kinds, links.lines, links.statuses, links.paths, strict=True
                ):
                    if status == PAGE and path != source:
                        backlinks.setdefault(path, []).append((source, kind, line))
            self._backlinks = backlinks
        return self._backlinks


def link_graph_of(project: Project) -> LinkGraph:
    """Return the run's link graph, from the snapshot where it is still valid."""
    return project.shared(SHARED_KEY, lambda: _build(project))


def _build(project: Project) -> LinkGraph:
    settings = DocsSettings.of(project)

    def vault() -> Vault:
        return vault_of(project)

    folder = project.root / project.config.cache_dir if project.use_cache else None
    if folder is None or resolve_hook(project) is not None:
        return _of_vault(vault(), vault)
    key = _key(settings)
    files = {
        file.relative: (file.size, file.mtime_ns)
        for file in vault_files(project, settings)
    }
    path = folder / SNAPSHOT_FILE
    stored = _load(path, key, files)
    if stored is not None:
        pages, links = stored
        return LinkGraph(settings, pages, links, vault)
    graph = _of_vault(vault(), vault)
    _save(path, (key, files, graph.pages, graph.links))
    return graph


def _of_vault(built: Vault, vault: Callable[[], Vault]) -> LinkGraph:
    pages = {path: _page(built, page) for path, page in built.pages.items()}
    links = {source: _links(built.outgoing(source)) for source in built.pages}
    return LinkGraph(built.settings, pages, links, vault)


def _links(pairs: list[tuple[Link, Resolution]]) -> PageLinks:
    return PageLinks(
        tuple(link.kind for link, _resolution in pairs),
        tuple(link.line for link, _resolution in pairs),
        tuple(link.target for link, _resolution in pairs),
        tuple(resolution.status for _link, resolution in pairs),
        tuple(
            resolution.paths[0] if resolution.paths else "" for _, resolution in pairs
        ),
        tuple(resolution.name for _link, resolution in pairs),
    )


def _page(vault: Vault, page: Page) -> GraphPage:
    return GraphPage(
        page.permalink,
        page.title,
        page.record.aliases,
        orphan_exempt(vault.settings, page),
        page.readable,
        page.record.has_markers,
    )


def _key(settings: DocsSettings) -> tuple[object, ...]:
    from crucible_checks import __version__

    versions = (VERSION, RECORD_VERSION, link_cache.VERSION, __version__)
    return (*versions, dataclasses.astuple(settings))


def _load(
    path: Path, key: tuple[object, ...], files: dict[str, tuple[int, int]]
) -> tuple[dict[str, GraphPage], dict[str, PageLinks]] | None:
    """Return the stored pages and links, or None when the snapshot is
    missing, unreadable, or was written for other settings or files."""
    try:
        stored_key, stored_files, plain_pages, plain_links = pickle.loads(
            read_cache_file(path)
        )
    except DAMAGED_CACHE_ERRORS:
        return None
    except (AttributeError, ImportError, IndexError):
        return None  # Written by another version of the tool.
    if stored_key != key or stored_files != files:
        return None
    pages = {
        relative: _new_tuple(GraphPage, page) for relative, page in plain_pages.items()
    }
    links = {
        source: _new_tuple(PageLinks, source_links)
        for source, source_links in plain_links.items()
    }
    return pages, links


def _save(path: Path, stored: tuple[Any, ...]) -> None:
    key, files, pages, links = stored
    plain = (
        key,
        files,
        {relative: tuple(page) for relative, page in pages.items()},
        {source: tuple(source_links) for source, source_links in links.items()},
    )
    data = pickle.dumps(plain, protocol=pickle.HIGHEST_PROTOCOL)
    try:
        prepare_folder(path.parent)
        write_cache_bytes(path, data)
    except OSError:
        return  # A read-only checkout still runs, only without the snapshot.
