"""The Celery task family plugin: signatures, references and task policy."""

from __future__ import annotations

from crucible_checks.celery.settings import OPTIONS
from crucible_checks.checks import Family
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
