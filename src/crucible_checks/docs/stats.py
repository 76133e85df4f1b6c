"""Topic analysis of a docs folder: counts over pages, words and the link graph."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING

from crucible_checks.docs.orphans import is_exempt
from crucible_checks.docs.records import WIKI
from crucible_checks.docs.resolve import ATTACHMENT, MISSING, MISSING_ATTACHMENT, PAGE
from crucible_checks.docs.vault import Vault

if TYPE_CHECKING:
    from crucible_checks.docs.prose_facts import ProseFacts

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
    vault: Vault, facts: Mapping[str, ProseFacts], potential_wiki_links: int
) -> DocsStats:
    """Compute the stats of a vault.

    - words: prose, link text and headings (see `crucible_checks.docs.prose`);
    - wiki links: ``[[...]]`` and ``![[...]]``, outside generated sections;
    - distinct targets: pages, files and missing names that wiki links reach;
    - dead links: wiki and relative links to a missing page or file;
    - wanted pages: missing names that wiki links reach (`docs wanted`);
    - orphans: pages no other page links to, as the orphan check judges them;
    - connected components: of the page graph, link direction ignored;
    - most linked-to and most linking: by distinct other pages.
    """
    links = _count_links(vault)
    out_pages, in_pages = links.out_pages, links.in_pages
    return DocsStats(
        pages=len(vault.pages),
        words=sum(facts[path].words for path in vault.pages if path in facts),
        wiki_links=links.wiki_links,
        distinct_targets=len(links.targets),
        dead_links=links.dead_links,
        wanted_pages=len(links.wanted),
        orphans=_orphans(vault, in_pages),
        potential_wiki_links=potential_wiki_links,
        connected_components=_components(vault, out_pages),
        most_linked_to=_ranked(vault, in_pages),
        most_linking=_ranked(vault, out_pages),
        no_outgoing_links=tuple(
            path for path in sorted(vault.pages) if not out_pages.get(path)
        ),
    )


@dataclass
class _LinkCounts:
    """The counts of one pass over every link of a vault."""

    #: The other pages each page links to, and those that link to it.
    out_pages: dict[str, set[str]]
    in_pages: dict[str, set[str]]
    wiki_links: int = 0
    dead_links: int = 0
    #: What wiki links reach: ``("path", path)`` for a page or file, else
    #: ``("name", name)`` for the name looked up.
    targets: set[tuple[str, str]] = field(default_factory=set)
    #: The missing page names that wiki links reach.
    wanted: set[str] = field(default_factory=set)


def _count_links(vault: Vault) -> _LinkCounts:
    counts = _LinkCounts(
        {path: set() for path in vault.pages}, {path: set() for path in vault.pages}
    )
    for source in vault.pages:
        for link, resolution in vault.outgoing(source):
            status = resolution.status
            if status in (MISSING, MISSING_ATTACHMENT):
                counts.dead_links += 1
            if status == PAGE and resolution.paths[0] != source:
                counts.out_pages[source].add(resolution.paths[0])
                counts.in_pages[resolution.paths[0]].add(source)
            if link.kind != WIKI:
                continue
            counts.wiki_links += 1
            if status in (PAGE, ATTACHMENT):
                counts.targets.add(("path", resolution.paths[0]))
            else:
                counts.targets.add(("name", resolution.name or link.target))
            if status == MISSING:
                counts.wanted.add(resolution.name)
    return counts


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
