"""Generated sections of a page: text between begin and end HTML comments.

A generated section, such as the backlinks list, is rewritten by a command;
the rest of the page is never touched. Links inside a generated section are
not part of the link graph, so the docs parser skips them (`generated_spans`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# A marker is alone on its line, indented less than a code block; "\r" alone
# also ends a line.
_MARKER = re.compile(
    r"(?<![^\r\n]) {0,3}<!--[ \t]*crucible-checks:([a-z-]+):(begin|end)[ \t]*-->"
    r"[ \t]*(?=[\r\n]|\Z)"
)
_FENCE = re.compile(r"(?<![^\r\n]) {0,3}(`{3,}|~{3,})[^\r\n]*", re.MULTILINE)
_NEWLINE = re.compile(r"\r\n|\r|\n")
#: Text that every section marker contains; a page without it has no section.
MARKER_PREFIX = "crucible-checks:"
#: The name in the markers of the generated backlinks section.
BACKLINKS_SECTION = "backlinks"


def begin_marker(name: str) -> str:
    return f"<!-- crucible-checks:{name}:begin -->"


def end_marker(name: str) -> str:
    return f"<!-- crucible-checks:{name}:end -->"


@dataclass(frozen=True)
class Section:
    """The extent of a generated section in a page's text.

    It runs from the ``start`` of its begin marker to the ``end`` of its end
    marker. ``end`` is None when the end marker is missing.
    """

    name: str
    start: int
    end: int | None
    line: int

    @property
    def complete(self) -> bool:
        return self.end is not None


def find_sections(text: str) -> list[Section]:
    """Return the generated sections of a page in order.

    Sections do not nest: a begin marker inside an open section, or an end
    marker of another name, is left as text.
    """
    sections = []
    open_name: str | None = None
    open_start = 0
    fenced = _fenced_spans(text)
    for match in _MARKER.finditer(text):
        if any(start <= match.start() < end for start, end in fenced):
            continue  # An example of a marker in a code block.
        name, edge = match.group(1), match.group(2)
        if open_name is None and edge == "begin":
            open_name, open_start = name, match.start()
        elif open_name == name and edge == "end":
            sections.append(_section(text, name, open_start, match.end()))
            open_name = None
    if open_name is not None:
        sections.append(_section(text, open_name, open_start, None))
    return sections


def _fenced_spans(text: str) -> list[tuple[int, int]]:
    """Return the spans of fenced code blocks: from an opening fence to the
    closing fence of the same character and at least its length, or the end."""
    spans = []
    opening: re.Match[str] | None = None
    for match in _FENCE.finditer(text):
        fence = match.group(1)
        if opening is None:
            opening = match
        elif (
            fence[0] == opening.group(1)[0]
            and len(fence) >= len(opening.group(1))
            and not match.group(0).strip().strip(fence[0])
        ):
            spans.append((opening.start(), match.end()))
            opening = None
    if opening is not None:
        spans.append((opening.start(), len(text)))
    return spans


def _section(text: str, name: str, start: int, end: int | None) -> Section:
    return Section(name, start, end, len(_NEWLINE.findall(text, 0, start)) + 1)


def generated_spans(text: str) -> list[tuple[int, int]]:
    """Return the offsets of every generated section.

    An unterminated section runs to the end of the page.
    """
    if MARKER_PREFIX not in text:
        return []
    return [
        (section.start, len(text) if section.end is None else section.end)
        for section in find_sections(text)
    ]


def find_section(text: str, name: str) -> Section | None:
    """Return the last section called ``name``, the one a command rewrites."""
    found = [section for section in find_sections(text) if section.name == name]
    return found[-1] if found else None


def newline_of(text: str) -> str:
    """Return the page's line ending: that of its first line, else ``\\n``."""
    match = _NEWLINE.search(text)
    return match.group(0) if match else "\n"


def render_section(name: str, body: list[str], newline: str) -> str:
    """Return a section with its markers; ``body`` lines come without line endings."""
    return newline.join([begin_marker(name), *body, end_marker(name)])


def splice_section(text: str, name: str, section: str | None) -> str:
    """Return ``text`` with its section ``name`` replaced by ``section``.

    Every character outside the old section stays as it was. A page without
    the section gets it appended after a blank line, unless ``section`` is
    None. An unterminated section raises ValueError: its extent is unknown.
    """
    current = find_section(text, name)
    if current is not None:
        if current.end is None:
            raise ValueError(
                f"line {current.line}: {begin_marker(name)} has no {end_marker(name)}"
            )
        if section is None:
            return text
        return text[: current.start] + section + text[current.end :]
    if section is None:
        return text
    newline = newline_of(text)
    if not text:
        return section + newline
    ending = "" if text.endswith(("\n", "\r")) else newline
    return text + ending + newline + section + newline
