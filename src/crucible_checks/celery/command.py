"""The ``crucible-checks tasks`` command: write, show and compare the task lock.

Its work is in `crucible_checks.celery.lock_actions`, imported when the
command runs, so that starting the tool does not import the task index.
"""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from crucible_checks.celery.settings import MODES

if TYPE_CHECKING:
    from crucible_checks.session import Session


class TasksCommand:
    """``tasks lock`` writes the lock file; ``tasks list`` shows the tasks, or
    with ``--against REF`` the changes since the task code at a git revision."""

    name = "tasks"
    help = "write or list the Celery task lock, or compare with a git revision"

    def add_arguments(self, parser: argparse.ArgumentParser) -> None:
        parser.add_argument("action", choices=("lock", "list"), help="what to do")
        parser.add_argument(
            "--against",
            metavar="GIT_REF",
            help="compare with the task code at this git revision instead of the lock",
        )
        parser.add_argument(
            "--mode",
            choices=MODES,
            help="compatibility mode of 'list' (default: the configured one)",
        )

    def run(self, args: argparse.Namespace, session: Session) -> int:
        from crucible_checks.celery.lock_actions import run_action

        return run_action(args, session)
