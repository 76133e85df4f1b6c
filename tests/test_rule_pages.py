"""The generated check pages in docs/rules and the ``rule-pages`` command."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from crucible_checks.checks import CheckInfo, Option, Scope
from crucible_checks.findings import Severity
from crucible_checks.rule_pages import GENERATED_NOTICE, render_check
from tests.conftest import Outcome

RULES = Path(__file__).resolve().parent.parent / "docs" / "rules"


def test_docs_rules_up_to_date(cli: Callable[..., Outcome]) -> None:
    outcome = cli("rule-pages", "--check", str(RULES))
    assert outcome.out == f"{RULES}: all pages are up to date\n", (
        "docs/rules is stale; regenerate it with "
        "`crucible-checks rule-pages docs/rules` and commit the result"
    )
    assert outcome.status == 0


def test_every_check_has_a_page(cli: Callable[..., Outcome]) -> None:
    listing = cli("list", "--format", "json")
    codes = {
        line.split('"')[3] for line in listing.out.splitlines() if '"code"' in line
    }
    pages = {path.stem for path in RULES.glob("*.md")} - {"index"}
    assert codes
    assert pages == codes


def test_write_then_check(tmp_path: Path, cli: Callable[..., Outcome]) -> None:
    folder = tmp_path / "rules"
    first = cli("rule-pages", str(folder))
    assert first.status == 0
    assert first.out.startswith(f"{folder}: ")
    assert "  CC002.md\n" in first.out
    assert "  index.md\n" in first.out

    second = cli("rule-pages", str(folder))
    assert second.status == 0
    assert second.out.startswith(f"{folder}: 0 of ")

    assert cli("rule-pages", "--check", str(folder)).status == 0


def test_check_lists_stale_pages(tmp_path: Path, cli: Callable[..., Outcome]) -> None:
    folder = tmp_path / "rules"
    cli("rule-pages", str(folder))
    (folder / "CC002.md").write_text("# edited by hand\n", encoding="utf-8")
    (folder / "CC999.md").write_text("# a removed check\n", encoding="utf-8")

    outcome = cli("rule-pages", "--check", str(folder))

    assert outcome.status == 1
    assert outcome.out == (
        f"{folder / 'CC002.md'}: out of date\n"
        f"{folder / 'CC999.md'}: out of date\n"
        f"Run `crucible-checks rule-pages {folder}` to regenerate them.\n"
    )
    assert (folder / "CC002.md").read_text(encoding="utf-8") == "# edited by hand\n"


def test_write_removes_stale_pages(tmp_path: Path, cli: Callable[..., Outcome]) -> None:
    folder = tmp_path / "rules"
    folder.mkdir()
    (folder / "CC999.md").write_text("# a removed check\n", encoding="utf-8")
    (folder / "notes.txt").write_text("kept\n", encoding="utf-8")

    outcome = cli("rule-pages", str(folder))

    assert outcome.status == 0
    assert "  CC999.md\n" in outcome.out
    assert not (folder / "CC999.md").exists()
    assert (folder / "notes.txt").read_text(encoding="utf-8") == "kept\n"


def test_folder_that_is_a_file(tmp_path: Path, cli: Callable[..., Outcome]) -> None:
    target = tmp_path / "rules"
    target.write_text("", encoding="utf-8")

    outcome = cli("rule-pages", str(target))

    assert outcome.status == 2
    assert outcome.err == (
        f"crucible-checks: error: {target} is not a folder; "
        "pass the folder for the pages\n"
    )


SAMPLE = CheckInfo(
    code="DOC001",
    name="dead-wiki-link",
    family="docs",
    summary="A [[wiki link]] names no page.",
    explanation="Write `[[Page]]` for a page; [[Missing]] here is prose.",
    bad_example="Code with a fence:\n```\n[[Instal Guide]]\n```",
    good_example="[[Install Guide]]",
    options=(
        Option("case", str, "lower", "How names | are compared.", ("lower", "keep")),
        Option("roots", list, ["docs", "wiki"], "Folders."),
        Option("strict", bool, False, "Reject aliases."),
    ),
    default_enabled=False,
    severity=Severity.WARNING,
    scope=Scope.PROJECT,
    plugin="docs",
)


def test_check_page_layout() -> None:
    page = render_check(SAMPLE)
    assert page.startswith(
        f"# DOC001 dead-wiki-link\n\n{GENERATED_NOTICE}\n\n"
        "A \\[\\[wiki link]] names no page.\n\n"
    )
    assert "| Family | [[docs-checks\\|docs]] |\n" in page
    assert "| Scope | whole project |\n" in page
    assert "| Enabled by default | no |\n" in page
    assert "| Severity | warning |\n" in page
    assert page.endswith('turn it on with `extend-select = ["DOC001"]`.\n')


def test_check_page_escapes_prose_links() -> None:
    page = render_check(SAMPLE)
    assert (
        "## Why\n\nWrite `[[Page]]` for a page; \\[\\[Missing]] here is prose.\n"
    ) in page


def test_check_page_fences_examples() -> None:
    page = render_check(SAMPLE)
    assert (
        "Bad:\n\n````text\nCode with a fence:\n```\n[[Instal Guide]]\n```\n````" in page
    )
    assert "Good:\n\n```text\n[[Install Guide]]\n```" in page


@pytest.mark.parametrize(
    ("row"),
    [
        '| `case` | string | `"lower"` | `lower`, `keep` | How names \\| are '
        "compared. |",
        '| `roots` | list of strings | `["docs", "wiki"]` | any | Folders. |',
        "| `strict` | boolean | `false` | any | Reject aliases. |",
    ],
)
def test_check_page_option_rows(row: str) -> None:
    page = render_check(SAMPLE)
    assert "Set them in `[tool.crucible-checks.checks.DOC001]`" in page
    assert f"\n{row}\n" in page


def test_graph_checks_link_graph_page() -> None:
    graph = CheckInfo(
        code="DOC101", name="x", family="docs", summary="s.", explanation="e."
    )
    assert "| Family | [[docs-graph\\|docs]] |\n" in render_check(graph)


def test_unknown_family_has_no_link() -> None:
    other = CheckInfo(
        code="TXT001", name="x", family="text", summary="s.", explanation="e."
    )
    page = render_check(other)
    assert "| Family | text |\n" in page
    assert "| Plugin | unknown |\n" in page
