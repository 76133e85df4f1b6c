"""The docs checks on a real vault: Foam's documentation, findings checked by hand.

Each expected finding was confirmed by reading the page:

- search.md links [[cli-grep|foam grep]], but the page is tools/cli/grep.md.
- user/index.md links [[publishing]]; no publishing page is in the copy.
- static-site-publishing-research.md links ../../user/publishing/publishing.md,
  the same missing page.
- graph-view.md embeds graph-style.gif, which the copy lacks.
- contribution-guide.md links ../../CONTRIBUTING.md, outside the docs root.
- generate-material-for-mkdocs-site.md links #further-customise-material-for-mkdocs
  and #publish-your-site, but its headings read "Further customise your site"
  and "Building and publishing your site".
- The orphans are linked from no other page: the one [[index]] in a recipe is
  inside a code block, and 404.md, inbox.md and the design notes are reached
  from no page. docs/index.md is exempt as the entry page.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

from tests.conftest import Outcome

Cli = Callable[..., Outcome]

CORPUS = Path(__file__).parent / "fixtures" / "docs" / "foam"

ORPHAN = (
    ": DOC005 orphan page: no other page links to it; link it from a page, or add "
    "'orphan: true' to its front matter"
)
EXPECTED = [
    "docs/404.md:1:1" + ORPHAN,
    "docs/dev/contribution-guide.md:3:37: DOC003 link ../../CONTRIBUTING.md leaves "
    "the docs root 'docs'; it is not checked or read",
    "docs/dev/design/improved-static-site-generation.md:1:1" + ORPHAN,
    "docs/dev/design/static-site-publishing-research.md:1:1" + ORPHAN,
    "docs/dev/design/static-site-publishing-research.md:11:3: DOC003 dead link "
    "../../user/publishing/publishing.md: no file "
    "'docs/user/publishing/publishing.md'",
    "docs/dev/devcontainers.md:1:1" + ORPHAN,
    "docs/dev/releasing-foam.md:1:1" + ORPHAN,
    "docs/dev/testing-conventions.md:1:1" + ORPHAN,
    "docs/inbox.md:1:1" + ORPHAN,
    "docs/user/features/graph-view.md:172:1: DOC003 dead link "
    "../../assets/images/graph-style.gif: no file 'docs/assets/images/graph-style.gif'",
    "docs/user/index.md:1:1" + ORPHAN,
    "docs/user/index.md:69:5: DOC001 dead wiki link [[publishing]]: no page "
    "'publishing'",
    "docs/user/recipes/generate-material-for-mkdocs-site.md:35:4: DOC002 dead anchor "
    "in #further-customise-material-for-mkdocs: no anchor "
    "'further-customise-material-for-mkdocs' in "
    "docs/user/recipes/generate-material-for-mkdocs-site.md",
    "docs/user/recipes/generate-material-for-mkdocs-site.md:39:4: DOC002 dead anchor "
    "in #publish-your-site: no anchor 'publish-your-site' in "
    "docs/user/recipes/generate-material-for-mkdocs-site.md",
    "docs/user/recipes/predefined-user-snippets.md:1:1" + ORPHAN,
    "docs/user/recipes/take-notes-from-mobile-phone.md:1:1" + ORPHAN,
    "docs/user/tools/cli/search.md:11:35: DOC001 dead wiki link [[cli-grep]]: no page "
    "'cli-grep'; did you mean [[grep]]?",
]


def copy_corpus(destination: Path) -> Path:
    shutil.copytree(CORPUS / "docs", destination / "docs")
    for line in (CORPUS / "attachments.txt").read_text().splitlines():
        (destination / line).parent.mkdir(parents=True, exist_ok=True)
        (destination / line).touch()
    (destination / "pyproject.toml").write_text(
        '[tool.crucible-checks]\nroots = ["docs"]\n'
    )
    return destination


def test_foam_findings(tmp_path: Path, cli: Cli) -> None:
    root = copy_corpus(tmp_path)
    outcome = cli("run", str(root), "--no-cache")
    assert outcome.status == 1
    assert outcome.out.splitlines()[:-1] == EXPECTED


def test_foam_warm_run_matches_cold(tmp_path: Path, cli: Cli) -> None:
    root = copy_corpus(tmp_path)
    cold = cli("run", str(root))
    page = root / "docs" / "user" / "index.md"
    page.write_text(page.read_text() + "\nSee [[inbox]].\n")
    warm = cli("run", str(root))
    assert cold.out.splitlines()[:-1] == EXPECTED
    assert "docs/inbox.md:1:1" + ORPHAN not in warm.out.splitlines()
    assert len(warm.out.splitlines()) == len(cold.out.splitlines()) - 1
