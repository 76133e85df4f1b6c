"""The pre-commit hooks: the manifest, the project's own config, and commits
rejected or accepted in a real git repository by hooks installed from a snapshot
of this checkout."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
MANIFEST = ROOT / ".pre-commit-hooks.yaml"
PRE_COMMIT = [sys.executable, "-m", "pre_commit"]
WHOLE_TREE_HOOKS = (
    "crucible-checks-docs-graph",
    "crucible-checks-celery",
    "crucible-checks-queues",
)
SNAPSHOT_FILES = ("pyproject.toml", "README.md", "LICENSE", ".pre-commit-hooks.yaml")


def manifest_hooks() -> dict[str, dict[str, object]]:
    hooks = yaml.safe_load(MANIFEST.read_text())
    return {hook["id"]: hook for hook in hooks}


def test_manifest_validates() -> None:
    completed = subprocess.run(
        [*PRE_COMMIT, "validate-manifest", str(MANIFEST)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert completed.returncode == 0, completed.stdout + completed.stderr


def test_own_config_validates() -> None:
    completed = subprocess.run(
        [*PRE_COMMIT, "validate-config", str(ROOT / ".pre-commit-config.yaml")],
        capture_output=True,
        text=True,
        check=False,
    )
    assert completed.returncode == 0, completed.stdout + completed.stderr


def test_manifest_hook_ids() -> None:
    assert sorted(manifest_hooks()) == [
        "crucible-checks-celery",
        "crucible-checks-docs",
        "crucible-checks-docs-graph",
        "crucible-checks-queues",
    ]


@pytest.mark.parametrize("hook_id", WHOLE_TREE_HOOKS)
def test_whole_tree_hook_settings(hook_id: str) -> None:
    hook = manifest_hooks()[hook_id]
    assert hook["pass_filenames"] is False
    assert hook["always_run"] is True
    assert hook["require_serial"] is True
    assert "--file-source git" in str(hook["entry"])


def test_docs_hook_takes_markdown() -> None:
    hook = manifest_hooks()["crucible-checks-docs"]
    assert hook["types"] == ["markdown"]
    assert hook.get("pass_filenames", True) is True
    assert "--file-source git" in str(hook["entry"])


def test_hooks_run_as_python() -> None:
    for hook_id, hook in manifest_hooks().items():
        assert hook["language"] == "python", hook_id
        assert hook["minimum_pre_commit_version"] == "3.2.0", hook_id


# End to end ---------------------------------------------------------------


def git(repo: Path, *args: str, env: Mapping[str, str] | None = None) -> str:
    completed = subprocess.run(
        ["git", *args], cwd=repo, capture_output=True, text=True, env=env, check=False
    )
    assert completed.returncode == 0, completed.stdout + completed.stderr
    return completed.stdout


def init_repo(repo: Path) -> None:
    repo.mkdir(parents=True, exist_ok=True)
    git(repo, "init", "-q", "-b", "main")
    git(repo, "config", "user.name", "Test")
    git(repo, "config", "user.email", "test@example.invalid")
    git(repo, "config", "commit.gpgsign", "false")


@pytest.fixture(scope="session")
def hook_repository(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """A git repository with a snapshot of this checkout, uncommitted edits
    included, so pre-commit installs the code under test."""
    snapshot = tmp_path_factory.mktemp("hook-repository")
    init_repo(snapshot)
    for name in SNAPSHOT_FILES:
        shutil.copy2(ROOT / name, snapshot / name)
    shutil.copytree(
        ROOT / "src",
        snapshot / "src",
        ignore=shutil.ignore_patterns("__pycache__", "*.pyc"),
    )
    git(snapshot, "add", ".")
    git(snapshot, "commit", "-q", "-m", "Snapshot")
    return snapshot, git(snapshot, "rev-parse", "HEAD").strip()


@pytest.fixture(scope="session")
def pre_commit_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One pre-commit cache for the session, so the hook environment is built
    once."""
    return tmp_path_factory.mktemp("pre-commit-home")


class DocsRepository:
    """A git repository of wiki-linked pages with the docs hooks installed."""

    def __init__(self, path: Path, pre_commit_home: Path) -> None:
        self.path = path
        self.env = {
            **os.environ,
            "PRE_COMMIT_HOME": str(pre_commit_home),
            "PRE_COMMIT_COLOR": "never",
        }

    def write(self, relative: str, text: str) -> None:
        path = self.path / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)

    def git(self, *args: str) -> str:
        return git(self.path, *args, env=self.env)

    def commit(self, message: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            ["git", "commit", "-q", "-m", message],
            cwd=self.path,
            capture_output=True,
            text=True,
            env=self.env,
            check=False,
        )


@pytest.fixture
def docs_repository(
    tmp_path: Path, hook_repository: tuple[Path, str], pre_commit_home: Path
) -> DocsRepository:
    """Two pages linking each other, committed through the hooks."""
    source, revision = hook_repository
    repository = DocsRepository(tmp_path / "vault", pre_commit_home)
    init_repo(repository.path)

    config = {
        "repos": [
            {
                "repo": str(source),
                "rev": revision,
                "hooks": [
                    {"id": "crucible-checks-docs"},
                    {"id": "crucible-checks-docs-graph"},
                ],
            }
        ]
    }
    repository.write(".pre-commit-config.yaml", yaml.safe_dump(config))
    repository.write("pyproject.toml", '[tool.crucible-checks]\nroots = ["docs"]\n')
    repository.write("docs/index.md", "# Index\n\nStart with [[Setup]].\n")
    repository.write("docs/setup.md", "# Setup\n\nBack to [[Index]].\n")

    subprocess.run(
        [*PRE_COMMIT, "install"],
        cwd=repository.path,
        env=repository.env,
        capture_output=True,
        check=True,
    )
    repository.git("add", ".")
    first = repository.commit("Add the first pages")
    assert first.returncode == 0, first.stdout + first.stderr
    return repository


def test_commit_with_dead_link_rejected(docs_repository: DocsRepository) -> None:
    docs_repository.write(
        "docs/index.md", "# Index\n\nStart with [[Setup]], then [[Deploy]].\n"
    )
    docs_repository.git("add", "docs/index.md")
    rejected = docs_repository.commit("Link the deploy page")
    assert rejected.returncode == 1
    assert (
        "docs/index.md:3:28: DOC001 dead wiki link [[Deploy]]: no page 'deploy'"
        in rejected.stdout + rejected.stderr
    )

    docs_repository.write("docs/deploy.md", "# Deploy\n\nAfter [[Setup]].\n")
    docs_repository.git("add", "docs/deploy.md")
    accepted = docs_repository.commit("Link the deploy page")
    assert accepted.returncode == 0, accepted.stdout + accepted.stderr


def test_deleting_linked_page_rejected(docs_repository: DocsRepository) -> None:
    docs_repository.git("rm", "-q", "docs/setup.md")
    rejected = docs_repository.commit("Remove the setup page")
    assert rejected.returncode == 1
    assert (
        "docs/index.md:3:12: DOC001 dead wiki link [[Setup]]: no page 'setup'"
        in rejected.stdout + rejected.stderr
    )


def test_link_to_untracked_page_rejected(docs_repository: DocsRepository) -> None:
    docs_repository.write("docs/draft.md", "# Draft\n\nSee [[Index]].\n")
    docs_repository.write(
        "docs/setup.md", "# Setup\n\nBack to [[Index]]; see [[Draft]].\n"
    )
    docs_repository.git("add", "docs/setup.md")
    rejected = docs_repository.commit("Link the draft")
    assert rejected.returncode == 1
    assert (
        "docs/setup.md:3:24: DOC001 dead wiki link [[Draft]]: no page 'draft'"
        in rejected.stdout + rejected.stderr
    )
    assert (docs_repository.path / "docs" / "draft.md").is_file()
