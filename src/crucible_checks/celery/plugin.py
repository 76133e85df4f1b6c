"""The Celery task family plugin: signatures, references and task policy."""

from __future__ import annotations

from crucible_checks.celery import (
    call_checks,
    compat_checks,
    index_checks,
    policy_checks,
    registry_check,
)
from crucible_checks.celery.command import TasksCommand
from crucible_checks.celery.settings import OPTIONS
from crucible_checks.checks import Check, Family
from crucible_checks.commands import Command
from crucible_checks.hookspecs import hookimpl


@hookimpl
def crucible_checks_families() -> list[Family]:
    return [
        Family(
            "celery",
            "Celery task signatures, task references and task policy.",
            OPTIONS,
        )
    ]


@hookimpl
def crucible_checks_checks() -> list[Check]:
    return [
        *compat_checks.CHECKS,
        *index_checks.CHECKS,
        *call_checks.CHECKS,
        *policy_checks.CHECKS,
        *registry_check.CHECKS,
    ]


@hookimpl
def crucible_checks_commands() -> list[Command]:
    return [TasksCommand()]
