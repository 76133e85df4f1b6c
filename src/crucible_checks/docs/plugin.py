"""The docs family plugin: wiki links, anchors, orphans and the page graph."""

from __future__ import annotations

import pluggy

from crucible_checks.checks import Check, Family
from crucible_checks.commands import Command
from crucible_checks.docs import hookspecs as docs_hookspecs
from crucible_checks.docs.backlinks import OPTIONS as BACKLINKS_OPTIONS
from crucible_checks.docs.backlinks_check import StaleBacklinks
from crucible_checks.docs.commands import DocsCommand
from crucible_checks.docs.link_checks import (
    AmbiguousPage,
    DeadAnchor,
    DeadRelativeLink,
    DeadWikiLink,
)
from crucible_checks.docs.mentions import UnlinkedMention
from crucible_checks.docs.orphans import OrphanPage
from crucible_checks.docs.settings import FAMILY, OPTIONS
from crucible_checks.hookspecs import hookimpl


@hookimpl
def crucible_checks_add_hookspecs(pluginmanager: pluggy.PluginManager) -> None:
    pluginmanager.add_hookspecs(docs_hookspecs)


@hookimpl
def crucible_checks_families() -> list[Family]:
    return [
        Family(
            FAMILY,
            "Wiki links, anchors, orphan pages and the docs graph.",
            OPTIONS + BACKLINKS_OPTIONS,
        )
    ]


@hookimpl
def crucible_checks_checks() -> list[Check]:
    return [
        DeadWikiLink(),
        DeadAnchor(),
        DeadRelativeLink(),
        AmbiguousPage(),
        OrphanPage(),
        StaleBacklinks(),
        UnlinkedMention(),
    ]


@hookimpl
def crucible_checks_commands() -> list[Command]:
    return [DocsCommand()]
