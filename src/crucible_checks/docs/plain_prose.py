"""The prose of a plain page, found by a line scan instead of markdown-it.

A plain page (see `crucible_checks.docs.plain_pages`) has no construct that
hides text from the prose but wiki links and URLs, so its prose is the text of
its paragraphs and list items with those cut out. What the scan must still
follow is where each paragraph starts and ends, because markdown-it strips
the spaces at the end of a paragraph and a list marker is not prose:

- a blank line, a heading or a fenced code block ends a paragraph;
- a bullet item starts a new one, and so does an ordered item, unless it
  follows a line of a paragraph outside a list and does not start at 1: it
  then continues that paragraph, marker and all. After a list item's line
  any unindented item ends the item, since its indent is below the item's.

A property test compares the scan with `crucible_checks.docs.prose.read_prose`.
"""

from __future__ import annotations

import re

from crucible_checks.docs.plain_pages import scan_plain_page
from crucible_checks.docs.prose import (
    WORD,
    PageProse,
    Prose,
    gaps,
    link_lines,
    url_spans,
)
from crucible_checks.docs.source_map import SourceText

_BULLET = re.compile(r"[-*+] ")
_ORDERED = re.compile(r"([0-9]{1,9})[.)] ")
_WIKI_LINK = re.compile(r"(!?)\[\[([^\[\]\n]+)\]\]")

#: A line of a paragraph: its number, the offset of its text in the page and
#: in the line (after a list marker), and the text.
_Line = tuple[int, int, int, str]


def read_plain_prose(text: str) -> PageProse | None:
    """Return the prose of a plain page, or None when markdown-it must read it."""
    found = plain_prose_runs(text)
    if found is None:
        return None
    words, runs = found
    return PageProse(words, runs, link_lines(SourceText(text)))


def plain_prose_runs(text: str) -> tuple[int, tuple[Prose, ...]] | None:
    """Return the word count and prose runs of a plain page, or None when
    markdown-it must read it: `read_plain_prose` without the link lines."""
    scanned = scan_plain_page(text)
    if scanned is None:
        return None
    prose, headings = scanned
    heading_lines = {line for _level, _text, line in headings}
    words = sum(_words_outside_urls(text) for _level, text, _line in headings)
    runs: list[Prose] = []
    for paragraph in _paragraphs(prose, heading_lines):
        for index, (number, offset, column, content) in enumerate(paragraph):
            if index == len(paragraph) - 1:
                content = content.rstrip(" ")
            words += _scan_line((number, offset, column, content), runs)
    return words, tuple(runs)


def _paragraphs(prose: str, heading_lines: set[int]) -> list[list[_Line]]:
    paragraphs: list[list[_Line]] = []
    current: list[_Line] = []
    in_item = False
    offset = 0
    for number, line in enumerate(prose.split("\n"), start=1):
        start = offset
        offset += len(line) + 1
        if not line.strip(" ") or number in heading_lines:
            current = []
            continue
        marker = _BULLET.match(line) or _ORDERED.match(line)
        starts_item = marker is not None and (
            not current or in_item or marker.re is _BULLET or int(marker.group(1)) == 1
        )
        if starts_item and marker is not None:
            end = marker.end()
            current = [(number, start + end, end, line[end:])]
            paragraphs.append(current)
            in_item = True
        elif current:
            current.append((number, start, 0, line))
        else:
            current = [(number, start, 0, line)]
            paragraphs.append(current)
            in_item = False
    return paragraphs


def _scan_line(line: _Line, runs: list[Prose]) -> int:
    """Add the prose runs of one line to ``runs`` and return its word count."""
    content = line[3]
    urls = url_spans(content)
    if urls:
        return _scan_line_with_urls(line, urls, runs)
    # Without URLs, the wiki links are all that is cut out, found in order.
    words = 0
    position = 0
    if "[[" in content:
        for link in _WIKI_LINK.finditer(content):
            start, end = link.span()
            words += _add_piece(line, position, start, runs) + _link_words(link)
            position = end
    return words + _add_piece(line, position, len(content), runs)


def _scan_line_with_urls(
    line: _Line, excluded: list[tuple[int, int]], runs: list[Prose]
) -> int:
    """`_scan_line` for a line with the URL spans ``excluded``, which wiki
    links may overlap."""
    content = line[3]
    words = 0
    for link in _WIKI_LINK.finditer(content):
        excluded.append(link.span())
        words += _link_words(link)
    for start, end in gaps(excluded, len(content)):
        words += _add_piece(line, start, end, runs)
    return words


def _add_piece(line: _Line, start: int, end: int, runs: list[Prose]) -> int:
    """Add ``content[start:end]`` of a line to ``runs`` unless it is blank,
    and return its word count."""
    number, offset, column, content = line
    piece = content[start:end]
    if piece.strip():
        runs.append(Prose(offset + start, number, column + start + 1, piece))
    return len(WORD.findall(piece))


def _link_words(link: re.Match[str]) -> int:
    """Return the word count of a wiki link's shown text, 0 for an embed."""
    if link.group(1):
        return 0
    target, _, shown = link.group(2).partition("|")
    return len(WORD.findall(shown or target.partition("#")[0]))


def _words_outside_urls(text: str) -> int:
    excluded = url_spans(text)
    return sum(
        len(WORD.findall(text, start, end)) for start, end in gaps(excluded, len(text))
    )
