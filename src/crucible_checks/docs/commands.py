"""The actions of the ``docs`` command: one entry of `ACTIONS` for each
``docs ACTION``.

An action is an object with ``name``, ``help``, ``add_arguments(parser)`` and
``run(args, session) -> int``; add one to `ACTIONS` to add ``docs NAME``.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Protocol

from crucible_checks.docs.graph_commands import GRAPH_ACTIONS
from crucible_checks.docs.move import MovePlan, plan_move
from crucible_checks.docs.move_files import prepare_move, write_move
from crucible_checks.docs.vault import Vault, vault_of
from crucible_checks.docs.wanted import wanted_pages
from crucible_checks.errors import UsageError
from crucible_checks.files import DEFAULT_EXCLUDE, Walker
from crucible_checks.output import escape_controls, escape_line
from crucible_checks.project import Project
from crucible_checks.run import RunOptions, build_project
from crucible_checks.session import Session


class DocsAction(Protocol):
    """One action of the ``docs`` command, such as ``wanted`` or ``mv``."""

    @property
    def name(self) -> str: ...

    @property
    def help(self) -> str: ...

    def add_arguments(self, parser: argparse.ArgumentParser) -> None: ...

    def run(self, args: argparse.Namespace, session: Session) -> int: ...


def load_vault(session: Session) -> Vault:
    """Build the vault of the configured roots, reading the cache as `run` does."""
    project = build_project(session, RunOptions())
    vault = vault_of(project)
    project.save_caches()
    return vault


class WantedAction:
    name = "wanted"
    help = "list pages that wiki links name but that do not exist, most linked first"

    def add_arguments(self, parser: argparse.ArgumentParser) -> None:
        parser.add_argument(
            "--limit", type=int, default=0, help="show at most this many names (0: all)"
        )

    def run(self, args: argparse.Namespace, session: Session) -> int:
        wanted = wanted_pages(load_vault(session))
        if args.limit > 0:
            wanted = wanted[: args.limit]
        for item in wanted:
            places = ", ".join(f"{path}:{line}" for path, line in item.places)
            print(escape_line(f"{item.page_count:5}  {item.name}  ({places})"))
        if not wanted:
            print("No wanted pages: every wiki link reaches a page.")
        return 0


class MoveAction:
    name = "mv"
    help = "move a page and rewrite every wiki and Markdown link to it"

    def add_arguments(self, parser: argparse.ArgumentParser) -> None:
        parser.add_argument("old", type=Path, metavar="OLD", help="the page to move")
        parser.add_argument("new", type=Path, metavar="NEW", help="its new path (.md)")
        parser.add_argument(
            "--dry-run", action="store_true", help="list the edits, change nothing"
        )
        parser.add_argument(
            "--skip-unreadable",
            action="store_true",
            help="move even if some pages cannot be read, "
            "leaving the links in those pages unchanged",
        )

    def run(self, args: argparse.Namespace, session: Session) -> int:
        config = session.config
        root = config.root
        project = build_project(session, RunOptions())
        vault = vault_of(project)
        project.save_caches()
        plan = plan_move(vault, _relative(root, args.old), _relative(root, args.new))
        unreadable = _unreadable_pages(project, plan)
        if unreadable and not args.skip_unreadable:
            raise UsageError(
                "docs mv: nothing was changed, because these pages cannot be "
                f"read and may link to {plan.old}:\n{unreadable}"
                "Fix them, or pass --skip-unreadable to move anyway and check "
                "their links by hand."
            )
        walker = Walker(
            root,
            exclude=[
                *(DEFAULT_EXCLUDE if config.exclude is None else config.exclude),
                *config.extend_exclude,
            ],
            respect_gitignore=config.respect_gitignore,
        )
        prepared = prepare_move(root, walker, config.roots, plan)
        for path, edits in sorted(plan.edits.items()):
            for edit in edits:
                print(escape_line(f"{path}: {edit.replacement}"))
        if not args.dry_run:
            write_move(prepared)
        verb = "would move" if args.dry_run else "moved"
        links = _plural(plan.link_count, "link")
        files = _plural(plan.file_count, "file")
        print(
            escape_line(
                f"{verb} {plan.old} to {plan.new}; {links} rewritten in {files}"
            )
        )
        if unreadable:
            verb = "would not be" if args.dry_run else "were not"
            print(
                f"warning: docs mv: links in these pages {verb} rewritten, because "
                f"they cannot be read; fix any link to {plan.old} by hand:\n"
                + escape_controls(unreadable.rstrip("\n")),
                file=sys.stderr,
            )
        return 0


def _unreadable_pages(project: Project, plan: MovePlan) -> str:
    """Return one indented line per page the move cannot rewrite, with the
    reason it cannot be read. The text is empty when every page was read."""
    lines = []
    for path in plan.unreadable:
        problem = project.read_problems.get(path)
        reason = problem.reason if problem else "cannot be read"
        lines.append(f"  {path}: {reason}\n")
    return "".join(lines)


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"


def _relative(root: Path, path: Path) -> str:
    absolute = (path if path.is_absolute() else Path.cwd() / path).absolute()
    try:
        return absolute.relative_to(root).as_posix()
    except ValueError:
        raise UsageError(f"docs mv: {path} is outside the project {root}") from None


#: The actions of ``crucible-checks docs``; add an entry to add ``docs NAME``.
ACTIONS: list[DocsAction] = [WantedAction(), MoveAction(), *GRAPH_ACTIONS]
