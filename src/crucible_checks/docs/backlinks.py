"""Backlinks: for each page, the pages that link to it and the linking text.

They are written either as a generated section at the end of each page, or as
one JSON index for a site generator (the ``backlinks`` docs option). Links
inside generated sections are not part of the graph, so a backlinks section
never creates the backlinks of another page.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from crucible_checks.checks import OptionValue
from crucible_checks.docs.generated_section import (
    BACKLINKS_SECTION,
    MARKER_PREFIX,
    Section,
    find_section,
    find_sections,
    newline_of,
    render_section,
    splice_section,
)
from crucible_checks.docs.mentions import link_target
from crucible_checks.docs.records import DEFINITION
from crucible_checks.docs.rules import SECTION_MODE
from crucible_checks.docs.settings import option_label, project_path_setting
from crucible_checks.docs.vault import Vault
from crucible_checks.errors import ConfigError

if TYPE_CHECKING:
    from crucible_checks.docs.link_graph import IncomingLink, LinkGraph
    from crucible_checks.docs.section_facts import ContextFacts, SectionFacts

NO_BACKLINKS = "No other page links here."
MAX_CONTEXTS = 3
MAX_CONTEXT_LENGTH = 160


_WIKI = re.compile(r"!?\[\[([^\]\n]*)\]\]")
_MARKDOWN = re.compile(r"!?\[([^\]\n]*)\]\([^)\n]*\)")
_LEADING_MARKUP = re.compile(r"^[ \t>]*(?:[-*+]|\d+[.)]|#{1,6})?[ \t]+")
_REFERENCE = re.compile(r"\[([^\]\n]*)\](?:\[[^\]\n]*\])?")
_ESCAPED = re.compile(r"([\\\[\]<>])")


@dataclass(frozen=True)
class Backlink:
    """A page that links to another page, with the text around its links."""

    source: str
    title: str
    contexts: tuple[str, ...]


@dataclass(frozen=True)
class BacklinkSettings:
    """The backlinks options of the docs family."""

    mode: str = SECTION_MODE
    index_file: str = "backlinks.json"
    heading: str = "## Backlinks"

    @classmethod
    def of(cls, options: Mapping[str, OptionValue], root: Path) -> BacklinkSettings:
        """Read the options; raises `ConfigError` for an index file or heading
        that cannot be written safely."""
        return cls(
            mode=str(options.get("backlinks", SECTION_MODE)),
            index_file=_index_file(
                root, str(options.get("backlinks-file", "backlinks.json"))
            ),
            heading=_heading(str(options.get("backlinks-heading", "## Backlinks"))),
        )


def _index_file(root: Path, value: str) -> str:
    path = project_path_setting(root, "backlinks-file", value)
    where = option_label("backlinks-file", value)
    if not path or (root / path).is_dir():
        raise ConfigError(
            f"{where}: a folder; name a JSON file such as 'backlinks.json'"
        )
    if path.lower().endswith(".md"):
        raise ConfigError(
            f"{where}: a Markdown page would be overwritten; name a JSON file "
            "such as 'backlinks.json'"
        )
    return path


def _heading(value: str) -> str:
    """Return the heading; a line break in it would end the line and start
    another, so the section would not read back as written."""
    if "\n" in value or "\r" in value or len(value.splitlines()) > 1:
        raise ConfigError(
            f"{option_label('backlinks-heading', value)}: contains a line break; "
            "write the heading on one line"
        )
    return value


def collect_backlinks(
    graph: LinkGraph, contexts: Callable[[], Mapping[str, ContextFacts]]
) -> Mapping[str, list[Backlink]]:
    """Return, for each linked page, its backlinks sorted by title and path.

    A page's list is built when it is first read, so a run that needs the
    lists of a few pages does not build every page's, and ``contexts`` is
    called for the quoted lines only then. Whether a page has backlinks
    (``page in backlinks``) needs neither.
    """
    return _BacklinkIndex(graph, contexts)


class _BacklinkIndex(Mapping[str, list[Backlink]]):
    """The backlinks of each linked page, built on first access."""

    def __init__(
        self, graph: LinkGraph, contexts: Callable[[], Mapping[str, ContextFacts]]
    ) -> None:
        self._graph = graph
        self._read_contexts = contexts
        self._built: dict[str, list[Backlink]] = {}
        self._contexts: dict[str, dict[int, str]] = {}

    @cached_property
    def _links(self) -> dict[str, list[IncomingLink]]:
        return self._graph.backlinks()

    @cached_property
    def _linked(self) -> set[str]:
        return set().union(*self._graph.reached().values())

    @cached_property
    def _facts(self) -> Mapping[str, ContextFacts]:
        return self._read_contexts()

    def __getitem__(self, target: str) -> list[Backlink]:
        found = self._built.get(target)
        if found is None:
            found = self._built[target] = self._build(self._links[target])
        return found

    def __iter__(self) -> Iterator[str]:
        return iter(self._links)

    def __len__(self) -> int:
        return len(self._links)

    def __contains__(self, target: object) -> bool:
        return target in self._linked

    def _build(self, links: list[IncomingLink]) -> list[Backlink]:
        by_source: dict[str, list[tuple[str, int]]] = {}
        for source, kind, line in links:
            by_source.setdefault(source, []).append((kind, line))
        backlinks = [
            Backlink(
                source, self._graph.pages[source].title, self._quote(source, links)
            )
            for source, links in by_source.items()
        ]
        return sorted(backlinks, key=lambda item: (item.title.casefold(), item.source))

    def _quote(self, source: str, links: list[tuple[str, int]]) -> tuple[str, ...]:
        """Return the distinct contexts of the links, at most a few."""
        contexts = self._contexts.get(source)
        if contexts is None:
            facts = self._facts.get(source)
            contexts = self._contexts[source] = dict(facts.contexts if facts else ())
        found: list[str] = []
        for kind, line in links:
            if kind == DEFINITION:
                continue  # A definition line repeats the URL, not the linking text.
            context = contexts.get(line)
            if context is not None and context not in found:
                found.append(context)
        return tuple(found[:MAX_CONTEXTS])


def plain_context(line: str, alias_first: bool = False) -> str:
    """Return a line as plain text: links become their shown text, emphasis,
    code and table markup go, and what could still read as markup is escaped."""

    def wiki_text(match: re.Match[str]) -> str:
        inner = match.group(1).replace("\\|", "|")
        first, bar, second = inner.partition("|")
        if bar:
            return first if alias_first else second
        return first.partition("#")[0] or first

    text = _WIKI.sub(wiki_text, line) if "[[" in line else line
    # Each pattern needs the characters tested first, and most lines of a
    # wiki have none left once their wiki links are replaced.
    if "](" in text:
        text = _MARKDOWN.sub(r"\1", text)
    if "[" in text:
        text = _REFERENCE.sub(r"\1", text)
    text = _LEADING_MARKUP.sub("", text)
    text = text.replace("*", "").replace("`", "").strip().strip("|")
    text = " ".join(text.replace("|", ";").split())
    if len(text) > MAX_CONTEXT_LENGTH:
        text = text[: MAX_CONTEXT_LENGTH - 1].rstrip() + "\u2026"
    return _ESCAPED.sub(r"\\\1", text)


def render_backlinks(
    vault: Vault,
    page: str,
    backlinks: list[Backlink],
    settings: BacklinkSettings,
    newline: str,
) -> str:
    """Return the generated backlinks section of ``page``, markers included."""
    body = [settings.heading, ""]
    if not backlinks:
        body.append(NO_BACKLINKS)
    for backlink in backlinks:
        link = _wiki_link(vault, page, backlink)
        context = " \u2026 ".join(backlink.contexts)
        body.append(f"- {link}: {context}" if context else f"- {link}")
    return render_section(BACKLINKS_SECTION, body, newline)


def _wiki_link(vault: Vault, page: str, backlink: Backlink) -> str:
    target = link_target(vault, backlink.source, backlink.title, written_in=page)
    title = " ".join(backlink.title.split())
    if title == target or re.search(r"[\[\]|]", title):
        return f"[[{target}]]"
    if vault.settings.alias_first:
        return f"[[{title}|{target}]]"
    return f"[[{target}|{title}]]"


def updated_page(
    vault: Vault,
    page: str,
    text: str,
    backlinks: list[Backlink],
    settings: BacklinkSettings,
) -> str:
    """Return the page's text with its backlinks section written or rewritten.

    A page with no backlinks and no section is returned unchanged. Raises
    ValueError, with the fix in its message, for a section whose end marker is
    missing and for a page with several sections.
    """
    extra = earlier_sections(text)
    if extra:
        raise ValueError(duplicate_sections_message(extra))
    has_section = find_section(text, BACKLINKS_SECTION) is not None
    if not backlinks and not has_section:
        return text
    section = render_backlinks(vault, page, backlinks, settings, newline_of(text))
    try:
        return splice_section(text, BACKLINKS_SECTION, section)
    except ValueError as error:
        raise ValueError(f"{error}; add it, then run again") from error


@dataclass(frozen=True)
class ExtraSection:
    """A backlinks section before the page's last one, which commands never
    rewrite: its first line, and its offsets with the line ending after it."""

    line: int
    start: int
    end: int


def earlier_sections(text: str) -> tuple[ExtraSection, ...]:
    """Return every backlinks section of a page except the last."""
    if MARKER_PREFIX not in text:
        return ()
    found = [
        section for section in find_sections(text) if section.name == BACKLINKS_SECTION
    ]
    # Only the last section can lack its end marker: a begin marker inside an
    # open section is text.
    return tuple(
        ExtraSection(section.line, section.start, _after_line_end(text, section.end))
        for section in found[:-1]
        if section.end is not None
    )


def _after_line_end(text: str, offset: int) -> int:
    if text.startswith("\r\n", offset):
        return offset + 2
    return offset + 1 if text.startswith(("\n", "\r"), offset) else offset


def duplicate_sections_message(extra: tuple[ExtraSection, ...]) -> str:
    """Return what is wrong with a page that has ``extra`` sections, and the fix."""
    lines = ", ".join(str(section.line) for section in extra)
    where = f"the one at line {lines}" if len(extra) == 1 else f"those at lines {lines}"
    return (
        f"page has {len(extra) + 1} backlinks sections; keep the last, delete {where}"
    )


def json_index(graph: LinkGraph, backlinks: Mapping[str, list[Backlink]]) -> str:
    """Return the JSON index of every page's backlinks, pages in path order."""
    pages = {}
    for path, page in sorted(graph.pages.items()):
        pages[path] = {
            "title": page.title,
            "permalink": page.permalink,
            "backlinks": [
                {
                    "path": item.source,
                    "title": item.title,
                    "permalink": graph.pages[item.source].permalink,
                    "context": list(item.contexts),
                }
                for item in backlinks.get(path, [])
            ],
        }
    return json.dumps({"pages": pages}, indent=2, ensure_ascii=False) + "\n"


def changed_sections(
    graph: LinkGraph,
    facts: Mapping[str, SectionFacts],
    backlinks: Mapping[str, list[Backlink]],
    settings: BacklinkSettings,
) -> Iterable[tuple[str, Section, str]]:
    """Yield ``(page, section, expected section)`` for each stale backlinks section."""
    for path in sorted(facts):
        page = facts[path]
        section = page.backlinks_section()
        if section is None or path not in graph.pages:
            continue
        current = page.backlinks_text
        newline = newline_of(current) if current else "\n"
        expected = render_backlinks(
            graph.vault(), path, backlinks.get(path, []), settings, newline
        )
        if section.end is None or expected != current:
            yield path, section, expected
