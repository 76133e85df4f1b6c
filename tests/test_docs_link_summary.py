"""The link summary snapshot: a warm run reads only the changed pages."""

from __future__ import annotations

import os
import pickle
from collections.abc import Callable
from pathlib import Path

import pytest

from crucible_checks.cache import read_cache_file
from crucible_checks.docs.link_summary import (
    PAGES_FILE,
    SNAPSHOT_FILE,
    LazyPages,
    LinkSummary,
    link_summary_of,
)
from crucible_checks.run import RunOptions, build_project
from crucible_checks.session import Session
from tests.conftest import Outcome

Cli = Callable[..., Outcome]

CONFIG = '[tool.crucible-checks]\nroots = ["docs"]\n'
PAGES = {
    "index.md": "# Home\n\nSee [[Setup]] and [[Queue#Retries]].\n",
    "Setup.md": "# Setup\n\nBack to [[index]].\n",
    "Queue.md": "# Queue\n\n## Retries\n\nText.\n",
    "Lonely.md": "# Lonely\n\nSee [[Setup]].\n",
}
ORPHAN = (
    "docs/Lonely.md:1:1: DOC005 orphan page: no other page links to it; "
    "link it from a page, or add 'orphan: true' to its front matter"
)


def write_vault(root: Path) -> Path:
    (root / "pyproject.toml").write_text(CONFIG)
    (root / "docs").mkdir()
    for name, text in PAGES.items():
        (root / "docs" / name).write_text(text)
    return root


def edit(page: Path, text: str) -> None:
    """Write ``text`` and move the modification time on, so the stat differs."""
    before = page.stat().st_mtime_ns
    page.write_text(text)
    os.utime(page, ns=(before + 10**9, before + 10**9))


def findings(cli: Cli, root: Path, *extra: str) -> list[str]:
    outcome = cli("run", str(root), "--select", "DOC", *extra)
    return outcome.out.splitlines()[:-1] if outcome.status else []


def summary(root: Path) -> LinkSummary:
    session = Session.create(start=root)
    # The same paths as `findings`, so the walk finds the same files.
    return link_summary_of(build_project(session, RunOptions(paths=[root])))


def test_warm_run_reads_changed_page(tmp_path: Path, cli: Cli) -> None:
    root = write_vault(tmp_path)
    assert findings(cli, root) == [ORPHAN]
    assert (root / ".crucible_checks_cache" / SNAPSHOT_FILE).is_file()
    page = root / "docs" / "Setup.md"
    edit(page, "# Setup\n\nBack to [[index]], see [[Queue]].\n")
    pages = summary(root).vault.pages
    assert isinstance(pages, LazyPages)
    # Every name was resolved before, so no other page was loaded.
    assert not pages.loaded
    assert len(pages["docs/Setup.md"].record.links) == 2
    # Pages taken from the snapshot keep no links, but the changed page does.
    assert pages["docs/Queue.md"].record.links == ()
    assert pages.loaded
    edit(page, "# Setup\n\nBack to [[index]], see [[Gone]].\n")
    expected = [
        ORPHAN,
        "docs/Setup.md:3:24: DOC001 dead wiki link [[Gone]]: no page 'gone'",
    ]
    assert findings(cli, root) == expected
    assert findings(cli, root, "--no-cache") == expected


def test_new_link_adopts_orphan(tmp_path: Path, cli: Cli) -> None:
    root = write_vault(tmp_path)
    assert findings(cli, root) == [ORPHAN]
    edit(root / "docs" / "Queue.md", "# Queue\n\n## Retries\n\nSee [[Lonely]].\n")
    assert findings(cli, root) == []


def test_removed_link_makes_orphan(tmp_path: Path, cli: Cli) -> None:
    root = write_vault(tmp_path)
    findings(cli, root)
    edit(root / "docs" / "index.md", "# Home\n\nSee [[Setup]].\n")
    queue_orphan = ORPHAN.replace("Lonely", "Queue")
    assert findings(cli, root) == [ORPHAN, queue_orphan]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "# Queue\n\n## Retry policy\n\nText.\n",
            "docs/index.md:3:19: DOC002 dead anchor in [[Queue#Retries]]: no "
            "heading 'Retries' in docs/Queue.md",
        ),
        (
            "---\nslug: jobs\n---\n# Queue\n\n## Retries\n\nText.\n",
            "docs/index.md:3:19: DOC001 dead wiki link [[Queue#Retries]]: no page "
            "'queue'; did you mean [[Queue]]?",
        ),
    ],
    ids=["heading", "slug"],
)
def test_changed_heading_rechecks_links(
    tmp_path: Path, cli: Cli, text: str, expected: str
) -> None:
    root = write_vault(tmp_path)
    findings(cli, root)
    edit(root / "docs" / "Queue.md", text)
    found = findings(cli, root)
    assert expected in found
    assert found == findings(cli, root, "--no-cache")


def test_new_and_removed_pages_rebuild(tmp_path: Path, cli: Cli) -> None:
    root = write_vault(tmp_path)
    edit(root / "docs" / "Setup.md", "# Setup\n\nBack to [[index]], see [[Later]].\n")
    assert "DOC001 dead wiki link [[Later]]" in " ".join(findings(cli, root))
    (root / "docs" / "Later.md").write_text("# Later\n")
    assert findings(cli, root) == [ORPHAN]
    (root / "docs" / "Later.md").unlink()
    assert len(findings(cli, root)) == 2


def test_damaged_snapshot_rebuilt(tmp_path: Path, cli: Cli) -> None:
    root = write_vault(tmp_path)
    findings(cli, root)
    (root / ".crucible_checks_cache" / SNAPSHOT_FILE).write_bytes(b"\x80\x05junk")
    edit(root / "docs" / "Lonely.md", "# Lonely\n")
    assert findings(cli, root) == [ORPHAN]


def test_text_edit_keeps_snapshot(tmp_path: Path, cli: Cli) -> None:
    root = write_vault(tmp_path)
    findings(cli, root)
    snapshot = root / ".crucible_checks_cache" / SNAPSHOT_FILE
    written = snapshot.read_bytes()
    page = root / "docs" / "Setup.md"
    edit(page, PAGES["Setup.md"] + "\nMore words.\n")
    assert findings(cli, root) == [ORPHAN]
    assert snapshot.read_bytes() == written
    assert findings(cli, root) == [ORPHAN]
    edit(page, PAGES["Setup.md"] + "\nSee [[Gone]].\n")
    assert len(findings(cli, root)) == 2
    assert snapshot.read_bytes() != written


def test_new_fragment_link_reads_pages(tmp_path: Path, cli: Cli) -> None:
    root = write_vault(tmp_path)
    findings(cli, root)
    edit(root / "docs" / "Lonely.md", "# Lonely\n\nSee [[Queue#Nope]].\n")
    expected = [
        ORPHAN,
        "docs/Lonely.md:3:5: DOC002 dead anchor in [[Queue#Nope]]: no heading "
        "'Nope' in docs/Queue.md",
    ]
    assert findings(cli, root) == expected
    assert findings(cli, root, "--no-cache") == expected


def test_orphan_flag_edit_exempts_page(tmp_path: Path, cli: Cli) -> None:
    root = write_vault(tmp_path)
    findings(cli, root)
    page = root / "docs" / "Lonely.md"
    edit(page, "---\norphan: true\n---\n" + PAGES["Lonely.md"])
    assert findings(cli, root) == []
    edit(page, PAGES["Lonely.md"])
    assert findings(cli, root) == [ORPHAN]


def test_replaced_pages_file_reads_pages_again(tmp_path: Path, cli: Cli) -> None:
    root = write_vault(tmp_path)
    findings(cli, root)
    (root / ".crucible_checks_cache" / PAGES_FILE).write_bytes(b"junk")
    edit(root / "docs" / "Lonely.md", "# Lonely\n\nSee [[Queue#Retries]].\n")
    assert findings(cli, root) == [ORPHAN]


def test_shared_permalink_stays_reported(tmp_path: Path, cli: Cli) -> None:
    root = write_vault(tmp_path)
    (root / "docs" / "Copy.md").write_text("---\nslug: setup\n---\n# Copy\n")
    shared = (
        "docs/Setup.md:1:1: DOC004 page has the permalink 'setup' of "
        "docs/Copy.md; rename one of them"
    )
    assert shared in findings(cli, root)
    edit(root / "docs" / "index.md", PAGES["index.md"] + "\nMore.\n")
    assert shared in findings(cli, root)


def test_undecodable_page_reported_warm(tmp_path: Path, cli: Cli) -> None:
    root = write_vault(tmp_path)
    (root / "docs" / "latin.md").write_bytes(b"caf\xe9\n")
    skipped = (
        "docs/latin.md:1:1: CC002 file skipped: invalid UTF-8 at byte 3 (line 1); "
        "save it as UTF-8"
    )
    for _ in range(2):
        outcome = cli("run", str(root), "--select", "DOC,CC002")
        assert skipped in outcome.out.splitlines()
    edit(root / "docs" / "Setup.md", PAGES["Setup.md"] + "\nMore.\n")
    outcome = cli("run", str(root), "--select", "DOC,CC002")
    assert skipped in outcome.out.splitlines()
    (root / "docs" / "latin.md").write_text("# Latin\n\nSee [[index]].\n")
    assert findings(cli, root) == [ORPHAN, ORPHAN.replace("Lonely", "latin")]


# A frame of 2**64 - 1 bytes: pickle raises OverflowError reading it.
OVERFLOWING_PICKLE = b"\x80\x05\x95" + b"\xff" * 8


def test_overflowing_cache_files_ignored(tmp_path: Path, cli: Cli) -> None:
    root = write_vault(tmp_path)
    assert findings(cli, root) == [ORPHAN]
    for path in (root / ".crucible_checks_cache").glob("*.pickle"):
        path.write_bytes(OVERFLOWING_PICKLE)
    assert findings(cli, root) == [ORPHAN]


def test_warm_run_keeps_page_cache(tmp_path: Path, cli: Cli) -> None:
    root = write_vault(tmp_path)
    findings(cli, root)

    def cached_pages() -> set[str]:
        shards = (root / ".crucible_checks_cache").glob("docs-pages.*.pickle")
        return {
            path for shard in shards for path in pickle.loads(read_cache_file(shard))[1]
        }

    before = cached_pages()
    assert len(before) == len(PAGES)
    edit(root / "docs" / "Setup.md", PAGES["Setup.md"] + "\nSee [[Queue]].\n")
    findings(cli, root)
    assert cached_pages() == before
    (root / "docs" / "Lonely.md").unlink()
    findings(cli, root)
    # The deleted page's entry goes when a run next loads its shard.
    assert cached_pages() - {"docs/Lonely.md"} == before - {"docs/Lonely.md"}


def test_files_outside_docs_root_change_nothing(
    tmp_path: Path, cli: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = write_vault(tmp_path)
    (root / "assets").mkdir()
    (root / "assets" / "logo.png").write_bytes(b"\x89PNG")
    edit(root / "docs" / "Setup.md", PAGES["Setup.md"] + "\n![[logo.png]]\n")
    expected = [
        ORPHAN,
        "docs/Setup.md:5:1: DOC001 dead embed ![[logo.png]]: no file 'logo.png'",
    ]
    assert findings(cli, root) == expected
    snapshot = root / ".crucible_checks_cache" / SNAPSHOT_FILE
    written = snapshot.stat().st_mtime_ns
    monkeypatch.chdir(root)
    # Without paths the walk covers the docs root alone, yet the snapshot
    # still holds: the files elsewhere were never part of the vault.
    assert cli("run", "--select", "DOC").out.splitlines()[:-1] == expected
    assert snapshot.stat().st_mtime_ns == written


def test_front_matter_error_follows_warm_edit(tmp_path: Path, cli: Cli) -> None:
    root = write_vault(tmp_path)
    setup = root / "docs" / "Setup.md"
    edit(setup, "---\ntitle: [open\n---\n" + PAGES["Setup.md"])
    first = findings(cli, root, "--select", "DOC006")
    assert first == [
        "docs/Setup.md:2:8: DOC006 invalid front matter: YAML error: did not find "
        "expected ',' or ']' while parsing a flow sequence; until it is fixed, the "
        "page's aliases, slug and orphan fields are ignored"
    ]
    # Still invalid and still without names: the snapshot takes the new error.
    edit(setup, "---\ntitle: x: y\n---\n" + PAGES["Setup.md"])
    expected = findings(cli, root, "--select", "DOC006", "--no-cache")
    assert findings(cli, root, "--select", "DOC006") == expected
    assert expected != first
    edit(setup, PAGES["Setup.md"])
    assert findings(cli, root, "--select", "DOC006") == []
