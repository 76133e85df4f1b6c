"""The line scan of plain pages gives the record and prose markdown-it gives."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from crucible_checks.docs.parser import parse_markdown_page, parse_page
from crucible_checks.docs.plain_pages import read_plain_page
from crucible_checks.docs.plain_prose import read_plain_prose
from crucible_checks.docs.prose import read_prose
from crucible_checks.docs.records import WIKI, Heading, Link

WORDS = st.sampled_from(
    [
        *("Queue", "retry", "Ünïcode", "a", "x1", "C#", "can't", "-", "*", "_"),
        *("!", "|", "http://x.org/a", "www.b.io", " ", "  ", "1.", "2)"),
    ]
)
NAMES = st.sampled_from(
    ["Page", "Topic 12 Queue", " spaced ", "a/b", "../up", "x.md", "img.png", ""]
)
MARKUP = st.sampled_from(
    [
        "---",
        "===",
        "***",
        "- ",
        "+",
        "1.",
        "| a | b |",
        "|---|---|",
        "--- | ---",
        ":--",
        "> quote",
        "<div id='x'>",
        "<!-- [[Hidden]] -->",
        "[text](other.md#part)",
        "[label]: target.md",
        "[[a]]]",
        "[[[a]]",
        "[[]]",
        "`[[Code]]`",
        "\\[[Escaped]]",
        "&amp;",
        "    [[Indented]]",
        "  - [[Nested]]",
        "- # Heading in item",
        "1. 2. nested",
        "- - nested",
        "#NoSpace",
        "####### seven",
        "# Closing #",
        "# {#custom}",
        "Text ^block-id",
        "~~~",
        "```",
        "```python",
        "``` `bad`",
        "  ```",
        "````",
        "\t[[Tab]]",
        "a\rb",
        "\u00a0[[Nbsp]]",
        "<!-- crucible-checks:backlinks:begin -->",
        "Setext title",
        "",
    ]
)


@st.composite
def wiki_links(draw: st.DrawFn) -> str:
    name = draw(NAMES)
    fragment = draw(st.sampled_from(["", "#Part", "#^block", "#", "# Two Words"]))
    alias = draw(st.sampled_from(["", "|shown", "|", "|a|b"]))
    embed = draw(st.sampled_from(["", "!"]))
    return f"{embed}[[{name}{fragment}{alias}]]"


@st.composite
def lines(draw: st.DrawFn) -> str:
    kind = draw(st.integers(0, 5))
    words = " ".join(draw(st.lists(WORDS, max_size=4)))
    link = draw(wiki_links())
    if kind == 0:
        return "#" * draw(st.integers(1, 6)) + " " + words
    if kind == 1:
        marker = draw(st.sampled_from(["- ", "* ", "+ ", "1. ", "2) ", "3. "]))
        return f"{marker}{words} {link} {words}".rstrip()
    if kind == 2:
        return f"{words} {link}{draw(st.sampled_from(['', link, ' end']))}"
    if kind == 3:
        return draw(MARKUP)
    if kind == 4:
        return words
    return ""


PAGES = st.lists(lines(), max_size=12).map("\n".join)


@settings(max_examples=600, deadline=None)
@given(PAGES, st.booleans())
def test_plain_reader_matches_markdown_it(text: str, alias_first: bool) -> None:
    plain = read_plain_page(text, alias_first)
    if plain is not None:
        assert plain == parse_markdown_page(text, alias_first)


def test_plain_reader_reads_vault_page() -> None:
    text = (
        "# Topic 3 Queue\n\nSome prose.\n\n- See [[Topic 9 Worker]] for step 0.\n"
        "- ![[Chart|big]] and [[Other#Part|shown]]\n\n```markdown\n[[Not A Link]]\n"
        "```\n## Next\n"
    )
    record = read_plain_page(text)
    assert record is not None
    assert record.title == "Topic 3 Queue"
    assert record.headings == (
        Heading(1, "Topic 3 Queue", "topic-3-queue", 1),
        Heading(2, "Next", "next", 11),
    )
    assert record.links == (
        Link(WIKI, "Topic 9 Worker", None, None, False, 5, 7, 36, 54, 38, 52),
        Link(WIKI, "Chart", None, "big", True, 6, 3, 69, 83, 72, 77),
        Link(WIKI, "Other", "Part", "shown", False, 6, 22, 88, 108, 90, 95),
    )
    assert record == parse_markdown_page(text)


def test_plain_reader_declines_markup() -> None:
    for text in ("> [[Quote]]\n", "[a](b.md)\n", "    [[Code]]\n", "Title\n---\n"):
        assert read_plain_page(text) is None
        assert parse_page(text) == parse_markdown_page(text)


@settings(max_examples=600, deadline=None)
@given(PAGES)
def test_plain_prose_matches_markdown_it(text: str) -> None:
    plain = read_plain_prose(text)
    if plain is not None:
        assert plain == read_prose(text)


def test_plain_prose_of_list_and_paragraph() -> None:
    text = (
        "# Title\n\n- See [[Page|the page]] at http://x.org  \nmore  \n2. two\n\n"
        "Text\n3. three\n"
    )
    prose = read_plain_prose(text)
    assert prose is not None
    assert [(run.line, run.column, run.text) for run in prose.runs] == [
        (3, 3, "See "),
        (3, 24, " at "),
        (4, 1, "more"),
        (5, 4, "two"),
        (7, 1, "Text"),
        (8, 1, "3. three"),
    ]
    assert prose.words == 10
    assert prose == read_prose(text)
