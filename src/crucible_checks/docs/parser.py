"""Turning one page's text into a `PageRecord`.

Links are found the way markdown-it-py reads the page, so ``[[...]]`` inside
code spans, fenced or indented code, HTML comments and front matter is not a
link. Only inline runs that contain ``[`` or ``<`` (or heading markup) are
parsed inline, which is most of the cost saved on pages without links.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from markdown_it.token import Token

from crucible_checks.docs.front_matter import FrontMatter, read_front_matter
from crucible_checks.docs.generated_section import MARKER_PREFIX, generated_spans
from crucible_checks.docs.markdown_rules import DEFINITIONS_KEY, markdown_parser
from crucible_checks.docs.plain_pages import read_plain_page
from crucible_checks.docs.records import (
    DEFINITION,
    IMAGE,
    MARKDOWN,
    WIKI,
    Heading,
    Link,
    PageRecord,
)
from crucible_checks.docs.slugs import GithubSlugger
from crucible_checks.docs.source_map import InlineMap, SourceText
from crucible_checks.docs.wiki_parts import split_wiki_link

_INLINE_TRIGGER = re.compile(r"[\[<]")
_HEADING_MARKUP = re.compile(r"[\[<`*_\\&~!]")
_CUSTOM_ID = re.compile(r"[ \t]*\{#([^\s}]+)\}[ \t]*$")
_BLOCK_ID = re.compile(r"(?:^|\s)\^([A-Za-z0-9-]+)[ \t]*$")
_HTML_ANCHOR = re.compile(
    r"""\s(?:id|name)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>"'=]+))""", re.IGNORECASE
)
_DEFINITION = re.compile(
    r"[ \t>]*\[(?:\\.|[^\\\]])+\]:[ \t]*(?:\r?\n[ \t>]*)?(<[^>\r\n]*>|[^\s<]\S*)"
)


def parse_page(text: str, alias_first: bool = False) -> PageRecord:
    """Return the record of a page; never raises on any text.

    ``alias_first`` reads ``[[shown|Page]]`` instead of ``[[Page|shown]]``.
    A plain page is read by a line scan, which gives the same record about
    six times faster (`crucible_checks.docs.plain_pages`).
    """
    record = read_plain_page(text, alias_first)
    if record is None:
        record = parse_markdown_page(text, alias_first)
    return record


def parse_markdown_page(text: str, alias_first: bool = False) -> PageRecord:
    """Return the record of a page as markdown-it reads it."""
    base = 1 if text.startswith("\ufeff") else 0
    source = SourceText(text[base:], base)
    env: dict[str, Any] = {}
    tokens = markdown_parser().parse(source.text, env)
    builder = _PageBuilder(source, env, alias_first)
    builder.walk(tokens)
    builder.add_definitions(env.get(DEFINITIONS_KEY, []))
    builder.drop_links_in(generated_spans(text))
    builder.has_markers = MARKER_PREFIX in text
    return builder.record()


class _PageBuilder:
    """Collects headings, anchors and links while walking a page's tokens."""

    def __init__(self, source: SourceText, env: dict[str, Any], alias_first: bool):
        self.source = source
        self.env = env
        self.alias_first = alias_first
        self.slugger = GithubSlugger()
        self.title: str | None = None
        self.headings: list[Heading] = []
        self.anchors: set[str] = set()
        self.block_ids: set[str] = set()
        self.links: list[Link] = []
        self.front_matter = FrontMatter()
        #: 0-based page line of the front matter's first line of YAML.
        self.front_matter_line = 0
        self.has_markers = False

    def record(self) -> PageRecord:
        matter = self.front_matter
        line = column = 0
        if matter.error is not None:
            line = self.front_matter_line + matter.error_line + 1
            column = matter.error_column + 1
        return PageRecord(
            title=self.title,
            headings=tuple(self.headings),
            anchors=frozenset(self.anchors),
            block_ids=frozenset(self.block_ids),
            links=tuple(sorted(self.links, key=lambda link: link.start)),
            aliases=matter.aliases,
            slug=matter.slug,
            orphan=matter.orphan,
            front_matter_error=matter.error,
            has_markers=self.has_markers,
            front_matter_error_line=line,
            front_matter_error_column=column,
        )

    def drop_links_in(self, spans: Sequence[tuple[int, int]]) -> None:
        """Forget links inside generated sections (the backlinks list), which
        repeat other pages' links and so are not part of the link graph."""
        if spans:
            self.links = [
                link
                for link in self.links
                if not any(start <= link.start < end for start, end in spans)
            ]

    def walk(self, tokens: Sequence[Token]) -> None:
        heading_level = 0
        for token in tokens:
            kind = token.type
            if kind == "inline" and token.map is not None:
                if heading_level:
                    self.add_heading(heading_level, token)
                else:
                    self.add_inline(token)
                heading_level = 0
            elif kind == "heading_open":
                heading_level = int(token.tag[1:])
            elif kind == "html_block":
                self.add_html_anchors(token.content)
            elif kind == "front_matter" and token.map is not None:
                self.front_matter = read_front_matter(token.content)
                self.front_matter_line = token.map[0] + 1

    def add_heading(self, level: int, token: Token) -> None:
        assert token.map is not None
        content = token.content
        custom = _CUSTOM_ID.search(content)
        if custom is not None:
            self.anchors.add(custom.group(1))
            content = content[: custom.start()]
        if _HEADING_MARKUP.search(content):
            children = self._inline_children(token, content)
            text = _rendered_text(children)
        else:
            text = content
        anchor = self.slugger.slug(text)
        self.anchors.add(anchor)
        self.headings.append(Heading(level, text.strip(), anchor, token.map[0] + 1))
        if level == 1 and self.title is None:
            self.title = text.strip()

    def add_inline(self, token: Token) -> None:
        content = token.content
        block_id = _BLOCK_ID.search(content)
        if block_id is not None:
            self.block_ids.add(block_id.group(1))
        if _INLINE_TRIGGER.search(content):
            self._collect(token, self._inline_children(token, content))

    def _inline_children(self, token: Token, content: str) -> list[Token]:
        children: list[Token] = []
        md = markdown_parser()
        md.inline.parse(content, md, self.env, children)
        token.children = children
        return children

    def _collect(self, token: Token, children: Sequence[Token]) -> None:
        assert token.map is not None
        positions = InlineMap(self.source, token.map[0], token.content)
        for child in children:
            if child.type == "wiki_link":
                self.links.append(self._wiki_link(child, positions))
            elif child.type in ("link_open", "image"):
                link = self._markdown_link(child, positions)
                if link is not None:
                    self.links.append(link)
            elif child.type == "html_inline":
                self.add_html_anchors(child.content)

    def _wiki_link(self, token: Token, positions: InlineMap) -> Link:
        embed = bool(token.meta["embed"])
        inner_start = token.meta["start"] + (3 if embed else 2)
        parts = split_wiki_link(token.content, inner_start, self.alias_first)
        return self._link(
            WIKI,
            parts.target,
            parts.fragment,
            parts.alias,
            embed,
            (token.meta["start"], token.meta["end"]),
            (parts.target_start, parts.target_start + len(parts.target)),
            positions,
        )

    def _markdown_link(self, token: Token, positions: InlineMap) -> Link | None:
        destination = token.meta.get("destination")
        if destination is None:
            return None  # A reference link: its definition is checked instead.
        raw, start, _end = destination
        target, has_fragment, fragment = raw.partition("#")
        return self._link(
            IMAGE if token.type == "image" else MARKDOWN,
            target,
            fragment if has_fragment else None,
            None,
            token.type == "image",
            (token.meta["start"], token.meta["end"]),
            (start, start + len(target)),
            positions,
        )

    def _link(
        self,
        kind: str,
        target: str,
        fragment: str | None,
        alias: str | None,
        embed: bool,
        span: tuple[int, int],
        target_span: tuple[int, int],
        positions: InlineMap,
    ) -> Link:
        start = positions.offset(span[0])
        line, column = self.source.line_column(start)
        base = self.source.base
        return Link(
            kind,
            target,
            fragment,
            alias,
            embed,
            line,
            column,
            start + base,
            positions.offset(span[1]) + base,
            positions.offset(target_span[0]) + base,
            positions.offset(target_span[1]) + base,
        )

    def add_html_anchors(self, html: str) -> None:
        if html.lstrip().startswith("<!--"):
            return
        for match in _HTML_ANCHOR.finditer(html):
            self.anchors.add(
                next(group for group in match.groups() if group is not None)
            )

    def add_definitions(self, spans: Sequence[tuple[int, int]]) -> None:
        for first, end in spans:
            offset, text = self.source.lines_text(first, end)
            match = _DEFINITION.match(text)
            if match is None:
                continue
            start, stop = match.span(1)
            raw = match.group(1)
            if raw.startswith("<"):
                raw, start, stop = raw[1:-1], start + 1, stop - 1
            self.links.append(self._definition(raw, offset + start, offset))

    def _definition(self, raw: str, start: int, line_offset: int) -> Link:
        target, has_fragment, fragment = raw.partition("#")
        line, column = self.source.line_column(line_offset)
        base = self.source.base
        return Link(
            DEFINITION,
            target,
            fragment if has_fragment else None,
            None,
            False,
            line,
            column,
            line_offset + base,
            start + len(raw) + base,
            start + base,
            start + len(target) + base,
        )


def _rendered_text(children: Sequence[Token]) -> str:
    parts = []
    for child in children:
        if child.type in ("text", "code_inline", "wiki_link"):
            parts.append(child.content)
        elif child.type in ("softbreak", "hardbreak"):
            parts.append(" ")
    return "".join(parts)
