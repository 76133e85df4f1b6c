"""The pytest plugin of crucible-checks."""

from __future__ import annotations
