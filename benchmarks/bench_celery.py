"""Celery checks against a ruff parse floor and an app import, on generated trees.

The generator writes a package of Python modules in folders of 100. One module
in ten defines ten tasks (`@shared_task`, some bound, some with options), so a
tree of N files has N tasks. Half of the other modules mention tasks in
comments and names, so the index's text filter lets them through to the
parser. The rest are plain code that the filter skips unparsed. Every module is
about 40 lines.

Rows, for 1k and 10k files:

- ``celery checks, cold cache``: every default celery check, no cache, against
  ``ruff check --select E902 --no-cache`` (ruff parses every file and reports
  syntax errors whatever is selected, so it is the speed floor of reading and
  parsing the tree) and against importing an app that includes every task
  module, as an opt-in registry check must.
- ``celery checks, warm after one change``: the cache kept and one task module
  edited before each run. Before timing, the module checks in-process that such
  a run parses exactly one file, and raises BenchmarkError otherwise.
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path
from typing import Any

import harness

TASKS_PER_MODULE = 10
TASK_MODULE_EVERY = 10
FOLDER_SIZE = 100
TASK_CHECKS = "CEL0,CEL1,CEL2"

IMPORT_APP = (
    "import sys\n"
    "sys.path.insert(0, sys.argv[1])\n"
    "from gen.app import app\n"
    "app.loader.import_default_modules()\n"
    "print(len([name for name in app.tasks if name.startswith('gen.')]))\n"
)


def task_module(index: int) -> str:
    lines = ["from celery import shared_task", "", ""]
    for number in range(TASKS_PER_MODULE):
        options = ""
        if number % 3 == 0:
            options = "(bind=True, max_retries=3, autoretry_for=(OSError,))"
        elif number % 3 == 1:
            options = f"(queue='q{number}', soft_time_limit=30, time_limit=60)"
        first = "self, " if number % 3 == 0 else ""
        lines += [
            f"@shared_task{options}",
            f"def job_{index}_{number}({first}item_id, payload=None):",
            "    return item_id",
            "",
        ]
    return "\n".join(lines) + "\n"


def plain_module(index: int, mentions_tasks: bool) -> str:
    word = "task" if mentions_tasks else "item"
    lines = [
        '"""Helpers for the order pipeline."""',
        "",
        "import dataclasses",
        "",
        "",
        "@dataclasses.dataclass",
        f"class Record{index}:",
        f"    {word}_id: int",
        "    amount: float = 0.0",
        "",
        "    def total(self, rate: float) -> float:",
        "        return self.amount * rate",
        "",
    ]
    for number in range(6):
        lines += [
            f"def {word}_step_{number}(values: list[int]) -> int:",
            f"    # Sums the {word} values of step {number}.",
            "    total = 0",
            "    for value in values:",
            "        total += value * 2",
            "    return total",
            "",
        ]
    return "\n".join(lines) + "\n"


def make_tree(root: Path, files: int) -> tuple[Path, list[str]]:
    """Write a tree of ``files`` modules; return the root and the task modules."""
    if root.exists():
        shutil.rmtree(root)
    package = root / "gen"
    task_modules: list[str] = []
    for index in range(files):
        folder = package / f"part{index // FOLDER_SIZE}"
        if not folder.exists():
            folder.mkdir(parents=True)
            (folder / "__init__.py").write_text("")
        module = folder / f"module{index}.py"
        if index % TASK_MODULE_EVERY == 0:
            module.write_text(task_module(index))
            task_modules.append(f"gen.part{index // FOLDER_SIZE}.module{index}")
        else:
            module.write_text(plain_module(index, mentions_tasks=index % 2 == 1))
    (package / "__init__.py").write_text("")
    (package / "app.py").write_text(
        f"from celery import Celery\n\napp = Celery('gen', include={task_modules!r})\n"
    )
    (root / "pyproject.toml").write_text("[tool.crucible-checks]\n")
    return root, task_modules


def run(quick: bool) -> list[dict[str, Any]]:
    sizes = (1_000,) if quick else (1_000, 10_000)
    rows: list[dict[str, Any]] = []
    for size in sizes:
        root, task_modules = make_tree(harness.work_dir(f"celery-tree-{size}"), size)
        tasks = len(task_modules) * TASKS_PER_MODULE
        repeat = 1 if quick else 3
        rows += _cold(root, size, tasks, repeat)
        rows.append(_warm(root, size, repeat, task_modules[0]))
    return rows


def _ours(root: Path) -> list[str]:
    return harness.crucible_checks_command(
        "run", str(root), "--select", TASK_CHECKS, "--format", "concise"
    )


def _ruff() -> str:
    """Return ruff from PATH, else the one installed beside this Python."""
    return shutil.which("ruff") or str(Path(sys.executable).with_name("ruff"))


def _cold(root: Path, size: int, tasks: int, repeat: int) -> list[dict[str, Any]]:
    cache = root / ".crucible_checks_cache"
    ours = harness.measure_command(
        _ours(root),
        repeat=repeat,
        ok_codes=(0, 1),
        before_each=lambda: shutil.rmtree(cache, ignore_errors=True),
    )
    floor = harness.measure_command(
        [_ruff(), "check", "--select", "E902", "--no-cache", "--quiet", str(root)],
        repeat=repeat,
    )
    imported = harness.measure_command(
        [sys.executable, "-c", IMPORT_APP, str(root)], repeat=repeat
    )
    benchmark = "celery checks, cold cache"
    return [
        harness.row(
            benchmark,
            harness.OUR_TOOL,
            size,
            ours,
            unit="files",
            note=f"{tasks} tasks; every default celery check",
        ),
        harness.row(
            benchmark,
            "ruff parse",
            size,
            floor,
            unit="files",
            note="ruff check --select E902 --no-cache: parses every file (floor)",
        ),
        harness.row(
            benchmark,
            "app import",
            size,
            imported,
            unit="files",
            note=f"imports the app and its {tasks // TASKS_PER_MODULE} task modules",
        ),
    ]


def _warm(root: Path, size: int, repeat: int, module: str) -> dict[str, Any]:
    path = root / (module.replace(".", "/") + ".py")
    counter = iter(range(1_000_000))

    def change_one_module() -> None:
        with path.open("a", encoding="utf-8") as handle:
            handle.write(f"\n# edit {next(counter)}\n")

    parsed = files_parsed_after_change(root, change_one_module)
    if parsed != 1:
        raise harness.BenchmarkError(
            f"a warm run after one change parsed {parsed} files, expected 1"
        )
    measurement = harness.measure_command(
        _ours(root),
        repeat=repeat,
        warmup=1,
        ok_codes=(0, 1),
        before_each=change_one_module,
    )
    return harness.row(
        "celery checks, warm after one change",
        harness.OUR_TOOL,
        size,
        measurement,
        unit="files",
        note="cache kept; one task module appended to before each run; "
        "checked to parse exactly 1 file",
    )


def files_parsed_after_change(root: Path, change: Any) -> int:
    """Fill the cache, run ``change``, and return how many files the next index
    build parses."""
    from crucible_checks.celery import file_facts
    from crucible_checks.celery import index as index_module
    from crucible_checks.run import RunOptions, build_project
    from crucible_checks.session import Session

    def build() -> None:
        project = build_project(Session.create(start=root), RunOptions())
        index_module.build_index(project)
        project.save_caches()

    build()
    change()
    parsed: list[str] = []
    original = file_facts._scan_misses

    def counting(project: Any, misses: Any, decorators: Any) -> Any:
        parsed.extend(file.relative for file, _text, _digest in misses)
        return original(project, misses, decorators)

    file_facts._scan_misses = counting
    try:
        build()
    finally:
        file_facts._scan_misses = original
    return len(parsed)


if __name__ == "__main__":
    for result in run(quick="--quick" in sys.argv):
        print(
            f"{result['benchmark']:40} {result['tool']:16} {result['size']:>6} "
            f"{min(result['times']):8.2f} s  {result['peak_mb'] or 0:7.0f} MiB  "
            f"{result['note']}"
        )
