"""The running text of a page: where prose is, how many words it has.

Prose is the text of paragraphs and table cells outside code spans, links,
embeds, images, inline HTML (comments included), autolinks, bare URLs,
entities and backslash escapes. Headings, code blocks, HTML blocks, front
matter and generated sections have none. The unlinked mention check looks for
page names in prose only; the stats count its words, plus the shown text of
links and the words of headings.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, NamedTuple

from markdown_it import MarkdownIt
from markdown_it.rules_inline import StateInline
from markdown_it.token import Token
from mdit_py_plugins.front_matter import front_matter_plugin

from crucible_checks.cache import content_hash
from crucible_checks.docs.generated_section import (
    BACKLINKS_SECTION,
    Section,
    find_section,
    generated_spans,
)
from crucible_checks.docs.markdown_rules import wiki_link_rule
from crucible_checks.docs.source_map import InlineMap, SourceText
from crucible_checks.docs.vault import Vault
from crucible_checks.files import SourceFile
from crucible_checks.parallel import map_parallel
from crucible_checks.project import Project

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
    "prose_of",
]

SHARED_KEY = "docs.prose"
CACHE_NAMESPACE = "docs-prose"
#: Raise when `PageProse` or the scan changes, so old cache entries are dropped.
PROSE_VERSION = 6


class Prose(NamedTuple):
    """A run of prose on one line: its page offset and 1-based line and column,
    its text, and whether it is in a table cell (where ``|`` must be escaped).

    Runs and source lines are named tuples because a 10k-page vault caches
    130k of them, which load about four times faster than dataclasses.
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
    lines = []
    for index, start in enumerate(source.line_starts):
        line = source.line(index)
        if "[" in line:
            lines.append(SourceLine(index + 1, start + source.base, line))
    return tuple(lines)


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
    excluded = [match.span() for match in URL.finditer(content)]
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


def prose_of(project: Project, vault: Vault) -> dict[str, PageProse]:
    """Return the prose of every readable page, built once per run."""
    return project.shared(SHARED_KEY, lambda: _read_all(project, vault))


def _read_all(project: Project, vault: Vault) -> dict[str, PageProse]:
    """Read each page's prose from the per-file cache, else scan it in parallel.

    NOTE: a cold scan reads each page a second time, because the link index
    keeps no prose. Plain pages are scanned by lines, the others parsed by
    markdown-it again. Warm runs read both from the cache.
    """
    from crucible_checks.docs.plain_prose import read_plain_prose  # Imports this.

    cache = project.cache(CACHE_NAMESPACE, PROSE_VERSION)
    found: dict[str, PageProse] = {}
    pending: list[tuple[SourceFile, str, str]] = []
    for file in project.files:
        if file.relative not in vault.pages:
            continue
        cached = cache.get(file)
        if cached is not None:
            found[file.relative] = cached
            continue
        data = project.read_bytes(file)
        text = None if data is None else project.decode(file, data)
        if data is None or text is None:
            continue
        digest = content_hash(data)
        cached = cache.get_by_hash(file, digest)
        if cached is None:
            # A plain page is scanned here; see `read_records` for why.
            cached = read_plain_prose(text)
            if cached is None:
                pending.append((file, digest, text))
                continue
            cache.put(file, digest, cached)
        found[file.relative] = cached
    scanned = map_parallel(read_prose, [text for _file, _digest, text in pending])
    for (file, digest, _text), prose in zip(pending, scanned, strict=True):
        cache.put(file, digest, prose)
        found[file.relative] = prose
    return found
