"""Output formats: SARIF against the published schema, GitHub escaping, JUnit XML."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from collections.abc import Callable
from pathlib import Path

import jsonschema
import pytest

from crucible_checks.findings import Finding, Severity
from crucible_checks.output import escape_controls
from crucible_checks.output.github import escape_data, escape_property, summary
from tests.conftest import Outcome

Cli = Callable[..., Outcome]
SCHEMA = Path(__file__).parent / "data" / "sarif-schema-2.1.0.json"


@pytest.fixture
def project(tmp_path: Path, textlint: str, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / "pyproject.toml").write_text(
        '[tool.crucible-checks]\nplugins = ["textlint_plugin"]\nselect = ["TXT"]\n'
    )
    (tmp_path / "sub dir").mkdir()
    (tmp_path / "sub dir" / "notes.txt").write_text("ok\nbad \n")
    (tmp_path / "long.txt").write_text("y" * 41 + "\n")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_sarif_validates_against_schema(cli: Cli, project: Path) -> None:
    outcome = cli("run", "--format", "sarif")
    document = json.loads(outcome.out)
    schema = json.loads(SCHEMA.read_text())
    jsonschema.validate(document, schema)
    run = document["runs"][0]
    rules = [rule["id"] for rule in run["tool"]["driver"]["rules"]]
    assert rules == sorted(rules)
    assert {"CC001", "CC002", "TXT001", "TXT002", "TXT003"} <= set(rules)
    results = {
        result["ruleId"]: result["locations"][0]["physicalLocation"]
        for result in run["results"]
    }
    assert results["TXT001"]["artifactLocation"] == {
        "uri": "sub%20dir/notes.txt",
        "uriBaseId": "%SRCROOT%",
    }
    assert results["TXT001"]["region"] == {"startLine": 2, "startColumn": 4}
    levels = {result["ruleId"]: result["level"] for result in run["results"]}
    assert levels == {"TXT001": "error", "TXT002": "warning"}
    assert run["originalUriBaseIds"]["%SRCROOT%"]["uri"] == project.as_uri() + "/"


def test_sarif_fingerprint_and_rule_index(cli: Cli, project: Path) -> None:
    run = json.loads(cli("run", "--format", "sarif").out)["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    for result in run["results"]:
        assert rules[result["ruleIndex"]]["id"] == result["ruleId"]
        assert len(result["partialFingerprints"]["crucibleChecks/v1"]) == 20


def test_github_annotations(cli: Cli, project: Path) -> None:
    outcome = cli("run", "--format", "github")
    assert outcome.out.splitlines() == [
        "::warning file=long.txt,line=1,col=41,title=TXT002 line-too-long::"
        "line is 41 characters long (limit 40)",
        "::error file=sub dir/notes.txt,line=2,col=4,title=TXT001 "
        "trailing-whitespace::trailing whitespace",
        "crucible-checks: 2 findings (1 error, 1 warning)",
    ]
    assert outcome.status == 1


def test_github_escaping() -> None:
    assert escape_data("50% done\r\nnext") == "50%25 done%0D%0Anext"
    assert escape_property("a:b,c%") == "a%3Ab%2Cc%25"


def test_github_summary_counts() -> None:
    findings = [
        Finding("a", 1, 1, "X1", "m", Severity.INFO),
        Finding("a", 2, 1, "X1", "m", Severity.ERROR),
    ]
    assert summary(findings) == "crucible-checks: 2 findings (1 error, 1 info)"
    assert summary([]) == "crucible-checks: no findings"


def test_junit_xml(cli: Cli, project: Path) -> None:
    outcome = cli("run", "--format", "junit")
    root = ET.fromstring(outcome.out.split("\n", 1)[1])
    assert root.tag == "testsuites"
    assert root.get("failures") == "2"
    suites = {suite.get("name"): suite for suite in root}
    assert set(suites) == {"long.txt", "sub dir/notes.txt"}
    [case] = list(suites["sub dir/notes.txt"])
    assert case.get("name") == "TXT001 2:4"
    failure = case.find("failure")
    assert failure is not None
    assert failure.text == "sub dir/notes.txt:2:4: TXT001 trailing whitespace"


def test_junit_clean_run(cli: Cli, project: Path) -> None:
    outcome = cli("run", "--format", "junit", "--select", "TXT003")
    (project / "README.txt").write_text("hi\n")
    outcome = cli("run", "--format", "junit", "--select", "TXT003")
    root = ET.fromstring(outcome.out.split("\n", 1)[1])
    assert root.get("failures") == "0"
    assert outcome.status == 0


def test_full_format_shows_source(cli: Cli, project: Path) -> None:
    outcome = cli("run", "--format", "full", "--select", "TXT001")
    assert outcome.out == (
        "sub dir/notes.txt:2:4: TXT001 trailing whitespace\n"
        "    2 | bad \n"
        "      |    ^\n"
        "  = trailing-whitespace: A line ends with spaces or tabs.\n"
        "  = fix: remove trailing whitespace\n"
        "\n"
        "Found 1 finding (1 error).\n"
    )


#: A page whose wiki links carry an OSC sequence that sets the terminal
#: title, a C1 CSI and, after a tab, a bare ESC.
_HOSTILE_PAGE = b"See [[a\x1b]0;PWNED\x07b]] and [[x\xc2\x9by]].\n\t[[q\x1bz]]\n"
_HOSTILE_MESSAGES = [
    "dead wiki link [[a\x1b]0;PWNED\x07b]]: no page 'a\\x1b]0;pwned\\x07b'",
    "dead wiki link [[x\x9by]]: no page 'x\\x9by'",
    "dead wiki link [[q\x1bz]]: no page 'q\\x1bz'",
]
_ESCAPED_LINES = [
    "docs/index.md:1:5: DOC001 dead wiki link [[a\\x1b]0;PWNED\\x07b]]: "
    "no page 'a\\x1b]0;pwned\\x07b'",
    "docs/index.md:1:26: DOC001 dead wiki link [[x\\x9by]]: no page 'x\\x9by'",
    "docs/index.md:2:2: DOC001 dead wiki link [[q\\x1bz]]: no page 'q\\x1bz'",
]


@pytest.fixture
def hostile(tmp_path: Path) -> Path:
    (tmp_path / "pyproject.toml").write_text(
        '[tool.crucible-checks]\nroots = ["docs"]\nselect = ["DOC001"]\n'
    )
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "index.md").write_bytes(_HOSTILE_PAGE)
    return tmp_path


def _has_control(text: str) -> bool:
    return any(ord(char) < 0x20 and char != "\n" for char in text) or any(
        0x7F <= ord(char) <= 0x9F for char in text
    )


def test_concise_escapes_control_characters(cli: Cli, hostile: Path) -> None:
    outcome = cli("run", str(hostile), "--no-cache")
    assert outcome.status == 1
    assert outcome.out == "\n".join(
        [*_ESCAPED_LINES, "Found 3 findings (3 errors).", ""]
    )
    assert outcome.err == ""


def test_full_escapes_control_characters(cli: Cli, hostile: Path) -> None:
    outcome = cli("run", str(hostile), "--no-cache", "--format", "full")
    summary = "  = dead-wiki-link: A wiki link or embed names a page or file that "
    summary += "does not exist.\n\n"
    first = "    1 | See [[a\\x1b]0;PWNED\\x07b]] and [[x\\x9by]].\n"
    assert outcome.status == 1
    assert outcome.out == (
        _ESCAPED_LINES[0]
        + "\n"
        + first
        + "      |     ^\n"
        + summary
        # The caret stays under the link after the escapes widen the line.
        + _ESCAPED_LINES[1]
        + "\n"
        + first
        + "      |                                ^\n"
        + summary
        # A tab shows as four spaces, and the caret counts them.
        + _ESCAPED_LINES[2]
        + "\n"
        + "    2 |     [[q\\x1bz]]\n"
        + "      |     ^\n"
        + summary
        + "Found 3 findings (3 errors).\n"
    )
    assert not _has_control(outcome.out)


def test_github_escapes_control_characters(cli: Cli, hostile: Path) -> None:
    outcome = cli("run", str(hostile), "--no-cache", "--format", "github")
    prefix = "::error file=docs/index.md,line={},col={},title=DOC001 dead-wiki-link::"
    assert outcome.status == 1
    assert outcome.out.splitlines() == [
        prefix.format(1, 5) + _ESCAPED_LINES[0].split(" DOC001 ", 1)[1],
        prefix.format(1, 26) + _ESCAPED_LINES[1].split(" DOC001 ", 1)[1],
        prefix.format(2, 2) + _ESCAPED_LINES[2].split(" DOC001 ", 1)[1],
        "crucible-checks: 3 findings (3 errors)",
    ]
    assert outcome.err == "Found 3 findings (3 errors).\n"


def test_json_keeps_control_characters(cli: Cli, hostile: Path) -> None:
    for name in ("json", "sarif"):
        outcome = cli("run", str(hostile), "--no-cache", "--format", name)
        assert outcome.status == 1
        assert not _has_control(outcome.out)
        document = json.loads(outcome.out)
        if name == "sarif":
            results = document["runs"][0]["results"]
            messages = [result["message"]["text"] for result in results]
        else:
            messages = [row["message"] for row in document]
        assert messages == _HOSTILE_MESSAGES


def test_junit_valid_with_control_characters(cli: Cli, hostile: Path) -> None:
    outcome = cli("run", str(hostile), "--no-cache", "--format", "junit")
    assert outcome.status == 1
    assert not _has_control(outcome.out)
    root = ET.fromstring(outcome.out.split("\n", 1)[1])
    failures = root.findall("./testsuite/testcase/failure")
    # XML 1.0 cannot contain C0 controls, so those show as escapes. C1
    # controls are written as character references and parse back exactly.
    assert [failure.get("message") for failure in failures] == [
        "dead wiki link [[a\\x1b]0;PWNED\\x07b]]: no page 'a\\x1b]0;pwned\\x07b'",
        "dead wiki link [[x\x9by]]: no page 'x\\x9by'",
        "dead wiki link [[q\\x1bz]]: no page 'q\\x1bz'",
    ]
    assert [failure.text for failure in failures] == _ESCAPED_LINES


def test_escape_controls_keeps_line_feed() -> None:
    text = "2 differences:\n  a\r\tb\x7f\x85"
    assert escape_controls(text) == "2 differences:\n  a\\x0d\\x09b\\x7f\\x85"
