"""Hooks of the parity family, added through crucible_checks_add_hookspecs."""

from __future__ import annotations

from typing import TYPE_CHECKING

from crucible_checks.hookspecs import hookspec

if TYPE_CHECKING:
    from crucible_checks.parity.cases import ParityCase
    from crucible_checks.project import Project


@hookspec
def crucible_checks_parity_cases(project: Project) -> list[ParityCase]:
    """Return parity cases for PAR001, in addition to those of the cases file."""
    raise NotImplementedError
