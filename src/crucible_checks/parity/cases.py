"""Reading parity cases: TOML files of ``[[case]]`` tables of job fields."""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from crucible_checks.parity.errors import ParityError

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on Python 3.10 only
    import tomli as tomllib  # type: ignore[import-not-found, unused-ignore]


@dataclass(frozen=True)
class ParityCase:
    """One job's fields, with an id for test names and findings."""

    id: str
    fields: dict[str, Any]
    line: int = 1


def load_cases(path: Path) -> list[ParityCase]:
    """Read the ``[[case]]`` tables of ``path``; each needs job fields."""
    try:
        text = path.read_text(encoding="utf-8")
        document = tomllib.loads(text)
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        raise ParityError(f"{path}: cannot read parity cases: {error}") from error
    tables = document.get("case", [])
    if not isinstance(tables, list) or not all(isinstance(t, dict) for t in tables):
        raise ParityError(f"{path}: 'case' must be an array of tables ([[case]])")
    lines = _case_lines(text)
    cases = []
    for index, table in enumerate(tables):
        fields = {key: value for key, value in table.items() if key != "id"}
        case_id = str(table.get("id", f"case-{index + 1}"))
        line = lines[index] if index < len(lines) else 1
        cases.append(ParityCase(case_id, fields, line))
    return cases


def _case_lines(text: str) -> list[int]:
    return [
        number
        for number, line in enumerate(text.splitlines(), start=1)
        if line.strip() == "[[case]]"
    ]
