"""The ``docs backlinks``, ``docs stats`` and ``docs graph`` actions.

Each action imports its work when it runs, so a run of one action loads
neither the others' modules nor the page scans it does not need.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from crucible_checks.docs.graph_export import FORMATS
from crucible_checks.errors import UsageError
from crucible_checks.output import escape_line
from crucible_checks.run import RunOptions, build_project, fewer_collections

if TYPE_CHECKING:
    from crucible_checks.docs.link_graph import LinkGraph
    from crucible_checks.docs.page_facts import FactKind, FactsScan
    from crucible_checks.project import Project
    from crucible_checks.session import Session


@contextmanager
def scanning(
    project: Project, kind: FactKind[Any] | None
) -> Iterator[FactsScan | None]:
    """Scan the pages without cached ``kind`` facts in worker processes, while
    the caller builds the link graph; end the scan on leaving."""
    from crucible_checks.docs.page_facts import start_scan

    scan = None if kind is None else start_scan(project, kind)
    try:
        yield scan
    finally:
        if scan is not None:
            scan.close()


def report_problems(project: Project, graph: LinkGraph) -> None:
    """Print why each unreadable page could not be read.

    A run that takes the link graph from its snapshot reads no page records,
    so the unreadable pages are read here once more to record why.
    """
    for file in project.files:
        page = graph.pages.get(file.relative)
        if page is not None and not page.readable:
            project.read_text(file)
    for problem in project.read_problems.values():
        print(escape_line(f"{problem.relative}: {problem.reason}"), file=sys.stderr)


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
        from crucible_checks.docs.backlinks import BacklinkSettings, collect_backlinks
        from crucible_checks.docs.backlinks_command import write_index, write_sections
        from crucible_checks.docs.link_graph import link_graph_of
        from crucible_checks.docs.rules import JSON_MODE
        from crucible_checks.docs.section_facts import (
            CONTEXT_FACTS,
            context_facts_of,
            section_facts_of,
        )
        from crucible_checks.docs.settings import FAMILY

        project = build_project(session, RunOptions())
        options = project.family_options(FAMILY)
        # Written sections and the index quote every page's link lines, while
        # a check of sections quotes them only for the pages that have one.
        quotes_all = options.get("backlinks") == JSON_MODE or not args.check
        with scanning(project, CONTEXT_FACTS if quotes_all else None) as scan:
            graph = link_graph_of(project)
            sections = section_facts_of(project, graph)
            report_problems(project, graph)
            settings = BacklinkSettings.of(options, project.root)
            backlinks = collect_backlinks(
                graph, lambda: context_facts_of(project, graph, scan)
            )
            if settings.mode == JSON_MODE:
                status = write_index(project, graph, backlinks, settings, args.check)
            else:
                status = write_sections(
                    project, graph, sections, backlinks, settings, args.check
                )
        project.save_caches()
        return status


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
        from crucible_checks.docs.link_graph import link_graph_of
        from crucible_checks.docs.mentions import unlinked_mentions
        from crucible_checks.docs.prose_facts import PROSE_FACTS, prose_facts_of
        from crucible_checks.docs.rules import UNLINKED_MENTION
        from crucible_checks.docs.stats import docs_stats, format_stats
        from crucible_checks.selection import check_options

        project = build_project(session, RunOptions())
        with scanning(project, PROSE_FACTS) as scan:
            graph = link_graph_of(project)
            facts = prose_facts_of(project, graph, scan)
        project.save_caches()
        report_problems(project, graph)
        options = check_options(UNLINKED_MENTION, session.config)
        potential = sum(1 for _ in unlinked_mentions(project, graph, options))
        project.save_caches()
        stats = docs_stats(graph, facts, potential)
        if args.format == "json":
            print(json.dumps(stats.as_json(), indent=2, ensure_ascii=False))
        else:
            for line in format_stats(stats):
                print(escape_line(line))
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
        from crucible_checks.atomic import write_text_atomic
        from crucible_checks.docs import graph_export
        from crucible_checks.docs.link_graph import link_graph_of

        project = build_project(session, RunOptions())
        links = link_graph_of(project)
        project.save_caches()
        graph = graph_export.page_graph(links)
        if args.format == "html":
            from crucible_checks.docs.graph_html import render_html

            text = render_html(graph, f"{project.root.name} docs graph")
        else:
            exports = {
                "json": graph_export.to_json,
                "dot": graph_export.to_dot,
                "mermaid": graph_export.to_mermaid,
            }
            text = exports[args.format](graph)
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
