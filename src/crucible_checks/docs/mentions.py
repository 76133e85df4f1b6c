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
from typing import TYPE_CHECKING

from crucible_checks.checks import CheckInfo, Option, OptionValue, Scope
from crucible_checks.docs.resolve import PAGE
from crucible_checks.docs.settings import FAMILY
from crucible_checks.docs.vault import Page, Vault, vault_of
from crucible_checks.findings import Edit, Finding, Fix, Severity
from crucible_checks.project import Project

if TYPE_CHECKING:
    from crucible_checks.docs.prose import Prose

_FIRST_WORD = re.compile(r"[^\W_]+")
_UNSAFE_IN_LINK = re.compile(r"[\[\]|#^]")
DEFAULT_MIN_LENGTH = 4


@dataclass(frozen=True)
class Name:
    """A name of a page: as written, case-folded, and the page's path."""

    text: str
    folded: str
    page: str


@dataclass(frozen=True)
class Mention:
    """The first unlinked mention of one page in another page's prose, and
    the wiki link target that reaches that page."""

    source: str
    offset: int
    line: int
    column: int
    text: str
    name: Name
    in_table: bool
    target: str


class NameIndex:
    """Names by their case-folded first word, so a scan costs one lookup a word."""

    def __init__(self, names: Iterable[Name]) -> None:
        self.by_first_word: dict[str, list[Name]] = defaultdict(list)
        for name in names:
            first = _FIRST_WORD.match(name.folded)
            if first is not None:
                self.by_first_word[first.group(0)].append(name)
        for candidates in self.by_first_word.values():
            candidates.sort(key=lambda name: -len(name.folded))

    def __len__(self) -> int:
        return sum(len(names) for names in self.by_first_word.values())

    def may_match(self, prose: str) -> bool:
        """Return whether a word of ``prose`` is the first word of a name.

        Without one, `matches` finds nothing in the text, so the caller can
        skip the page without scanning its runs one by one.
        """
        words = map(str.casefold, _FIRST_WORD.findall(prose))
        return not self.by_first_word.keys().isdisjoint(words)

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


def _is_word_char(char: str) -> bool:
    return char.isalnum()


def build_names(
    vault: Vault, min_length: int = DEFAULT_MIN_LENGTH, ignored: Iterable[str] = ()
) -> NameIndex:
    """Return the names of every page, leaving out short, ignored and shared ones."""
    skip = {name.casefold() for name in ignored}
    owners: dict[str, set[str]] = defaultdict(set)
    first_spelling: dict[tuple[str, str], str] = {}
    for path, page in vault.pages.items():
        for text in (page.title, *page.record.aliases):
            text = text.strip()
            folded = text.casefold()
            if len(text) < min_length or folded in skip or len(folded) != len(text):
                continue
            if not _is_word_char(text[0]):
                continue
            owners[folded].add(path)
            first_spelling.setdefault((folded, path), text)
    names = []
    for folded, paths in owners.items():
        if len(paths) == 1:
            (path,) = paths
            names.append(Name(first_spelling[folded, path], folded, path))
    return NameIndex(names)


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
    vault: Vault, source: str, runs: Iterable[Prose], names: NameIndex
) -> list[Mention]:
    """Return the first unlinked mention of each page named in the prose
    ``runs`` of the page ``source``.

    Pages that ``source`` already links to, and ``source`` itself, are skipped.
    """
    linked = {
        resolution.paths[0]
        for _link, resolution in vault.outgoing(source)
        if resolution.status == PAGE
    }
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
                link_target(vault, name.page, name.text),
            )
    return sorted(found.values(), key=lambda mention: mention.offset)


def link_text(mention: Mention, alias_first: bool = False) -> str:
    """Return the wiki link that replaces a mention, its original text shown."""
    target = mention.target
    if mention.text == target:
        return f"[[{target}]]"
    divider = "\\|" if mention.in_table else "|"
    if alias_first:
        return f"[[{mention.text}{divider}{target}]]"
    return f"[[{target}{divider}{mention.text}]]"


UNLINKED_MENTION = CheckInfo(
    code="DOC102",
    name="unlinked-mention",
    family=FAMILY,
    summary="Prose names another page without linking to it.",
    explanation=(
        "A page's title (first H1, else its file name) or one of its front matter "
        "`aliases`, written as whole words in another page's prose (any case), is "
        "a potential wiki link. Code, links, URLs, headings, HTML comments, front "
        "matter and generated sections are not prose. Only the first mention of "
        "each page is reported, and none of a page already linked. Names shorter "
        "than `min-length` and names of several pages are skipped. `run --fix` "
        "turns the reported mention into a wiki link that shows the original text."
    ),
    bad_example="Follow the setup guide first.",
    good_example="Follow the [[setup|setup guide]] first.",
    options=(
        Option(
            "min-length",
            int,
            DEFAULT_MIN_LENGTH,
            "shortest page name, in characters, that counts as a mention",
        ),
        Option(
            "ignore-names",
            list,
            [],
            "page names (any case) that are common words here and never a mention",
        ),
    ),
    default_enabled=False,
    severity=Severity.WARNING,
    scope=Scope.PROJECT,
)


def unlinked_mentions(
    project: Project, vault: Vault, options: Mapping[str, OptionValue]
) -> Iterator[Mention]:
    """Yield the first unlinked mention of each page, page by page in path order."""
    min_length = options.get("min-length", DEFAULT_MIN_LENGTH)
    ignored = options.get("ignore-names", [])
    names = build_names(
        vault,
        min_length if isinstance(min_length, int) else DEFAULT_MIN_LENGTH,
        ignored if isinstance(ignored, list) else [],
    )
    # Imported here: the prose scan loads only when the check runs.
    from crucible_checks.docs.prose_facts import prose_facts_of

    facts = prose_facts_of(project, vault)
    for source in sorted(vault.pages):
        page = facts.get(source)
        if page is not None and names.may_match(page.prose):
            yield from find_mentions(vault, source, page.runs(), names)


class UnlinkedMention:
    """Prose that names a page without linking to it."""

    info = UNLINKED_MENTION

    def run(
        self, project: Project, options: Mapping[str, OptionValue]
    ) -> Iterable[Finding]:
        vault = vault_of(project)
        alias_first = vault.settings.alias_first
        for mention in unlinked_mentions(project, vault, options):
            if project.is_target(mention.source):
                page = vault.pages[mention.name.page]
                yield self._finding(page, mention, alias_first)

    def _finding(self, page: Page, mention: Mention, alias_first: bool) -> Finding:
        replacement = link_text(mention, alias_first)
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
                f'unlinked mention: "{mention.text}" names the page {page.path}; '
                f"link it as {replacement}"
            ),
            severity=self.info.severity,
            subject=page.path,
            fix=Fix(f"link the mention as {replacement}", (edit,)),
        )
