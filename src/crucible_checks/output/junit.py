"""The ``junit`` format: JUnit XML, one test suite a file, one test case a finding."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Sequence

from crucible_checks.findings import Finding
from crucible_checks.output import OutputContext
from crucible_checks.output.concise import concise_line

#: Characters that XML 1.0 cannot contain, even as character references.
_NOT_XML = "[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]"
#: DEL and C1 controls, which XML 1.0 allows and a terminal may act on.
_CONTROL = re.compile("[\x7f-\x9f]")


def _xml_text(text: str) -> str:
    """Replace characters XML cannot carry with a visible escape such as ``\\x01``.

    A surrogate escape of a file name byte (PEP 383) shows as that byte.
    """

    def escape(match: re.Match[str]) -> str:
        code = ord(match.group())
        if 0xDC80 <= code <= 0xDCFF:
            return f"\\x{code - 0xDC00:02x}"
        return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"

    # Compiled on use (re caches it): its Unicode ranges take milliseconds.
    return re.sub(_NOT_XML, escape, text)


class JunitFormat:
    name = "junit"

    def render(self, findings: Sequence[Finding], context: OutputContext) -> str:
        # Imported here: the XML library costs every run's start-up otherwise.
        import xml.etree.ElementTree as ET

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
        for raw_path, found in sorted(by_path.items()):
            path = _xml_text(raw_path)
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
                    message=_xml_text(finding.message),
                    type=finding.severity.value,
                )
                failure.text = _xml_text(concise_line(finding))
        suites.set("tests", str(max(len(findings), 1)))
        suites.set("failures", str(len(findings)))
        ET.indent(suites)
        body = ET.tostring(suites, encoding="unicode")
        # Written as character references, they parse back to the same text.
        body = _CONTROL.sub(lambda match: f"&#x{ord(match.group()):x};", body)
        return '<?xml version="1.0" encoding="UTF-8"?>\n' + body + "\n"
