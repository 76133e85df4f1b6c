"""The protocol of a sub-command that a plugin adds to the command line."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from crucible_checks.session import Session


class Command(Protocol):
    """A sub-command such as ``docs`` or ``tasks``.

    ``run`` is part of the command line, so it may print; it returns the exit
    status and raises `CrucibleError` for usage and config errors.
    """

    @property
    def name(self) -> str: ...

    @property
    def help(self) -> str: ...

    def add_arguments(self, parser: argparse.ArgumentParser) -> None: ...

    def run(self, args: argparse.Namespace, session: Session) -> int: ...
