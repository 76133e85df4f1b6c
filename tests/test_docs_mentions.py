"""The unlinked mention check and its fix, on small vaults."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt
from markdown_it.token import Token

from crucible_checks.docs.markdown_rules import wiki_link_rule
from crucible_checks.docs.prose import read_prose
from tests.conftest import Outcome

Cli = Callable[..., Outcome]

CONFIG = '[tool.crucible-checks]\nroots = ["docs"]\n'

SETUP = "---\naliases: [Install Steps]\n---\n# Setup Guide\n\nHow to set up.\n"


def write_vault(root: Path, pages: dict[str, str], config: str = "") -> Path:
    (root / "pyproject.toml").write_text(CONFIG + config, encoding="utf-8")
    for name, text in pages.items():
        path = root / "docs" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8", newline="")
    return root


def findings(cli: Cli, root: Path, *arguments: str) -> list[str]:
    outcome = cli("run", str(root), "--no-cache", "--select", "DOC102", *arguments)
    return [line for line in outcome.out.splitlines() if line.startswith("docs/")]


def test_mentions_skip_non_prose(tmp_path: Path, cli: Cli) -> None:
    page = (
        "---\ntitle: Setup Guide\n---\n"
        "# Setup Guide in a heading\n\n"
        "Code `setup guide` and <!-- setup guide --> here.\n"
        "A URL https://example.com/setup-guide/Queues and [Queues](queues.md).\n\n"
        "```\nSetup Guide\nQueues\n```\n\n"
        "    Setup Guide indented\n\n"
        "<div>\nSetup Guide in HTML\n</div>\n\n"
        "Setup Guidebook and unsetup guide are other words.\n"
        "Then read the SETUP GUIDE, and the setup guide again.\n"
    )
    root = write_vault(
        tmp_path,
        {
            "index.md": page,
            "setup.md": SETUP,
            "queues.md": "# Queues\n\nSee [[index]].\n",
        },
    )
    assert findings(cli, root) == [
        'docs/index.md:21:15: DOC102 unlinked mention: "SETUP GUIDE" names the page '
        "docs/setup.md; link it as [[setup|SETUP GUIDE]]",
    ]


def test_aliases_and_min_length(tmp_path: Path, cli: Cli) -> None:
    root = write_vault(
        tmp_path,
        {
            "index.md": "Follow the install steps. The API page. The Tool page.\n",
            "setup.md": SETUP,
            "api.md": "# API\n",
            "tool.md": "# Tool\n",
        },
    )
    assert findings(cli, root) == [
        'docs/index.md:1:12: DOC102 unlinked mention: "install steps" names the page '
        "docs/setup.md; link it as [[Install Steps|install steps]]",
        'docs/index.md:1:45: DOC102 unlinked mention: "Tool" names the page '
        "docs/tool.md; link it as [[Tool]]",
    ]
    config = (
        "[tool.crucible-checks.checks.DOC102]\n"
        'min-length = 3\nignore-names = ["tool"]\n'
    )
    (root / "pyproject.toml").write_text(CONFIG + config, encoding="utf-8")
    assert findings(cli, root) == [
        'docs/index.md:1:12: DOC102 unlinked mention: "install steps" names the page '
        "docs/setup.md; link it as [[Install Steps|install steps]]",
        'docs/index.md:1:31: DOC102 unlinked mention: "API" names the page '
        "docs/api.md; link it as [[API]]",
    ]


def test_linked_and_own_pages_skipped(tmp_path: Path, cli: Cli) -> None:
    root = write_vault(
        tmp_path,
        {
            "index.md": "See [[setup]]; the Setup Guide is linked already.\n",
            "setup.md": SETUP + "This Setup Guide page names itself.\n",
            "other.md": "# Overview\n",
            "more.md": "# Overview\n\nOverview is the name of two pages.\n",
        },
    )
    assert findings(cli, root) == []


def _document(md: MarkdownIt, text: str) -> list[tuple[str, str]]:
    """Return the page's tokens as (type, text), wiki links read as their shown text."""
    flat: list[tuple[str, str]] = []
    for token in md.parse(text):
        if token.children is None:
            flat.append((token.type, token.content))
            continue
        for child in token.children:
            _append_inline(flat, child)
    return flat


def _append_inline(flat: list[tuple[str, str]], child: Token) -> None:
    if child.type == "wiki_link":
        target, _, shown = child.content.partition("|")
        child = Token("text", "", 0, content=(shown or target).replace("\\", ""))
    if child.type == "text" and flat and flat[-1][0] == "text":
        flat[-1] = ("text", flat[-1][1] + child.content)
    else:
        flat.append((child.type, child.content))


def test_fix_keeps_document_and_code(tmp_path: Path, cli: Cli) -> None:
    page = (
        "# Start\r\n\r\n"
        "Code `Setup Guide` stays, and so does\r\n\r\n"
        "```\r\nSetup Guide\r\n```\r\n\r\n"
        "| step | where |\r\n|---|---|\r\n| one | the setup guide |\r\n\r\n"
        "Read the *Setup Guide* and the Queues page; the setup guide again.\r\n"
    )
    root = write_vault(
        tmp_path,
        {"index.md": page, "setup.md": SETUP, "queues.md": "# Queues\n\n[[index]]\n"},
    )
    outcome = cli("run", str(root), "--no-cache", "--select", "DOC102", "--fix")
    assert outcome.status == 0
    fixed = (root / "docs" / "index.md").read_bytes().decode("utf-8")
    assert fixed == page.replace(
        "| the setup guide |", "| the [[setup\\|setup guide]] |"
    ).replace("the Queues page", "the [[Queues]] page")
    md = MarkdownIt("commonmark").enable("table")
    md.inline.ruler.before("link", "wiki_link", wiki_link_rule)
    assert _document(md, fixed) == _document(md, page)
    second = cli("run", str(root), "--no-cache", "--select", "DOC102", "--fix")
    assert second.status == 0
    assert (root / "docs" / "index.md").read_bytes().decode("utf-8") == fixed


MARKDOWN_PIECES = st.sampled_from(
    [
        "[[",
        "]]",
        "|",
        "`",
        "\\",
        "<!--",
        "-->",
        "\n",
        "\r\n",
        "> ",
        "- ",
        "| a |",
        "---\n",
        "```\n",
        "    ",
        "\ufeff",
        "&amp;",
        "http://x.y ",
        "Setup Guide",
        "*",
    ]
)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.one_of(MARKDOWN_PIECES, st.text(max_size=5)), max_size=40))
def test_prose_runs_match_page_text(pieces: list[str]) -> None:
    text = "".join(pieces)
    prose = read_prose(text)
    assert prose.words >= 0
    for run in prose.runs:
        assert text[run.offset : run.offset + len(run.text)] == run.text
