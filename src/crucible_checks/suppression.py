"""Inline suppression: markdownlint-style comments in Markdown, ``# noqa`` elsewhere.

Markdown directives, where an empty code list means every code::

    <!-- crucible-checks-disable CODE ... -->            until a matching enable
    <!-- crucible-checks-enable CODE ... -->
    <!-- crucible-checks-disable-line CODE ... -->       this line
    <!-- crucible-checks-disable-next-line CODE ... -->  the next line
    <!-- crucible-checks-disable-file CODE ... -->       the whole file

Other text files use ``# noqa: CODE, CODE`` on the line, or a bare ``# noqa``.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from crucible_checks.findings import Finding

MARKDOWN_SUFFIXES = (".md", ".markdown", ".mdx")

_DIRECTIVE = re.compile(
    r"<!--\s*crucible-checks-(disable-next-line|disable-line|disable-file|disable|enable)"
    r"((?:\s+[A-Za-z][\w-]*)*)\s*-->"
)
_NOQA = re.compile(
    r"#\s*noqa(?::\s*(?P<codes>[A-Z][A-Z0-9]*(?:\s*,\s*[A-Z][A-Z0-9]*)*))?", re.I
)
ALL = "*"


@dataclass
class Directive:
    """One suppression comment: where it is, which codes, and which lines it covers."""

    line: int
    column: int
    text: str
    codes: frozenset[str]
    first_line: int
    last_line: int
    used: bool = field(default=False)


def _matches(codes: frozenset[str], finding: Finding, names: dict[str, str]) -> bool:
    return ALL in codes or finding.code in codes or names.get(finding.code, "") in codes


def parse_directives(path: str, text: str) -> list[Directive]:
    """Find the suppression comments of one file's text."""
    if path.lower().endswith(MARKDOWN_SUFFIXES):
        return _markdown_directives(text)
    return _noqa_directives(text)


def _markdown_directives(text: str) -> list[Directive]:
    line_starts = _line_starts(text)
    last = max(len(text.splitlines()), 1)
    code_lines = _code_block_lines(text)
    directives: list[Directive] = []
    open_ranges: list[Directive] = []
    for match in _DIRECTIVE.finditer(text):
        kind, names = match.group(1), match.group(2).split()
        codes = frozenset(names) if names else frozenset({ALL})
        line = _line_of(line_starts, match.start())
        column = match.start() - line_starts[line - 1] + 1
        before = text[line_starts[line - 1] : match.start()]
        if line in code_lines or before.count("`") % 2 == 1:
            continue  # An example of the syntax inside code, not a directive.
        if kind == "enable":
            for directive in open_ranges:
                if ALL in codes or directive.codes <= codes:
                    directive.last_line = line
            open_ranges = [d for d in open_ranges if d.last_line == last]
            continue
        first, final = {
            "disable": (line, last),
            "disable-line": (line, line),
            "disable-next-line": (line + 1, line + 1),
            "disable-file": (1, last),
        }[kind]
        directive = Directive(line, column, match.group(0), codes, first, final)
        directives.append(directive)
        if kind == "disable":
            open_ranges.append(directive)
    return directives


def _code_block_lines(text: str) -> set[int]:
    """Return the 1-based lines of fenced and indented code blocks."""
    # Imported here: markdown-it loads only for a file with a directive.
    from markdown_it import MarkdownIt

    lines: set[int] = set()
    for token in MarkdownIt("commonmark").parse(text):
        if token.type in ("fence", "code_block") and token.map is not None:
            start, end = token.map
            lines.update(range(start + 1, end + 1))
    return lines


def _noqa_directives(text: str) -> list[Directive]:
    directives = []
    for number, line in enumerate(text.splitlines(), start=1):
        if "noqa" not in line.lower():
            continue
        match = _NOQA.search(line)
        if match is None:
            continue
        listed = match.group("codes")
        codes = (
            frozenset(re.split(r"\s*,\s*", listed.upper()))
            if listed
            else frozenset({ALL})
        )
        directives.append(
            Directive(number, match.start() + 1, match.group(0), codes, number, number)
        )
    return directives


def apply(
    findings: Sequence[Finding],
    directives: Sequence[Directive],
    names: dict[str, str],
) -> list[Finding]:
    """Return the findings no directive covers, marking each directive that was used."""
    kept = []
    for finding in findings:
        covering = [
            d
            for d in directives
            if d.first_line <= finding.line <= d.last_line
            and _matches(d.codes, finding, names)
        ]
        for directive in covering:
            directive.used = True
        if not covering:
            kept.append(finding)
    return kept


def unused(directives: Iterable[Directive], ran: frozenset[str]) -> list[Directive]:
    """Return directives that suppressed nothing although every code they name ran.

    A directive naming a code that did not run in this selection cannot be judged.
    """
    return [
        directive
        for directive in directives
        if not directive.used and ALL not in directive.codes and directive.codes <= ran
    ]


def _line_starts(text: str) -> list[int]:
    starts = [0]
    starts.extend(match.end() for match in re.finditer("\n", text))
    return starts


def _line_of(line_starts: list[int], offset: int) -> int:
    return bisect.bisect_right(line_starts, offset)
