"""The ``full`` format: each finding with its source line and the check's summary."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from urllib.parse import unquote, urlparse

from crucible_checks.findings import Finding
from crucible_checks.output import OutputContext, escape_controls
from crucible_checks.output.concise import concise_line


class FullFormat:
    name = "full"

    def render(self, findings: Sequence[Finding], context: OutputContext) -> str:
        root = Path(unquote(urlparse(context.root_uri).path))
        lines_by_path: dict[str, list[str]] = {}
        blocks = []
        for finding in findings:
            if finding.path not in lines_by_path:
                lines_by_path[finding.path] = _lines(root / finding.path)
            blocks.append(_block(finding, lines_by_path[finding.path], context))
        return "".join(blocks)


def _block(finding: Finding, lines: list[str], context: OutputContext) -> str:
    parts = [concise_line(finding)]
    if 0 < finding.line <= len(lines):
        line = lines[finding.line - 1].rstrip("\r\n")
        gutter = f"{finding.line:>5} | "
        parts.append(gutter + _shown(line))
        # The caret counts the characters shown before the column, so it
        # stays under it after tabs and escapes widen the line.
        indent = len(_shown(line[: finding.column - 1]))
        parts.append(" " * (len(gutter) - 2) + "| " + " " * indent + "^")
    info = context.checks.get(finding.code)
    if info is not None:
        parts.append(f"  = {info.name}: {escape_controls(info.summary)}")
    if finding.fix is not None:
        parts.append(f"  = fix: {escape_controls(finding.fix.description)}")
    return "\n".join(parts) + "\n\n"


def _shown(text: str) -> str:
    return escape_controls(text.expandtabs(4))


def _lines(path: Path) -> list[str]:
    try:
        if path.stat().st_size > 2 * 1024 * 1024:
            return []
        # Reading in text mode turns \r\n and \r into \n, the line ends the
        # checks count; splitlines would also split at \x0b, \x0c and others.
        return path.read_text("utf-8", "replace").split("\n")
    except OSError:
        return []
