"""The queue routing family plugin: producers, consumers and legacy Redis lists."""

from __future__ import annotations

from crucible_checks.checks import Check, Family
from crucible_checks.commands import Command
from crucible_checks.hookspecs import hookimpl
from crucible_checks.queues.checks import CHECKS
from crucible_checks.queues.command import QueuesCommand
from crucible_checks.queues.settings import OPTIONS


@hookimpl
def crucible_checks_families() -> list[Family]:
    return [
        Family("queues", "Every queue a producer sends to has a consumer.", OPTIONS)
    ]


@hookimpl
def crucible_checks_checks() -> list[Check]:
    return list(CHECKS)


@hookimpl
def crucible_checks_commands() -> list[Command]:
    return [QueuesCommand()]
