"""The queue parity family plugin: one job through both queues, compared."""

from __future__ import annotations

from crucible_checks.checks import Family
from crucible_checks.hookspecs import hookimpl
from crucible_checks.parity.options import PARITY_OPTIONS


@hookimpl
def crucible_checks_families() -> list[Family]:
    return [
        Family(
            "parity",
            "The legacy queue and Celery return the same results.",
            PARITY_OPTIONS,
        )
    ]
