"""The running text of a page: where prose is, how many words it has.

Prose is the text of paragraphs and table cells outside code spans, links,
embeds, images, inline HTML (comments included), autolinks, bare URLs,
entities and backslash escapes. Headings, code blocks, HTML blocks, front
matter and generated sections have none. The unlinked mention check looks for
page names in prose only; the stats count its words, plus the shown text of
links and the words of headings.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Any, NamedTuple

from crucible_checks.docs.generated_section import (
    BACKLINKS_SECTION,
    Section,
    find_section,
    generated_spans,
)
from crucible_checks.docs.source_map import InlineMap, SourceText

if TYPE_CHECKING:
    from markdown_it import MarkdownIt
    from markdown_it.rules_inline import StateInline
    from markdown_it.token import Token

#: Inline rules whose text is not prose; a run without their trigger
#: characters is prose as a whole, and is not parsed inline.
_NOT_PROSE_RULES = (
    "wiki_link",
    "link",
    "image",
    "backticks",
    "html_inline",
    "autolink",
    "entity",
    "escape",
)
_NOT_PROSE_KEY = "crucible_not_prose"
_INLINE_TRIGGER = re.compile(r"[`\[<&\\]")
#: A URL in prose text, which is not prose.
URL = re.compile(r"(?:\b[a-zA-Z][a-zA-Z0-9+.-]*://|\bwww\.|\bmailto:)[^\s<>]*")
#: Every `URL` match contains one of these.
_URL_MARKERS = ("://", "www.", "mailto:")
WORD = re.compile(r"[^\W_]+(?:['\u2019-][^\W_]+)*")

__all__ = [
    "BACKLINKS_SECTION",
    "URL",
    "WORD",
    "PageProse",
    "Prose",
    "SourceLine",
    "gaps",
    "link_lines",
    "read_prose",
    "url_spans",
]


class Prose(NamedTuple):
    """A run of prose on one line: its page offset and 1-based line and column,
    its text, and whether it is in a table cell (where ``|`` must be escaped).
    """

    offset: int
    line: int
    column: int
    text: str
    in_table: bool = False


class SourceLine(NamedTuple):
    """A line of the page that contains a link: its number, offset and text."""

    number: int
    offset: int
    text: str


@dataclass(frozen=True)
class PageProse:
    """The facts the graph tools read from a page's text besides its links.

    ``words`` counts prose, link text and headings. ``link_lines`` are the
    lines with a ``[`` (where links are), which backlinks quote as context.
    ``backlinks`` is the page's backlinks section as written, if it has one.
    """

    words: int
    runs: tuple[Prose, ...]
    link_lines: tuple[SourceLine, ...] = ()
    backlinks: Section | None = None
    backlinks_text: str = ""


@lru_cache(maxsize=1)
def prose_parser() -> MarkdownIt:
    """Return a CommonMark parser whose non-prose inline rules record their spans."""
    # Imported here: a run that finds every page's prose in the cache, or
    # reads only plain pages, never loads markdown-it.
    from markdown_it import MarkdownIt
    from mdit_py_plugins.front_matter import front_matter_plugin

    from crucible_checks.docs.markdown_rules import wiki_link_rule

    md = MarkdownIt("commonmark", {"html": True}).enable("table")
    md.use(front_matter_plugin)
    md.inline.ruler.before("link", "wiki_link", wiki_link_rule)
    for rule in list(md.inline.ruler.__rules__):
        if rule.name in _NOT_PROSE_RULES:
            md.inline.ruler.at(rule.name, _recording(rule.fn))
    md.core.ruler.disable("inline")
    return md


def _recording(rule: Any) -> Any:
    def recorded(state: StateInline, silent: bool) -> bool:
        start = state.pos
        if not rule(state, silent):
            return False
        if not silent:
            state.env.setdefault(_NOT_PROSE_KEY, []).append((start, state.pos))
        return True

    return recorded


def read_prose(text: str) -> PageProse:
    """Return the prose runs and word count of a page; never raises on any text."""
    base = 1 if text.startswith("\ufeff") else 0
    source = SourceText(text[base:], base)
    generated = generated_spans(text)
    words = 0
    runs: list[Prose] = []
    context = {"heading": False, "table": False}
    for token in prose_parser().parse(source.text, {}):
        _track(context, token.type)
        if token.type != "inline" or token.map is None:
            continue
        line_offset = source.line_starts[token.map[0]] + base
        if any(start <= line_offset < end for start, end in generated):
            continue
        found, count = _scan_inline(token, source, context["table"])
        words += count
        if not context["heading"]:
            runs.extend(found)
    section = find_section(text, BACKLINKS_SECTION)
    section_text = ""
    if section is not None and section.end is not None:
        section_text = text[section.start : section.end]
    return PageProse(words, tuple(runs), link_lines(source), section, section_text)


def link_lines(source: SourceText) -> tuple[SourceLine, ...]:
    """Return the lines that contain a ``[``, found by searching for it."""
    text = source.text
    starts = source.line_starts
    lines = []
    position = text.find("[")
    while position >= 0:
        index = bisect.bisect_right(starts, position) - 1
        line = SourceLine(index + 1, starts[index] + source.base, source.line(index))
        lines.append(line)
        if index + 1 == len(starts):
            break
        position = text.find("[", starts[index + 1])
    return tuple(lines)


def url_spans(text: str) -> list[tuple[int, int]]:
    """Return the spans of the URLs in ``text``."""
    if not any(marker in text for marker in _URL_MARKERS):
        return []
    return [match.span() for match in URL.finditer(text)]


def _track(context: dict[str, bool], kind: str) -> None:
    if kind in ("heading_open", "heading_close"):
        context["heading"] = kind == "heading_open"
    elif kind in ("td_open", "th_open", "td_close", "th_close"):
        context["table"] = kind.endswith("_open")


def _scan_inline(
    token: Token, source: SourceText, in_table: bool
) -> tuple[list[Prose], int]:
    """Return the prose runs of one inline run and its word count."""
    assert token.map is not None
    content = token.content
    excluded = url_spans(content)
    link_words = 0
    if _INLINE_TRIGGER.search(content):
        md = prose_parser()
        env: dict[str, Any] = {}
        children: list[Token] = []
        md.inline.parse(content, md, env, children)
        excluded.extend(env.get(_NOT_PROSE_KEY, []))
        link_words = _link_words(children)
    positions = InlineMap(source, token.map[0], content)
    runs = []
    words = link_words
    for start, end in gaps(excluded, len(content)):
        words += len(WORD.findall(content, start, end))
        runs.extend(_runs_on_lines(content, start, end, positions, source, in_table))
    return runs, words


def _link_words(children: Sequence[Token]) -> int:
    """Count the words of link text: wiki link shown text and Markdown link text.

    Embeds show the embedded page or file, not their name, so they add none.
    """
    words = 0
    depth = 0
    autolink = False
    for child in children:
        if child.type == "link_open":
            depth += 1
            autolink = child.markup == "autolink"
        elif child.type == "link_close":
            depth -= 1
            autolink = False
        elif child.type == "text" and depth > 0 and not autolink:
            words += len(WORD.findall(URL.sub(" ", child.content)))
        elif child.type == "wiki_link" and not child.meta["embed"]:
            target, _, shown = child.content.partition("|")
            words += len(WORD.findall(shown or target.partition("#")[0]))
    return words


def gaps(spans: list[tuple[int, int]], length: int) -> list[tuple[int, int]]:
    """Return the parts of ``0..length`` that no span covers."""
    uncovered = []
    position = 0
    for start, end in sorted(spans):
        if start > position:
            uncovered.append((position, start))
        position = max(position, end)
    if position < length:
        uncovered.append((position, length))
    return uncovered


def _runs_on_lines(
    content: str,
    start: int,
    end: int,
    positions: InlineMap,
    source: SourceText,
    in_table: bool,
) -> list[Prose]:
    """Split ``content[start:end]`` at newlines and locate each piece in the page.

    A piece that markdown-it changed (a tab expanded in a container) is left
    out rather than given a wrong position.
    """
    runs = []
    piece_start = start
    for piece in content[start:end].split("\n"):
        if piece.strip():
            offset = positions.offset(piece_start)
            if source.text.startswith(piece, offset):
                line, column = source.line_column(offset)
                runs.append(Prose(offset + source.base, line, column, piece, in_table))
        piece_start += len(piece) + 1
    return runs
