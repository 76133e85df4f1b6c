"""The docs commands under hostile input: odd page names, targets and settings.

Each test states the behaviour a user may expect. The tests marked xfail fail
today. Strict xfail reports them as failures once the behaviour is fixed, and
then the mark must go.
"""

from __future__ import annotations

import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

from crucible_checks import atomic
from tests.conftest import Outcome
from tests.test_docs_checks import findings, write_vault

Cli = Callable[..., Outcome]


def _snapshot(root: Path) -> dict[str, bytes]:
    """Return the bytes of every file under ``root/docs``, by relative path."""
    docs = root / "docs"
    return {
        path.relative_to(docs).as_posix(): path.read_bytes()
        for path in sorted(docs.rglob("*"))
        if path.is_file()
    }


def _move(cli: Cli, root: Path, old: str, new: str) -> Outcome:
    return cli(
        "--config",
        str(root / "pyproject.toml"),
        "docs",
        "mv",
        str(root / old),
        str(root / new),
    )


def _git(root: Path, *arguments: str) -> None:
    subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@example.com", *arguments],
        cwd=root,
        check=True,
        capture_output=True,
    )


def _assert_usage_error(outcome: Outcome) -> None:
    assert outcome.status == 2
    assert outcome.err.startswith("crucible-checks: error: ")
    assert "internal error" not in outcome.err
    assert outcome.err.count("\n") == 1


# docs mv: targets that are not plain new files


def test_mv_keeps_bytes_of_bom_crlf_page(tmp_path: Path, cli: Cli) -> None:
    root = write_vault(
        tmp_path,
        {
            "index.md": "\ufeff[[old]] first\r\n`[[old]]` code\r\n```\r\n[[old]]\r\n"
            "```\r\n<!-- [[old]] -->\r\n![[old#Part]] [[old#^blk|b]]\r\n"
            '[ref]: old.md "t"\r\n',
            "old.md": "# Part\n\npara ^blk\n",
        },
    )
    outcome = _move(cli, root, "docs/old.md", "docs/sub/new.md")
    assert outcome.status == 0, outcome.err
    assert (root / "docs/index.md").read_bytes().decode() == (
        "\ufeff[[new]] first\r\n`[[old]]` code\r\n```\r\n[[old]]\r\n"
        "```\r\n<!-- [[old]] -->\r\n![[new#Part]] [[new#^blk|b]]\r\n"
        '[ref]: sub/new.md "t"\r\n'
    )


def test_mv_onto_folder_changes_nothing(tmp_path: Path, cli: Cli) -> None:
    root = write_vault(tmp_path, {"index.md": "[[a]]\n", "a.md": "# A\n"})
    (root / "docs/sub.md").mkdir()
    before = _snapshot(root)
    outcome = _move(cli, root, "docs/a.md", "docs/sub.md")
    _assert_usage_error(outcome)
    assert "docs/sub.md" in outcome.err
    assert _snapshot(root) == before


def test_mv_below_file_changes_nothing(tmp_path: Path, cli: Cli) -> None:
    root = write_vault(tmp_path, {"index.md": "[[a]]\n", "a.md": "# A\n"})
    (root / "docs/notes").write_text("plain file\n")
    before = _snapshot(root)
    outcome = _move(cli, root, "docs/a.md", "docs/notes/new.md")
    _assert_usage_error(outcome)
    assert "docs/notes" in outcome.err
    assert _snapshot(root) == before


def test_mv_keeps_ignored_existing_file(tmp_path: Path, cli: Cli) -> None:
    root = write_vault(tmp_path, {"index.md": "[[a]]\n", "a.md": "# A\n"})
    _git(root, "init", "-q")
    (root / ".gitignore").write_text("docs/private.md\n")
    (root / "docs/private.md").write_text("keep me\n")
    outcome = _move(cli, root, "docs/a.md", "docs/private.md")
    assert outcome.status == 2
    assert (root / "docs/private.md").read_text() == "keep me\n"
    assert (root / "docs/a.md").exists()


def test_mv_into_excluded_folder_rejected(tmp_path: Path, cli: Cli) -> None:
    root = write_vault(tmp_path, {"index.md": "[[a]]\n", "a.md": "# A\n"})
    before = _snapshot(root)
    outcome = _move(cli, root, "docs/a.md", "docs/node_modules/a.md")
    _assert_usage_error(outcome)
    assert _snapshot(root) == before


def test_mv_into_ignored_folder_rejected(tmp_path: Path, cli: Cli) -> None:
    root = write_vault(tmp_path, {"index.md": "[[a]]\n", "a.md": "# A\n"})
    (root / ".gitignore").write_text("drafts/\n")
    before = _snapshot(root)
    outcome = _move(cli, root, "docs/a.md", "docs/drafts/a.md")
    _assert_usage_error(outcome)
    assert "docs/drafts/a.md is excluded from the checks" in outcome.err
    assert _snapshot(root) == before


def test_mv_rejects_linking_page_outside(tmp_path: Path, cli: Cli) -> None:
    project = tmp_path / "project"
    project.mkdir()
    root = write_vault(project, {"index.md": "[[old]] [[linker]]\n", "old.md": ""})
    (tmp_path / "linker.md").write_text("[[old]]\n")
    (root / "docs/linker.md").symlink_to(tmp_path / "linker.md")
    before = _snapshot(root)
    outcome = _move(cli, root, "docs/old.md", "docs/new.md")
    _assert_usage_error(outcome)
    assert "docs/linker.md leads to" in outcome.err
    assert _snapshot(root) == before
    assert (tmp_path / "linker.md").read_text() == "[[old]]\n"


def test_mv_interrupted_removes_new_folder(
    tmp_path: Path, cli: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = write_vault(tmp_path, {"index.md": "[[old]]\n", "old.md": "# Old\n"})
    before = _snapshot(root)
    write_atomic = atomic.write_atomic

    def interrupted(path: Path, data: bytes, durable: bool = True) -> None:
        write_atomic(path, data, durable)
        if path.name == "new.md":
            raise KeyboardInterrupt

    monkeypatch.setattr(atomic, "write_atomic", interrupted)
    outcome = _move(cli, root, "docs/old.md", "docs/sub/new.md")
    assert outcome.status == 130
    assert _snapshot(root) == before
    assert not (root / "docs/sub").exists()


def test_mv_keeps_symlinked_page(tmp_path: Path, cli: Cli) -> None:
    root = write_vault(tmp_path, {"index.md": "[[old]] [[linker]]\n", "old.md": ""})
    (root / "shared").mkdir()
    (root / "shared/linker.md").write_text("[[old]]\n")
    (root / "docs/linker.md").symlink_to("../shared/linker.md")
    outcome = _move(cli, root, "docs/old.md", "docs/new.md")
    assert outcome.status == 0, outcome.err
    assert (root / "docs/linker.md").is_symlink()
    assert (root / "shared/linker.md").read_text() == "[[new]]\n"


def test_mv_interrupted_changes_nothing(
    tmp_path: Path, cli: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = write_vault(
        tmp_path,
        {"a.md": "[[old]]\n", "b.md": "[[old]]\n", "index.md": "[[a]] [[b]]\n"},
    )
    (root / "docs/old.md").write_text("# Old\n")
    before = _snapshot(root)
    write_atomic = atomic.write_atomic
    calls: list[Path] = []

    def interrupted(path: Path, data: bytes, durable: bool = True) -> None:
        calls.append(path)
        if len(calls) == 2:
            raise KeyboardInterrupt
        write_atomic(path, data, durable)

    monkeypatch.setattr(atomic, "write_atomic", interrupted)
    outcome = _move(cli, root, "docs/old.md", "docs/new.md")
    assert outcome.status == 130
    assert _snapshot(root) == before


# docs mv: names that links cannot spell as they are


@pytest.mark.parametrize("name", ["C# notes", "a|b", "a]]b", "line\nbreak"])
def test_mv_to_unlinkable_name_rejected(tmp_path: Path, cli: Cli, name: str) -> None:
    root = write_vault(tmp_path, {"index.md": "[[old]] [[old|shown]]\n", "old.md": ""})
    before = _snapshot(root)
    outcome = _move(cli, root, "docs/old.md", f"docs/{name}.md")
    assert outcome.status == 2
    assert _snapshot(root) == before


@pytest.mark.parametrize(
    ("name", "destination"),
    [("C#x", "C%23x.md"), ("a%41", "a%2541.md"), ("a)b", "a%29b.md")],
)
def test_mv_encodes_markdown_destination(
    tmp_path: Path, cli: Cli, name: str, destination: str
) -> None:
    root = write_vault(tmp_path, {"index.md": "[md](old.md)\n", "old.md": ""})
    outcome = _move(cli, root, "docs/old.md", f"docs/{name}.md")
    assert outcome.status == 0, outcome.err
    assert (root / "docs/index.md").read_text() == f"[md]({destination})\n"
    assert findings(cli, root, "--select", "DOC003") == []


# run --fix after git mv


def test_fix_follows_renamed_attachment(tmp_path: Path, cli: Cli) -> None:
    root = write_vault(tmp_path, {"index.md": "![[diagram.png]]\n"})
    (root / "docs/diagram.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    _git(root, "init", "-q")
    _git(root, "add", ".")
    _git(root, "commit", "-q", "-m", "start")
    _git(root, "mv", "docs/diagram.png", "docs/queue-diagram.png")
    outcome = cli("run", str(root), "--no-cache", "--fix", "--select", "DOC001")
    assert outcome.status == 0, outcome.out
    assert (root / "docs/index.md").read_text() == "![[queue-diagram.png]]\n"


# docs backlinks


def test_backlinks_twice_on_bom_crlf(tmp_path: Path, cli: Cli) -> None:
    root = write_vault(
        tmp_path,
        {
            "index.md": "\ufeff# Index\r\n\r\nSee [[a]].\r\n",
            "a.md": "\ufeff# A\r\n\r\n[[index]]",
        },
    )
    config = str(root / "pyproject.toml")
    assert cli("--config", config, "docs", "backlinks").status == 0
    first = _snapshot(root)
    assert (
        first["a.md"]
        == (
            "\ufeff# A\r\n\r\n[[index]]\r\n\r\n"
            "<!-- crucible-checks:backlinks:begin -->\r\n## Backlinks\r\n\r\n"
            "- [[Index]]: See a.\r\n<!-- crucible-checks:backlinks:end -->\r\n"
        ).encode()
    )
    again = cli("--config", config, "docs", "backlinks")
    assert again.out == "Backlinks sections: 0 pages changed, 2 pages read.\n"
    assert _snapshot(root) == first


def test_duplicate_backlinks_section_reported(tmp_path: Path, cli: Cli) -> None:
    begin = "<!-- crucible-checks:backlinks:begin -->\n"
    end = "<!-- crucible-checks:backlinks:end -->\n"
    root = write_vault(
        tmp_path,
        {
            "index.md": "# Index\n\n[[page]]\n",
            "page.md": f"# Page\n\n{begin}stale\n{end}\nmiddle\n\n{begin}old\n{end}",
        },
    )
    cli("--config", str(root / "pyproject.toml"), "docs", "backlinks")
    lines = findings(cli, root, "--select", "DOC101")
    assert [line for line in lines if line.startswith("docs/page.md:")] != []


@pytest.mark.parametrize(
    "heading",
    ["## Backlinks\\nsecond line", "## B\\n<!-- crucible-checks:backlinks:end -->"],
)
def test_multiline_backlinks_heading_rejected(
    tmp_path: Path, cli: Cli, heading: str
) -> None:
    root = write_vault(
        tmp_path,
        {"index.md": "# Index\r\n\r\n[[a]]\r\n", "a.md": "# A\r\n\r\n[[index]]\r\n"},
        f'[tool.crucible-checks.docs]\nbacklinks-heading = "{heading}"\n',
    )
    before = _snapshot(root)
    outcome = cli("--config", str(root / "pyproject.toml"), "docs", "backlinks")
    _assert_usage_error(outcome)
    assert "backlinks-heading" in outcome.err
    assert _snapshot(root) == before


# docs family settings


@pytest.mark.parametrize("docs_root", ["..", "/etc", "missing"])
def test_bad_docs_root_rejected(tmp_path: Path, cli: Cli, docs_root: str) -> None:
    root = write_vault(
        tmp_path,
        {"index.md": "[[gone]]\n"},
        f'[tool.crucible-checks.docs]\nroot = "{docs_root}"\n',
    )
    outcome = cli("run", str(root), "--no-cache")
    _assert_usage_error(outcome)
    assert "'root'" in outcome.err


def test_docs_empty_entry_pages_orphans_index(tmp_path: Path, cli: Cli) -> None:
    root = write_vault(
        tmp_path,
        {"index.md": "[[a]]\n", "a.md": "# A\n"},
        "[tool.crucible-checks.docs]\nentry-pages = []\n",
    )
    assert findings(cli, root) == [
        "docs/index.md:1:1: DOC005 orphan page: no other page links to it; link it "
        "from a page, or add 'orphan: true' to its front matter"
    ]


@pytest.mark.parametrize("pattern", ["[", "[a-", "(?P<", "**/"])
def test_allow_missing_odd_glob(tmp_path: Path, cli: Cli, pattern: str) -> None:
    root = write_vault(
        tmp_path,
        {"index.md": "[[gone]]\n"},
        f'[tool.crucible-checks.docs]\nallow-missing = ["{pattern}"]\n',
    )
    assert findings(cli, root) == [
        "docs/index.md:1:1: DOC001 dead wiki link [[gone]]: no page 'gone'"
    ]


def _json_backlinks(tmp_path: Path, backlinks_file: str) -> Path:
    project = tmp_path / "project"
    project.mkdir()
    return write_vault(
        project,
        {"index.md": "# I\n[[a]]\n", "a.md": "# A\n[[index]]\n"},
        f'[tool.crucible-checks.docs]\nbacklinks = "json"\n'
        f'backlinks-file = "{backlinks_file}"\n',
    )


@pytest.mark.parametrize("outside", ["../escape.json", "{tmp}/escape.json"])
def test_backlinks_file_outside_rejected(
    tmp_path: Path, cli: Cli, outside: str
) -> None:
    root = _json_backlinks(tmp_path, outside.format(tmp=tmp_path.as_posix()))
    outcome = cli("--config", str(root / "pyproject.toml"), "docs", "backlinks")
    _assert_usage_error(outcome)
    assert not (tmp_path / "escape.json").exists()


def test_backlinks_file_onto_page_rejected(tmp_path: Path, cli: Cli) -> None:
    root = _json_backlinks(tmp_path, "docs/index.md")
    before = _snapshot(root)
    outcome = cli("--config", str(root / "pyproject.toml"), "docs", "backlinks")
    _assert_usage_error(outcome)
    assert _snapshot(root) == before


@pytest.mark.parametrize("folder", ["docs", ""])
def test_backlinks_file_folder_rejected(tmp_path: Path, cli: Cli, folder: str) -> None:
    root = _json_backlinks(tmp_path, folder)
    outcome = cli("--config", str(root / "pyproject.toml"), "docs", "backlinks")
    _assert_usage_error(outcome)
    assert "backlinks-file" in outcome.err


# stats and graph exports on small and hostile vaults


@pytest.mark.parametrize("fmt", ["json", "dot", "mermaid", "html"])
def test_graph_of_empty_vault(tmp_path: Path, cli: Cli, fmt: str) -> None:
    root = write_vault(tmp_path, {})
    (root / "docs").mkdir()
    outcome = cli(
        "--config", str(root / "pyproject.toml"), "docs", "graph", "--format", fmt
    )
    assert outcome.status == 0
    assert outcome.err == ""


def test_stats_of_one_page_vault(tmp_path: Path, cli: Cli) -> None:
    root = write_vault(tmp_path, {"index.md": "# Only\n\nOne page.\n"})
    outcome = cli("--config", str(root / "pyproject.toml"), "docs", "stats")
    assert outcome.status == 0
    assert outcome.out.splitlines()[:3] == [
        "Pages                                1",
        "Words                                3",
        "Wiki links                           0",
    ]


def test_dot_export_quotes_hostile_titles(tmp_path: Path, cli: Cli) -> None:
    pydot = pytest.importorskip("pydot")
    titles = {
        "s.md": "</script><b>x</b>",
        "q.md": 'He said "hi" \\',
        "d.md": 'a"b -> {c} [d] ; } digraph x {',
    }
    pages = {name: f"# {title}\n[[index]]\n" for name, title in titles.items()}
    pages["index.md"] = "[[s]] [[q]] [[d]]\n"
    root = write_vault(tmp_path, pages)
    outcome = cli(
        "--config", str(root / "pyproject.toml"), "docs", "graph", "--format", "dot"
    )
    (graph,) = pydot.graph_from_dot_data(outcome.out)
    labels = {node.get_name(): node.get("label") for node in graph.get_nodes()}
    assert labels['"docs/d.md"'] == '"a\\"b -> {c} [d] ; } digraph x {"'
    assert labels['"docs/q.md"'] == '"He said \\"hi\\" \\\\"'
    assert len(graph.get_edges()) == 6
