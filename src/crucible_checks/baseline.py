"""The baseline file: fingerprints of accepted findings, so adoption starts clean."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from crucible_checks.atomic import write_text_atomic
from crucible_checks.errors import ConfigError
from crucible_checks.findings import Finding

FORMAT_VERSION = 1
_REGENERATE = "regenerate it with 'crucible-checks baseline'"


@dataclass(frozen=True)
class BaselineEntry:
    """One row of the baseline file: an accepted finding and how often it occurs."""

    path: str
    code: str
    fingerprint: str
    count: int


#: Whether a run checked the code and path of an entry, so that the run would
#: have reported the entry's finding if it still occurred.
Covers = Callable[[BaselineEntry], bool]


@dataclass(frozen=True)
class BaselineResult:
    """The findings a baseline left, with counts of matched and fixed entries."""

    findings: list[Finding]
    matched: int
    fixed: int


def write_baseline(
    path: Path, findings: Sequence[Finding], kept: Sequence[BaselineEntry] = ()
) -> int:
    """Write the fingerprints of ``findings`` and the ``kept`` entries, sorted,
    and return how many findings the rows count in all."""
    entries = Counter(
        (finding.path, finding.code, finding.fingerprint) for finding in findings
    )
    for entry in kept:
        entries[(entry.path, entry.code, entry.fingerprint)] += entry.count
    rows = [
        {"path": path_, "code": code, "fingerprint": fingerprint, "count": count}
        for (path_, code, fingerprint), count in sorted(entries.items())
    ]
    document = {"version": FORMAT_VERSION, "findings": rows}
    try:
        write_text_atomic(path, json.dumps(document, indent=2, sort_keys=True) + "\n")
    except OSError as error:
        reason = (error.strerror or str(error)).lower()
        raise ConfigError(
            f"{path}: cannot write baseline: {reason}; set 'baseline' to a file path"
        ) from error
    return sum(entries.values())


def read_baseline(path: Path) -> list[BaselineEntry]:
    """Return the entries, or raise `ConfigError` naming what is malformed."""
    try:
        document = json.loads(path.read_text("utf-8"))
    except OSError as error:
        raise ConfigError(f"{path}: cannot read baseline: {error.strerror}") from error
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise ConfigError(
            f"{path}: invalid baseline ({error}); regenerate it with "
            "'crucible-checks baseline'"
        ) from error
    rows = document.get("findings") if isinstance(document, dict) else None
    if not isinstance(rows, list):
        raise ConfigError(f"{path}: invalid baseline: missing 'findings' list")
    version = document.get("version", FORMAT_VERSION)
    if version != FORMAT_VERSION:
        raise ConfigError(
            f"{path}: baseline format version {version!r} is not supported "
            f"(expected {FORMAT_VERSION}); {_REGENERATE}"
        )
    entries = []
    for row in rows:
        if not _valid_row(row):
            raise ConfigError(f"{path}: invalid baseline entry {row!r}; {_REGENERATE}")
        entries.append(
            BaselineEntry(
                row["path"], row["code"], row["fingerprint"], row.get("count", 1)
            )
        )
    return entries


def _valid_row(row: object) -> bool:
    if not isinstance(row, dict):
        return False
    keys = ("path", "code", "fingerprint")
    if not all(isinstance(row.get(key), str) for key in keys):
        return False
    count = row.get("count", 1)
    return isinstance(count, int) and not isinstance(count, bool) and count > 0


def apply_baseline(
    findings: Sequence[Finding], entries: Sequence[BaselineEntry], covers: Covers
) -> BaselineResult:
    """Drop findings whose fingerprint the baseline contains, once per count.

    An entry that matched no finding counts as fixed only if ``covers`` returns
    true for it, because a run of some checks or some files cannot tell whether
    the findings of the others still occur.
    """
    remaining: Counter[str] = Counter()
    for entry in entries:
        remaining[entry.fingerprint] += entry.count
    kept = []
    matched = 0
    for finding in findings:
        if remaining[finding.fingerprint] > 0:
            remaining[finding.fingerprint] -= 1
            matched += 1
        else:
            kept.append(finding)
    fixed = 0
    for entry in entries:
        unmatched = min(entry.count, remaining[entry.fingerprint])
        remaining[entry.fingerprint] -= unmatched
        if covers(entry):
            fixed += unmatched
    return BaselineResult(kept, matched, fixed)
