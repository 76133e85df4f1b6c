"""What the parser stores about one page: the picklable per-page record.

A `PageRecord` is built from a page's text alone (no other file is looked at),
so it can be cached per file and built in worker processes. Every position is
both a 1-based line and column (characters) and a pair of offsets into the text
as read from disk (decoded as UTF-8, byte-order mark and newlines kept), the
offsets that `crucible_checks.findings.Edit` takes.

Public API for other docs modules:

- `Link`: one link as written. ``kind`` is ``"wiki"`` (``[[...]]`` and
  ``![[...]]``), ``"markdown"`` (``[text](dest)``), ``"image"``
  (``![alt](dest)``) or ``"definition"`` (``[label]: dest``). ``target`` is the
  page or destination part without the fragment; ``fragment`` is the part after
  ``#`` (None when there is no ``#``); ``alias`` is the shown text of a wiki
  link. ``target_start``/``target_end`` span the target in the text, which is
  what a rename rewrites.
- `Heading`: level, rendered text, its GitHub anchor (with duplicate suffix)
  and line.
- `PageRecord`: the page's title (first H1, else the file name), headings,
  ``anchors`` (heading anchors, ``{#custom-id}`` and HTML ``id``/``name``
  values), ``block_ids`` (``^id`` at the end of a block), links and the front
  matter fields the resolver reads (``aliases``, ``slug``, ``orphan``), or,
  when the front matter is invalid, none of them and ``front_matter_error``
  with its position. ``has_markers`` is whether the text contains
  ``crucible-checks:``, which every generated section marker does, so a vault
  without it has no section to check.
"""

from __future__ import annotations

from typing import Any, NamedTuple

WIKI = "wiki"
MARKDOWN = "markdown"
IMAGE = "image"
DEFINITION = "definition"


class Link(NamedTuple):
    """One link as written in a page, with its position."""

    kind: str
    target: str
    fragment: str | None
    alias: str | None
    embed: bool
    line: int
    column: int
    start: int
    end: int
    target_start: int
    target_end: int

    @property
    def is_wiki(self) -> bool:
        return self.kind == WIKI

    @property
    def text(self) -> str:
        """Return the link as the message quotes it: ``[[Page#Part]]`` or the URL."""
        fragment = "" if self.fragment is None else "#" + self.fragment
        if self.kind == WIKI:
            return f"{'!' if self.embed else ''}[[{self.target}{fragment}]]"
        return self.target + fragment


class Heading(NamedTuple):
    """A heading: level 1-6, its text as rendered, its anchor and its line."""

    level: int
    text: str
    anchor: str
    line: int


class PageRecord(NamedTuple):
    """Everything the docs checks need from one page, read from its text alone."""

    title: str | None
    headings: tuple[Heading, ...]
    anchors: frozenset[str]
    block_ids: frozenset[str]
    links: tuple[Link, ...]
    aliases: tuple[str, ...] = ()
    slug: str | None = None
    orphan: bool = False
    front_matter_error: str | None = None
    has_markers: bool = False
    #: 1-based line and column of ``front_matter_error`` in the page, else 0.
    front_matter_error_line: int = 0
    front_matter_error_column: int = 0

    def to_plain(self) -> tuple[Any, ...]:
        """Return the record as nested plain tuples, which unpickle fast."""
        return (
            self.title,
            tuple(tuple(heading) for heading in self.headings),
            self.anchors,
            self.block_ids,
            tuple(tuple(link) for link in self.links),
            *self[5:],
        )

    def __reduce__(self) -> tuple[Any, ...]:
        # Pickled in plain form: unpickling named tuples calls Python code
        # per link, and a warm run loads 60k links from the cache.
        return (PageRecord.from_plain, (self.to_plain(),))

    @classmethod
    def from_plain(cls, plain: tuple[Any, ...]) -> PageRecord:
        """Return the record that `to_plain` gave ``plain`` for."""
        # tuple.__new__ builds each named tuple without a Python-level call,
        # which matters when a warm run loads 60k links.
        links = tuple([_new_tuple(Link, link) for link in plain[4]])
        headings = tuple([_new_tuple(Heading, heading) for heading in plain[1]])
        fields = (plain[0], headings, plain[2], plain[3], links, *plain[5:])
        record: PageRecord = _new_tuple(cls, fields)
        return record


_new_tuple: Any = tuple.__new__
