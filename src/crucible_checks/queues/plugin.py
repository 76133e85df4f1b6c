"""The queue routing family plugin: producers, consumers and legacy Redis lists."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING

from crucible_checks.checks import Check, CheckInfo, Family, OptionValue
from crucible_checks.commands import Command
from crucible_checks.findings import Finding
from crucible_checks.hookspecs import hookimpl
from crucible_checks.queues import infos
from crucible_checks.queues.command import QueuesCommand
from crucible_checks.queues.settings import OPTIONS

if TYPE_CHECKING:
    from crucible_checks.project import Project


class QueueCheck:
    """A queue check, whose finder in `crucible_checks.queues.checks` is
    imported on its first run."""

    def __init__(self, info: CheckInfo) -> None:
        self.info = info

    def run(
        self, project: Project, options: Mapping[str, OptionValue]
    ) -> Iterable[Finding]:
        from crucible_checks.queues.checks import run_check

        return run_check(project, self.info)


@hookimpl
def crucible_checks_families() -> list[Family]:
    return [
        Family("queues", "Every queue a producer sends to has a consumer.", OPTIONS)
    ]


@hookimpl
def crucible_checks_checks() -> list[Check]:
    return [
        QueueCheck(info)
        for info in (
            infos.QUEUE_WITHOUT_CONSUMER,
            infos.QUEUE_WITHOUT_PRODUCER,
            infos.LIST_WITHOUT_READER,
            infos.LIST_WITHOUT_WRITER,
            infos.ROUTE_CONFLICT,
            infos.UNREADABLE_WORKER_CONFIG,
            infos.UNKNOWN_QUEUE,
        )
    ]


@hookimpl
def crucible_checks_commands() -> list[Command]:
    return [QueuesCommand()]
