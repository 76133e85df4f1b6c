"""The docs family plugin: wiki links, anchors, orphans and the page graph."""

from __future__ import annotations

from crucible_checks.checks import Family
from crucible_checks.hookspecs import hookimpl


@hookimpl
def crucible_checks_families() -> list[Family]:
    return [Family("docs", "Wiki links, anchors, orphan pages and the docs graph.")]
