"""Writing the output of ``docs backlinks``: page sections or the JSON index."""

from __future__ import annotations

import enum
import sys
from collections.abc import Mapping

from crucible_checks.atomic import write_text_atomic
from crucible_checks.docs.backlinks import (
    Backlink,
    BacklinkSettings,
    json_index,
    render_backlinks,
    updated_page,
)
from crucible_checks.docs.link_graph import LinkGraph
from crucible_checks.docs.section_facts import SectionFacts
from crucible_checks.output import escape_line
from crucible_checks.project import Project


def write_index(
    project: Project,
    graph: LinkGraph,
    backlinks: Mapping[str, list[Backlink]],
    settings: BacklinkSettings,
    check: bool,
) -> int:
    path = project.root / settings.index_file
    text = json_index(graph, backlinks)
    try:
        current = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        current = None
    count = sum(len(items) for items in backlinks.values())
    if current == text:
        print(f"{settings.index_file} is up to date ({count} backlinks).")
        return 0
    if check:
        print(f"{settings.index_file} would change ({count} backlinks).")
        return 1
    write_text_atomic(path, text)
    print(f"Wrote {settings.index_file}: {len(graph.pages)} pages, {count} backlinks.")
    return 0


def write_sections(
    project: Project,
    graph: LinkGraph,
    sections: Mapping[str, SectionFacts],
    backlinks: Mapping[str, list[Backlink]],
    settings: BacklinkSettings,
    check: bool,
) -> int:
    """Write or check the backlinks section of every readable page.

    ``sections`` contains the section facts of the pages with a section
    marker. A page's text is read only where writing it, or an error that
    only its text can show, needs it.
    """
    files = {file.relative: file for file in project.files}
    changed = failed = 0
    for path in sorted(graph.pages):
        if not graph.pages[path].readable:
            continue  # Reported when the command started.
        change = _section_change(graph, path, sections.get(path), backlinks, settings)
        if change is _Change.NONE:
            continue
        if change is _Change.SECTION and check:
            changed += 1
            print(escape_line(f"would update {path}"))
            continue
        text = project.read_text(files[path])
        if text is None:
            continue
        try:
            found = backlinks.get(path, [])
            new = updated_page(graph.vault(), path, text, found, settings)
        except ValueError as error:
            print(escape_line(f"{path}: {error}"), file=sys.stderr)
            failed += 1
            continue
        if new != text:
            changed += 1
            print(escape_line(f"{'would update' if check else 'updated'} {path}"))
            if not check:
                write_text_atomic(project.root / path, new)
    verb = "would change" if check else "changed"
    pages = len(graph.pages)
    print(
        f"Backlinks sections: {changed} page{'' if changed == 1 else 's'} {verb}, "
        f"{pages} page{'' if pages == 1 else 's'} read."
    )
    return 1 if failed or (check and changed) else 0


class _Change(enum.Enum):
    """The change `updated_page` would make to a page, as its facts tell."""

    NONE = "the page stays as it is"
    SECTION = "its section is written or rewritten"
    #: Several sections, or one without its end marker: the text is read, so
    #: `updated_page` reports the error.
    UNKNOWN = "only the page's text can tell"


def _section_change(
    graph: LinkGraph,
    path: str,
    page: SectionFacts | None,
    backlinks: Mapping[str, list[Backlink]],
    settings: BacklinkSettings,
) -> _Change:
    """Return what `updated_page` would do to a page, from its facts alone.

    ``page`` is None for a page without a section marker, so without a section.
    """
    section = None if page is None else page.backlinks_section()
    if page is None or section is None:
        # A page in the index has at least one backlink.
        return _Change.SECTION if path in backlinks else _Change.NONE
    if page.earlier or section.end is None:
        return _Change.UNKNOWN
    found = backlinks.get(path, [])
    expected = render_backlinks(graph.vault(), path, found, settings, page.newline)
    return _Change.NONE if expected == page.backlinks_text else _Change.SECTION
