"""Unlinked mentions: prose that names another page but does not link to it.

A page's names are its title (first H1, else file name) and its front matter
aliases. A mention is a whole-word, case-insensitive occurrence of a name in
another page's prose (see `crucible_checks.docs.prose` for what prose is).
Names shorter than ``min-length`` characters, and names that several pages
share, are never looked for.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, NamedTuple

from crucible_checks.checks import OptionValue
from crucible_checks.docs.resolve import PAGE
from crucible_checks.docs.rules import DEFAULT_MIN_LENGTH, UNLINKED_MENTION
from crucible_checks.docs.vault import Vault
from crucible_checks.findings import Edit, Finding, Fix
from crucible_checks.project import Project

if TYPE_CHECKING:
    from crucible_checks.docs.link_graph import LinkGraph
    from crucible_checks.docs.prose import Prose

_FIRST_WORD = re.compile(r"[^\W_]+")
_UNSAFE_IN_LINK = re.compile(r"[\[\]|#^]")


class Name(NamedTuple):
    """A name of a page: as written, case-folded, and the page's path."""

    text: str
    folded: str
    page: str


@dataclass(frozen=True)
class Mention:
    """The first unlinked mention of one page in another page's prose."""

    source: str
    offset: int
    line: int
    column: int
    text: str
    name: Name
    in_table: bool


class NameIndex:
    """Names by their case-folded first word, so a scan costs one lookup a word."""

    def __init__(self, names: Iterable[Name]) -> None:
        self.by_first_word: dict[str, list[Name]] = defaultdict(list)
        for name in names:
            first = _FIRST_WORD.match(name.folded)
            if first is not None:
                self.by_first_word[first.group(0)].append(name)
        for candidates in self.by_first_word.values():
            # Longest first: a reversed sort keeps names of one length in order.
            candidates.sort(key=_folded_length, reverse=True)

    def __len__(self) -> int:
        return sum(len(names) for names in self.by_first_word.values())

    def may_match(self, words: str) -> bool:
        """Return whether one of ``words``, as `folded_words` returns them,
        is the first word of a name.

        Without one, `matches` finds nothing in the text the words come from,
        so the caller can skip it without scanning it word by word.
        """
        return not self.by_first_word.keys().isdisjoint(words.split("\n"))

    def matches(self, text: str) -> Iterator[tuple[int, str, Name]]:
        """Yield ``(position, matched text, name)`` for whole-word name matches."""
        for word in _FIRST_WORD.finditer(text):
            start = word.start()
            if start > 0 and _is_word_char(text[start - 1]):
                continue
            for name in self.by_first_word.get(word.group(0).casefold(), ()):
                end = start + len(name.text)
                if text[start:end].casefold() != name.folded:
                    continue
                if end < len(text) and _is_word_char(text[end]):
                    continue
                yield start, text[start:end], name
                break


def _folded_length(name: Name) -> int:
    return len(name.folded)


def _is_word_char(char: str) -> bool:
    return char.isalnum()


def folded_words(text: str) -> str:
    """Return the distinct words of ``text`` as `NameIndex.matches` looks
    them up, case-folded, sorted and joined by newlines."""
    return "\n".join(sorted(set(map(str.casefold, _FIRST_WORD.findall(text)))))


def build_names(
    graph: LinkGraph, min_length: int = DEFAULT_MIN_LENGTH, ignored: Iterable[str] = ()
) -> NameIndex:
    """Return the names of every page, leaving out short, ignored and shared ones."""
    skip = {name.casefold() for name in ignored}
    # The first page and spelling of each name, and the names of several pages.
    first: dict[str, tuple[str, str]] = {}
    shared: set[str] = set()
    for path, page in graph.pages.items():
        for text in (page.title, *page.aliases):
            text = text.strip()
            folded = text.casefold()
            if len(text) < min_length or folded in skip or len(folded) != len(text):
                continue
            if not _is_word_char(text[0]):
                continue
            owner = first.setdefault(folded, (path, text))[0]
            if owner != path:
                shared.add(folded)
    return NameIndex(
        Name(text, folded, path)
        for folded, (path, text) in first.items()
        if folded not in shared
    )


def link_target(vault: Vault, path: str, name: str, written_in: str = "") -> str:
    """Return the name to write in a wiki link so it reaches the page ``path``.

    The name itself when it resolves to the page from the page ``written_in``
    (by default ``path``), else the file name, else the path from the docs root.
    """
    page = vault.pages[path]
    for candidate in (name, page.name, _without_md(page.docs_path)):
        if _UNSAFE_IN_LINK.search(candidate):
            continue
        resolution = vault.resolve_name(candidate, written_in or path)
        if resolution.status == PAGE and resolution.paths[0] == path:
            return candidate
    return _without_md(page.docs_path)


def _without_md(path: str) -> str:
    return path[:-3] if path.lower().endswith(".md") else path


def find_mentions(
    graph: LinkGraph, source: str, runs: Iterable[Prose], names: NameIndex
) -> list[Mention]:
    """Return the first unlinked mention of each page named in the prose
    ``runs`` of the page ``source``.

    Pages that ``source`` already links to, and ``source`` itself, are skipped.
    """
    linked = graph.linked(source)
    linked.add(source)
    found: dict[str, Mention] = {}
    for run in runs:
        for position, text, name in names.matches(run.text):
            if name.page in linked or name.page in found:
                continue
            found[name.page] = Mention(
                source,
                run.offset + position,
                run.line,
                run.column + position,
                text,
                name,
                run.in_table,
            )
    return sorted(found.values(), key=lambda mention: mention.offset)


def link_text(mention: Mention, target: str, alias_first: bool = False) -> str:
    """Return the wiki link to ``target`` that replaces a mention, its original
    text shown."""
    if mention.text == target:
        return f"[[{target}]]"
    divider = "\\|" if mention.in_table else "|"
    if alias_first:
        return f"[[{mention.text}{divider}{target}]]"
    return f"[[{target}{divider}{mention.text}]]"


def unlinked_mentions(
    project: Project, graph: LinkGraph, options: Mapping[str, OptionValue]
) -> Iterator[Mention]:
    """Yield the first unlinked mention of each page, page by page in path order."""
    min_length = options.get("min-length", DEFAULT_MIN_LENGTH)
    ignored = options.get("ignore-names", [])
    names = build_names(
        graph,
        min_length if isinstance(min_length, int) else DEFAULT_MIN_LENGTH,
        ignored if isinstance(ignored, list) else [],
    )
    # Imported here: the prose scan loads only when the check runs.
    from crucible_checks.docs.prose_facts import prose_facts_of

    facts = prose_facts_of(project, graph)
    for source in sorted(graph.pages):
        page = facts.get(source)
        if page is not None and names.may_match(page.folded_words):
            yield from find_mentions(graph, source, page.runs(), names)


class UnlinkedMention:
    """Prose that names a page without linking to it."""

    info = UNLINKED_MENTION

    def run(
        self, project: Project, options: Mapping[str, OptionValue]
    ) -> Iterable[Finding]:
        # Imported here: the plugin imports this module at start-up.
        from crucible_checks.docs.link_graph import link_graph_of

        graph = link_graph_of(project)
        alias_first = graph.settings.alias_first
        for mention in unlinked_mentions(project, graph, options):
            if project.is_target(mention.source):
                name = mention.name
                target = link_target(graph.vault(), name.page, name.text)
                yield self._finding(mention, target, alias_first)

    def _finding(self, mention: Mention, target: str, alias_first: bool) -> Finding:
        page = mention.name.page
        replacement = link_text(mention, target, alias_first)
        edit = Edit(
            mention.source,
            mention.offset,
            mention.offset + len(mention.text),
            replacement,
        )
        return Finding(
            path=mention.source,
            line=mention.line,
            column=mention.column,
            code=self.info.code,
            message=(
                f'unlinked mention: "{mention.text}" names the page {page}; '
                f"link it as {replacement}"
            ),
            severity=self.info.severity,
            subject=page,
            fix=Fix(f"link the mention as {replacement}", (edit,)),
        )
