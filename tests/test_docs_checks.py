"""The docs link checks on small vaults, through the command line."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import Outcome

Cli = Callable[..., Outcome]

CONFIG = '[tool.crucible-checks]\nroots = ["docs"]\n'


def write_vault(root: Path, pages: dict[str, str], config: str = "") -> Path:
    (root / "pyproject.toml").write_text(CONFIG + config, encoding="utf-8")
    for name, text in pages.items():
        path = root / "docs" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8", newline="")
    return root


def findings(cli: Cli, root: Path, *arguments: str) -> list[str]:
    outcome = cli("run", str(root), "--no-cache", *arguments)
    return [line for line in outcome.out.splitlines() if line.startswith("docs/")]


def test_dead_wiki_link_suggests(tmp_path: Path, cli: Cli) -> None:
    root = write_vault(
        tmp_path,
        {
            "index.md": "See [[Instal Guide]] and [[Install Guide]].\n",
            "Install Guide.md": "# I\n",
        },
    )
    assert findings(cli, root, "--select", "DOC001") == [
        "docs/index.md:1:5: DOC001 dead wiki link [[Instal Guide]]: no page "
        "'instal-guide'; did you mean [[Install Guide]]?"
    ]


def test_slug_rule_and_paths(tmp_path: Path, cli: Cli) -> None:
    root = write_vault(
        tmp_path,
        {
            "index.md": "[[getting started]] [[guide/Setup.md]] [[/guide/setup]] "
            "[[./guide/setup]] [[Alt]] [[../../up]] ![[pic.png]] ![[gone.png]]\n",
            "Getting Started.md": "x\n",
            "guide/setup.md": "---\naliases: [Alt]\n---\n",
            "img/pic.png": "",
        },
    )
    assert findings(cli, root, "--select", "DOC001") == [
        "docs/index.md:1:83: DOC001 wiki link [[../../up]] leaves the docs root",
        "docs/index.md:1:109: DOC001 dead embed ![[gone.png]]: no file 'gone.png'",
    ]


def test_allowed_missing_patterns(tmp_path: Path, cli: Cli) -> None:
    config = '[tool.crucible-checks.docs]\nallow-missing = ["draft-*"]\n'
    root = write_vault(tmp_path, {"index.md": "[[Draft Plan]] [[Other]]\n"}, config)
    assert findings(cli, root, "--select", "DOC001") == [
        "docs/index.md:1:16: DOC001 dead wiki link [[Other]]: no page 'other'"
    ]


def test_dead_anchors(tmp_path: Path, cli: Cli) -> None:
    root = write_vault(
        tmp_path,
        {
            "index.md": "[[Setup#Install It]] [[Setup#Nope]] [[Setup#^b1]] "
            "[[Setup#^b2]]\n\n"
            "[a](setup.md#INSTALL-IT) [b](setup.md#gone) [c](#local) [d](#missing)\n\n"
            "## Local\n",
            "setup.md": "## Install It\n\nA fact. ^b1\n",
        },
    )
    assert findings(cli, root, "--select", "DOC002") == [
        "docs/index.md:1:22: DOC002 dead anchor in [[Setup#Nope]]: no heading 'Nope' "
        "in docs/setup.md",
        "docs/index.md:1:51: DOC002 dead anchor in [[Setup#^b2]]: no block '^b2' in "
        "docs/setup.md",
        "docs/index.md:3:26: DOC002 dead anchor in setup.md#gone: no anchor 'gone' in "
        "docs/setup.md",
        "docs/index.md:3:57: DOC002 dead anchor in #missing: no anchor 'missing' in "
        "docs/index.md",
    ]


def test_strict_fragment_case(tmp_path: Path, cli: Cli) -> None:
    config = '[tool.crucible-checks.docs]\nfragment-case = "strict"\n'
    root = write_vault(tmp_path, {"index.md": "[a](#Top) [b](#top)\n\n# Top\n"}, config)
    assert findings(cli, root, "--select", "DOC002") == [
        "docs/index.md:1:1: DOC002 dead anchor in #Top: no anchor 'Top' in "
        "docs/index.md"
    ]


def test_dead_relative_links(tmp_path: Path, cli: Cli) -> None:
    (tmp_path / "secret.md").write_text("outside\n", encoding="utf-8")
    root = write_vault(
        tmp_path,
        {
            "index.md": "[a](guide/) [b](guide/Setup.md) [c](../secret.md) "
            "[d](my%20page.md) [e](https://example.com/x) [f](/docs/x)\n",
            "guide/index.md": "[[index]]\n",
            "guide/setup.md": "x\n",
            "my page.md": "x\n",
        },
    )
    assert findings(cli, root, "--select", "DOC003") == [
        "docs/index.md:1:13: DOC003 dead link guide/Setup.md: no file "
        "'docs/guide/Setup.md'",
        "docs/index.md:1:33: DOC003 link ../secret.md leaves the docs root 'docs'; "
        "it is not checked or read",
    ]


def test_ambiguous_pages(tmp_path: Path, cli: Cli) -> None:
    root = write_vault(
        tmp_path,
        {
            "index.md": "[[setup]] [[a/setup]]\n",
            "a/setup.md": "x\n",
            "b/setup.md": "x\n",
            "Getting Started.md": "x\n",
            "getting-started.md": "x\n",
        },
    )
    assert findings(cli, root, "--select", "DOC004") == [
        "docs/getting-started.md:1:1: DOC004 page has the permalink 'getting-started' "
        "of docs/Getting Started.md; rename one of them",
        "docs/index.md:1:1: DOC004 ambiguous wiki link [[setup]]: 'setup' names 2 "
        "pages (docs/a/setup.md, docs/b/setup.md); write its path",
    ]


def test_obsidian_resolver_picks_nearest(tmp_path: Path, cli: Cli) -> None:
    config = '[tool.crucible-checks.docs]\nresolver = "obsidian"\n'
    root = write_vault(
        tmp_path,
        {
            "a/index.md": "[[setup]] [[Setup Guide]] [[setup-guide]]\n",
            "a/setup.md": "x\n",
            "b/setup.md": "x\n",
            "Setup Guide.md": "x\n",
        },
        config,
    )
    assert findings(cli, root, "--select", "DOC001,DOC004") == [
        "docs/a/index.md:1:27: DOC001 dead wiki link [[setup-guide]]: no page "
        "'setup-guide'; did you mean [[Setup Guide]] or [[setup]]?"
    ]


def test_orphans(tmp_path: Path, cli: Cli) -> None:
    root = write_vault(
        tmp_path,
        {
            "index.md": "[[linked]] ![[embedded]]\n",
            "linked.md": "[[self]]\n",
            "embedded.md": "x\n",
            "self.md": "[[self]] [[#top]]\n",
            "lonely.md": "x\n",
            "optout.md": "---\norphan: true\n---\n",
        },
    )
    assert findings(cli, root, "--select", "DOC005") == [
        "docs/lonely.md:1:1: DOC005 orphan page: no other page links to it; link it "
        "from a page, or add 'orphan: true' to its front matter",
    ]


def test_entry_pages_option(tmp_path: Path, cli: Cli) -> None:
    config = '[tool.crucible-checks.docs]\nentry-pages = ["start.md"]\n'
    root = write_vault(tmp_path, {"start.md": "x\n", "index.md": "x\n"}, config)
    assert findings(cli, root, "--select", "DOC005") == [
        "docs/index.md:1:1: DOC005 orphan page: no other page links to it; link it "
        "from a page, or add 'orphan: true' to its front matter",
    ]


def test_unknown_option_is_config_error(tmp_path: Path, cli: Cli) -> None:
    config = '[tool.crucible-checks.docs]\nresolvr = "obsidian"\n'
    root = write_vault(tmp_path, {"index.md": "x\n"}, config)
    outcome = cli("run", str(root))
    assert outcome.status == 2
    assert "resolver" in outcome.err


@pytest.mark.parametrize("order", ["alias-first"])
def test_alias_order_option(tmp_path: Path, cli: Cli, order: str) -> None:
    config = f'[tool.crucible-checks.docs]\nalias-order = "{order}"\n'
    root = write_vault(
        tmp_path,
        {"index.md": "[[shown|Target]] [[Target|Shown]]\n", "target.md": ""},
        config,
    )
    assert findings(cli, root, "--select", "DOC001") == [
        "docs/index.md:1:18: DOC001 dead wiki link [[Shown]]: no page 'shown'"
    ]


def test_obsidian_ignores_front_matter_names(tmp_path: Path, cli: Cli) -> None:
    config = (
        '[tool.crucible-checks.docs]\nresolver = "obsidian"\nheading-slugger = "text"\n'
    )
    root = write_vault(
        tmp_path,
        {
            "index.md": "[[Mobile App#`run` Mode]] [[mobile]] [[Phone]]\n",
            "Mobile App.md": "---\npermalink: mobile\naliases: [Phone]\n---\n"
            "## `run` mode\n",
        },
        config,
    )
    assert findings(cli, root, "--select", "DOC001,DOC002") == [
        "docs/index.md:1:27: DOC001 dead wiki link [[mobile]]: no page 'mobile'; "
        "did you mean [[Mobile App]]?",
        "docs/index.md:1:38: DOC001 dead wiki link [[Phone]]: no page 'phone'",
    ]
