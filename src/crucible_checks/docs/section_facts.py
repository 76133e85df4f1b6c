"""The backlinks facts of a page: its backlinks sections and its link lines.

``docs backlinks`` and the stale backlinks check (DOC101) compare each page's
generated backlinks section with what it should contain, and a backlinks
list quotes the line of each link as plain text. Both are cached per file
(see `crucible_checks.docs.page_facts`) as two kinds of facts, because most
runs need only one of them. `section_facts_of` returns the sections of the
pages with a section marker, the only pages that can have one, and
`context_facts_of` the quoted lines of every page. Both are found by
searching the text, so no page needs markdown-it.
"""

from __future__ import annotations

from typing import NamedTuple

from crucible_checks.docs.backlinks import ExtraSection, earlier_sections, plain_context
from crucible_checks.docs.generated_section import (
    BACKLINKS_SECTION,
    MARKER_PREFIX,
    Section,
    find_section,
    newline_of,
)
from crucible_checks.docs.link_graph import LinkGraph
from crucible_checks.docs.page_facts import FactKind, FactsScan, Plain, facts_of
from crucible_checks.docs.prose import link_lines
from crucible_checks.docs.source_map import SourceText
from crucible_checks.project import Project


class SectionFacts(NamedTuple):
    """The backlinks sections of one page.

    ``section`` is the last backlinks section as ``(start, end, line,
    text)``, with end None and text empty when its end marker is missing.
    ``earlier`` contains the complete sections before it as ``(line, start,
    end)``. ``newline`` is the page's line ending.
    """

    newline: str
    section: tuple[int, int | None, int, str] | None
    earlier: tuple[tuple[int, int, int], ...]

    def backlinks_section(self) -> Section | None:
        """Return the last backlinks section, the one commands rewrite."""
        if self.section is None:
            return None
        start, end, line, _text = self.section
        return Section(BACKLINKS_SECTION, start, end, line)

    @property
    def backlinks_text(self) -> str:
        """Return the text of the last backlinks section, empty when it has no
        end marker or the page has no section."""
        return "" if self.section is None else self.section[3]

    def extra_sections(self) -> tuple[ExtraSection, ...]:
        """Return the backlinks sections before the last one."""
        return tuple(ExtraSection(*section) for section in self.earlier)


class ContextFacts(NamedTuple):
    """The link lines of one page as a backlinks list quotes them.

    ``contexts`` maps each line that contains a ``[`` to the text quoted for
    a link on it, as ``(line, context)`` pairs, leaving out empty contexts.
    """

    contexts: tuple[tuple[int, str], ...]


def scan_sections(text: str, alias_first: bool) -> Plain:
    """Return the plain section facts of a page."""
    last = find_section(text, BACKLINKS_SECTION) if MARKER_PREFIX in text else None
    section = None
    if last is not None:
        section_text = "" if last.end is None else text[last.start : last.end]
        section = (last.start, last.end, last.line, section_text)
    earlier = tuple(
        (extra.line, extra.start, extra.end) for extra in earlier_sections(text)
    )
    return (newline_of(text), section, earlier)


def scan_contexts(text: str, alias_first: bool) -> Plain:
    """Return the plain context facts of a page."""
    # Line numbers leave a byte-order mark out, as the page records do.
    base = 1 if text.startswith("\ufeff") else 0
    contexts = []
    for line in link_lines(SourceText(text[base:], base)):
        context = plain_context(line.text, alias_first)
        if context:
            contexts.append((line.number, context))
    return (tuple(contexts),)


SECTION_FACTS = FactKind(
    name="docs-sections",
    version=2,
    facts=SectionFacts,
    scan=scan_sections,
    scan_here=scan_sections,
)

CONTEXT_FACTS = FactKind(
    name="docs-contexts",
    version=1,
    facts=ContextFacts,
    scan=scan_contexts,
    scan_here=scan_contexts,
    uses_alias_order=True,
)


def section_facts_of(project: Project, graph: LinkGraph) -> dict[str, SectionFacts]:
    """Return the section facts of every readable page with a section marker,
    built once per run."""
    return facts_of(project, graph, SECTION_FACTS, paths=graph.marked_pages())


def context_facts_of(
    project: Project, graph: LinkGraph, scan: FactsScan | None = None
) -> dict[str, ContextFacts]:
    """Return the context facts of every readable page, built once per run."""
    return facts_of(project, graph, CONTEXT_FACTS, scan)
