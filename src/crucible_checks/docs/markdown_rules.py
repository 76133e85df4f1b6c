"""The markdown-it-py parser the docs checks read pages with.

markdown-it-py has no wiki-link rule, so `wiki_link_rule` adds one: it turns
``[[inner]]`` and ``![[inner]]`` on one line, with no ``[`` inside, into a
``wiki_link`` token whose meta contains the positions. The Markdown link, image and
reference rules are wrapped so their tokens also carry the positions of the
source they came from, which markdown-it does not keep for inline tokens.
Inline parsing is left to the caller (the core ``inline`` rule is off), which
parses only the inline runs that can contain something the checks need.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable, MutableMapping
from functools import lru_cache
from typing import Any

from markdown_it import MarkdownIt
from markdown_it.rules_block import StateBlock
from markdown_it.rules_inline import StateInline
from markdown_it.token import Token
from mdit_py_plugins.front_matter import front_matter_plugin

InlineRule = Callable[[StateInline, bool], bool]
BlockRule = Callable[[StateBlock, int, int, bool], bool]

_POSITIONS_KEY = "crucible_wiki_positions"
DEFINITIONS_KEY = "crucible_definitions"


@lru_cache(maxsize=1)
def markdown_parser() -> MarkdownIt:
    """Return the parser: CommonMark, HTML, tables, front matter and wiki links."""
    md = MarkdownIt("commonmark", {"html": True}).enable("table")
    md.use(front_matter_plugin)
    md.inline.ruler.at("link", _with_span(_rule(md, "link"), image=False))
    md.inline.ruler.at("image", _with_span(_rule(md, "image"), image=True))
    md.inline.ruler.before("link", "wiki_link", wiki_link_rule)
    md.block.ruler.at(
        "reference",
        _recording_definitions(_block_rule(md, "reference")),
        {"alt": ["paragraph", "reference"]},
    )
    md.core.ruler.disable("inline")
    return md


def wiki_link_rule(state: StateInline, silent: bool) -> bool:
    """Parse ``[[...]]`` or ``![[...]]`` at ``state.pos``; never crosses a line."""
    src = state.src
    pos = state.pos
    opening = pos + 1 if src.startswith("!", pos) else pos
    if not src.startswith("[[", opening):
        return False
    close = _positions(state).closing_after(opening + 2)
    if close < 0 or close >= state.posMax:
        return False
    if not silent:
        token = state.push("wiki_link", "", 0)
        token.meta = {"start": pos, "end": close + 2, "embed": opening > pos}
        token.content = src[opening + 2 : close]
    state.pos = close + 2
    return True


class _Positions:
    """Where ``]]``, ``[`` and newlines occur in one inline run, for O(log n) lookups.

    A rule that searched forward from every ``[`` would take quadratic time on a
    line of many brackets.
    """

    def __init__(self, src: str) -> None:
        self.src = src
        self.closings = [match.start() for match in re.finditer(r"\]\]", src)]
        self.openings = [match.start() for match in re.finditer(r"\[", src)]
        self.newlines = [match.start() for match in re.finditer(r"\n", src)]

    def closing_after(self, inner_start: int) -> int:
        """Return where the ``]]`` closing a link whose text starts here is, or -1."""
        index = bisect.bisect_left(self.closings, inner_start)
        if index == len(self.closings):
            return -1
        close = self.closings[index]
        if close == inner_start:
            return -1
        if _first_at_or_after(self.openings, inner_start) < close:
            return -1
        if _first_at_or_after(self.newlines, inner_start) < close:
            return -1
        return close


def _first_at_or_after(positions: list[int], start: int) -> int:
    index = bisect.bisect_left(positions, start)
    return positions[index] if index < len(positions) else 1 << 62


def _positions(state: StateInline) -> _Positions:
    env: MutableMapping[str, Any] = state.env
    cached = env.get(_POSITIONS_KEY)
    if not isinstance(cached, _Positions) or cached.src is not state.src:
        cached = _Positions(state.src)
        env[_POSITIONS_KEY] = cached
    return cached


def _rule(md: MarkdownIt, name: str) -> InlineRule:
    for rule in md.inline.ruler.__rules__:
        if rule.name == name:
            function: InlineRule = rule.fn
            return function
    raise LookupError(name)


def _block_rule(md: MarkdownIt, name: str) -> BlockRule:
    for rule in md.block.ruler.__rules__:
        if rule.name == name:
            function: BlockRule = rule.fn
            return function
    raise LookupError(name)


def _with_span(rule: InlineRule, image: bool) -> InlineRule:
    """Wrap a link or image rule so its opening token records where it came from.

    The meta gets ``start`` and ``end`` of the whole link and, for an inline
    link, ``destination``: the destination as written (backslash escapes
    removed, not percent-encoded) and its ``start`` and ``end``.
    """

    def spanned(state: StateInline, silent: bool) -> bool:
        start = state.pos
        count = len(state.tokens)
        if not rule(state, silent):
            return False
        opening = _first_of(state.tokens, count, ("link_open", "image"))
        if not silent and opening is not None:
            token = opening
            meta: dict[str, Any] = {"start": start, "end": state.pos}
            meta["destination"] = _inline_destination(state, start, image)
            token.meta = {**(token.meta or {}), **meta}
        return True

    return spanned


def _first_of(tokens: list[Token], start: int, types: tuple[str, ...]) -> Token | None:
    """Return the first token from ``start`` of one of ``types``; pending text
    that the rule flushed comes before it."""
    for token in tokens[start:]:
        if token.type in types:
            return token
    return None


def _inline_destination(
    state: StateInline, start: int, image: bool
) -> tuple[str, int, int] | None:
    """Return an inline link's destination and its span, None for a reference link."""
    label_start = start + 1 if image else start
    label_end = state.md.helpers.parseLinkLabel(state, label_start, not image)
    pos = label_end + 1
    src = state.src
    if label_end < 0 or pos >= len(src) or src[pos] != "(":
        return None
    pos += 1
    while pos < len(src) and src[pos] in " \t\n":
        pos += 1
    result = state.md.helpers.parseLinkDestination(src, pos, state.posMax)
    if not result.ok:
        return None
    if src.startswith("<", pos):
        return result.str, pos + 1, result.pos - 1
    return result.str, pos, result.pos


def _recording_definitions(rule: BlockRule) -> BlockRule:
    """Wrap the reference rule so the lines of each definition are recorded."""

    def recording(state: StateBlock, start: int, end: int, silent: bool) -> bool:
        if not rule(state, start, end, silent):
            return False
        if not silent:
            env: MutableMapping[str, Any] = state.env
            env.setdefault(DEFINITIONS_KEY, []).append((start, state.line))
        return True

    return recording
