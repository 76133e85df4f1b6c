"""The plain git hooks: installing them, and commits and pushes they reject."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from crucible_checks.cli import main
from crucible_checks.git_hook_install import HOOK_NAMES, render_hook
from crucible_checks.git_snapshot import PushedRef, parse_pushed_refs

ROOT = Path(__file__).resolve().parent.parent
DEAD_DEPLOY = "docs/index.md:3:28: DOC001 dead wiki link [[Deploy]]: no page 'deploy'"


def git(repo: Path, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    completed = subprocess.run(
        ["git", *args], cwd=repo, capture_output=True, text=True, check=False
    )
    if check:
        assert completed.returncode == 0, completed.stdout + completed.stderr
    return completed


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A repository of two pages linking each other, with one commit."""
    path = tmp_path / "vault"
    (path / "docs").mkdir(parents=True)
    git(path, "init", "-q", "-b", "main")
    git(path, "config", "user.name", "Test")
    git(path, "config", "user.email", "test@example.invalid")
    git(path, "config", "commit.gpgsign", "false")
    (path / "pyproject.toml").write_text('[tool.crucible-checks]\nroots = ["docs"]\n')
    (path / "docs" / "index.md").write_text("# Index\n\nStart with [[Setup]].\n")
    (path / "docs" / "setup.md").write_text("# Setup\n\nBack to [[Index]].\n")
    git(path, "add", ".")
    git(path, "commit", "-q", "-m", "Add the first pages")
    monkeypatch.chdir(path)
    return path


@pytest.fixture
def hooked(repo: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    assert main(["git-hooks", "install"]) == 0
    capsys.readouterr()
    return repo


def commit(repo: Path, message: str) -> subprocess.CompletedProcess[str]:
    """Commit through the hooks; git sends a pre-commit hook's output to stderr."""
    return git(repo, "commit", "-q", "-m", message, check=False)


# The scripts and installing them -------------------------------------------


@pytest.mark.parametrize("name", HOOK_NAMES)
def test_hooks_folder_matches_template(name: str) -> None:
    script = ROOT / "hooks" / name
    assert script.read_text() == render_hook(name)
    assert script.stat().st_mode & stat.S_IXUSR


def test_install_writes_both_hooks(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["git-hooks", "install"]) == 0
    hooks = (repo / ".git" / "hooks").resolve()
    assert capsys.readouterr().out == (
        f"{hooks / 'pre-commit'}: installed\n{hooks / 'pre-push'}: installed\n"
    )
    for name in HOOK_NAMES:
        assert (hooks / name).read_text() == render_hook(name, sys.executable)
        assert os.access(hooks / name, os.X_OK)


def test_install_honours_hooks_path(repo: Path) -> None:
    git(repo, "config", "core.hooksPath", "githooks")
    assert main(["git-hooks", "install"]) == 0
    assert (repo / "githooks" / "pre-commit").is_file()
    assert not (repo / ".git" / "hooks" / "pre-commit").exists()


def test_install_keeps_foreign_hook(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    foreign = repo / ".git" / "hooks" / "pre-push"
    foreign.write_text("#!/bin/sh\nexit 0\n")
    assert main(["git-hooks", "install"]) == 2
    error = capsys.readouterr().err
    assert error == (
        f"crucible-checks: error: {foreign.resolve()}: hook of another tool "
        "exists; rerun with --force to move it aside to "
        "pre-push.crucible-checks-backup\n"
    )
    assert foreign.read_text() == "#!/bin/sh\nexit 0\n"
    assert not (repo / ".git" / "hooks" / "pre-commit").exists()


def test_force_moves_foreign_hook_aside(repo: Path) -> None:
    hooks = repo / ".git" / "hooks"
    (hooks / "pre-push").write_text("#!/bin/sh\nexit 0\n")
    assert main(["git-hooks", "install", "--force"]) == 0
    assert (hooks / "pre-push.crucible-checks-backup").read_text() == (
        "#!/bin/sh\nexit 0\n"
    )
    assert (hooks / "pre-push").read_text() == render_hook("pre-push", sys.executable)

    assert main(["git-hooks", "uninstall"]) == 0
    assert (hooks / "pre-push").read_text() == "#!/bin/sh\nexit 0\n"
    assert not (hooks / "pre-commit").exists()
    assert not (hooks / "pre-push.crucible-checks-backup").exists()


def test_uninstall_keeps_foreign_hook(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    foreign = repo / ".git" / "hooks" / "pre-commit"
    foreign.write_text("#!/bin/sh\nexit 0\n")
    assert main(["git-hooks", "uninstall"]) == 0
    assert capsys.readouterr().out == (
        f"{foreign.resolve()}: kept: not a crucible-checks hook\n"
    )
    assert foreign.read_text() == "#!/bin/sh\nexit 0\n"


def test_install_outside_git_fails(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    assert main(["git-hooks", "install"]) == 2
    assert "not a git repository" in capsys.readouterr().err


# Commits and pushes ---------------------------------------------------------


def test_commit_with_dead_link_rejected(hooked: Path) -> None:
    index = hooked / "docs" / "index.md"
    index.write_text("# Index\n\nStart with [[Setup]], then [[Deploy]].\n")
    git(hooked, "add", "docs/index.md")
    rejected = commit(hooked, "Link the deploy page")
    assert rejected.returncode == 1
    assert rejected.stderr.splitlines()[0] == DEAD_DEPLOY


def test_unstaged_fix_still_rejected(hooked: Path) -> None:
    index = hooked / "docs" / "index.md"
    index.write_text("# Index\n\nStart with [[Setup]], then [[Deploy]].\n")
    git(hooked, "add", "docs/index.md")
    index.write_text("# Index\n\nStart with [[Setup]], then deploy.\n")
    rejected = commit(hooked, "Link the deploy page")
    assert rejected.returncode == 1
    assert rejected.stderr.splitlines()[0] == DEAD_DEPLOY

    git(hooked, "add", "docs/index.md")
    accepted = commit(hooked, "Mention the deploy step")
    assert accepted.returncode == 0, accepted.stdout + accepted.stderr


def test_staged_fix_accepted(hooked: Path) -> None:
    index = hooked / "docs" / "index.md"
    index.write_text("# Index\n\nStart with [[Setup]], then [[Deploy]].\n")
    (hooked / "docs" / "deploy.md").write_text("# Deploy\n\nAfter [[Index]].\n")
    git(hooked, "add", "docs")
    accepted = commit(hooked, "Add the deploy page")
    assert accepted.returncode == 0, accepted.stdout + accepted.stderr
    assert accepted.stderr == ""


def test_deleting_linked_page_rejected(hooked: Path) -> None:
    git(hooked, "rm", "-q", "docs/setup.md")
    rejected = commit(hooked, "Remove the setup page")
    assert rejected.returncode == 1
    assert rejected.stderr.splitlines()[0] == (
        "docs/index.md:3:12: DOC001 dead wiki link [[Setup]]: no page 'setup'"
    )


def test_link_to_untracked_page_rejected(hooked: Path) -> None:
    (hooked / "docs" / "draft.md").write_text("# Draft\n\nSee [[Index]].\n")
    setup = hooked / "docs" / "setup.md"
    setup.write_text("# Setup\n\nBack to [[Index]]; see [[Draft]].\n")
    git(hooked, "add", "docs/setup.md")
    rejected = commit(hooked, "Link the draft")
    assert rejected.returncode == 1
    assert rejected.stderr.splitlines()[0] == (
        "docs/setup.md:3:24: DOC001 dead wiki link [[Draft]]: no page 'draft'"
    )


def test_push_of_dead_link_rejected(hooked: Path, tmp_path: Path) -> None:
    remote = tmp_path / "remote.git"
    git(tmp_path, "init", "-q", "--bare", str(remote))
    git(hooked, "remote", "add", "origin", str(remote))
    git(hooked, "push", "-q", "origin", "main")
    index = hooked / "docs" / "index.md"
    index.write_text("# Index\n\nStart with [[Setup]], then [[Deploy]].\n")
    git(hooked, "commit", "-q", "--no-verify", "-am", "Link the deploy page")
    sha = git(hooked, "rev-parse", "HEAD").stdout.strip()

    rejected = git(hooked, "push", "-q", "origin", "main", check=False)
    assert rejected.returncode != 0
    assert rejected.stdout.splitlines() == [
        DEAD_DEPLOY,
        f"crucible-checks: 1 finding in refs/heads/main ({sha[:12]}); commit a "
        "fix before pushing, or push with --no-verify to skip",
    ]


def test_pushed_refs_skip_deletions() -> None:
    sha = "a" * 40
    lines = [
        f"refs/heads/main {sha} refs/heads/main {'0' * 40}",
        f"(delete) {'0' * 40} refs/heads/old {'b' * 40}",
        f"refs/tags/v1 {sha} refs/tags/v1 {'0' * 40}",
        "",
    ]
    assert parse_pushed_refs(lines) == [PushedRef("refs/heads/main", sha)]
