"""Broken pages never crash or stall the docs checks; the other pages are checked."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from crucible_checks.docs.parser import parse_page
from tests.conftest import Outcome
from tests.test_docs_checks import write_vault

Cli = Callable[..., Outcome]


def _lines(outcome: Outcome) -> list[str]:
    return [
        line
        for line in outcome.out.splitlines()
        if line.startswith("docs/") and not line.startswith("docs/more/")
    ]


# With 450 more pages, a cold run reads the pages in worker processes.
@pytest.mark.parametrize("more_pages", [0, 450], ids=["here", "workers"])
def test_broken_files_become_findings(
    tmp_path: Path, cli: Cli, more_pages: int
) -> None:
    root = write_vault(
        tmp_path, {"index.md": "[[good]] [[latin]] [[binary]] [[big]] [[gone]]\n"}
    )
    docs = root / "docs"
    (docs / "more").mkdir()
    for number in range(more_pages):
        (docs / "more" / f"page {number}.md").write_text(f"# Page {number}\n")
    (docs / "good.md").write_bytes(b"\xef\xbb\xbf# Good\r\n\r\n[[index]]\r\n")
    (docs / "latin.md").write_bytes(b"caf\xe9\n")
    (docs / "binary.md").write_bytes(b"\x89PNG\r\n\x00\x00\x00")
    with (docs / "big.md").open("wb") as big:
        big.truncate(50 * 1024 * 1024)
    outcome = cli("run", str(root), "--no-cache")
    assert outcome.status == 1
    assert _lines(outcome) == [
        "docs/big.md:1:1: CC002 file skipped: file is larger than 20 MiB; exclude it "
        "or split it",
        "docs/binary.md:1:1: CC002 file skipped: binary file (contains NUL bytes); "
        "exclude it",
        "docs/index.md:1:39: DOC001 dead wiki link [[gone]]: no page 'gone'",
        "docs/latin.md:1:1: CC002 file skipped: invalid UTF-8 at byte 3 (line 1); "
        "save it as UTF-8",
    ]


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads files of any mode")
def test_unreadable_page(tmp_path: Path, cli: Cli) -> None:
    root = write_vault(
        tmp_path, {"index.md": "[[locked]] [[gone]]\n", "locked.md": "x\n"}
    )
    locked = root / "docs" / "locked.md"
    locked.chmod(0)
    try:
        outcome = cli("run", str(root), "--no-cache")
    finally:
        locked.chmod(0o644)
    assert _lines(outcome) == [
        "docs/index.md:1:12: DOC001 dead wiki link [[gone]]: no page 'gone'",
        "docs/locked.md:1:1: CC002 file skipped: cannot read file: Permission denied",
    ]


def test_symlink_loop(tmp_path: Path, cli: Cli) -> None:
    root = write_vault(tmp_path, {"index.md": "[[gone]]\n"})
    (root / "docs" / "loop").mkdir()
    (root / "docs" / "loop" / "again").symlink_to(root / "docs" / "loop")
    outcome = cli("run", str(root), "--no-cache")
    assert outcome.status == 1
    assert _lines(outcome) == [
        "docs/index.md:1:1: DOC001 dead wiki link [[gone]]: no page 'gone'",
        "docs/loop/again:1:1: CC002 file skipped: symlink loop",
    ]


@pytest.mark.parametrize(
    "text",
    [
        "[" * 40_000,
        "[[" * 20_000 + "]]" * 20_000,
        "![[" * 10_000 + "x" + "]]" * 10_000,
        "> " * 2_000 + "[[deep]]",
        "[a](" * 20_000,
        "`" * 100_000 + "[[x]]",
    ],
)
def test_pathological_brackets_finish(text: str) -> None:
    record = parse_page(text)
    for link in record.links:
        assert 0 <= link.start <= link.end <= len(text)


@settings(max_examples=300, deadline=None)
@given(
    st.text(
        alphabet=st.sampled_from(list("[]()!#|^\\`<>-: \n\r\tax.\ufeff/%")),
        max_size=200,
    )
)
def test_parser_accepts_any_text(text: str) -> None:
    record = parse_page(text)
    for link in record.links:
        assert 0 <= link.start <= link.target_start <= link.target_end <= len(text)
        assert link.line >= 1
        assert link.column >= 1
