"""Generated sections: finding them and splicing one in, byte for byte."""

from __future__ import annotations

import pytest

from crucible_checks.docs.generated_section import (
    find_section,
    find_sections,
    generated_spans,
    newline_of,
    render_section,
    splice_section,
)
from crucible_checks.docs.parser import parse_page

BEGIN = "<!-- crucible-checks:backlinks:begin -->"
END = "<!-- crucible-checks:backlinks:end -->"


def section(body: str, newline: str = "\n") -> str:
    return render_section("backlinks", body.split("\n"), newline)


def test_splice_appends_after_blank_line() -> None:
    text = "# Page\n\nBody text.\n"
    spliced = splice_section(text, "backlinks", section("- [[a]]"))
    assert spliced == f"# Page\n\nBody text.\n\n{BEGIN}\n- [[a]]\n{END}\n"


def test_splice_adds_missing_final_newline() -> None:
    spliced = splice_section("# Page", "backlinks", section("- [[a]]"))
    assert spliced == f"# Page\n\n{BEGIN}\n- [[a]]\n{END}\n"


def test_splice_replaces_only_section() -> None:
    before = "# Page  \r\n\r\nText\twith tabs \r\n\r\n"
    after = "\r\ntrailing text kept\r\n"
    text = f"{before}{BEGIN}\r\n- [[old]]\r\n{END}{after}"
    spliced = splice_section(text, "backlinks", section("- [[new]]", "\r\n"))
    assert spliced == f"{before}{BEGIN}\r\n- [[new]]\r\n{END}{after}"


@pytest.mark.parametrize("newline", ["\n", "\r\n", "\r"])
def test_splice_is_idempotent(newline: str) -> None:
    text = newline.join(["---", "title: x", "---", "# Page", "", "Text"]) + newline
    new = section("- [[a]]", newline_of(text))
    once = splice_section(text, "backlinks", new)
    twice = splice_section(once, "backlinks", new)
    assert once == twice
    assert once == text + newline + new + newline
    assert newline_of(once) == newline


def test_splice_without_section_changes_nothing() -> None:
    text = "# Page\n"
    assert splice_section(text, "backlinks", None) == text


def test_splice_rejects_unterminated_section() -> None:
    text = f"# Page\n\n{BEGIN}\n- [[a]]\n"
    with pytest.raises(ValueError, match=f"line 3: {BEGIN} has no {END}"):
        splice_section(text, "backlinks", section("- [[b]]"))


def test_find_sections_ignores_stray_markers() -> None:
    text = f"{END}\ntext\n  {BEGIN}\n{BEGIN}\n- x\n{END}\n"
    (found,) = find_sections(text)
    assert found.line == 3
    assert text[found.start : found.end] == f"  {BEGIN}\n{BEGIN}\n- x\n{END}"


def test_marker_must_be_alone_on_line() -> None:
    text = f"See {BEGIN} in prose.\n"
    assert find_sections(text) == []
    assert find_section(text, "backlinks") is None


def test_generated_spans_cover_unterminated() -> None:
    text = f"a\n{BEGIN}\nb\n"
    assert generated_spans(text) == [(2, len(text))]


def test_parser_skips_generated_links() -> None:
    text = f"# Page\n\nSee [[kept]].\n\n{BEGIN}\n- [[generated]]\n{END}\n[[after]]\n"
    links = parse_page(text).links
    assert [link.target for link in links] == ["kept", "after"]


def test_markers_in_code_are_examples() -> None:
    text = (
        f"# Page\n\n```markdown\n{BEGIN}\n- [[x]]\n{END}\n```\n\n"
        f"~~~~\n{BEGIN}\n~~~\n~~~~\n\n    {BEGIN}\n"
    )
    assert find_sections(text) == []
    assert [link.target for link in parse_page(text).links] == []
    spliced = splice_section(text, "backlinks", section("- [[a]]"))
    assert spliced == f"{text}\n{BEGIN}\n- [[a]]\n{END}\n"
