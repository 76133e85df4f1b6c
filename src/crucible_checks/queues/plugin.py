"""The queue routing family plugin: producers, consumers and legacy Redis lists."""

from __future__ import annotations

from crucible_checks.checks import Family
from crucible_checks.hookspecs import hookimpl


@hookimpl
def crucible_checks_families() -> list[Family]:
    return [Family("queues", "Every queue a producer sends to has a consumer.")]
