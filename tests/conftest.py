"""Shared test helpers."""

from __future__ import annotations

import os

import pytest

pytest_plugins = ["pytester"]

REQUIRE_SYSTEM = os.environ.get("CRUCIBLE_CHECKS_REQUIRE_SYSTEM") == "1"


def skip_unless(available: bool, reason: str) -> None:
    """Skip the test when a system component is missing, or fail it where CI
    sets CRUCIBLE_CHECKS_REQUIRE_SYSTEM=1 and so provides every component."""
    if available:
        return
    if REQUIRE_SYSTEM:
        pytest.fail(f"{reason} (CRUCIBLE_CHECKS_REQUIRE_SYSTEM=1 requires it)")
    pytest.skip(reason)
