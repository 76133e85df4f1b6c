"""Output formats: SARIF against the published schema, GitHub escaping, JUnit XML."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from collections.abc import Callable
from pathlib import Path

import jsonschema
import pytest

from crucible_checks.findings import Finding, Severity
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
