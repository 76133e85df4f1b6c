"""The git-hooks plugin: installs the plain git hooks of hooks/."""

from __future__ import annotations
