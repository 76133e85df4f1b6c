"""The page parser: links, anchors and positions as markdown-it reads them."""

from __future__ import annotations

from crucible_checks.docs.parser import parse_page
from crucible_checks.docs.records import DEFINITION, IMAGE, MARKDOWN, WIKI, PageRecord


def _spans(text: str) -> list[tuple[str, str, str]]:
    record = parse_page(text)
    return [
        (
            link.kind,
            text[link.start : link.end],
            text[link.target_start : link.target_end],
        )
        for link in record.links
    ]


def test_wiki_link_parts() -> None:
    record = parse_page("See [[Page#Head|shown]] and ![[pic.png]].\n")
    first, second = record.links
    assert (first.kind, first.target, first.fragment, first.alias) == (
        WIKI,
        "Page",
        "Head",
        "shown",
    )
    assert (first.line, first.column) == (1, 5)
    assert second.embed
    assert second.target == "pic.png"


def test_same_page_and_block_links() -> None:
    first, second = parse_page("[[#Local]] [[Other#^blk-1]]\n").links
    assert (first.target, first.fragment) == ("", "Local")
    assert (second.target, second.fragment) == ("Other", "^blk-1")


def test_alias_first_order() -> None:
    (link,) = parse_page("[[shown text|Real Page]]\n", alias_first=True).links
    assert (link.target, link.alias) == ("Real Page", "shown text")


def test_code_comments_front_matter_are_not_links() -> None:
    text = (
        "---\nnote: '[[In Front Matter]]'\n---\n"
        "`[[span]]`\n\n```\n[[fenced]]\n```\n\n    [[indented]]\n\n"
        "<!-- [[comment]] -->\n\ntext <!-- [[inline comment]] --> [[Real]]\n"
    )
    assert [link.target for link in parse_page(text).links] == ["Real"]


def test_table_escaped_pipe() -> None:
    text = "| a | b |\n|---|---|\n| [[Page\\|shown]] | x |\n"
    (link,) = parse_page(text).links
    assert (link.target, link.alias) == ("Page", "shown")
    assert text[link.start : link.end] == "[[Page\\|shown]]"
    assert (link.line, link.column) == (3, 3)


def test_markdown_links_and_definitions() -> None:
    text = (
        '> - [setup](../guide/my%20setup.md#install "t") ![alt](img/a.png)\n\n'
        "[ref]: <other page.md#part> 'title'\n"
    )
    assert _spans(text) == [
        (
            MARKDOWN,
            '[setup](../guide/my%20setup.md#install "t")',
            "../guide/my%20setup.md",
        ),
        (IMAGE, "![alt](img/a.png)", "img/a.png"),
        (DEFINITION, "[ref]: <other page.md#part", "other page.md"),
    ]


def test_crlf_and_bom_offsets() -> None:
    text = "\ufeff# Title\r\n\r\nSee [[Next Page]].\r\n"
    (link,) = parse_page(text).links
    assert (link.line, link.column) == (3, 5)
    assert text[link.target_start : link.target_end] == "Next Page"


def test_heading_anchors_with_duplicates() -> None:
    text = '# Intro *x*\n## Intro x\n## Setup & Run {#custom}\n<a name="legacy"></a>\n'
    record = parse_page(text)
    assert record.title == "Intro x"
    assert [heading.anchor for heading in record.headings] == [
        "intro-x",
        "intro-x-1",
        "setup--run",
    ]
    assert {"custom", "legacy"} <= record.anchors


def test_block_ids_and_front_matter() -> None:
    text = (
        "---\naliases: [Alt Name]\nslug: custom/path\norphan: true\n---\n"
        "A fact. ^fact-1\n"
    )
    record = parse_page(text)
    assert record.block_ids == frozenset({"fact-1"})
    assert record.aliases == ("Alt Name",)
    assert record.slug == "custom/path"
    assert record.orphan


def test_invalid_front_matter_is_recorded() -> None:
    record = parse_page("---\naliases: [unclosed\n---\n[[A]]\n")
    assert record.front_matter_error is not None
    assert [link.target for link in record.links] == ["A"]


def test_invalid_front_matter_sets_no_field() -> None:
    record = parse_page("---\norphan: true\nslug: s\naliases: [a, [b]]\n---\n")
    assert record.front_matter_error == "'aliases' item 2 must be a string, not a list"
    assert (record.front_matter_error_line, record.front_matter_error_column) == (4, 1)
    assert record.aliases == ()
    assert record.slug is None
    assert not record.orphan


def test_front_matter_error_column_in_characters() -> None:
    record = parse_page('\ufeff---\nnäme: "é\n---\n')
    assert record.front_matter_error == (
        "YAML error: found unexpected end of stream while scanning a quoted scalar"
    )
    assert (record.front_matter_error_line, record.front_matter_error_column) == (2, 7)


def test_front_matter_control_character() -> None:
    record = parse_page('---\na: b\nc: "\x01"\n---\n')
    # The message ends "control characters" with libyaml and "special"
    # with the pure-Python loader.
    error = record.front_matter_error or ""
    assert error.startswith("YAML error: unacceptable character #x0001: ")
    assert (record.front_matter_error_line, record.front_matter_error_column) == (3, 5)


def test_front_matter_anchor_copies_rejected() -> None:
    copies = ", ".join(["*n"] * 20)
    record = parse_page(f"---\nn: &n {'x' * 20}\naliases: [{copies}]\n---\n")
    assert record.front_matter_error == (
        "'aliases' repeats YAML anchors (*name) into more text than the front "
        "matter contains; write each name once"
    )
    assert record.aliases == ()


def test_front_matter_scalar_names() -> None:
    record = parse_page("---\naliases: 404\nslug: /a/b/\norphan: yes\n---\n")
    assert record.front_matter_error is None
    assert (record.front_matter_error_line, record.front_matter_error_column) == (0, 0)
    assert record.aliases == ("404",)
    assert record.slug == "a/b"
    assert record.orphan


def test_unclosed_and_multiline_brackets() -> None:
    assert parse_page("[[no close\n[[across\nlines]]\n").links == ()
    (link,) = parse_page("[[[x]]]\n").links
    assert link.target == "x"


def test_section_markers_flagged() -> None:
    marked = "# A\n\n<!-- crucible-checks:backlinks:begin -->\n"
    assert parse_page(marked).has_markers is True
    assert parse_page("# A\n\nSee [[b]].\n").has_markers is False


def test_record_survives_the_cache_format() -> None:
    text = (
        "---\naliases: [Start]\nslug: home\n---\n# Home\n\n## Part\n\nSee [[A#B|b]].\n"
    )
    record = parse_page(text)
    plain = record.to_plain()
    assert all(type(link) is tuple for link in plain[4])
    rebuilt = PageRecord.from_plain(plain)
    assert rebuilt == record
    assert rebuilt.links[0].text == "[[A#B]]"
    assert rebuilt.headings[1].anchor == "part"
    assert rebuilt.aliases == ("Start",)
    assert rebuilt.slug == "home"
