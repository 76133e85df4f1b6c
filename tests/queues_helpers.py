"""Writing small projects for the queue check tests and running the checks."""

from __future__ import annotations

import textwrap
from pathlib import Path

CONFIG = '[tool.crucible-checks]\nselect = ["QUE"]\n'


def write_project(root: Path, files: dict[str, str], config: str = "") -> Path:
    """Write ``files`` (dedented) and a config that selects the queue checks."""
    (root / "pyproject.toml").write_text(CONFIG + textwrap.dedent(config))
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text))
    return root
