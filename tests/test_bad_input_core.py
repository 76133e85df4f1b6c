"""The core under hostile input: each case ends in one clear line and exit 0, 1 or 2."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from xml.etree import ElementTree

import pytest

from crucible_checks.cli import main
from crucible_checks.findings import Finding
from crucible_checks.fixes import apply_fixes
from crucible_checks.output.concise import concise_line
from crucible_checks.run import RunOptions, run_checks
from crucible_checks.session import Session
from tests.conftest import Outcome

Cli = Callable[..., Outcome]
BASELINE = ".crucible-checks-baseline.json"


@pytest.fixture
def project(tmp_path: Path, textlint: str, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / "pyproject.toml").write_text(
        '[tool.crucible-checks]\nplugins = ["textlint_plugin"]\nselect = ["TXT001"]\n'
    )
    (tmp_path / "notes.txt").write_text("one \ntwo\n")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_output_file_is_folder(cli: Cli, project: Path) -> None:
    (project / "out").mkdir()
    outcome = cli("run", "--output-file", "out")
    assert outcome.status == 2
    assert outcome.err == (
        "crucible-checks: error: --output-file out: cannot write: is a directory; "
        "give a file path\n"
    )
    assert sorted(path.name for path in (project / "out").iterdir()) == []


def test_output_file_in_missing_folder(cli: Cli, project: Path) -> None:
    outcome = cli("run", "--output-file", "new/folder/out.txt")
    assert outcome.status == 1
    assert (project / "new/folder/out.txt").read_text() == (
        "notes.txt:1:4: TXT001 trailing whitespace\n"
    )


def test_baseline_path_is_folder(cli: Cli, project: Path) -> None:
    (project / BASELINE).mkdir()
    outcome = cli("baseline")
    assert outcome.status == 2
    assert outcome.err == (
        f"crucible-checks: error: {project / BASELINE}: cannot write baseline: "
        "is a directory; set 'baseline' to a file path\n"
    )
    assert list((project / BASELINE).iterdir()) == []
    assert [path.name for path in project.iterdir() if ".tmp" in path.name] == []


def test_closed_stdout_is_quiet(tmp_path: Path) -> None:
    (tmp_path / "crucible-checks.toml").write_text("")
    for number in range(1000):
        (tmp_path / f"page-{number}.md").write_text(f"# Page {number}\n")
    script = (
        "import sys; from crucible_checks.cli import main; "
        "sys.exit(main(['run', '--select', 'DOC005', '--no-cache']))"
    )
    process = subprocess.Popen(
        [sys.executable, "-c", script],
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert process.stdout is not None
    process.stdout.readline()
    process.stdout.close()
    _, err = process.communicate(timeout=120)
    assert err == b""
    assert process.returncode == 1


@pytest.mark.parametrize(
    ("row", "shown"),
    [
        ({"fingerprint": "x", "count": -5}, "{'fingerprint': 'x', 'count': -5}"),
        ({"fingerprint": "x", "count": 0}, "{'fingerprint': 'x', 'count': 0}"),
        ({"fingerprint": "x", "count": True}, "{'fingerprint': 'x', 'count': True}"),
    ],
)
def test_baseline_bad_count(
    cli: Cli, project: Path, row: dict[str, object], shown: str
) -> None:
    document = {"version": 1, "findings": [row]}
    (project / BASELINE).write_text(json.dumps(document))
    outcome = cli("run")
    assert outcome.status == 2
    assert outcome.err == (
        f"crucible-checks: error: {project / BASELINE}: invalid baseline entry "
        f"{shown}; regenerate it with 'crucible-checks baseline'\n"
    )


def test_baseline_newer_version(cli: Cli, project: Path) -> None:
    (project / BASELINE).write_text('{"version": 99, "findings": []}')
    outcome = cli("run")
    assert outcome.status == 2
    assert outcome.err == (
        f"crucible-checks: error: {project / BASELINE}: baseline format version 99 "
        "is not supported (expected 1); regenerate it with 'crucible-checks "
        "baseline'\n"
    )


def test_invalid_exclude_pattern(cli: Cli, project: Path) -> None:
    config = project / "pyproject.toml"
    config.write_text(config.read_text() + 'extend-exclude = ["!"]\n')
    outcome = cli("run")
    assert outcome.status == 2
    assert outcome.err == (
        f"crucible-checks: error: {config} [tool.crucible-checks]: invalid exclude "
        "pattern '!'; fix it in 'exclude' or 'extend-exclude'\n"
    )


def test_invalid_gitignore_line_skipped(cli: Cli, project: Path) -> None:
    (project / ".gitignore").write_text("!\nskipped.txt\n\\\n")
    (project / "skipped.txt").write_text("ignored \n")
    outcome = cli("run")
    assert outcome.status == 1
    assert outcome.out == (
        "notes.txt:1:4: TXT001 trailing whitespace\nFound 1 finding (1 error).\n"
    )


@pytest.fixture
def odd_names(project: Path) -> Path:
    (project / "notes.txt").unlink()
    (project / os.fsdecode(b"bad\xffname.txt")).write_text("x \n")
    (project / "ctl\x01, 100%: a.txt").write_text("y \n")
    return project


def test_json_output_odd_names(cli: Cli, odd_names: Path) -> None:
    outcome = cli("run", "--format", "json")
    assert outcome.status == 1
    outcome.out.encode("utf-8")  # valid UTF-8, no lone surrogates
    rows = json.loads(outcome.out)
    assert [row["path"] for row in rows] == [
        os.fsdecode(b"bad\xffname.txt"),
        "ctl\x01, 100%: a.txt",
    ]


def test_sarif_output_odd_names(cli: Cli, odd_names: Path) -> None:
    outcome = cli("run", "--format", "sarif")
    assert outcome.status == 1
    outcome.out.encode("utf-8")
    results = json.loads(outcome.out)["runs"][0]["results"]
    uris = [
        result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
        for result in results
    ]
    assert uris == ["bad%FFname.txt", "ctl%01%2C%20100%25%3A%20a.txt"]


def test_junit_output_odd_names(cli: Cli, odd_names: Path) -> None:
    outcome = cli("run", "--format", "junit")
    assert outcome.status == 1
    suites = ElementTree.fromstring(outcome.out.encode("utf-8"))
    assert [suite.get("name") for suite in suites] == [
        "bad\\xffname.txt",
        "ctl\\x01, 100%: a.txt",
    ]
    failure = suites[1].find("testcase/failure")
    assert failure is not None
    assert failure.text == "ctl\\x01, 100%: a.txt:1:2: TXT001 trailing whitespace"


def test_github_output_odd_names(cli: Cli, odd_names: Path) -> None:
    outcome = cli("run", "--format", "github")
    assert outcome.status == 1
    assert outcome.out.splitlines()[:2] == [
        "::error file=bad\\udcffname.txt,line=1,col=2,"
        "title=TXT001 trailing-whitespace::trailing whitespace",
        # A control character shows as an escape, so a file name cannot
        # send a terminal escape sequence to the log.
        "::error file=ctl\\x01%2C 100%25%3A a.txt,line=1,col=2,"
        "title=TXT001 trailing-whitespace::trailing whitespace",
    ]


def test_baseline_odd_names(cli: Cli, odd_names: Path) -> None:
    assert cli("baseline").status == 0
    outcome = cli("run")
    assert outcome.status == 0
    assert outcome.out == (
        "All checks passed!\n"
        "2 findings accepted by the baseline not shown; use --no-baseline to see "
        "them.\n"
    )


def test_changed_since_outside_git(cli: Cli, project: Path) -> None:
    outcome = cli("run", "--changed-since", "HEAD")
    assert outcome.status == 2
    assert outcome.err.count("\n") == 1
    assert outcome.err.startswith(
        "crucible-checks: error: --changed-since HEAD: git failed: "
    )


def _plugin(folder: Path, name: str, body: str, monkeypatch: pytest.MonkeyPatch) -> str:
    (folder / f"{name}.py").write_text(
        "from crucible_checks import hookimpl\n\n" + body
    )
    monkeypatch.syspath_prepend(str(folder))
    return name


def test_plugin_check_without_info(
    cli: Cli,
    project: Path,
    tmp_path_factory: pytest.TempPathFactory,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    folder = tmp_path_factory.mktemp("plugins")
    body = "@hookimpl\ndef crucible_checks_checks():\n    return [object()]\n"
    name = _plugin(folder, "infoless_plugin", body, monkeypatch)
    outcome = cli("-p", name, "run")
    assert outcome.status == 2
    assert outcome.err == (
        "crucible-checks: error: plugin 'infoless_plugin': contributed <object> "
        "as a check; a check needs an 'info' CheckInfo and a run method\n"
    )


def test_output_format_crash(
    cli: Cli,
    project: Path,
    tmp_path_factory: pytest.TempPathFactory,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    folder = tmp_path_factory.mktemp("plugins")
    body = (
        "class Broken:\n"
        "    name = 'broken'\n\n"
        "    def render(self, findings, context):\n"
        "        raise RuntimeError('no template')\n\n\n"
        "@hookimpl\ndef crucible_checks_output_formats():\n    return [Broken()]\n"
    )
    name = _plugin(folder, "broken_format", body, monkeypatch)
    outcome = cli("-p", name, "run", "--format", "broken", "--output-file", "out.txt")
    assert outcome.status == 2
    assert outcome.err == (
        "crucible-checks: error: plugin 'broken_format': output format 'broken' "
        "failed: RuntimeError: no template\n"
    )
    assert not (project / "out.txt").exists()


@pytest.mark.parametrize(
    "arguments",
    [
        ("--select", ""),
        ("--select", ",,"),
        ("--select", "TXT001", "--ignore", "TXT001"),
        ("--select", "TXT", "--ignore", "TXT"),
    ],
)
def test_selection_leaves_no_check(
    cli: Cli, project: Path, arguments: tuple[str, ...]
) -> None:
    outcome = cli("run", *arguments)
    assert outcome.status == 2
    assert outcome.err == (
        "crucible-checks: error: no check is selected: the select and ignore "
        "settings leave nothing to run; select at least one code\n"
    )


def test_symlink_to_ancestor_walked_once(cli: Cli, project: Path) -> None:
    (project / "pyproject.toml").write_text(
        '[tool.crucible-checks]\nplugins = ["textlint_plugin"]\n'
        'select = ["TXT001", "CC002"]\nroots = ["docs"]\n'
    )
    (project / "docs").mkdir()
    (project / "docs/a.txt").write_text("x \n")
    (project / "docs/up").symlink_to("..")
    outcome = cli("run")
    assert outcome.status == 1
    assert outcome.out == (
        "docs/a.txt:1:2: TXT001 trailing whitespace\n"
        "docs/up:1:1: CC002 file skipped: symlink loop\n"
        "Found 2 findings (2 errors).\n"
    )


def test_fix_skips_file_changed_after_check(
    tmp_path: Path, textlint: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "pyproject.toml").write_text(
        '[tool.crucible-checks]\nplugins = ["textlint_plugin"]\nselect = ["TXT001"]\n'
    )
    page = tmp_path / "a.txt"
    page.write_text("one \n")
    session = Session.create(start=tmp_path)
    result = run_checks(session, RunOptions())
    page.write_text("changed by someone else  \nmore\n")
    assert apply_fixes(tmp_path, result.findings, result.stamps) == 0
    assert page.read_text() == "changed by someone else  \nmore\n"
    page.unlink()
    assert apply_fixes(tmp_path, result.findings, result.stamps) == 0


def test_concise_escapes_newline_in_path() -> None:
    finding = Finding("odd\nname.md", 1, 1, "DOC001", "dead link")
    assert concise_line(finding) == "odd\\nname.md:1:1: DOC001 dead link"


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (
            'cache-dir = ""\n',
            "'cache-dir' = '' is empty; name a path relative to the project folder, "
            "such as '.crucible_checks_cache'",
        ),
        ('cache-dir = "../cache"\n', "'cache-dir' = '../cache' is outside the project"),
        ('baseline = "/tmp/b.json"\n', "'baseline' = '/tmp/b.json' is an absolute"),
        ('roots = ["../elsewhere"]\n', "root '../elsewhere' is outside the project"),
        ('roots = ["/etc"]\n', "root '/etc' is outside the project"),
    ],
)
def test_config_rejects_paths(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    body: str,
    message: str,
) -> None:
    (tmp_path / "pyproject.toml").write_text("[tool.crucible-checks]\n" + body)
    monkeypatch.chdir(tmp_path)
    assert main(["run"]) == 2
    assert message in capsys.readouterr().err


def test_config_option_must_be_toml(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "a.md").write_text("# Title\n")
    monkeypatch.chdir(tmp_path)
    assert main(["--config", "a.md", "run"]) == 2
    assert "a.md: a config file must be a .toml file" in capsys.readouterr().err


def test_check_calling_exit_is_plugin_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "exiting_plugin.py").write_text(
        "import sys\n"
        "from crucible_checks import CheckInfo, Family, hookimpl\n"
        "class Exit:\n"
        "    info = CheckInfo('EXIT001', 'exits', 'exits', 'S.', 'E.')\n"
        "    def run(self, project, options):\n"
        "        sys.exit(3)\n"
        "@hookimpl\n"
        "def crucible_checks_families():\n"
        "    return [Family('exits', 'Exits.')]\n"
        "@hookimpl\n"
        "def crucible_checks_checks():\n"
        "    return [Exit()]\n"
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.chdir(tmp_path)
    assert main(["-p", "exiting_plugin", "run", "--select", "EXIT001"]) == 2
    assert "check EXIT001 (exits) failed: SystemExit: 3" in capsys.readouterr().err
