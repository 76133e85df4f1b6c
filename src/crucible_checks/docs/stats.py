"""Topic analysis of a docs folder: counts over pages, words and the link graph."""

from __future__ import annotations

import heapq
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, field
from itertools import chain
from typing import TYPE_CHECKING

from crucible_checks.docs.link_graph import LinkGraph
from crucible_checks.docs.records import WIKI
from crucible_checks.docs.resolve import ATTACHMENT, MISSING, MISSING_ATTACHMENT, PAGE

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
    graph: LinkGraph, facts: Mapping[str, ProseFacts], potential_wiki_links: int
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
    out_pages = graph.reached()
    in_counts = Counter(chain.from_iterable(out_pages.values()))
    out_counts = {path: len(pages) for path, pages in out_pages.items() if pages}
    targets = _wiki_targets(graph)
    return DocsStats(
        pages=len(graph.pages),
        words=sum(facts[path].words for path in graph.pages if path in facts),
        wiki_links=sum(links.kinds.count(WIKI) for links in graph.links.values()),
        distinct_targets=len(targets.paths) + len(targets.names),
        dead_links=sum(
            links.statuses.count(MISSING) + links.statuses.count(MISSING_ATTACHMENT)
            for links in graph.links.values()
        ),
        wanted_pages=len(targets.wanted),
        orphans=sum(
            1
            for path, page in graph.pages.items()
            if path not in in_counts and not page.exempt
        ),
        potential_wiki_links=potential_wiki_links,
        connected_components=_components(graph, out_pages),
        most_linked_to=_ranked(graph, in_counts),
        most_linking=_ranked(graph, out_counts),
        no_outgoing_links=tuple(
            path for path in sorted(graph.pages) if not out_pages.get(path)
        ),
    )


@dataclass
class _WikiTargets:
    """The targets of the wiki links of a vault."""

    #: Pages and files.
    paths: set[str] = field(default_factory=set)
    #: The names looked up for every other link: missing, ambiguous, outside.
    names: set[str] = field(default_factory=set)
    #: The missing page names.
    wanted: set[str] = field(default_factory=set)


def _wiki_targets(graph: LinkGraph) -> _WikiTargets:
    found = _WikiTargets()
    for links in graph.links.values():
        statuses = links.statuses
        if links.kinds.count(WIKI) == len(statuses) == statuses.count(PAGE):
            found.paths.update(links.paths)  # Most pages have wiki links only.
            continue
        for kind, target, status, path, name in zip(
            links.kinds,
            links.targets,
            statuses,
            links.paths,
            links.names,
            strict=True,
        ):
            if kind != WIKI:
                continue
            if status in (PAGE, ATTACHMENT):
                found.paths.add(path)
            else:
                found.names.add(name or target)
            if status == MISSING:
                found.wanted.add(name)
    return found


def _components(graph: LinkGraph, out_pages: Mapping[str, set[str]]) -> int:
    """Count weakly connected components with a union-find over the pages."""
    parent = {path: path for path in graph.pages}

    def root(path: str) -> str:
        while parent[path] != path:
            parent[path] = parent[parent[path]]
            path = parent[path]
        return path

    joined = 0
    for source, targets in out_pages.items():
        source_root = root(source)
        for target in targets:
            # The root of the target, inlined: this runs once per edge.
            while (up := parent[target]) != target:
                parent[target] = parent[up]
                target = up
            if target != source_root:
                parent[target] = source_root
                joined += 1
    return len(parent) - joined


def _ranked(graph: LinkGraph, counts: Mapping[str, int]) -> tuple[RankedPage, ...]:
    """Return the `TOP` pages by count, then path, of those with a count."""
    ordered = heapq.nsmallest(TOP, counts.items(), key=lambda item: (-item[1], item[0]))
    return tuple(
        RankedPage(path, graph.pages[path].title, count) for path, count in ordered
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
