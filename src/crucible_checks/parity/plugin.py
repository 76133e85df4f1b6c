"""The queue parity family plugin: one job through both queues, compared."""

from __future__ import annotations

import pluggy

from crucible_checks.checks import Check, DeferredCheck, Family
from crucible_checks.hookspecs import hookimpl
from crucible_checks.parity import hookspecs
from crucible_checks.parity.info import PARITY_MISMATCH
from crucible_checks.parity.options import PARITY_OPTIONS


@hookimpl
def crucible_checks_add_hookspecs(pluginmanager: pluggy.PluginManager) -> None:
    pluginmanager.add_hookspecs(hookspecs)


@hookimpl
def crucible_checks_families() -> list[Family]:
    return [
        Family(
            "parity",
            "The legacy queue and Celery return the same results.",
            PARITY_OPTIONS,
        )
    ]


@hookimpl
def crucible_checks_checks() -> list[Check]:
    return [DeferredCheck(PARITY_MISMATCH, "crucible_checks.parity.check:ParityCheck")]
