"""The ``crucible-checks queues`` command: print the queue topology."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING

from crucible_checks.errors import UsageError

if TYPE_CHECKING:
    from crucible_checks.session import Session


class QueuesCommand:
    """Prints every queue with its producers, consumers and concurrency."""

    name = "queues"
    help = "print the queue topology as a table and a Mermaid diagram"

    def add_arguments(self, parser: argparse.ArgumentParser) -> None:
        parser.add_argument(
            "path",
            nargs="?",
            type=Path,
            help="project folder to read, with its own config (default: the "
            "current folder)",
        )
        parser.add_argument(
            "--format",
            choices=("all", "table", "mermaid"),
            default="all",
            help="what to print: the table, the Mermaid diagram, or both",
        )

    def run(self, args: argparse.Namespace, session: Session) -> int:
        # Imported here, so loading the plugin stays cheap for other commands.
        from crucible_checks.queues.build import build_topology
        from crucible_checks.queues.render import render_mermaid, render_table
        from crucible_checks.run import RunOptions, build_project
        from crucible_checks.session import Session

        if args.path is not None:
            if not args.path.is_dir():
                raise UsageError(f"{args.path}: no such folder")
            session = Session.create(start=args.path)
        project = build_project(session, RunOptions(use_cache=True))
        top = build_topology(project)
        project.save_caches()
        if args.format in ("all", "table"):
            # The renderers escape every name they print.
            print(render_table(top), end="")
        if args.format == "all":
            print(f"\n```mermaid\n{render_mermaid(top)}```")
        elif args.format == "mermaid":
            print(render_mermaid(top), end="")
        return 0
