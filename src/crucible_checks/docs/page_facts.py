"""What the graph tools keep of each page's text, cached per file.

``docs stats``, ``docs backlinks`` and the checks DOC101 and DOC102 need more
of a page than its record. They read the words of its prose, the prose runs
where other pages' names may be mentioned, its lines with links as a backlinks
list quotes them, and its generated backlinks sections. `page_facts_of`
returns these facts for every readable page. They come from the per-file cache
where the file is unchanged (same size and modification time, else same
content hash), so only new and changed pages are read and scanned.

The cache stores each page's facts as one plain tuple of strings, numbers and
plain tuples, with the prose runs packed into one string and one tuple of
numbers: unpickling that is several times faster than unpickling named tuples.
"""

from __future__ import annotations

from typing import Any, NamedTuple

from crucible_checks.cache import content_hash
from crucible_checks.docs.backlinks import ExtraSection, earlier_sections, plain_context
from crucible_checks.docs.generated_section import (
    BACKLINKS_SECTION,
    Section,
    newline_of,
)
from crucible_checks.docs.plain_prose import read_plain_prose
from crucible_checks.docs.prose import PageProse, Prose, read_prose
from crucible_checks.docs.vault import Vault
from crucible_checks.files import SourceFile
from crucible_checks.parallel import map_parallel
from crucible_checks.project import Project

SHARED_KEY = "docs.page-facts"
CACHE_NAMESPACE = "docs-prose"
#: Raise when `PageFacts` or the prose scan changes, so old entries are dropped.
FACTS_VERSION = 7
#: The numbers stored per prose run: offset, line, column and the in-table flag.
_RUN_FIELDS = 4

_new_tuple: Any = tuple.__new__


class PageFacts(NamedTuple):
    """The facts of one page; see the module.

    ``prose`` is the text of the prose runs joined by newlines (no run
    contains one), and ``run_positions`` their offset, line, column and
    in-table flag.
    ``contexts`` maps the lines that contain a link to the text a backlinks
    list quotes, as ``(line, context)`` pairs, leaving out empty contexts.
    ``section`` is the last backlinks section as ``(start, end, line, text)``,
    with end None and text empty when the end marker is missing, and
    ``earlier`` contains the complete sections before it as
    ``(line, start, end)``. ``newline`` is the page's line ending.
    """

    words: int
    prose: str
    run_positions: tuple[int, ...]
    contexts: tuple[tuple[int, str], ...]
    newline: str
    section: tuple[int, int | None, int, str] | None
    earlier: tuple[tuple[int, int, int], ...]

    def runs(self) -> list[Prose]:
        """Return the prose runs, in page order."""
        if not self.run_positions:
            return []
        numbers = self.run_positions
        return [
            Prose(offset, line, column, text, bool(in_table))
            for text, offset, line, column, in_table in zip(
                self.prose.split("\n"),
                numbers[0::_RUN_FIELDS],
                numbers[1::_RUN_FIELDS],
                numbers[2::_RUN_FIELDS],
                numbers[3::_RUN_FIELDS],
                strict=True,
            )
        ]

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


def facts_from_prose(text: str, prose: PageProse, alias_first: bool) -> PageFacts:
    """Return the facts of a page from its text and its scanned prose."""
    runs = prose.runs
    positions = tuple(
        number
        for run in runs
        for number in (run.offset, run.line, run.column, int(run.in_table))
    )
    contexts = []
    for line in prose.link_lines:
        context = plain_context(line.text, alias_first)
        if context:
            contexts.append((line.number, context))
    section = None
    if prose.backlinks is not None:
        found = prose.backlinks
        section = (found.start, found.end, found.line, prose.backlinks_text)
    earlier = tuple(
        (extra.line, extra.start, extra.end) for extra in earlier_sections(text)
    )
    return PageFacts(
        prose.words,
        "\n".join(run.text for run in runs),
        positions,
        tuple(contexts),
        newline_of(text),
        section,
        earlier,
    )


def page_facts_of(project: Project, vault: Vault) -> dict[str, PageFacts]:
    """Return the facts of every readable page, built once per run."""
    return project.shared(SHARED_KEY, lambda: _read_all(project, vault))


def _read_all(project: Project, vault: Vault) -> dict[str, PageFacts]:
    """Read each page's facts from the per-file cache, else scan the page.

    A plain page is scanned here, by lines, which costs less than sending it
    to a worker process. The others are parsed by markdown-it, in worker
    processes when there are many.
    """
    alias_first = vault.settings.alias_first
    cache = project.cache(CACHE_NAMESPACE, [FACTS_VERSION, alias_first])
    found: dict[str, PageFacts] = {}
    pending: list[tuple[SourceFile, str, str]] = []
    for file in project.files:
        if file.relative not in vault.pages:
            continue
        plain = cache.get(file)
        if plain is None:
            data = project.read_bytes(file)
            text = None if data is None else project.decode(file, data)
            if data is None or text is None:
                continue
            digest = content_hash(data)
            plain = cache.get_by_hash(file, digest)
            if plain is None:
                plain = _scan_plain(text, alias_first)
                if plain is None:
                    pending.append((file, digest, text))
                    continue
                cache.put(file, digest, plain)
        found[file.relative] = _new_tuple(PageFacts, plain)
    if not pending:
        return found
    items = [(text, alias_first) for _file, _digest, text in pending]
    for (file, digest, _text), plain in zip(
        pending, map_parallel(_scan, items), strict=True
    ):
        cache.put(file, digest, plain)
        found[file.relative] = _new_tuple(PageFacts, plain)
    # In the order of the project's files, as a warm run reads them.
    return {
        file.relative: found[file.relative]
        for file in project.files
        if file.relative in found
    }


def _scan_plain(text: str, alias_first: bool) -> tuple[Any, ...] | None:
    """Return the plain facts of a plain page, or None for any other page."""
    prose = read_plain_prose(text)
    if prose is None:
        return None
    return tuple(facts_from_prose(text, prose, alias_first))


def _scan(item: tuple[str, bool]) -> tuple[Any, ...]:
    text, alias_first = item
    return tuple(facts_from_prose(text, read_prose(text), alias_first))
