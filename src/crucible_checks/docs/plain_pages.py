"""A fast reader for plain pages, whose record needs no Markdown parser.

Most pages of a wiki-linked vault are headings, paragraphs and list items with
``[[wiki links]]``. `read_plain_page` reads such a page line by line and
returns the record markdown-it would give. It returns None for any page that
could contain a construct where a line scan and markdown-it may disagree, and
the caller then parses the page with markdown-it:

- code spans, ``~~~`` fences, HTML, entities, escapes, block quotes and ``^``
  block ids (by their characters outside backtick-fenced code), generated
  section markers, and tabs, carriage returns, control characters and
  whitespace other than spaces anywhere;
- an indented line, a line of only ``-*_=+`` and spaces (thematic break,
  setext underline, front matter, empty list item), an empty ordered list
  item, a table delimiter row, and a line starting with ``|``;
- a ``#`` line that is not a plain ATX heading (1-6 ``#``, one space, text
  without ``#``, brackets or inline markup), and a list item whose text does
  not start with a letter, ``[``, ``!``, ``(`` or a quote;
- a ``[`` or ``]`` outside a well-formed ``[[...]]`` (Markdown links and
  reference definitions).

With those excluded, no line outside a backtick fence at the start of a line
is code, every ``#`` line is a heading, and each ``[[...]]`` outside fences is
a wiki link at its place in the page.
A property test compares both readers on generated pages.
"""

from __future__ import annotations

import re

from crucible_checks.docs.generated_section import MARKER_PREFIX
from crucible_checks.docs.records import WIKI, Heading, Link, PageRecord
from crucible_checks.docs.slugs import GithubSlugger
from crucible_checks.docs.wiki_parts import split_wiki_link

#: Characters that change how any line reads, code or not.
_UNSUPPORTED_ANYWHERE = re.compile(r"[\r\t\x00-\x08\x0b-\x1f\x7f]|[^\S \n]")
#: Characters outside code that may start a construct the line scan does not read.
_UNSUPPORTED_TEXT = re.compile(r"[`~<>&\\^]")
_OPENING_FENCE = re.compile(r"(`{3,})[^`]*\Z")
_CLOSING_FENCE = re.compile(r" {0,3}(`{3,}) *\Z")
_HEADING = re.compile(r"(#{1,6}) ([^#\[\]<`*_\\&~!{}]*)\Z")
_LIST_ITEM = re.compile(r"(?:[-*+]|[0-9]{1,9}[.)]) ")
_LIST_TEXT_START = re.compile(r"[^\W\d_]|[\[!(\"']")
_MARKER_LINE = re.compile(r"[-*_=+ ]*\Z|[0-9]{1,9}[.)] *\Z")
_DELIMITER_ROW = re.compile(r"[-|: ]*-[-|: ]*\Z")
_WIKI_LINK = re.compile(r"!?\[\[([^\[\]\n]+)\]\]")
_BRACKET = re.compile(r"[\[\]]")


def read_plain_page(text: str, alias_first: bool = False) -> PageRecord | None:
    """Return the record of a plain page, or None when markdown-it must read it."""
    scanned = scan_plain_page(text)
    if scanned is None:
        return None
    prose, headings = scanned
    slugger = GithubSlugger()
    anchored = [
        Heading(level, content, slugger.slug(content), line)
        for level, content, line in headings
    ]
    title = next((heading.text for heading in anchored if heading.level == 1), None)
    return PageRecord(
        title=title,
        headings=tuple(anchored),
        anchors=frozenset(heading.anchor for heading in anchored),
        block_ids=frozenset(),
        links=tuple(_wiki_links(prose, alias_first)),
    )


def scan_plain_page(text: str) -> tuple[str, list[tuple[int, str, int]]] | None:
    """Return the page with its code blocks blanked and ``(level, text, line)``
    of each heading, or None when the page is not plain."""
    if (
        text.startswith("\ufeff")
        or MARKER_PREFIX in text
        or _UNSUPPORTED_ANYWHERE.search(text)
    ):
        return None
    prose = _blank_fences(text) if "```" in text else text
    if prose is None or _UNSUPPORTED_TEXT.search(prose):
        return None
    headings = _headings(prose.split("\n"))
    if headings is None or _BRACKET.search(_WIKI_LINK.sub("", prose)):
        return None
    return prose, headings


def _blank_fences(text: str) -> str | None:
    """Return the text with each backtick-fenced code block, fences included,
    turned into lines of spaces, so offsets stay. Return None for a line that
    starts like a fence but is not one.

    A fence that starts a line is a top-level block: it ends a paragraph or a
    list, so blank lines in its place change nothing the records contain.
    """
    lines = text.split("\n")
    open_length = 0
    for index, line in enumerate(lines):
        if open_length:
            closing = _CLOSING_FENCE.match(line)
            if closing is not None and len(closing.group(1)) >= open_length:
                open_length = 0
        elif line.startswith("```"):
            opening = _OPENING_FENCE.match(line)
            if opening is None:
                return None
            open_length = len(opening.group(1))
        else:
            continue
        lines[index] = " " * len(line)
    return "\n".join(lines)


def _headings(lines: list[str]) -> list[tuple[int, str, int]] | None:
    """Return ``(level, text, line)`` of each heading, or None for a page the
    line scan cannot read."""
    headings = []
    for number, line in enumerate(lines, start=1):
        if not line or line[0].isalpha():
            continue  # Blank, or a paragraph line (checked first: most lines).
        if line[0] == "#":
            heading = _HEADING.match(line)
            content = "" if heading is None else heading.group(2).strip(" ")
            if heading is None or not content:
                return None
            headings.append((len(heading.group(1)), content, number))
        elif not _is_plain_line(line):
            return None
    return headings


def _is_plain_line(line: str) -> bool:
    """Return whether a line that is not a heading reads as plain text."""
    if line[0] == " ":
        return not line.strip(" ")
    if line[0] == "|" or _MARKER_LINE.match(line) or _DELIMITER_ROW.match(line):
        return False
    item = _LIST_ITEM.match(line)
    return item is None or _LIST_TEXT_START.match(line, item.end()) is not None


def _wiki_links(text: str, alias_first: bool) -> list[Link]:
    links = []
    line, line_start = 1, 0
    for match in _WIKI_LINK.finditer(text):
        start, end = match.span()
        line += text.count("\n", line_start, start)
        line_start = text.rfind("\n", 0, start) + 1
        parts = split_wiki_link(match.group(1), match.start(1), alias_first)
        links.append(
            Link(
                WIKI,
                parts.target,
                parts.fragment,
                parts.alias,
                text[start] == "!",
                line,
                start - line_start + 1,
                start,
                end,
                parts.target_start,
                parts.target_start + len(parts.target),
            )
        )
    return links
