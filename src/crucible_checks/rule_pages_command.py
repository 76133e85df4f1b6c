"""The ``crucible-checks rule-pages`` command: write or verify the check pages."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING

from crucible_checks.errors import UsageError
from crucible_checks.rule_pages import render_pages, stale_pages, write_pages

if TYPE_CHECKING:
    from crucible_checks.session import Session


class RulePagesCommand:
    """The command that writes one Markdown page per loaded check, plus an index."""

    name = "rule-pages"
    help = "write one Markdown page per check, generated from its metadata"

    def add_arguments(self, parser: argparse.ArgumentParser) -> None:
        parser.add_argument(
            "folder", type=Path, metavar="FOLDER", help="folder for the pages"
        )
        parser.add_argument(
            "--check",
            action="store_true",
            help="write nothing; exit 1 and list the pages that are out of date",
        )

    def run(self, args: argparse.Namespace, session: Session) -> int:
        folder: Path = args.folder
        if folder.exists() and not folder.is_dir():
            raise UsageError(f"{folder} is not a folder; pass the folder for the pages")
        pages = render_pages(session.infos, session.host.families)
        if args.check:
            return _report_stale(folder, stale_pages(folder, pages))
        folder.mkdir(parents=True, exist_ok=True)
        changed = write_pages(folder, pages)
        print(f"{folder}: {len(changed)} of {len(pages)} pages changed")
        for name in changed:
            print(f"  {name}")
        return 0


def _report_stale(folder: Path, stale: list[str]) -> int:
    if not stale:
        print(f"{folder}: all pages are up to date")
        return 0
    for name in stale:
        print(f"{folder / name}: out of date")
    print(f"Run `crucible-checks rule-pages {folder}` to regenerate them.")
    return 1
