"""The ``sarif`` format: SARIF 2.1.0 for code-scanning services."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any
from urllib.parse import quote

from crucible_checks.checks import CheckInfo
from crucible_checks.findings import Finding, Severity
from crucible_checks.output import OutputContext
from crucible_checks.output.json_format import escape_unsafe

SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
ROOT_ID = "%SRCROOT%"
_LEVELS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}


class SarifFormat:
    name = "sarif"

    def render(self, findings: Sequence[Finding], context: OutputContext) -> str:
        codes = sorted({finding.code for finding in findings} | set(context.checks))
        infos = [context.checks[code] for code in codes if code in context.checks]
        index = {info.code: position for position, info in enumerate(infos)}
        document = {
            "$schema": SCHEMA,
            "version": "2.1.0",
            "runs": [
                {
                    "tool": {
                        "driver": {
                            "name": "crucible-checks",
                            "version": context.tool_version,
                            "rules": [_rule(info) for info in infos],
                        }
                    },
                    "originalUriBaseIds": {ROOT_ID: {"uri": context.root_uri}},
                    "results": [_result(f, index) for f in findings],
                }
            ],
        }
        text = json.dumps(document, indent=2, ensure_ascii=False)
        return escape_unsafe(text) + "\n"


def _rule(info: CheckInfo) -> dict[str, Any]:
    return {
        "id": info.code,
        "name": info.name,
        "shortDescription": {"text": info.summary},
        "fullDescription": {"text": info.explanation},
        "defaultConfiguration": {"level": _LEVELS[info.severity]},
        "properties": {"family": info.family, "scope": info.scope.value},
    }


def _result(finding: Finding, index: dict[str, int]) -> dict[str, Any]:
    region: dict[str, int] = {
        "startLine": max(finding.line, 1),
        "startColumn": max(finding.column, 1),
    }
    if finding.end_line is not None:
        region["endLine"] = max(finding.end_line, 1)
    if finding.end_column is not None:
        region["endColumn"] = max(finding.end_column, 1)
    result: dict[str, Any] = {
        "ruleId": finding.code,
        "level": _LEVELS[finding.severity],
        "message": {"text": finding.message},
        "locations": [
            {
                "physicalLocation": {
                    "artifactLocation": {
                        "uri": quote(finding.path, errors="surrogateescape"),
                        "uriBaseId": ROOT_ID,
                    },
                    "region": region,
                }
            }
        ],
        "partialFingerprints": {"crucibleChecks/v1": finding.fingerprint},
    }
    if finding.code in index:
        result["ruleIndex"] = index[finding.code]
    return result
