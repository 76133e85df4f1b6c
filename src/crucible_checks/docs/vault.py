"""The vault index: every page of a run, and where each link leads.

Build it with `vault_of(project)`; it is built once per run and shared by every
docs check (``project.shared``). Page records come from the per-file cache and
only new or changed pages are parsed, in worker processes on a cold run.

Public API, for checks and the graph commands:

- ``vault.pages``: `Page` by project-relative path, with its ``record``
  (`crucible_checks.docs.records.PageRecord`), ``permalink`` and ``title``.
- ``vault.resolve(link, source)``: a `Resolution` for one link of the page
  ``source``; ``vault.outgoing(source)`` lists ``(link, resolution)`` pairs of a
  page in text order, resolved once per run.
- ``vault.edges()``: ``(source, target, link)`` for every link that reaches a
  page, self-links included; ambiguous and dead links make no edge.
- ``vault.backlinks()``: target path -> ``[(source, link), ...]`` from other
  pages only (self-links left out), the relation orphan pages are judged by.

The link checks read `crucible_checks.docs.link_summary` instead, which a
warm run takes from the cache without building the vault.
"""

from __future__ import annotations

import posixpath
from collections import defaultdict
from collections.abc import Callable, Iterator, Mapping
from functools import cached_property
from typing import Any, NamedTuple
from urllib.parse import unquote

from crucible_checks.docs.link_cache import LinkCache, fingerprint
from crucible_checks.docs.pages import read_records
from crucible_checks.docs.records import WIKI, Link, PageRecord
from crucible_checks.docs.resolve import (
    AMBIGUOUS,
    ATTACHMENT,
    ATTACHMENT_EXTENSIONS,
    EXTERNAL,
    MISSING,
    MISSING_ATTACHMENT,
    OUTSIDE,
    PAGE,
    NameTable,
    Resolution,
    default_key,
    extension,
    nearest_page,
    normalise_target,
    obsidian_key,
)
from crucible_checks.docs.settings import DocsSettings
from crucible_checks.docs.slugs import page_slug
from crucible_checks.files import SourceFile
from crucible_checks.project import Project

SHARED_KEY = "docs.vault"
_SCHEME_CHARS = frozenset(
    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789+.-"
)


class Page(NamedTuple):
    """One page: its paths, its permalink and its record."""

    path: str
    docs_path: str
    permalink: str
    record: PageRecord
    readable: bool = True

    @property
    def name(self) -> str:
        """Return the file name without ``.md``."""
        return _without_md(self.docs_path.rsplit("/", 1)[-1])

    @property
    def title(self) -> str:
        return self.record.title or self.name


def make_page(path: str, docs_path: str, record: PageRecord | None) -> Page:
    """Return the page of a record, or of an unreadable file when None."""
    readable = record is not None
    record = record or PageRecord(None, (), frozenset(), frozenset(), ())
    permalink = page_slug(record.slug or _without_md(docs_path))
    return Page(path, docs_path, permalink, record, readable)


def orphan_exempt(settings: DocsSettings, page: Page) -> bool:
    """Return whether a page may have no backlinks: an entry page or opted out."""
    return (
        page.docs_path in settings.entry_pages
        or page.record.orphan
        or not page.readable
    )


def vault_of(project: Project) -> Vault:
    """Return the run's vault, building it on first use."""
    return project.shared(SHARED_KEY, lambda: build_vault(project))


def vault_files(project: Project, settings: DocsSettings) -> list[SourceFile]:
    """Return the files under the docs root: the pages and every file their
    links may reach. A link never reaches a file elsewhere, so a run given
    more paths than the docs root builds the same vault."""
    if not settings.root:
        return project.files
    return [
        file for file in project.files if settings.docs_path(file.relative) is not None
    ]


def build_vault(project: Project) -> Vault:
    settings = DocsSettings.of(project)
    records = read_records(project, settings)
    pages: dict[str, Page] = {}
    in_root = vault_files(project, settings)
    for file in in_root:
        docs_path = settings.docs_path(file.relative)
        if docs_path is not None and file.relative.lower().endswith(".md"):
            pages[file.relative] = make_page(
                file.relative, docs_path, records.get(file.relative)
            )
    files = frozenset(file.relative for file in in_root)
    hook = resolve_hook(project)
    if hook is not None:
        # A project's own resolver may depend on anything, so nothing is stored.
        return Vault(settings, pages, files, hook)
    cache = _link_cache(project, settings, pages, files)
    vault = Vault(settings, pages, files, link_cache=cache)
    vault.resolve_all()
    vault.link_cache.save()
    return vault


def _link_cache(
    project: Project,
    settings: DocsSettings,
    pages: dict[str, Page],
    files: frozenset[str],
) -> LinkCache:
    from crucible_checks import __version__

    folder = project.root / project.config.cache_dir if project.use_cache else None
    records = {path: page.record for path, page in pages.items()}
    return LinkCache.load(folder, fingerprint(settings, records, files, __version__))


class Vault:
    """Pages by name and path, and the resolution of every link; see the module."""

    def __init__(
        self,
        settings: DocsSettings,
        pages: Mapping[str, Page],
        files: frozenset[str],
        hook: Callable[..., Resolution | None] | None = None,
        link_cache: LinkCache | None = None,
    ) -> None:
        self.settings = settings
        #: Resolved names; a run that builds the vault reuses the last run's.
        self.link_cache = link_cache or LinkCache()
        self.pages = pages
        self.files = files
        self._hook = hook
        self._resolved_links: dict[str, tuple[Resolution, ...]] = {}
        self._backlinks: dict[str, list[tuple[str, Link]]] | None = None

    @cached_property
    def folders(self) -> frozenset[str]:
        return frozenset(_folders(self.files))

    @cached_property
    def names(self) -> NameTable:
        """Return the table of page names, built on first use: a run whose
        links are all in the link cache never needs it."""
        settings = self.settings
        names = NameTable(
            obsidian_key if settings.resolver == "obsidian" else default_key
        )
        # Obsidian links by file path alone: front matter aliases and permalinks
        # only matter to the site's resolver.
        site_names = settings.resolver != "obsidian"
        for page in self.pages.values():
            aliases = page.record.aliases if site_names else ()
            name = _without_md(page.docs_path)
            if site_names and page.record.slug:
                name = page.record.slug
            names.add(page.path, name, aliases)
        return names

    @cached_property
    def _files_by_name(self) -> dict[str, list[str]]:
        by_name: dict[str, list[str]] = defaultdict(list)
        for path in sorted(self.files):
            by_name[path.rsplit("/", 1)[-1].lower()].append(path)
        return by_name

    def outgoing(self, source: str) -> list[tuple[Link, Resolution]]:
        """Return each link of a page with where it leads, in text order."""
        links = self.pages[source].record.links
        return list(zip(links, self._resolutions(source), strict=True))

    def _resolutions(self, source: str) -> tuple[Resolution, ...]:
        # Only the resolutions are kept, not (link, resolution) pairs: a pair
        # for each of the 300k links of a 50k-page vault costs about 20 MiB.
        found = self._resolved_links.get(source)
        if found is None:
            found = self._resolved_links[source] = self._resolve_links(source)
        return found

    def _resolve_links(self, source: str) -> tuple[Resolution, ...]:
        # Most wiki links name a page already resolved by name alone: look it
        # up here, which spares three calls per link on 10k-page vaults.
        known = {} if self._hook is not None else self.link_cache.names
        resolved = []
        for link in self.pages[source].record.links:
            found = known.get(link.target) if link.kind == WIKI else None
            resolved.append(found or self.resolve(link, source))
        return tuple(resolved)

    def resolve_all(self) -> None:
        """Resolve the links of every page now, so the link cache can be saved."""
        for source in self.pages:
            self._resolutions(source)

    def edges(self) -> Iterator[tuple[str, str, Link]]:
        for source in self.pages:
            for link, resolution in self.outgoing(source):
                if resolution.status == PAGE:
                    yield source, resolution.paths[0], link

    def backlinks(self) -> dict[str, list[tuple[str, Link]]]:
        if self._backlinks is None:
            backlinks: dict[str, list[tuple[str, Link]]] = defaultdict(list)
            for source, target, link in self.edges():
                if source != target:
                    backlinks[target].append((source, link))
            self._backlinks = dict(backlinks)
        return self._backlinks

    def resolve(self, link: Link, source: str) -> Resolution:
        """Return where a link of the page ``source`` leads."""
        if link.kind != WIKI:
            return self._resolve_relative(link.target, source)
        if self._hook is not None:
            answer = self._hook(link=link, source=source, vault=self)
            if answer is not None:
                return answer
        return self.resolve_name(link.target, source)

    def resolve_name(self, target: str, source: str) -> Resolution:
        """Resolve a wiki link name (without ``#`` and ``|`` parts) from ``source``.

        Results are kept per name, and per folder too where the folder matters
        (relative names, and the nearest of several pages or files).
        """
        if not target:
            return Resolution(PAGE, (source,))
        cache = self.link_cache
        found = cache.names.get(target)
        if found is not None:
            return found
        if not self._by_folder(target):
            found = cache.names[target] = self._resolve_name(target, source)
            return found
        key = (target, posixpath.dirname(source))
        found = cache.by_folder.get(key)
        if found is None:
            found = cache.by_folder[key] = self._resolve_name(target, source)
        return found

    def _by_folder(self, target: str) -> bool:
        """Return whether the linking page's folder can change where a name leads."""
        return (
            target.startswith(".")
            or self.settings.resolver == "obsidian"
            or extension(target) != ""
        )

    def _resolve_name(self, target: str, source: str) -> Resolution:
        if not target:
            return Resolution(PAGE, (source,))
        folder = (
            posixpath.dirname(self.pages[source].docs_path)
            if source in self.pages
            else ""
        )
        name = normalise_target(target, folder)
        if name is None:
            return Resolution(OUTSIDE, name=target)
        suffix = "" if target.lower().endswith(".md") else extension(name)
        if suffix in ATTACHMENT_EXTENSIONS:
            return self._attachment(name, source)
        key = self.names.normalise(name)
        matches = self.names.lookup(key)
        if len(matches) == 1:
            return Resolution(PAGE, (matches[0],))
        if matches and self.settings.resolver == "obsidian":
            return Resolution(PAGE, (nearest_page(matches, source),))
        if matches:
            return Resolution(AMBIGUOUS, tuple(sorted(matches)), key)
        if suffix:
            found = self._attachment(name, source)
            if found.status == ATTACHMENT:
                return found
        return Resolution(MISSING, name=key)

    def _attachment(self, name: str, source: str) -> Resolution:
        full = self.settings.project_path(name)
        if full in self.files:
            return Resolution(ATTACHMENT, (full,))
        candidates = self._files_by_name.get(name.rsplit("/", 1)[-1].lower(), [])
        if candidates:
            return Resolution(ATTACHMENT, (nearest_page(candidates, source),))
        return Resolution(MISSING_ATTACHMENT, name=name)

    def _resolve_relative(self, target: str, source: str) -> Resolution:
        if not target:
            return Resolution(PAGE, (source,))
        if _is_external(target):
            return Resolution(EXTERNAL)
        decoded = unquote(target.split("?", 1)[0])
        path = posixpath.normpath(posixpath.join(posixpath.dirname(source), decoded))
        if (
            path.startswith("../")
            or path == ".."
            or self.settings.docs_path(path) is None
        ):
            return Resolution(OUTSIDE, name=path)
        if decoded.endswith("/") or path in self.folders:
            return self._folder(path)
        if path in self.pages:
            return Resolution(PAGE, (path,))
        if path in self.files:
            return Resolution(ATTACHMENT, (path,))
        return Resolution(MISSING, name=path)

    def _folder(self, path: str) -> Resolution:
        for index in ("index.md", "README.md"):
            candidate = f"{path}/{index}" if path != "." else index
            if candidate in self.pages:
                return Resolution(PAGE, (candidate,))
        if path in self.folders or path == ".":
            return Resolution(ATTACHMENT, (path,))
        return Resolution(MISSING, name=path + "/")


def name_key(settings: DocsSettings) -> Callable[[str], str]:
    """Return the function that turns a page name into its lookup key."""
    return obsidian_key if settings.resolver == "obsidian" else default_key


def resolve_hook(project: Project) -> Callable[..., Resolution | None] | None:
    manager = project.pluginmanager
    if manager is None:
        return None
    caller: Any = getattr(manager.hook, "crucible_checks_docs_resolve", None)
    if caller is None or not caller.get_hookimpls():
        return None
    function: Callable[..., Resolution | None] = caller
    return function


def _is_external(target: str) -> bool:
    if target.startswith(("/", "\\")):
        return True  # A site-absolute path: its meaning depends on the site's URLs.
    scheme, colon, _rest = target.partition(":")
    return (
        bool(colon)
        and bool(scheme)
        and set(scheme) <= _SCHEME_CHARS
        and len(scheme) > 1
    )


def _without_md(name: str) -> str:
    return name[:-3] if name.lower().endswith(".md") else name


def _folders(files: frozenset[str]) -> set[str]:
    folders: set[str] = set()
    for path in files:
        folder = posixpath.dirname(path)
        while folder and folder not in folders:
            folders.add(folder)
            folder = posixpath.dirname(folder)
    return folders
