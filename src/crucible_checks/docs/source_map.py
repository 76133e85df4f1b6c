"""Mapping positions in markdown-it's inline text back to the page's text.

markdown-it keeps only line ranges for blocks. An inline run's text is the
block's lines with their indentation and container markers (``>``, list
markers) removed, and a table cell's ``\\|`` turned into ``|``. `InlineMap`
finds each of those lines in the page again to turn a position in the run into
an offset in the page.
"""

from __future__ import annotations

import bisect
import re

_NEWLINE = re.compile(r"\r\n?|\n")


class SourceText:
    """A page's text with its line starts; offsets include ``base`` (a BOM)."""

    def __init__(self, text: str, base: int = 0) -> None:
        self.text = text
        self.base = base
        self.line_starts = [0, *(match.end() for match in _NEWLINE.finditer(text))]

    def line(self, index: int) -> str:
        """Return line ``index`` (0-based) without its line ending."""
        if index >= len(self.line_starts):
            return ""
        start = self.line_starts[index]
        end = (
            self.line_starts[index + 1]
            if index + 1 < len(self.line_starts)
            else len(self.text)
        )
        return self.text[start:end].rstrip("\r\n")

    def line_column(self, offset: int) -> tuple[int, int]:
        """Return the 1-based line and column of an offset into ``text``."""
        index = bisect.bisect_right(self.line_starts, offset) - 1
        return index + 1, offset - self.line_starts[index] + 1

    def lines_text(self, first: int, end: int) -> tuple[int, str]:
        """Return the offset of line ``first`` and the text of lines first..end-1."""
        start = self.line_starts[min(first, len(self.line_starts) - 1)]
        stop = self.line_starts[end] if end < len(self.line_starts) else len(self.text)
        return start, self.text[start:stop]


class InlineMap:
    """Positions of one inline run (a paragraph, heading or cell) in the page."""

    def __init__(self, source: SourceText, first_line: int, content: str) -> None:
        self.content_starts: list[int] = []
        self.source_starts: list[int] = []
        self.shifts: list[list[int]] = []
        position = 0
        for number, piece in enumerate(content.split("\n")):
            line_index = first_line + number
            column, shifts = _locate(source.line(line_index), piece)
            line_start = source.line_starts[
                min(line_index, len(source.line_starts) - 1)
            ]
            self.content_starts.append(position)
            self.source_starts.append(line_start + column)
            self.shifts.append(shifts)
            position += len(piece) + 1

    def offset(self, position: int) -> int:
        """Return the page offset of a position in the run's text."""
        number = bisect.bisect_right(self.content_starts, position) - 1
        relative = position - self.content_starts[number]
        dropped = bisect.bisect_left(self.shifts[number], relative)
        return self.source_starts[number] + relative + dropped


def _locate(line: str, piece: str) -> tuple[int, list[int]]:
    """Return where ``piece`` starts in ``line`` and where a ``\\|`` lost its ``\\``."""
    if not piece:
        return len(line), []
    column = line.find(piece)
    if column >= 0:
        return column, []
    if "|" in piece:
        pattern = re.escape(piece).replace(r"\|", r"\\?\|")
        match = re.search(pattern, line)
        if match is not None:
            return match.start(), _dropped_backslashes(line[match.start() :], piece)
    # NOTE: markdown-it changed this line in a way not modelled here (such as a
    # tab expanded in a container); positions fall back to the line's end.
    return max(len(line) - len(piece), 0), []


def _dropped_backslashes(line: str, piece: str) -> list[int]:
    shifts = []
    source = 0
    for index, char in enumerate(piece):
        if char == "|" and line.startswith("\\|", source):
            shifts.append(index)
            source += 1
        source += 1
    return shifts
