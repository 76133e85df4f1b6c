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
