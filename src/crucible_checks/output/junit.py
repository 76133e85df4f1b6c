"""The ``junit`` format: JUnit XML, one test suite a file, one test case a finding."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections import defaultdict
from collections.abc import Sequence

from crucible_checks.findings import Finding
from crucible_checks.output import OutputContext
from crucible_checks.output.concise import concise_line


class JunitFormat:
    name = "junit"

    def render(self, findings: Sequence[Finding], context: OutputContext) -> str:
        suites = ET.Element("testsuites", name="crucible-checks")
        by_path: dict[str, list[Finding]] = defaultdict(list)
        for finding in findings:
            by_path[finding.path].append(finding)
        if not by_path:
            suite = ET.SubElement(
                suites, "testsuite", name="crucible-checks", tests="1"
            )
            suite.set("failures", "0")
            ET.SubElement(
                suite, "testcase", name="no findings", classname="crucible-checks"
            )
        for path, found in sorted(by_path.items()):
            suite = ET.SubElement(
                suites,
                "testsuite",
                name=path,
                tests=str(len(found)),
                failures=str(len(found)),
            )
            for finding in found:
                case = ET.SubElement(
                    suite,
                    "testcase",
                    name=f"{finding.code} {finding.line}:{finding.column}",
                    classname=path,
                    line=str(finding.line),
                    file=path,
                )
                failure = ET.SubElement(
                    case,
                    "failure",
                    message=finding.message,
                    type=finding.severity.value,
                )
                failure.text = concise_line(finding)
        suites.set("tests", str(max(len(findings), 1)))
        suites.set("failures", str(len(findings)))
        ET.indent(suites)
        body = ET.tostring(suites, encoding="unicode")
        return '<?xml version="1.0" encoding="UTF-8"?>\n' + body + "\n"
