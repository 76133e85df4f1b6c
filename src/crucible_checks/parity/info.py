"""The metadata of the parity check, imported without the parity runner."""

from __future__ import annotations

from crucible_checks.checks import CheckInfo, Scope

PARITY_MISMATCH = CheckInfo(
    code="PAR001",
    name="queue-parity-mismatch",
    family="parity",
    summary="The legacy queue and the Celery task return different results.",
    explanation=(
        "Runs each parity case through the legacy Redis list and the Celery "
        "task, on a Redis server and workers it starts, and reports every "
        "case whose results differ, fail or time out. Configure it in "
        "[tool.crucible-checks.parity]; cases come from the 'cases' file and "
        "the crucible_checks_parity_cases hook."
    ),
    bad_example='[[case]]\nid = "division"\ncode = "7 / 2"  # legacy 3, celery 3.5',
    good_example='[[case]]\nid = "division"\ncode = "7 / 2"  # both 3.5',
    default_enabled=False,
    scope=Scope.PROJECT,
)
