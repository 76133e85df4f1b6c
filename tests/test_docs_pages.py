"""The hand-written docs pages stay in step with the README."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def _readme_command(marker: str) -> str:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    block = re.search(
        rf"<!-- {marker} -->\n```console\n(.*?)\n```\n<!-- /{marker} -->", readme, re.S
    )
    assert block is not None, f"README.md has no {marker} block"
    return block.group(1)


@pytest.mark.parametrize("marker", ["main-command", "test-command"])
def test_getting_started_repeats_readme(marker: str) -> None:
    page = (ROOT / "docs" / "getting-started.md").read_text(encoding="utf-8")
    assert f"```console\n{_readme_command(marker)}\n```" in page
