"""The ``docs backlinks``, ``docs stats`` and ``docs graph`` actions."""

from __future__ import annotations

import argparse
import enum
import gc
import json
import sys
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from crucible_checks.atomic import write_text_atomic
from crucible_checks.docs.backlinks import (
    Backlink,
    BacklinkSettings,
    collect_backlinks,
    json_index,
    render_backlinks,
    updated_page,
)
from crucible_checks.docs.graph_export import (
    FORMATS,
    page_graph,
    to_dot,
    to_json,
    to_mermaid,
)
from crucible_checks.docs.graph_html import render_html
from crucible_checks.docs.link_graph import LinkGraph, link_graph_of
from crucible_checks.docs.mentions import unlinked_mentions
from crucible_checks.docs.page_facts import F, FactKind, facts_of, start_scan
from crucible_checks.docs.rules import JSON_MODE, UNLINKED_MENTION
from crucible_checks.docs.settings import FAMILY
from crucible_checks.docs.stats import docs_stats, format_stats
from crucible_checks.errors import UsageError
from crucible_checks.project import Project
from crucible_checks.run import GC_THRESHOLD, RunOptions, build_project
from crucible_checks.selection import check_options
from crucible_checks.session import Session

if TYPE_CHECKING:
    from crucible_checks.docs.section_facts import SectionFacts


@contextmanager
def fewer_collections() -> Iterator[None]:
    """Raise the garbage collector's first threshold to `GC_THRESHOLD`, as a
    check run does, then restore it."""
    thresholds = gc.get_threshold()
    gc.set_threshold(max(thresholds[0], GC_THRESHOLD), *thresholds[1:])
    try:
        yield
    finally:
        gc.set_threshold(*thresholds)


def load(
    session: Session, kind: FactKind[F]
) -> tuple[Project, LinkGraph, dict[str, F]]:
    """Build the project, its link graph and the facts of its pages, using the
    cache."""
    project = build_project(session, RunOptions())
    # Pages without cached facts are scanned in worker processes while the
    # link graph is built.
    scan = start_scan(project, kind)
    try:
        graph = link_graph_of(project)
        facts = facts_of(project, graph, kind, scan)
    finally:
        if scan is not None:
            scan.close()
    project.save_caches()
    for problem in project.read_problems.values():
        print(f"{problem.relative}: {problem.reason}", file=sys.stderr)
    return project, graph, facts


class BacklinksAction:
    name = "backlinks"
    help = "write each page's backlinks: a section at its end, or one JSON index"

    def add_arguments(self, parser: argparse.ArgumentParser) -> None:
        parser.add_argument(
            "--check",
            action="store_true",
            help="write nothing; list what would change and exit 1 if anything would",
        )

    def run(self, args: argparse.Namespace, session: Session) -> int:
        with fewer_collections():
            return self._run(args, session)

    def _run(self, args: argparse.Namespace, session: Session) -> int:
        # Imported here: the facts' scans load only when an action runs.
        from crucible_checks.docs.section_facts import SECTION_FACTS

        project, graph, facts = load(session, SECTION_FACTS)
        settings = BacklinkSettings.of(project.family_options(FAMILY), project.root)
        backlinks = collect_backlinks(graph, facts)
        if settings.mode == JSON_MODE:
            return _write_index(project, graph, backlinks, settings, args.check)
        return _write_sections(project, graph, facts, backlinks, settings, args.check)


def _write_index(
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


def _write_sections(
    project: Project,
    graph: LinkGraph,
    facts: Mapping[str, SectionFacts],
    backlinks: Mapping[str, list[Backlink]],
    settings: BacklinkSettings,
    check: bool,
) -> int:
    files = {file.relative: file for file in project.files}
    changed = failed = 0
    for path in sorted(graph.pages):
        page = facts.get(path)
        if page is None:
            continue  # Unreadable, and reported when the facts were read.
        change = _section_change(graph, path, page, backlinks, settings)
        if change is _Change.NONE:
            continue
        if change is _Change.SECTION and check:
            changed += 1
            print(f"would update {path}")
            continue
        text = project.read_text(files[path])
        if text is None:
            continue
        try:
            found = backlinks.get(path, [])
            new = updated_page(graph.vault(), path, text, found, settings)
        except ValueError as error:
            print(f"{path}: {error}", file=sys.stderr)
            failed += 1
            continue
        if new != text:
            changed += 1
            print(f"{'would update' if check else 'updated'} {path}")
            if not check:
                write_text_atomic(project.root / path, new)
    verb = "would change" if check else "changed"
    print(f"Backlinks sections: {changed} pages {verb}, {len(graph.pages)} pages read.")
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
    page: SectionFacts,
    backlinks: Mapping[str, list[Backlink]],
    settings: BacklinkSettings,
) -> _Change:
    """Return what `updated_page` would do to a page, from its facts alone."""
    section = page.backlinks_section()
    if section is None:
        # A page in the index has at least one backlink.
        return _Change.SECTION if path in backlinks else _Change.NONE
    if page.earlier or section.end is None:
        return _Change.UNKNOWN
    found = backlinks.get(path, [])
    expected = render_backlinks(graph.vault(), path, found, settings, page.newline)
    return _Change.NONE if expected == page.backlinks_text else _Change.SECTION


class StatsAction:
    name = "stats"
    help = "count pages, words, links, dead links, orphans and the graph's components"

    def add_arguments(self, parser: argparse.ArgumentParser) -> None:
        parser.add_argument(
            "--format",
            choices=("text", "json"),
            default="text",
            help="text for a terminal, json for tools (default: text)",
        )

    def run(self, args: argparse.Namespace, session: Session) -> int:
        with fewer_collections():
            return self._run(args, session)

    def _run(self, args: argparse.Namespace, session: Session) -> int:
        from crucible_checks.docs.prose_facts import PROSE_FACTS

        project, graph, facts = load(session, PROSE_FACTS)
        options = check_options(UNLINKED_MENTION, session.config)
        potential = sum(1 for _ in unlinked_mentions(project, graph, options))
        project.save_caches()
        stats = docs_stats(graph, facts, potential)
        if args.format == "json":
            print(json.dumps(stats.as_json(), indent=2, ensure_ascii=False))
        else:
            for line in format_stats(stats):
                print(line)
        return 0


class GraphAction:
    name = "graph"
    help = "export the page graph as JSON, Graphviz DOT, Mermaid or an HTML viewer"

    def add_arguments(self, parser: argparse.ArgumentParser) -> None:
        parser.add_argument(
            "--format",
            choices=FORMATS,
            default="json",
            help="json (nodes and edges), dot, mermaid, or html: one self-contained "
            "page to pan, zoom and search (default: json)",
        )
        parser.add_argument(
            "-o",
            "--output",
            type=Path,
            help="write to this file instead of standard output",
        )

    def run(self, args: argparse.Namespace, session: Session) -> int:
        with fewer_collections():
            return self._run(args, session)

    def _run(self, args: argparse.Namespace, session: Session) -> int:
        project = build_project(session, RunOptions())
        links = link_graph_of(project)
        project.save_caches()
        graph = page_graph(links)
        if args.format == "html":
            text = render_html(graph, f"{project.root.name} docs graph")
        else:
            text = {"json": to_json, "dot": to_dot, "mermaid": to_mermaid}[args.format](
                graph
            )
        if args.output is None:
            sys.stdout.write(text)
            return 0
        if args.output.is_dir():
            raise UsageError(f"docs graph: --output {args.output} is a folder")
        write_text_atomic(args.output, text)
        counts = f"{len(graph.nodes)} nodes, {len(graph.edge_rows)} edges"
        print(f"Wrote {args.output}: {counts}.")
        return 0


GRAPH_ACTIONS: list[BacklinksAction | StatsAction | GraphAction] = [
    BacklinksAction(),
    StatsAction(),
    GraphAction(),
]
