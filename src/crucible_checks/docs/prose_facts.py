"""The prose facts of a page: its word count and its prose runs.

``docs stats`` counts the words, and the unlinked mention check (DOC102)
searches the runs for other pages' names. `prose_facts_of` returns them for
every readable page, cached per file (see `crucible_checks.docs.page_facts`).
The runs are stored packed, as one string and one tuple of numbers, because a
10k-page vault has over 100k of them.
"""

from __future__ import annotations

from array import array
from collections.abc import Sequence
from typing import NamedTuple

from crucible_checks.docs.link_graph import LinkGraph
from crucible_checks.docs.mentions import folded_words
from crucible_checks.docs.page_facts import FactKind, FactsScan, Plain, facts_of
from crucible_checks.docs.plain_prose import plain_prose_runs
from crucible_checks.docs.prose import Prose, read_prose
from crucible_checks.project import Project

#: The numbers stored per prose run: offset, line, column and the in-table flag.
_RUN_FIELDS = 4
#: The `array` type code of those numbers: signed, at least 64 bits.
_NUMBER_TYPE = "q"


class ProseFacts(NamedTuple):
    """The word count and prose runs of one page.

    ``prose`` is the text of the runs joined by newlines (no run contains
    one), and ``run_positions`` their offset, line, column and in-table flag,
    packed as an `array` of 64-bit numbers. A 10k-page vault has 130k runs,
    and half a million numbers take longer to load one by one than the rest.
    ``folded_words`` contains each distinct word of the runs, as the unlinked
    mention check splits and case-folds them, sorted and joined by newlines.
    """

    words: int
    prose: str
    run_positions: bytes
    folded_words: str

    @classmethod
    def of(cls, words: int, runs: Sequence[Prose]) -> ProseFacts:
        positions = array(_NUMBER_TYPE)
        for run in runs:
            positions.extend((run.offset, run.line, run.column, run.in_table))
        text = "\n".join(run.text for run in runs)
        return cls(words, text, positions.tobytes(), folded_words(text))

    def runs(self) -> list[Prose]:
        """Return the prose runs, in page order."""
        if not self.run_positions:
            return []
        numbers = array(_NUMBER_TYPE, self.run_positions)
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


def scan_plain_prose(text: str, alias_first: bool) -> Plain | None:
    """Return the plain prose facts of a plain page, None for any other page."""
    found = plain_prose_runs(text)
    return None if found is None else tuple(ProseFacts.of(*found))


def scan_prose(text: str, alias_first: bool) -> Plain:
    """Return the plain prose facts of any page."""
    found = plain_prose_runs(text)
    if found is None:
        prose = read_prose(text)
        found = (prose.words, prose.runs)
    return tuple(ProseFacts.of(*found))


PROSE_FACTS = FactKind(
    name="docs-prose",
    version=9,
    facts=ProseFacts,
    scan=scan_prose,
    scan_here=scan_plain_prose,
)


def prose_facts_of(
    project: Project, graph: LinkGraph, scan: FactsScan | None = None
) -> dict[str, ProseFacts]:
    """Return the prose facts of every readable page, built once per run."""
    return facts_of(project, graph, PROSE_FACTS, scan)
