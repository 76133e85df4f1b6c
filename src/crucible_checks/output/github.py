"""The ``github`` format: workflow-command annotations plus a summary line.

GitHub shows at most 10 annotations of each level per step, so the summary
line carries the full count.
"""

from __future__ import annotations

from collections.abc import Sequence

from crucible_checks.findings import Finding, Severity
from crucible_checks.output import OutputContext, escape_controls

_COMMANDS = {
    Severity.ERROR: "error",
    Severity.WARNING: "warning",
    Severity.INFO: "notice",
}


def escape_data(text: str) -> str:
    """Escape an annotation's message."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    """Escape an annotation property value, where ``:`` and ``,`` are separators."""
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


class GithubFormat:
    name = "github"

    def render(self, findings: Sequence[Finding], context: OutputContext) -> str:
        lines = [_annotation(finding, context) for finding in findings]
        lines.append(summary(findings))
        return "\n".join(lines) + "\n"


def _annotation(finding: Finding, context: OutputContext) -> str:
    info = context.checks.get(finding.code)
    title = f"{finding.code} {info.name}" if info else finding.code
    properties = [
        # Escaped for GitHub first, so a line break in a path survives as %0A.
        f"file={escape_controls(escape_property(finding.path))}",
        f"line={finding.line}",
        f"col={finding.column}",
    ]
    if finding.end_line is not None:
        properties.append(f"endLine={finding.end_line}")
    if finding.end_column is not None:
        properties.append(f"endColumn={finding.end_column}")
    properties.append(f"title={escape_property(title)}")
    command = _COMMANDS[finding.severity]
    message = escape_data(escape_controls(finding.message))
    return f"::{command} {','.join(properties)}::{message}"


def summary(findings: Sequence[Finding]) -> str:
    """Return a line such as ``crucible-checks: 3 findings (2 errors, 1 warning)``."""
    if not findings:
        return "crucible-checks: no findings"
    counts = [
        _plural(sum(1 for f in findings if f.severity is severity), severity.value)
        for severity in Severity
    ]
    details = ", ".join(count for count in counts if not count.startswith("0 "))
    return f"crucible-checks: {_plural(len(findings), 'finding')} ({details})"


def _plural(count: int, noun: str) -> str:
    if noun == "info":
        return f"{count} info"
    return f"{count} {noun}{'' if count == 1 else 's'}"
