"""The docs stats command on a small vault whose numbers are counted by hand."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import Outcome

Cli = Callable[..., Outcome]

PAGES = {
    # 12 words: Home; Welcome to the docs See; and and; guide faq missing page.
    "index.md": (
        "# Home\n\nWelcome to the docs. See [[guide]] and [[faq]] and "
        "[[missing page]].\n"
    ),
    # 11 words; "Tutorial" is the only unlinked mention in the vault.
    "guide.md": (
        "# Guide\n\nRead the [[faq]] and the [FAQ](faq.md). The Tutorial is coming.\n"
    ),
    # 3 words, no outgoing links.
    "faq.md": "# FAQ\n\nAsk here.\n",
    # 5 words: the embed's file name is not counted.
    "island.md": "# Island\n\nLinks to [[islet]] and ![[nothing.png]].\n",
    # 7 words.
    "islet.md": "# Islet\n\nBack to [[island]]. A [dead](gone.md) link.\n",
    # 5 words; a self-link only, and a wiki link in code that does not count.
    "tutorial.md": "# Tutorial\n\nSee [[tutorial]] itself. `[[guide]]` no.\n",
}


@pytest.fixture
def vault(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / "pyproject.toml").write_text(
        '[tool.crucible-checks]\nroots = ["docs"]\n', encoding="utf-8"
    )
    (tmp_path / "docs").mkdir()
    for name, text in PAGES.items():
        (tmp_path / "docs" / name).write_text(text, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_stats_json_counted_by_hand(vault: Path, cli: Cli) -> None:
    outcome = cli("docs", "stats", "--format", "json")
    assert outcome.status == 0
    assert json.loads(outcome.out) == {
        "pages": 6,
        "words": 43,
        "wiki_links": 8,
        "distinct_targets": 7,
        "dead_links": 3,
        "wanted_pages": 1,
        "orphans": 1,
        "potential_wiki_links": 1,
        "connected_components": 3,
        "most_linked_to": [
            {"path": "docs/faq.md", "title": "FAQ", "count": 2},
            {"path": "docs/guide.md", "title": "Guide", "count": 1},
            {"path": "docs/island.md", "title": "Island", "count": 1},
            {"path": "docs/islet.md", "title": "Islet", "count": 1},
        ],
        "most_linking": [
            {"path": "docs/index.md", "title": "Home", "count": 2},
            {"path": "docs/guide.md", "title": "Guide", "count": 1},
            {"path": "docs/island.md", "title": "Island", "count": 1},
            {"path": "docs/islet.md", "title": "Islet", "count": 1},
        ],
        "no_outgoing_links": ["docs/faq.md", "docs/tutorial.md"],
    }


def test_stats_text_report(vault: Path, cli: Cli) -> None:
    outcome = cli("docs", "stats")
    assert outcome.status == 0
    assert outcome.out.splitlines()[:12] == [
        "Pages                                6",
        "Words                               43",
        "Wiki links                           8",
        "Distinct targets                     7",
        "Dead links                           3",
        "Wanted pages                         1",
        "Orphans                              1",
        "Potential wiki links                 1",
        "Connected components                 3",
        "Pages with no outgoing links         2",
        "",
        "Most linked-to pages (linking pages):",
    ]
    assert outcome.out.splitlines()[-3:] == [
        "Pages with no outgoing links:",
        "        docs/faq.md",
        "        docs/tutorial.md",
    ]


def test_generated_section_not_counted(vault: Path, cli: Cli) -> None:
    before = json.loads(cli("docs", "stats", "--format", "json").out)
    assert cli("docs", "backlinks").status == 0
    after = json.loads(cli("docs", "stats", "--format", "json").out)
    assert after == before
