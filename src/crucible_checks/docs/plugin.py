"""The docs family plugin: wiki links, anchors, orphans and the page graph.

It imports the checks' metadata only: each check's module loads on its
first run, and the ``docs`` command's actions when the command runs.
"""

from __future__ import annotations

import pluggy

from crucible_checks.checks import Check, DeferredCheck, Family
from crucible_checks.commands import Command
from crucible_checks.docs import hookspecs as docs_hookspecs
from crucible_checks.docs import rules
from crucible_checks.docs.command import DocsCommand
from crucible_checks.docs.settings import FAMILY, OPTIONS
from crucible_checks.hookspecs import hookimpl

_LINK_CHECKS = "crucible_checks.docs.link_checks"


@hookimpl
def crucible_checks_add_hookspecs(pluginmanager: pluggy.PluginManager) -> None:
    pluginmanager.add_hookspecs(docs_hookspecs)


@hookimpl
def crucible_checks_families() -> list[Family]:
    return [
        Family(
            FAMILY,
            "Wiki links, anchors, orphan pages and the docs graph.",
            OPTIONS + rules.BACKLINKS_OPTIONS,
        )
    ]


@hookimpl
def crucible_checks_checks() -> list[Check]:
    return [
        DeferredCheck(rules.DEAD_WIKI_LINK, f"{_LINK_CHECKS}:DeadWikiLink"),
        DeferredCheck(rules.DEAD_ANCHOR, f"{_LINK_CHECKS}:DeadAnchor"),
        DeferredCheck(rules.DEAD_RELATIVE_LINK, f"{_LINK_CHECKS}:DeadRelativeLink"),
        DeferredCheck(rules.AMBIGUOUS_PAGE, f"{_LINK_CHECKS}:AmbiguousPage"),
        DeferredCheck(rules.ORPHAN_PAGE, "crucible_checks.docs.orphans:OrphanPage"),
        DeferredCheck(
            rules.INVALID_FRONT_MATTER,
            "crucible_checks.docs.front_matter_check:InvalidFrontMatter",
        ),
        DeferredCheck(
            rules.STALE_BACKLINKS,
            "crucible_checks.docs.backlinks_check:StaleBacklinks",
        ),
        DeferredCheck(
            rules.UNLINKED_MENTION, "crucible_checks.docs.mentions:UnlinkedMention"
        ),
    ]


@hookimpl
def crucible_checks_commands() -> list[Command]:
    return [DocsCommand()]
