"""The ``docs`` command as the plugin lists it: its actions load when it runs."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from crucible_checks.errors import UsageError

if TYPE_CHECKING:
    from crucible_checks.session import Session


class DocsCommand:
    """``crucible-checks docs ACTION``: tools for a wiki-linked docs folder."""

    name = "docs"
    #: Names every action of `crucible_checks.docs.commands.ACTIONS`; a test
    #: keeps the two in step.
    help = "tools for the docs pages: wanted, mv, backlinks, stats, graph"

    def add_arguments(self, parser: argparse.ArgumentParser) -> None:
        from crucible_checks.docs.commands import ACTIONS

        actions = parser.add_subparsers(
            dest="docs_action", metavar="ACTION", parser_class=type(parser)
        )
        actions.required = True
        for action in ACTIONS:
            action.add_arguments(actions.add_parser(action.name, help=action.help))

    def run(self, args: argparse.Namespace, session: Session) -> int:
        from crucible_checks.docs.commands import ACTIONS

        for action in ACTIONS:
            if action.name == args.docs_action:
                return action.run(args, session)
        raise UsageError(f"docs: unknown action {args.docs_action!r}")
