"""Output formats: each turns a run's findings into text for one kind of reader."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol

from crucible_checks.checks import CheckInfo
from crucible_checks.findings import Finding


@dataclass(frozen=True)
class OutputContext:
    """What a format may need beside the findings."""

    checks: Mapping[str, CheckInfo]
    files_checked: int
    tool_version: str
    root_uri: str


class OutputFormat(Protocol):
    """A named renderer of findings, such as ``concise`` or ``sarif``."""

    @property
    def name(self) -> str: ...

    def render(self, findings: Sequence[Finding], context: OutputContext) -> str: ...
