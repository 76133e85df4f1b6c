"""Walking the roots, the file cache, atomic writes and git-based file sets."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

from crucible_checks.atomic import write_atomic
from crucible_checks.cache import FileCache, _shard_index, content_hash
from crucible_checks.files import Walker, git_tracked
from tests.conftest import Outcome

Cli = Callable[..., Outcome]


def touch(path: Path, text: str = "x\n") -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)


def walked(root: Path, **options: object) -> list[str]:
    walker = Walker(root, **options)  # type: ignore[arg-type]
    return [file.relative for file in walker.walk([root])]


def test_default_excludes(tmp_path: Path) -> None:
    for name in (
        "a.md",
        ".git/config",
        ".venv/lib/x.py",
        "node_modules/p/i.js",
        "build/out.md",
        "pkg/__pycache__/m.pyc",
        "docs/b.md",
    ):
        touch(tmp_path / name)
    assert walked(tmp_path) == ["a.md", "docs/b.md"]


def test_gitignore_nested(tmp_path: Path) -> None:
    touch(tmp_path / ".gitignore", "*.log\n/secret/\n")
    touch(tmp_path / "docs" / ".gitignore", "draft-*.md\n")
    for name in (
        "a.log",
        "secret/k.md",
        "docs/draft-1.md",
        "docs/final.md",
        "docs/sub/draft-2.md",
    ):
        touch(tmp_path / name)
    assert walked(tmp_path) == [".gitignore", "docs/.gitignore", "docs/final.md"]


def test_gitignore_can_be_ignored(tmp_path: Path) -> None:
    touch(tmp_path / ".gitignore", "*.log\n")
    touch(tmp_path / "a.log")
    assert "a.log" in walked(tmp_path, respect_gitignore=False)


def test_exclude_replaces_defaults(tmp_path: Path) -> None:
    touch(tmp_path / "build" / "a.md")
    touch(tmp_path / "drafts" / "b.md")
    assert walked(tmp_path, exclude=["drafts/"]) == ["build/a.md"]


def test_symlink_loop_reported(tmp_path: Path) -> None:
    touch(tmp_path / "docs" / "a.md")
    (tmp_path / "docs" / "again").symlink_to(tmp_path / "docs")
    walker = Walker(tmp_path)
    files = [file.relative for file in walker.walk([tmp_path])]
    assert files == ["docs/a.md"]
    assert [(p.relative, p.reason) for p in walker.problems] == [
        ("docs/again", "symlink loop")
    ]


def test_root_inside_later_root_walked_once(tmp_path: Path) -> None:
    touch(tmp_path / "docs" / "a.md")
    touch(tmp_path / "top.md")
    (tmp_path / "docs" / "again").symlink_to(tmp_path / "docs")
    walker = Walker(tmp_path)
    files = walker.walk([tmp_path / "docs", tmp_path])
    assert [file.relative for file in files] == ["docs/a.md", "top.md"]
    assert [(p.relative, p.reason) for p in walker.problems] == [
        ("docs/again", "symlink loop")
    ]


def test_dangling_symlink_skipped(tmp_path: Path) -> None:
    (tmp_path / "gone.md").symlink_to(tmp_path / "missing.md")
    walker = Walker(tmp_path)
    assert walker.walk([tmp_path]) == []
    assert [p.relative for p in walker.problems] == ["gone.md"]


def test_cache_hit_by_stat_then_hash(tmp_path: Path) -> None:
    touch(tmp_path / "a.md", "hello\n")
    [file] = Walker(tmp_path).walk([tmp_path])
    cache = FileCache(tmp_path / "cache", "docs", "key-1")
    cache.put(file, content_hash(b"hello\n"), {"links": 3})
    cache.save()
    fresh = FileCache(tmp_path / "cache", "docs", "key-1")
    assert fresh.get(file) == {"links": 3}
    os.utime(tmp_path / "a.md", ns=(1, 1))
    [touched] = Walker(tmp_path).walk([tmp_path])
    assert fresh.get(touched) is None
    assert fresh.get_by_hash(touched, content_hash(b"hello\n")) == {"links": 3}
    assert FileCache(tmp_path / "cache", "docs", "key-2").get(file) is None
    assert (tmp_path / "cache" / "CACHEDIR.TAG").is_file()


def test_cache_loads_used_shards_only(tmp_path: Path) -> None:
    for name in ("a.md", "b.md"):
        touch(tmp_path / name, f"{name}\n")
    first, second = Walker(tmp_path).walk([tmp_path])
    assert _shard_index(first.relative) != _shard_index(second.relative)
    cache = FileCache(tmp_path / "cache", "docs", "k")
    cache.put(first, content_hash(b"a.md\n"), "first")
    cache.put(second, content_hash(b"b.md\n"), "second")
    cache.save()
    other = tmp_path / "cache" / f"docs.{_shard_index(second.relative):02d}.pickle"
    written = other.read_bytes()
    warm = FileCache(tmp_path / "cache", "docs", "k")
    assert warm.get(first) == "first"
    # b.md is not present, but its shard was not loaded, so it stays.
    warm.save(present={first.relative})
    assert other.read_bytes() == written
    assert FileCache(tmp_path / "cache", "docs", "k").get(second) == "second"


def test_corrupt_cache_is_ignored(tmp_path: Path) -> None:
    touch(tmp_path / "a.md")
    (tmp_path / "cache").mkdir()
    for index in range(16):
        (tmp_path / "cache" / f"docs.{index:02d}.pickle").write_bytes(b"garbage")
    [file] = Walker(tmp_path).walk([tmp_path / "a.md"])
    assert FileCache(tmp_path / "cache", "docs", "k").get(file) is None


def test_atomic_write_keeps_old_content_on_failure(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "page.md"
    target.write_text("old\n")
    target.chmod(0o640)

    def full_disk(descriptor: int) -> None:
        raise OSError(28, "No space left on device")

    with monkeypatch.context() as patch:
        patch.setattr(os, "fsync", full_disk)
        with pytest.raises(OSError, match="No space left"):
            write_atomic(target, b"new\n")
    assert target.read_text() == "old\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["page.md"]
    write_atomic(target, b"new\n")
    assert target.read_text() == "new\n"
    assert target.stat().st_mode & 0o777 == 0o640


def git(folder: Path, *arguments: str) -> None:
    subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@example.com", *arguments],
        cwd=folder,
        check=True,
        capture_output=True,
    )


@pytest.fixture
def repository(tmp_path: Path, textlint: str, monkeypatch: pytest.MonkeyPatch) -> Path:
    git(tmp_path, "init", "-q", "-b", "main")
    touch(
        tmp_path / "pyproject.toml",
        '[tool.crucible-checks]\nplugins = ["textlint_plugin"]\nselect = ["TXT001"]\n',
    )
    touch(tmp_path / "old.txt", "old \n")
    git(tmp_path, "add", ".")
    git(tmp_path, "commit", "-q", "-m", "start")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_git_tracked(repository: Path) -> None:
    touch(repository / "untracked.txt")
    assert git_tracked(repository) == {"old.txt", "pyproject.toml"}


def test_git_tracked_below_top(repository: Path) -> None:
    touch(repository / "sub" / "docs" / "é x.md")
    git(repository, "add", "sub")
    assert git_tracked(repository / "sub") == {"docs/é x.md"}


def test_file_source_git_skips_untracked(cli: Cli, repository: Path) -> None:
    touch(repository / "untracked.txt", "bad \n")
    assert "untracked.txt" in cli("run").out
    assert "untracked.txt" not in cli("run", "--file-source", "git").out


def test_changed_since(cli: Cli, repository: Path) -> None:
    touch(repository / "new.txt", "new \n")
    outcome = cli("run", "--changed-since", "HEAD")
    assert outcome.out.splitlines() == [
        "new.txt:1:4: TXT001 trailing whitespace",
        "Found 1 finding (1 error).",
    ]


def test_changed_since_bad_revision(cli: Cli, repository: Path) -> None:
    outcome = cli("run", "--changed-since", "no-such-ref")
    assert outcome.status == 2
    assert outcome.err.startswith(
        "crucible-checks: error: --changed-since no-such-ref:"
    )


def test_force_exclude_skips_named_file(
    cli: Cli, tmp_path: Path, textlint: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    touch(
        tmp_path / "pyproject.toml",
        '[tool.crucible-checks]\nplugins = ["textlint_plugin"]\nselect = ["TXT001"]\n'
        'extend-exclude = ["drafts/"]\n',
    )
    touch(tmp_path / "drafts" / "wip.txt", "bad \n")
    touch(tmp_path / "other.txt", "bad \n")
    monkeypatch.chdir(tmp_path)
    assert cli("run", "drafts/wip.txt").status == 1
    outcome = cli("run", "--force-exclude", "drafts/wip.txt")
    assert outcome.status == 0
    assert outcome.out == "All checks passed!\n"


@pytest.mark.parametrize("revision", ["--output=stolen.txt", "-p", ""])
def test_changed_since_rejects_options(
    cli: Cli, repository: Path, revision: str
) -> None:
    outcome = cli("run", f"--changed-since={revision}")
    assert outcome.status == 2
    assert "not a git revision" in outcome.err
    assert not (repository / "stolen.txt").exists()


def test_fifo_named_not_read(tmp_path: Path) -> None:
    touch(tmp_path / "a.md")
    os.mkfifo(tmp_path / "pipe.md")
    walker = Walker(tmp_path)
    assert [file.relative for file in walker.walk([tmp_path])] == ["a.md"]
    assert [(problem.relative, problem.reason) for problem in walker.problems] == [
        ("pipe.md", "not a regular file (a FIFO, socket or device); exclude it")
    ]
