"""Inline suppression comments and the unused-suppression check."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from crucible_checks.suppression import parse_directives
from tests.conftest import Outcome

Cli = Callable[..., Outcome]


@pytest.fixture
def project(tmp_path: Path, textlint: str, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / "pyproject.toml").write_text(
        '[tool.crucible-checks]\nplugins = ["textlint_plugin"]\n'
        'select = ["TXT001", "CC001"]\n'
        '[tool.crucible-checks.textlint]\nsuffixes = [".txt", ".md"]\n'
    )
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_markdown_disable_enable_range() -> None:
    text = (
        "a\n<!-- crucible-checks-disable DOC001 -->\nb\nc\n"
        "<!-- crucible-checks-enable DOC001 -->\nd\n"
    )
    [directive] = parse_directives("page.md", text)
    assert (directive.first_line, directive.last_line) == (2, 5)
    assert directive.codes == frozenset({"DOC001"})


def test_markdown_next_line_and_file() -> None:
    text = (
        "<!-- crucible-checks-disable-file DOC003 -->\n"
        "<!-- crucible-checks-disable-next-line -->\nx\n"
    )
    whole, next_line = parse_directives("page.md", text)
    assert (whole.first_line, whole.last_line) == (1, 3)
    assert (next_line.first_line, next_line.last_line) == (3, 3)
    assert next_line.codes == frozenset({"*"})


def test_noqa_codes() -> None:
    [directive] = parse_directives("tasks.py", "x = 1  # noqa: CEL001, QUE002\n")
    assert directive.codes == frozenset({"CEL001", "QUE002"})


def test_suppressed_in_markdown(cli: Cli, project: Path) -> None:
    (project / "page.md").write_text(
        "<!-- crucible-checks-disable-next-line TXT001 -->\nhidden \nshown \n"
    )
    expected = "page.md:3:6: TXT001 trailing whitespace\nFound 1 finding (1 error).\n"
    assert cli("run").out == expected
    # The second run takes the comments from the cache.
    assert cli("run").out == expected
    assert cli("run", "--no-cache").out == expected


def test_suppressed_by_name(cli: Cli, project: Path) -> None:
    (project / "page.md").write_text(
        "<!-- crucible-checks-disable-file trailing-whitespace -->\nhidden \n"
    )
    assert cli("run").status == 0


def test_noqa_in_text_file(cli: Cli, project: Path) -> None:
    (project / "notes.txt").write_text("hidden # noqa: TXT001 \nshown \n")
    outcome = cli("run")
    assert outcome.out.splitlines() == [
        "notes.txt:2:6: TXT001 trailing whitespace",
        "Found 1 finding (1 error).",
    ]


def test_unused_suppression_reported(cli: Cli, project: Path) -> None:
    (project / "page.md").write_text(
        "clean\n<!-- crucible-checks-disable-next-line TXT001 -->\nclean\n"
    )
    outcome = cli("run")
    assert outcome.status == 1
    assert outcome.out.splitlines()[0] == (
        "page.md:2:1: CC001 unused suppression "
        "'<!-- crucible-checks-disable-next-line TXT001 -->': no TXT001 finding "
        "here; remove it"
    )


def test_unused_not_judged_for_other_codes(cli: Cli, project: Path) -> None:
    (project / "page.md").write_text("<!-- crucible-checks-disable-line DOC001 -->\n")
    assert cli("run").status == 0


def test_directive_in_code_is_an_example() -> None:
    text = (
        "```markdown\n<!-- crucible-checks-disable DOC001 -->\n```\n"
        "    <!-- crucible-checks-disable DOC002 -->\n\n"
        "Write `<!-- crucible-checks-disable DOC003 -->` to turn it off.\n"
        "<!-- crucible-checks-disable DOC004 -->\n"
    )
    [directive] = parse_directives("page.md", text)
    assert directive.codes == frozenset({"DOC004"})
    assert directive.line == 7
