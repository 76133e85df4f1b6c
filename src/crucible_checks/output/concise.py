"""The default format: one ``path:line:col: CODE message`` line a finding."""

from __future__ import annotations

from collections.abc import Sequence

from crucible_checks.findings import Finding
from crucible_checks.output import OutputContext, escape_controls


def concise_line(finding: Finding) -> str:
    """Return the one-line form that the command, pytest and hooks all show."""
    location = f"{printable(finding.path)}:{finding.line}:{finding.column}"
    return f"{location}: {finding.code} {escape_controls(finding.message)}"


def printable(text: str) -> str:
    """Escape control characters, so a file name cannot break the line apart."""
    if text.isprintable():
        return text
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in text)


class ConciseFormat:
    name = "concise"

    def render(self, findings: Sequence[Finding], context: OutputContext) -> str:
        return "".join(concise_line(finding) + "\n" for finding in findings)
