"""The docs family plugin: wiki links, anchors, orphans and the page graph."""

from __future__ import annotations

import pluggy

from crucible_checks.checks import Family
from crucible_checks.docs import hookspecs as docs_hookspecs
from crucible_checks.docs.settings import FAMILY, OPTIONS
from crucible_checks.hookspecs import hookimpl


@hookimpl
def crucible_checks_add_hookspecs(pluginmanager: pluggy.PluginManager) -> None:
    pluginmanager.add_hookspecs(docs_hookspecs)


@hookimpl
def crucible_checks_families() -> list[Family]:
    return [
        Family(FAMILY, "Wiki links, anchors, orphan pages and the docs graph.", OPTIONS)
    ]
