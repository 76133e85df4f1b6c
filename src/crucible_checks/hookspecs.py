"""The hooks a crucible-checks plugin may implement.

A plugin is a module or object registered through the ``crucible_checks``
entry-point group. The built-in families register the same way.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pluggy

if TYPE_CHECKING:
    from crucible_checks.checks import Check, Family
    from crucible_checks.commands import Command
    from crucible_checks.output import OutputFormat

PROJECT_NAME = "crucible_checks"

hookspec = pluggy.HookspecMarker(PROJECT_NAME)
hookimpl = pluggy.HookimplMarker(PROJECT_NAME)


@hookspec(historic=True)
def crucible_checks_add_hookspecs(pluginmanager: pluggy.PluginManager) -> None:
    """Add hook specifications of a plugin's own, such as a link resolver."""


@hookspec
def crucible_checks_families() -> list[Family]:
    """Return the check families this plugin defines, with their options."""
    raise NotImplementedError


@hookspec
def crucible_checks_checks() -> list[Check]:
    """Return the checks this plugin contributes."""
    raise NotImplementedError


@hookspec
def crucible_checks_output_formats() -> list[OutputFormat]:
    """Return output formats for ``run --format``."""
    raise NotImplementedError


@hookspec
def crucible_checks_commands() -> list[Command]:
    """Return sub-commands to add to the ``crucible-checks`` command line."""
    raise NotImplementedError
