"""Applying the fixes that findings carry, one atomic write per file."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from pathlib import Path

from crucible_checks.atomic import write_text_atomic
from crucible_checks.findings import Edit, Finding

#: The size and modification time of a file when the checks read it.
Stamp = tuple[int, int]


def apply_fixes(
    root: Path, findings: Sequence[Finding], stamps: Mapping[str, Stamp]
) -> int:
    """Apply every fix whose edits overlap no fix taken before it; return how many.

    Edits index each file's text decoded as UTF-8 with newlines untranslated,
    so the bytes outside the edits stay as they were. A fix may edit several files.
    A fix is skipped when one of its files changed or vanished since the checks
    read it, because its offsets would then point at other text.
    """
    taken: dict[str, list[Edit]] = defaultdict(list)
    applied = 0
    for finding in findings:
        if finding.fix is None or not finding.fix.edits:
            continue
        paths = {edit.path for edit in finding.fix.edits}
        if any(_stamp(root / path) != stamps.get(path) for path in paths):
            continue
        if any(
            _overlaps(edit, other)
            for edit in finding.fix.edits
            for other in taken[edit.path]
        ):
            continue
        for edit in finding.fix.edits:
            taken[edit.path].append(edit)
        applied += 1
    for relative, edits in sorted(taken.items()):
        path = root / relative
        text = path.read_bytes().decode("utf-8", "surrogateescape")
        for edit in sorted(edits, key=lambda edit: edit.start, reverse=True):
            text = text[: edit.start] + edit.replacement + text[edit.end :]
        write_text_atomic(path, text)
    return applied


def _stamp(path: Path) -> Stamp | None:
    try:
        status = path.stat()
    except OSError:
        return None
    return (status.st_size, status.st_mtime_ns)


def _overlaps(first: Edit, second: Edit) -> bool:
    if first.start == first.end == second.start == second.end:
        return True
    return first.start < second.end and second.start < first.end
