"""The docs command (wanted, mv) and run --fix of links to renamed pages."""

from __future__ import annotations

import subprocess
from collections.abc import Callable
from pathlib import Path

from tests.conftest import Outcome
from tests.test_docs_checks import findings, write_vault

Cli = Callable[..., Outcome]


def test_wanted_lists_most_wanted_first(
    tmp_path: Path, cli: Cli, monkeypatch: object
) -> None:
    root = write_vault(
        tmp_path,
        {
            "index.md": "[[Later]] [[Soon]]\n",
            "a.md": "[[Later]]\n[[Later]]\n",
            "b.md": "[[index]] [[a]]\n",
        },
    )
    outcome = cli("--config", str(root / "pyproject.toml"), "docs", "wanted")
    assert outcome.status == 0
    assert outcome.out.splitlines() == [
        "    2  later  (docs/a.md:1, docs/a.md:2, docs/index.md:1)",
        "    1  soon  (docs/index.md:1)",
    ]


def test_wanted_escapes_control_characters(tmp_path: Path, cli: Cli) -> None:
    root = write_vault(tmp_path, {"index.md": "[[a\x1b]0;title\x07b]]\n"})
    outcome = cli("--config", str(root / "pyproject.toml"), "docs", "wanted")
    assert outcome.out == "    1  a\\x1b]0;title\\x07b  (docs/index.md:1)\n"


def test_mv_rewrites_every_link(tmp_path: Path, cli: Cli) -> None:
    root = write_vault(
        tmp_path,
        {
            "index.md": "Intro [[Old Page]], [[old page#Part|see]], "
            "![[Old Page.md]]\r\n"
            "[md](Old%20Page.md#part) and [[guide/other]]\r\n\n[ref]: Old%20Page.md\n",
            "Old Page.md": "# Part\n\n[back](index.md) [[index]]\n",
            "guide/other.md": "[up](../Old%20Page.md)\n",
        },
    )
    outcome = cli(
        "--config",
        str(root / "pyproject.toml"),
        "docs",
        "mv",
        str(root / "docs/Old Page.md"),
        str(root / "docs/topics/New Page.md"),
    )
    assert outcome.status == 0, outcome.err
    index = (root / "docs/index.md").read_bytes().decode()
    assert index == (
        "Intro [[New Page]], [[New Page#Part|see]], ![[New Page.md]]\r\n"
        "[md](topics/New%20Page.md#part) and [[guide/other]]\r\n\n"
        "[ref]: topics/New%20Page.md\n"
    )
    assert (
        root / "docs/guide/other.md"
    ).read_text() == "[up](../topics/New%20Page.md)\n"
    assert (root / "docs/topics/New Page.md").read_text() == (
        "# Part\n\n[back](../index.md) [[index]]\n"
    )
    assert not (root / "docs/Old Page.md").exists()
    assert findings(cli, root) == []


def test_mv_rejects_existing_target(tmp_path: Path, cli: Cli) -> None:
    root = write_vault(tmp_path, {"index.md": "[[a]] [[b]]\n", "a.md": "", "b.md": ""})
    outcome = cli(
        "--config",
        str(root / "pyproject.toml"),
        "docs",
        "mv",
        str(root / "docs/a.md"),
        str(root / "docs/b.md"),
    )
    assert outcome.status == 2
    assert outcome.err == "crucible-checks: error: docs mv: docs/b.md already exists\n"


def _git(root: Path, *arguments: str) -> None:
    subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@example.com", *arguments],
        cwd=root,
        check=True,
        capture_output=True,
    )


def test_fix_follows_git_rename(tmp_path: Path, cli: Cli) -> None:
    root = write_vault(
        tmp_path,
        {
            "index.md": "See [[Setup]] and [it](setup.md#a).\n",
            "setup.md": "# A\n",
        },
    )
    _git(root, "init", "-q")
    _git(root, "add", ".")
    _git(root, "commit", "-q", "-m", "start")
    _git(root, "mv", "docs/setup.md", "docs/install.md")
    assert findings(cli, root, "--select", "DOC001,DOC003") == [
        "docs/index.md:1:5: DOC001 dead wiki link [[Setup]]: no page 'setup'",
        "docs/index.md:1:19: DOC003 dead link setup.md: no file 'docs/setup.md'",
    ]
    outcome = cli("run", str(root), "--no-cache", "--fix")
    assert outcome.status == 0, outcome.out
    text = (root / "docs/index.md").read_text()
    assert text == "See [[install|Setup]] and [it](install.md#a).\n"


def _write_unreadable_linker(tmp_path: Path) -> Path:
    root = write_vault(
        tmp_path,
        {"index.md": "[[crlf]] [[badlinker]]\n", "crlf.md": "# Sec\n\n[[index]]\n"},
    )
    (root / "docs/badlinker.md").write_bytes(b"[[crlf#sec]] [crlf](crlf.md#sec) \xff\n")
    return root


_UNREADABLE_REASON = (
    "  docs/badlinker.md: invalid UTF-8 at byte 33 (line 1); save it as UTF-8\n"
)


def test_mv_rejects_unreadable_linking_page(tmp_path: Path, cli: Cli) -> None:
    root = _write_unreadable_linker(tmp_path)
    before = {path: path.read_bytes() for path in (root / "docs").iterdir()}
    outcome = cli(
        "--config",
        str(root / "pyproject.toml"),
        "docs",
        "mv",
        str(root / "docs/crlf.md"),
        str(root / "docs/new name.md"),
    )
    assert outcome.status == 2
    assert outcome.out == ""
    assert outcome.err == (
        "crucible-checks: error: docs mv: nothing was changed, because these "
        "pages cannot be read and may link to docs/crlf.md:\n"
        + _UNREADABLE_REASON
        + "Fix them, or pass --skip-unreadable to move anyway and check their "
        "links by hand.\n"
    )
    after = {path: path.read_bytes() for path in (root / "docs").iterdir()}
    assert after == before


def test_mv_skip_unreadable_warns(tmp_path: Path, cli: Cli) -> None:
    root = _write_unreadable_linker(tmp_path)
    outcome = cli(
        "--config",
        str(root / "pyproject.toml"),
        "docs",
        "mv",
        "--skip-unreadable",
        str(root / "docs/crlf.md"),
        str(root / "docs/new name.md"),
    )
    assert outcome.status == 0
    assert outcome.out == (
        "docs/index.md: new name\n"
        "moved docs/crlf.md to docs/new name.md; 1 link rewritten in 1 file\n"
    )
    assert outcome.err == (
        "warning: docs mv: links in these pages were not rewritten, because "
        "they cannot be read; fix any link to docs/crlf.md by hand:\n"
        + _UNREADABLE_REASON
    )
    assert (root / "docs/index.md").read_text() == "[[new name]] [[badlinker]]\n"
    assert (root / "docs/badlinker.md").read_bytes() == (
        b"[[crlf#sec]] [crlf](crlf.md#sec) \xff\n"
    )
    assert (root / "docs/new name.md").exists()
    assert not (root / "docs/crlf.md").exists()


def test_mv_dry_run_counts_plural(tmp_path: Path, cli: Cli) -> None:
    root = write_vault(
        tmp_path, {"index.md": "[[a]] [a](a.md)\n", "b.md": "[[a]]\n", "a.md": ""}
    )
    outcome = cli(
        "--config",
        str(root / "pyproject.toml"),
        "docs",
        "mv",
        "--dry-run",
        str(root / "docs/a.md"),
        str(root / "docs/c.md"),
    )
    assert outcome.status == 0
    assert outcome.out == (
        "docs/b.md: c\n"
        "docs/index.md: c\n"
        "docs/index.md: c.md\n"
        "would move docs/a.md to docs/c.md; 3 links rewritten in 2 files\n"
    )
    assert outcome.err == ""
    assert (root / "docs/a.md").exists()
