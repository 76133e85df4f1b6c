"""Page facts: the prose, link contexts and sections the graph tools cache."""

from __future__ import annotations

import os
import pickle
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from crucible_checks.docs import prose_facts, section_facts
from crucible_checks.docs.backlinks import earlier_sections, plain_context
from crucible_checks.docs.generated_section import (
    BACKLINKS_SECTION,
    find_section,
    newline_of,
)
from crucible_checks.docs.prose import PageProse, Prose, SourceLine, read_prose
from crucible_checks.docs.prose_facts import ProseFacts, scan_prose
from crucible_checks.docs.section_facts import (
    ContextFacts,
    SectionFacts,
    scan_contexts,
    scan_sections,
)
from crucible_checks.docs.source_map import SourceText
from tests.conftest import Outcome

Cli = Callable[..., Outcome]

CONFIG = '[tool.crucible-checks]\nroots = ["docs"]\n'
BEGIN = "<!-- crucible-checks:backlinks:begin -->"
END = "<!-- crucible-checks:backlinks:end -->"

PAGES = {
    "index.md": "# Home\n\nSee [[setup]] and [[queues]]. The Tutorial waits.\n",
    "setup.md": (
        "# Setup Guide\r\n\r\n| a | [[queues\\|Q]] |\r\n|---|---|\r\n| x | y |\r\n"
    ),
    "queues.md": "# Queues\n\nRead the Setup Guide, then [[index]].\n",
    "tutorial.md": "# Tutorial\n\n- Plain [[index|home]] item.\n",
    "notes.md": (
        f"# Notes\n\n{BEGIN}\n- old\n{END}\n\nText.\n\n{BEGIN}\n- [[gone]]\n{END}\n"
    ),
    "open.md": f"# Open\n\nSee [[index]].\n\n{BEGIN}\n- unterminated\n",
}

PIECES = st.sampled_from(
    [
        "# Title\n",
        "Some prose with Setup Guide words.\n",
        "- item [[Page|shown]] and http://x.org/a\n",
        "| cell [[a]] | b \\| c |\n|---|---|\n| d | e |\n",
        "`code [[x]]` and <b>html</b> &amp;\n",
        "> quote [[b#Part]]\n",
        "[text](other.md) and [ref][r]\n\n[r]: target.md\n",
        f"{BEGIN}\n- [[x]]\n{END}\n",
        f"{BEGIN}\n",
        "\n",
        "\r\n",
        "\ufeff",
    ]
)


def write_vault(root: Path, pages: dict[str, str], config: str = "") -> Path:
    (root / "pyproject.toml").write_text(CONFIG + config, encoding="utf-8")
    for name, text in pages.items():
        path = root / "docs" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8", newline="")
    return root


def outputs(cli: Cli) -> list[Outcome]:
    """Return the outcome of each command that reads page facts."""
    return [
        cli("docs", "stats", "--format", "json"),
        cli("docs", "backlinks", "--check"),
        cli("run", ".", "--select", "DOC101,DOC102", "--format", "concise"),
    ]


def count_scans(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Record the text of every page scanned for facts from now on, once for
    its prose and once for its link contexts."""
    scanned: list[str] = []
    read_plain, read_any = prose_facts.plain_prose_runs, prose_facts.read_prose
    find_lines = section_facts.link_lines

    def counted_plain(text: str) -> tuple[int, tuple[Prose, ...]] | None:
        found = read_plain(text)
        if found is not None:  # Else the page is parsed by `read_prose`.
            scanned.append(text)
        return found

    def counted(text: str) -> PageProse:
        scanned.append(text)
        return read_any(text)

    def counted_lines(source: SourceText) -> tuple[SourceLine, ...]:
        scanned.append(source.text)
        return find_lines(source)

    monkeypatch.setattr(prose_facts, "plain_prose_runs", counted_plain)
    monkeypatch.setattr(prose_facts, "read_prose", counted)
    monkeypatch.setattr(section_facts, "link_lines", counted_lines)
    return scanned


@settings(max_examples=200, deadline=None)
@given(st.lists(PIECES, max_size=12).map("".join), st.booleans())
def test_facts_survive_plain_form(text: str, alias_first: bool) -> None:
    prose = read_prose(text)
    stored = pickle.loads(pickle.dumps(scan_prose(text, alias_first)))
    assert type(stored) is tuple
    restored = ProseFacts._make(stored)
    assert restored.runs() == list(prose.runs)
    assert restored.words == prose.words
    stored = pickle.loads(pickle.dumps(scan_sections(text, alias_first)))
    assert type(stored) is tuple
    sections = SectionFacts._make(stored)
    assert sections.backlinks_section() == prose.backlinks
    assert sections.backlinks_text == prose.backlinks_text
    assert sections.extra_sections() == earlier_sections(text)
    assert sections.newline == newline_of(text)
    stored = pickle.loads(pickle.dumps(scan_contexts(text, alias_first)))
    assert type(stored) is tuple
    contexts = [
        (line.number, plain_context(line.text, alias_first))
        for line in prose.link_lines
    ]
    expected = tuple(pair for pair in contexts if pair[1])
    assert ContextFacts._make(stored).contexts == expected


def test_sections_of_duplicates() -> None:
    text = PAGES["notes.md"]
    facts = SectionFacts._make(scan_sections(text, False))
    last = find_section(text, BACKLINKS_SECTION)
    assert last is not None
    assert last.end is not None
    assert facts.backlinks_section() == last
    assert facts.backlinks_text == text[last.start : last.end]
    assert facts.extra_sections() == earlier_sections(text)
    assert len(facts.extra_sections()) == 1


def test_sections_of_unterminated() -> None:
    text = PAGES["open.md"]
    facts = SectionFacts._make(scan_sections(text, False))
    section = facts.backlinks_section()
    assert section == find_section(text, BACKLINKS_SECTION)
    assert section is not None
    assert section.end is None
    assert facts.backlinks_text == ""
    assert facts.extra_sections() == ()


def test_contexts_follow_alias_order() -> None:
    text = "# Page\n\nRead [[target|shown]] now.\n\nNo link here.\n"
    assert ContextFacts._make(scan_contexts(text, False)).contexts == (
        (3, "Read shown now."),
    )
    assert ContextFacts._make(scan_contexts(text, True)).contexts == (
        (3, "Read target now."),
    )


def test_warm_run_matches_cold(
    tmp_path: Path, cli: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = write_vault(tmp_path, PAGES)
    monkeypatch.chdir(root)
    cold = outputs(cli)
    assert cold[0].status == 0
    assert '"potential_wiki_links": 2' in cold[0].out
    assert cold[1].status == 1
    assert cold[2].status == 1
    scanned = count_scans(monkeypatch)
    warm = outputs(cli)
    assert scanned == []
    assert warm == cold
    shutil.rmtree(root / ".crucible_checks_cache")
    assert outputs(cli) == cold
    # No backlinks list is quoted: the two pages with sections are in error
    # or have no backlinks, so only the prose is scanned.
    assert sorted(scanned) == sorted(PAGES.values())


def test_changed_page_is_read_again(
    tmp_path: Path, cli: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = write_vault(tmp_path, PAGES)
    monkeypatch.chdir(root)
    before = cli("docs", "stats", "--format", "json").out
    assert '"words": 30' in before
    assert '"potential_wiki_links": 2' in before
    scanned = count_scans(monkeypatch)
    changed = "# Tutorial\n\n- Plain [[index|home]] item, see the Queues too.\n"
    (root / "docs" / "tutorial.md").write_text(changed, encoding="utf-8")
    after = cli("docs", "stats", "--format", "json").out
    assert scanned == [changed]
    assert '"words": 34' in after
    assert '"potential_wiki_links": 3' in after
    shutil.rmtree(root / ".crucible_checks_cache")
    assert cli("docs", "stats", "--format", "json").out == after


def test_touched_page_is_confirmed_by_hash(
    tmp_path: Path, cli: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = write_vault(tmp_path, PAGES)
    monkeypatch.chdir(root)
    before = cli("docs", "backlinks", "--check").out
    scanned = count_scans(monkeypatch)
    page = root / "docs" / "notes.md"
    stat = page.stat()
    os.utime(page, ns=(stat.st_atime_ns, stat.st_mtime_ns + 10**9))
    assert cli("docs", "backlinks", "--check").out == before
    assert scanned == []


def test_alias_order_change_reads_pages_again(
    tmp_path: Path, cli: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    # [[index|queues]] links index.md target first, queues.md alias first.
    pages = {**PAGES, "both.md": "# Both\n\nGo [[index|queues]] now.\n"}
    root = write_vault(tmp_path, pages)
    monkeypatch.chdir(root)
    assert cli("docs", "backlinks").status == 1
    index = (root / "docs" / "index.md").read_text(encoding="utf-8")
    assert "- [[Both]]: Go queues now.\n" in index
    scanned = count_scans(monkeypatch)
    config = CONFIG + '\n[tool.crucible-checks.docs]\nalias-order = "alias-first"\n'
    (root / "pyproject.toml").write_text(config, encoding="utf-8")
    assert cli("docs", "backlinks").status == 1
    assert len(scanned) == len(pages)
    queues = (root / "docs" / "queues.md").read_text(encoding="utf-8")
    assert "- [[Both]]: Go index now.\n" in queues


def test_check_without_sections_scans_nothing(
    tmp_path: Path, cli: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    pages = {name: PAGES[name] for name in ("index.md", "queues.md", "tutorial.md")}
    root = write_vault(tmp_path, pages)
    monkeypatch.chdir(root)
    scanned = count_scans(monkeypatch)
    outcome = cli("docs", "backlinks", "--check")
    assert outcome.status == 1
    assert outcome.out.splitlines() == [
        "would update docs/index.md",
        "would update docs/queues.md",
        "Backlinks sections: 2 pages would change, 3 pages read.",
    ]
    assert scanned == []
