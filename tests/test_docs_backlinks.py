"""The docs backlinks command and the stale backlinks check (DOC101)."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from tests.conftest import Outcome

Cli = Callable[..., Outcome]

CONFIG = '[tool.crucible-checks]\nroots = ["docs"]\n'
BEGIN = "<!-- crucible-checks:backlinks:begin -->"
END = "<!-- crucible-checks:backlinks:end -->"

PAGES = {
    "index.md": "# Home\n\nSee [[setup]] and [[queues]].\n",
    "setup.md": "# Setup Guide\r\n\r\nRead **[[queues]]** first.\r\n",
    "queues.md": "# Queues\n\nNo links here.",
    "lonely.md": "# Lonely\n\nOnly a generated section links here.\n",
    "notes.md": f"# Notes\n\nText.\n\n{BEGIN}\n- [[lonely]]\n{END}\n\nKept after.\n",
}


def write_vault(root: Path, pages: dict[str, str], config: str = "") -> Path:
    (root / "pyproject.toml").write_text(CONFIG + config, encoding="utf-8")
    for name, text in pages.items():
        path = root / "docs" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8", newline="")
    return root


def read(root: Path, name: str) -> str:
    return (root / "docs" / name).read_bytes().decode("utf-8")


def findings(cli: Cli, root: Path, *arguments: str) -> list[str]:
    outcome = cli("run", str(root), "--no-cache", *arguments)
    return [line for line in outcome.out.splitlines() if line.startswith("docs/")]


def test_backlinks_written_byte_for_byte(tmp_path: Path, cli: Cli, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    root = write_vault(tmp_path, PAGES)
    monkeypatch.chdir(root)
    outcome = cli("docs", "backlinks")
    assert outcome.status == 0
    assert outcome.out.splitlines() == [
        "updated docs/notes.md",
        "updated docs/queues.md",
        "updated docs/setup.md",
        "Backlinks sections: 3 pages changed, 5 pages read.",
    ]
    assert read(root, "setup.md") == (
        PAGES["setup.md"] + f"\r\n{BEGIN}\r\n## Backlinks\r\n\r\n"
        f"- [[index|Home]]: See setup and queues.\r\n{END}\r\n"
    )
    assert read(root, "queues.md") == (
        PAGES["queues.md"] + f"\n\n{BEGIN}\n## Backlinks\n\n"
        "- [[index|Home]]: See setup and queues.\n"
        f"- [[setup|Setup Guide]]: Read queues first.\n{END}\n"
    )
    assert read(root, "notes.md") == (
        f"# Notes\n\nText.\n\n{BEGIN}\n## Backlinks\n\n"
        f"No other page links here.\n{END}\n\nKept after.\n"
    )
    assert read(root, "index.md") == PAGES["index.md"]
    assert read(root, "lonely.md") == PAGES["lonely.md"]
    again = cli("docs", "backlinks", "--check")
    assert again.status == 0
    assert again.out == "Backlinks sections: 0 pages would change, 5 pages read.\n"


def test_generated_links_leave_orphans(tmp_path: Path, cli: Cli, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    root = write_vault(tmp_path, PAGES)
    monkeypatch.chdir(root)
    assert cli("docs", "backlinks").status == 0
    assert findings(cli, root, "--select", "DOC005") == [
        "docs/lonely.md:1:1: DOC005 orphan page: no other page links to it; link "
        "it from a page, or add 'orphan: true' to its front matter",
        "docs/notes.md:1:1: DOC005 orphan page: no other page links to it; link "
        "it from a page, or add 'orphan: true' to its front matter",
    ]


def test_stale_section_fixed_only(tmp_path: Path, cli: Cli, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    root = write_vault(tmp_path, PAGES)
    monkeypatch.chdir(root)
    assert cli("docs", "backlinks").status == 0
    assert findings(cli, root, "--select", "DOC101") == []
    index = root / "docs" / "index.md"
    index.write_text("# Home\n\nSee [[setup]] only.\n", encoding="utf-8")
    expected_setup = read(root, "setup.md").replace(
        "See setup and queues.", "See setup only."
    )
    assert findings(cli, root, "--select", "DOC101") == [
        "docs/queues.md:5:1: DOC101 backlinks section is out of date; run "
        "`crucible-checks docs backlinks` or `run --fix`",
        "docs/setup.md:5:1: DOC101 backlinks section is out of date; run "
        "`crucible-checks docs backlinks` or `run --fix`",
    ]
    fixed = cli("run", str(root), "--no-cache", "--select", "DOC101", "--fix")
    assert fixed.status == 0
    assert read(root, "setup.md") == expected_setup
    assert read(root, "queues.md") == (
        PAGES["queues.md"] + f"\n\n{BEGIN}\n## Backlinks\n\n"
        f"- [[setup|Setup Guide]]: Read queues first.\n{END}\n"
    )
    assert cli("docs", "backlinks", "--check").status == 0


def test_unterminated_section_reported(tmp_path: Path, cli: Cli, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    pages = {**PAGES, "queues.md": f"# Queues\n\n{BEGIN}\n- [[x]]\n"}
    root = write_vault(tmp_path, pages)
    monkeypatch.chdir(root)
    assert findings(cli, root, "--select", "DOC101") == [
        "docs/notes.md:5:1: DOC101 backlinks section is out of date; run "
        "`crucible-checks docs backlinks` or `run --fix`",
        "docs/queues.md:3:1: DOC101 backlinks section has no end marker "
        f"{END}; add it after the section, then run `crucible-checks docs backlinks`",
    ]
    outcome = cli("docs", "backlinks")
    assert outcome.status == 1
    assert outcome.err == (
        f"docs/queues.md: line 3: {BEGIN} has no {END}; add it, then run again\n"
    )
    assert read(root, "queues.md") == pages["queues.md"]


def test_json_index_mode(tmp_path: Path, cli: Cli, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    config = (
        "[tool.crucible-checks.docs]\n"
        'backlinks = "json"\nbacklinks-file = "site/backlinks.json"\n'
    )
    root = write_vault(tmp_path, PAGES, config)
    monkeypatch.chdir(root)
    outcome = cli("docs", "backlinks")
    assert outcome.out == "Wrote site/backlinks.json: 5 pages, 3 backlinks.\n"
    index = json.loads((root / "site" / "backlinks.json").read_text(encoding="utf-8"))
    assert index["pages"]["docs/queues.md"] == {
        "title": "Queues",
        "permalink": "queues",
        "backlinks": [
            {
                "path": "docs/index.md",
                "title": "Home",
                "permalink": "index",
                "context": ["See setup and queues."],
            },
            {
                "path": "docs/setup.md",
                "title": "Setup Guide",
                "permalink": "setup",
                "context": ["Read queues first."],
            },
        ],
    }
    assert index["pages"]["docs/lonely.md"]["backlinks"] == []
    assert read(root, "queues.md") == PAGES["queues.md"]
    assert findings(cli, root, "--select", "DOC101") == []
    (root / "docs" / "index.md").write_text("# Home\n", encoding="utf-8")
    outcome = cli("run", str(root), "--no-cache", "--select", "DOC101")
    assert outcome.out.splitlines()[0] == (
        "site/backlinks.json:1:1: DOC101 backlinks index is out of date; run "
        "`crucible-checks docs backlinks` or `run --fix`"
    )


def test_stale_check_skips_pages_without_markers(tmp_path: Path, cli: Cli) -> None:
    unmarked = {name: text for name, text in PAGES.items() if name != "notes.md"}
    root = write_vault(tmp_path, unmarked)
    outcome = cli("run", str(root), "--select", "DOC101")
    assert outcome.status == 0
    cache = root / ".crucible_checks_cache"
    assert sorted(path.name for path in cache.glob("docs-sections*")) == []
    assert sorted(path.name for path in cache.glob("docs-prose*")) == []
    assert sorted(path.name for path in cache.glob("docs-pages*")) != []


def test_stale_check_reads_sections_with_markers(tmp_path: Path, cli: Cli) -> None:
    root = write_vault(tmp_path, PAGES)
    outcome = cli("run", str(root), "--select", "DOC101")
    assert outcome.out.splitlines()[0] == (
        "docs/notes.md:5:1: DOC101 backlinks section is out of date; run "
        "`crucible-checks docs backlinks` or `run --fix`"
    )
    cache = root / ".crucible_checks_cache"
    assert sorted(path.name for path in cache.glob("docs-sections*")) != []
