"""The ``json`` format: a list of finding objects for tools."""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from typing import Any

from crucible_checks.findings import Finding
from crucible_checks.output import OutputContext

#: Characters that ``json.dumps(ensure_ascii=False)`` writes unescaped but
#: that should not reach the output raw: DEL, C1 controls and lone surrogates.
_UNSAFE = re.compile("[\x7f-\x9f\ud800-\udfff]")


def escape_unsafe(text: str) -> str:
    """Write DEL, C1 controls and lone surrogates of ``json.dumps`` output as
    ``\\u009b`` or ``\\udcff`` escapes.

    A file name that is not valid UTF-8 decodes to lone surrogates (PEP 383),
    which no UTF-8 stream can carry. Some terminals read a C1 control such as
    U+009B as the start of an escape sequence. ``json.dumps`` already escapes
    C0 controls. Outside strings, its output is ASCII, so every such character
    sits inside a string, where the escape is valid JSON and decodes back to
    the same text.
    """
    return _UNSAFE.sub(lambda match: f"\\u{ord(match.group()):04x}", text)


def finding_to_dict(finding: Finding, context: OutputContext) -> dict[str, Any]:
    """Return the JSON object of one finding."""
    info = context.checks.get(finding.code)
    fix = None
    if finding.fix is not None:
        fix = {
            "description": finding.fix.description,
            "edits": [
                {
                    "path": e.path,
                    "start": e.start,
                    "end": e.end,
                    "replacement": e.replacement,
                }
                for e in finding.fix.edits
            ],
        }
    return {
        "code": finding.code,
        "name": info.name if info else None,
        "severity": finding.severity.value,
        "path": finding.path,
        "line": finding.line,
        "column": finding.column,
        "end_line": finding.end_line,
        "end_column": finding.end_column,
        "message": finding.message,
        "subject": finding.subject,
        "fingerprint": finding.fingerprint,
        "fix": fix,
    }


class JsonFormat:
    name = "json"

    def render(self, findings: Sequence[Finding], context: OutputContext) -> str:
        rows = [finding_to_dict(finding, context) for finding in findings]
        return escape_unsafe(json.dumps(rows, indent=2, ensure_ascii=False)) + "\n"
