"""Topic analysis of a docs folder: counts over pages, words and the link graph."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING

from crucible_checks.docs.orphans import is_exempt
from crucible_checks.docs.records import WIKI
from crucible_checks.docs.resolve import ATTACHMENT, MISSING, MISSING_ATTACHMENT, PAGE
from crucible_checks.docs.vault import Vault
from crucible_checks.docs.wanted import wanted_pages

if TYPE_CHECKING:
    from crucible_checks.docs.prose import PageProse

TOP = 10


@dataclass(frozen=True)
class RankedPage:
    """A page and how many distinct pages link to it, or it links to."""

    path: str
    title: str
    count: int


@dataclass(frozen=True)
class DocsStats:
    """The numbers `crucible-checks docs stats` reports; see `docs_stats`."""

    pages: int
    words: int
    wiki_links: int
    distinct_targets: int
    dead_links: int
    wanted_pages: int
    orphans: int
    potential_wiki_links: int
    connected_components: int
    most_linked_to: tuple[RankedPage, ...]
    most_linking: tuple[RankedPage, ...]
    no_outgoing_links: tuple[str, ...]

    def as_json(self) -> dict[str, object]:
        return asdict(self)


def docs_stats(
    vault: Vault, prose: Mapping[str, PageProse], potential_wiki_links: int
) -> DocsStats:
    """Compute the stats of a vault.

    - words: prose, link text and headings (see `crucible_checks.docs.prose`);
    - wiki links: ``[[...]]`` and ``![[...]]``, outside generated sections;
    - distinct targets: pages, files and missing names that wiki links reach;
    - dead links: wiki and relative links to a missing page or file;
    - orphans: pages no other page links to, as the orphan check judges them;
    - connected components: of the page graph, link direction ignored;
    - most linked-to and most linking: by distinct other pages.
    """
    out_pages, in_pages = _neighbours(vault)
    return DocsStats(
        pages=len(vault.pages),
        words=sum(prose[path].words for path in vault.pages if path in prose),
        wiki_links=_count_wiki_links(vault),
        distinct_targets=_distinct_targets(vault),
        dead_links=_dead_links(vault),
        wanted_pages=len(wanted_pages(vault)),
        orphans=_orphans(vault, in_pages),
        potential_wiki_links=potential_wiki_links,
        connected_components=_components(vault, out_pages),
        most_linked_to=_ranked(vault, in_pages),
        most_linking=_ranked(vault, out_pages),
        no_outgoing_links=tuple(
            path for path in sorted(vault.pages) if not out_pages.get(path)
        ),
    )


def _neighbours(vault: Vault) -> tuple[dict[str, set[str]], dict[str, set[str]]]:
    """Return the other pages each page links to, and those that link to it."""
    out_pages: dict[str, set[str]] = {path: set() for path in vault.pages}
    in_pages: dict[str, set[str]] = {path: set() for path in vault.pages}
    for source, target, _link in vault.edges():
        if source != target:
            out_pages[source].add(target)
            in_pages[target].add(source)
    return out_pages, in_pages


def _count_wiki_links(vault: Vault) -> int:
    return sum(
        1 for page in vault.pages.values() for link in page.record.links if link.is_wiki
    )


def _distinct_targets(vault: Vault) -> int:
    targets: set[tuple[str, str]] = set()
    for source in vault.pages:
        for link, resolution in vault.outgoing(source):
            if link.kind != WIKI:
                continue
            if resolution.status in (PAGE, ATTACHMENT):
                targets.add(("path", resolution.paths[0]))
            else:
                targets.add(("name", resolution.name or link.target))
    return len(targets)


def _dead_links(vault: Vault) -> int:
    return sum(
        1
        for source in vault.pages
        for _link, resolution in vault.outgoing(source)
        if resolution.status in (MISSING, MISSING_ATTACHMENT)
    )


def _orphans(vault: Vault, in_pages: Mapping[str, set[str]]) -> int:
    return sum(
        1
        for path, page in vault.pages.items()
        if not in_pages[path] and not is_exempt(vault, page)
    )


def _components(vault: Vault, out_pages: Mapping[str, set[str]]) -> int:
    """Count weakly connected components with a union-find over the pages."""
    parent = {path: path for path in vault.pages}

    def root(path: str) -> str:
        while parent[path] != path:
            parent[path] = parent[parent[path]]
            path = parent[path]
        return path

    for source, targets in out_pages.items():
        for target in targets:
            parent[root(source)] = root(target)
    return len({root(path) for path in parent})


def _ranked(vault: Vault, neighbours: Mapping[str, set[str]]) -> tuple[RankedPage, ...]:
    counts = Counter({path: len(pages) for path, pages in neighbours.items() if pages})
    ordered = sorted(counts.items(), key=lambda item: (-item[1], item[0]))[:TOP]
    return tuple(
        RankedPage(path, vault.pages[path].title, count) for path, count in ordered
    )


def format_stats(stats: DocsStats) -> Iterable[str]:
    """Yield the lines of the text report."""
    rows = (
        ("Pages", stats.pages),
        ("Words", stats.words),
        ("Wiki links", stats.wiki_links),
        ("Distinct targets", stats.distinct_targets),
        ("Dead links", stats.dead_links),
        ("Wanted pages", stats.wanted_pages),
        ("Orphans", stats.orphans),
        ("Potential wiki links", stats.potential_wiki_links),
        ("Connected components", stats.connected_components),
        ("Pages with no outgoing links", len(stats.no_outgoing_links)),
    )
    for label, value in rows:
        yield f"{label:<30}{value:>8,}"
    for heading, ranked in (
        ("Most linked-to pages (linking pages)", stats.most_linked_to),
        ("Most linking pages (pages linked)", stats.most_linking),
    ):
        yield ""
        yield f"{heading}:"
        for item in ranked:
            yield f"{item.count:>6}  {item.path}  {_printable(item.title)}"
    if stats.no_outgoing_links:
        yield ""
        yield "Pages with no outgoing links:"
        for path in stats.no_outgoing_links[:TOP]:
            yield f"        {path}"
        rest = len(stats.no_outgoing_links) - TOP
        if rest > 0:
            yield f"        and {rest} more (--format json lists them all)"


def _printable(text: str) -> str:
    """Replace control characters, so a title cannot drive the terminal."""
    return "".join(char if char.isprintable() else "?" for char in text)
