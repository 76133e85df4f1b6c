"""Time spent in the docs hooks by a commit that changes one page.

On a synthetic vault (the generator of bench_docs.py) committed to git, each
repetition edits and stages one page, then runs the commands the hooks run,
with a warm cache as on a developer's machine:

- the pre-commit hook ``crucible-checks-docs`` on the staged page,
- the pre-commit hook ``crucible-checks-docs-graph`` on the whole tree,
- the plain git hook, ``crucible-checks git-hooks run pre-commit``.

The pre-commit framework's own start-up is not included. The rows "docs hooks
together" add the two pre-commit hooks' times of each repetition; the target
for a 10k-page vault is under 0.5 s.
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import harness
from bench_docs import QUICK_SIZE, make_vault, page_name

DOCS_ENTRY = ("run", "--select", "DOC", "--file-source", "git")
#: A vault with dead links makes the checks exit 1; that is a result, not a failure.
OK_CODES = (0, 1)


def git(root: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=root, capture_output=True, check=True)


def make_repository(pages: int) -> tuple[Path, str]:
    """Write and commit a vault; return its root and the page each run edits."""
    root = make_vault(harness.work_dir(f"hooks-{pages}") / "vault", pages)
    git(root, "init", "-q")
    git(root, "config", "user.name", "Benchmark")
    git(root, "config", "user.email", "benchmark@example.invalid")
    git(root, "add", ".")
    git(root, "commit", "-q", "--no-verify", "-m", "Vault")
    return root, f"docs/area-3/{page_name(3)}.md"


def stage_edit(root: Path, page: str) -> Callable[[], None]:
    """Return a function that appends a line to ``page`` and stages it."""
    counter = [0]

    def edit() -> None:
        counter[0] += 1
        with (root / page).open("a", encoding="utf-8") as file:
            file.write(f"Edit {counter[0]} of the benchmark.\n")
        git(root, "add", page)

    return edit


def measure(root: Path, argv: list[str], edit: Callable[[], None], repeat: int) -> Any:
    return harness.measure_command(
        argv, repeat=repeat, warmup=1, cwd=root, ok_codes=OK_CODES, before_each=edit
    )


def rows_for(pages: int, repeat: int) -> list[dict[str, Any]]:
    root, page = make_repository(pages)
    edit = stage_edit(root, page)
    ours = harness.crucible_checks_command
    per_file = measure(root, ours(*DOCS_ENTRY, page), edit, repeat)
    whole_tree = measure(root, ours(*DOCS_ENTRY), edit, repeat)
    plain = measure(root, ours("git-hooks", "run", "pre-commit"), edit, repeat)
    together = [a + b for a, b in zip(per_file.times, whole_tree.times, strict=True)]
    peak = max(per_file.peak_mb or 0.0, whole_tree.peak_mb or 0.0) or None
    tool = harness.OUR_TOOL
    return [
        harness.row("pre-commit hook crucible-checks-docs", tool, pages, per_file,
                    unit="pages", note="one staged page passed as a file name"),
        harness.row("pre-commit hook crucible-checks-docs-graph", tool, pages,
                    whole_tree, unit="pages", note="whole tree, page set from git"),
        harness.row("docs hooks together", tool, pages, times=together,
                    peak_mb=peak, unit="pages", note="target: under 0.5 s at 10k"),
        harness.row("plain git pre-commit hook", tool, pages, plain, unit="pages",
                    note="staged files; no unstaged changes, so checked in place"),
    ]  # fmt: skip


def run(quick: bool) -> list[dict[str, Any]]:
    sizes = (QUICK_SIZE,) if quick else (1_000, 10_000)
    repeat = 3 if quick else 5
    rows: list[dict[str, Any]] = []
    for pages in sizes:
        rows.extend(rows_for(pages, repeat))
    return rows


if __name__ == "__main__":
    for result in run(quick="--quick" in sys.argv):
        median = sorted(result["times"])[len(result["times"]) // 2]
        print(f"{result['benchmark']:<45} {result['size']:>6}  {median:.3f} s")
