"""Moving a page and rewriting every wiki and Markdown link to it (`docs mv`)."""

from __future__ import annotations

import posixpath
import unicodedata
from collections import defaultdict
from dataclasses import dataclass

from crucible_checks.docs.records import WIKI
from crucible_checks.docs.renames import relative_target
from crucible_checks.docs.resolve import ATTACHMENT, EXTERNAL, OUTSIDE, PAGE
from crucible_checks.docs.vault import Vault
from crucible_checks.errors import UsageError
from crucible_checks.findings import Edit

#: Character sequences of the wiki link syntax, which a linked name cannot contain.
_WIKI_SYNTAX = ("#", "|", "[", "]]")


@dataclass(frozen=True)
class MovePlan:
    """The edits a move makes: per file, the links rewritten.

    ``unreadable`` lists the other pages that could not be read, so their
    links to the moved page, if any, are not among the edits.
    """

    old: str
    new: str
    edits: dict[str, list[Edit]]
    unreadable: tuple[str, ...] = ()

    @property
    def link_count(self) -> int:
        return sum(len(edits) for edits in self.edits.values())

    @property
    def file_count(self) -> int:
        return len([path for path, edits in self.edits.items() if edits])


def plan_move(vault: Vault, old: str, new: str) -> MovePlan:
    """Return the edits that moving page ``old`` to ``new`` needs (project paths)."""
    _validate(vault, old, new)
    edits: dict[str, list[Edit]] = defaultdict(list)
    new_name = _new_wiki_name(vault, old, new)
    for source in vault.pages:
        for link, resolution in vault.outgoing(source):
            if (
                resolution.status != PAGE
                or resolution.paths[0] != old
                or not link.target
            ):
                continue
            if link.kind == WIKI:
                replacement = _wiki_replacement(vault, new, new_name, link.target)
                _check_wiki_name(new, replacement)
            else:
                folder = posixpath.dirname(new if source == old else source)
                replacement = relative_target(folder, new, link.target)
            edits[source].append(
                Edit(source, link.target_start, link.target_end, replacement)
            )
    edits[old].extend(_own_relative_links(vault, old, new))
    unreadable = tuple(
        sorted(path for path, page in vault.pages.items() if not page.readable)
    )
    return MovePlan(old, new, dict(edits), unreadable)


def _validate(vault: Vault, old: str, new: str) -> None:
    if any(unicodedata.category(char) == "Cc" for char in new):
        raise UsageError(
            f"docs mv: {new!r} contains a line break or control character; "
            "choose a name without one"
        )
    if old not in vault.pages:
        raise UsageError(f"docs mv: {old} is not a page under the docs root")
    if not vault.pages[old].readable:
        raise UsageError(f"docs mv: {old} cannot be read; fix it first")
    if new in vault.files:
        raise UsageError(f"docs mv: {new} already exists")
    if not new.lower().endswith(".md"):
        raise UsageError(f"docs mv: {new} must end with .md")
    if vault.settings.docs_path(new) is None or new.startswith("../"):
        raise UsageError(f"docs mv: {new} is outside the docs root")


def _check_wiki_name(new: str, name: str) -> None:
    """Raise `UsageError` if a wiki link cannot spell ``name``: ``#`` starts
    a heading, ``|`` the shown text, and ``[`` or ``]]`` end the link."""
    for part in _WIKI_SYNTAX:
        if part in name:
            raise UsageError(
                f"docs mv: wiki links cannot name {new}, because {part!r} in a "
                "wiki link is syntax; choose a name without # | [ or ]]"
            )


def _new_wiki_name(vault: Vault, old: str, new: str) -> str:
    """Return the bare name of the moved page, or its path if another page has it."""
    docs_path = vault.settings.docs_path(new) or new
    stem = _without_md(docs_path.rsplit("/", 1)[-1])
    others = [
        path for path in vault.names.lookup(vault.names.normalise(stem)) if path != old
    ]
    return _without_md(docs_path) if others else stem


def _wiki_replacement(vault: Vault, new: str, new_name: str, old_target: str) -> str:
    name = new_name
    if "/" in old_target:
        name = _without_md(vault.settings.docs_path(new) or new)
    if old_target.lower().endswith(".md"):
        name += ".md"
    return name


def _own_relative_links(vault: Vault, old: str, new: str) -> list[Edit]:
    """Return edits of the moved page's relative Markdown links to other files."""
    if posixpath.dirname(old) == posixpath.dirname(new):
        return []
    edits = []
    for link, resolution in vault.outgoing(old):
        if link.kind == WIKI or not link.target:
            continue
        if resolution.status in (EXTERNAL, OUTSIDE) or resolution.paths[:1] == (old,):
            continue
        if resolution.status in (PAGE, ATTACHMENT):
            target = resolution.paths[0]
            replacement = relative_target(posixpath.dirname(new), target, link.target)
            edits.append(Edit(old, link.target_start, link.target_end, replacement))
    # NOTE: wiki links written relative to the page (./x, ../x) are not rewritten.
    return edits


def _without_md(name: str) -> str:
    return name[:-3] if name.lower().endswith(".md") else name
