"""The ``docs backlinks``, ``docs stats`` and ``docs graph`` actions."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from crucible_checks.atomic import write_text_atomic
from crucible_checks.docs.backlinks import (
    JSON_MODE,
    Backlink,
    BacklinkSettings,
    collect_backlinks,
    json_index,
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
from crucible_checks.docs.mentions import UNLINKED_MENTION, unlinked_mentions
from crucible_checks.docs.settings import FAMILY
from crucible_checks.docs.stats import docs_stats, format_stats
from crucible_checks.docs.vault import Vault, vault_of
from crucible_checks.errors import UsageError
from crucible_checks.project import Project
from crucible_checks.run import RunOptions, build_project
from crucible_checks.selection import check_options
from crucible_checks.session import Session

if TYPE_CHECKING:
    from crucible_checks.docs.prose import PageProse


def load(session: Session) -> tuple[Project, Vault, dict[str, PageProse]]:
    """Build the project, its vault and the prose of its pages, using the cache."""
    # Imported here: markdown-it loads only when a graph action runs.
    from crucible_checks.docs.prose import prose_of

    project = build_project(session, RunOptions())
    vault = vault_of(project)
    prose = prose_of(project, vault)
    project.save_caches()
    for problem in project.read_problems.values():
        print(f"{problem.relative}: {problem.reason}", file=sys.stderr)
    return project, vault, prose


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
        project, vault, prose = load(session)
        settings = BacklinkSettings.of(project.family_options(FAMILY), project.root)
        backlinks = collect_backlinks(vault, prose)
        if settings.mode == JSON_MODE:
            return _write_index(project, vault, backlinks, settings, args.check)
        return _write_sections(project, vault, backlinks, settings, args.check)


def _write_index(
    project: Project,
    vault: Vault,
    backlinks: dict[str, list[Backlink]],
    settings: BacklinkSettings,
    check: bool,
) -> int:
    path = project.root / settings.index_file
    text = json_index(vault, backlinks)
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
    print(f"Wrote {settings.index_file}: {len(vault.pages)} pages, {count} backlinks.")
    return 0


def _write_sections(
    project: Project,
    vault: Vault,
    backlinks: dict[str, list[Backlink]],
    settings: BacklinkSettings,
    check: bool,
) -> int:
    files = {file.relative: file for file in project.files}
    changed = failed = 0
    for path in sorted(vault.pages):
        text = project.read_text(files[path])
        if text is None:
            continue
        try:
            new = updated_page(vault, path, text, backlinks.get(path, []), settings)
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
    print(f"Backlinks sections: {changed} pages {verb}, {len(vault.pages)} pages read.")
    return 1 if failed or (check and changed) else 0


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
        project, vault, prose = load(session)
        options = check_options(UNLINKED_MENTION, session.config)
        potential = sum(1 for _ in unlinked_mentions(project, vault, options))
        project.save_caches()
        stats = docs_stats(vault, prose, potential)
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
        project = build_project(session, RunOptions())
        vault = vault_of(project)
        project.save_caches()
        graph = page_graph(vault)
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
        counts = f"{len(graph.nodes)} nodes, {len(graph.edges)} edges"
        print(f"Wrote {args.output}: {counts}.")
        return 0


GRAPH_ACTIONS: list[BacklinksAction | StatsAction | GraphAction] = [
    BacklinksAction(),
    StatsAction(),
    GraphAction(),
]
