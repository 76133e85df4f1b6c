"""The library entry point: one call returns findings and never prints."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

import crucible_checks
from crucible_checks import ConfigError, Finding, Severity


@pytest.fixture
def project(tmp_path: Path, textlint: str) -> Path:
    (tmp_path / "pyproject.toml").write_text(
        '[tool.crucible-checks]\nplugins = ["textlint_plugin"]\nselect = ["TXT"]\n'
    )
    (tmp_path / "a.txt").write_text("fine\nspace \n")
    return tmp_path


def test_run_returns_findings(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    result = crucible_checks.run(start=project)
    assert result.findings == [
        Finding("a.txt", 2, 6, "TXT001", "trailing whitespace", subject="space")
    ]
    assert result.findings[0].severity is Severity.ERROR
    assert result.failed
    assert result.files_checked == 2
    assert capsys.readouterr() == ("", "")


def test_run_select(project: Path) -> None:
    result = crucible_checks.run(start=project, select=["TXT002"])
    assert result.findings == []
    assert [info.code for info in result.checks] == ["TXT002"]


def test_run_bad_config_raises(project: Path) -> None:
    (project / "pyproject.toml").write_text("[tool.crucible-checks]\nroots = 3\n")
    with pytest.raises(ConfigError, match="'roots' must be a list of strings, got 3"):
        crucible_checks.run(start=project)


def test_run_orders_findings_as_finding_compares() -> None:
    from crucible_checks.run import _order

    compared = [field.name for field in dataclasses.fields(Finding) if field.compare]
    finding = Finding("a.md", 2, 3, "X001", "m", subject="s")
    assert _order(finding) == tuple(getattr(finding, name) for name in compared)
    findings = [
        Finding("b.md", 1, 1, "X001", "m"),
        Finding("a.md", 2, 1, "X002", "m"),
        Finding("a.md", 2, 1, "X001", "n"),
        Finding("a.md", 10, 1, "X001", "m"),
    ]
    assert sorted(findings, key=_order) == sorted(findings)


def test_file_cache_key_names_python_version(monkeypatch: pytest.MonkeyPatch) -> None:
    from crucible_checks import project

    key = project._settings_key("celery", [1])
    monkeypatch.setattr(project.sys, "version_info", (3, 99, 0))
    assert project._settings_key("celery", [1]) != key
