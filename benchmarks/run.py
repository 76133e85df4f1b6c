"""Run every benchmarks/bench_*.py module and write the report with its plots.

    python benchmarks/run.py            # full mode, writes docs/benchmarks.md
    python benchmarks/run.py --quick    # small inputs, writes benchmarks/.work/quick/

Each module runs in its own Python process with a time limit, so one that
fails, crashes or hangs is reported as failed and the others still run.
"""

from __future__ import annotations

import argparse
import compileall
import datetime
import importlib.util
import json
import subprocess
import sys
import time
import traceback
from collections.abc import Sequence
from pathlib import Path
from typing import Any

BENCHMARKS = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCHMARKS))

import harness  # noqa: E402 (the folder is put on sys.path just above)
import plots  # noqa: E402
import report  # noqa: E402

#: Whole-run budgets in seconds, kept below the promised 2 and 15 minutes.
BUDGET = {"quick": 110.0, "full": 840.0}
#: The maximum seconds one module may run before it is stopped and reported failed.
MODULE_LIMIT = {"quick": 60.0, "full": 420.0}


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if args.child is not None:
        return _child(Path(args.child), args.quick, Path(args.json))
    mode = "quick" if args.quick else "full"
    output = args.output_dir or _default_output(mode)
    modules = _discover(args.only)
    if not modules:
        print("run.py: no benchmarks/bench_*.py module matches", file=sys.stderr)
        return 2
    _compile_package()
    results = _run_all(modules, mode, args.module_limit or MODULE_LIMIT[mode])
    _write(results, mode, output)
    failed = [result["module"] for result in results if result["status"] != "ok"]
    if failed:
        print(f"run.py: failed modules: {', '.join(failed)}", file=sys.stderr)
    return 1 if failed and args.strict else 0


def _compile_package() -> None:
    """Write the package's bytecode before timing, as an installation does.

    An editable install compiles a module on its first import, unless
    PYTHONDONTWRITEBYTECODE is set (as on some CI machines), in which case
    every run of the tool would compile the whole package from source.
    """
    import crucible_checks

    package = Path(crucible_checks.__file__).parent
    compileall.compile_dir(package, quiet=1)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--quick", action="store_true", help="small inputs, under 2 minutes in all"
    )
    parser.add_argument(
        "--only",
        action="append",
        default=[],
        metavar="NAME",
        help="run only the module NAME, such as bench_docs (repeatable)",
    )
    parser.add_argument(
        "--output-dir",
        type=Path,
        help="folder for the report and images/ (default: docs/ in full mode, "
        "benchmarks/.work/quick/ in quick mode)",
    )
    parser.add_argument(
        "--module-limit",
        type=float,
        metavar="SECONDS",
        help="stop a module after this many seconds (default: 60 quick, 420 full)",
    )
    parser.add_argument(
        "--strict",
        action="store_true",
        help="exit with status 1 when a module failed (the report is still written)",
    )
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--json", help=argparse.SUPPRESS)
    return parser


def _default_output(mode: str) -> Path:
    if mode == "full":
        return harness.REPO_ROOT / "docs"
    return harness.WORK_ROOT / "quick"


def _discover(only: list[str]) -> list[Path]:
    modules = sorted(BENCHMARKS.glob("bench_*.py"))
    if only:
        wanted = {name.removesuffix(".py") for name in only}
        modules = [module for module in modules if module.stem in wanted]
    return modules


# The parent: one child process per module ---------------------------------


def _run_all(modules: list[Path], mode: str, limit: float) -> list[dict[str, Any]]:
    deadline = time.monotonic() + BUDGET[mode]
    results = []
    for module in modules:
        remaining = deadline - time.monotonic()
        if remaining < 5:
            results.append(_not_run(module, "the run's time budget was used up"))
            continue
        print(f"run.py: {module.stem} ...", file=sys.stderr, flush=True)
        result = _run_module(module, mode, min(limit, remaining))
        print(f"run.py: {module.stem}: {_status_line(result)}", file=sys.stderr)
        results.append(result)
    return results


def _run_module(module: Path, mode: str, limit: float) -> dict[str, Any]:
    output = harness.work_dir(f"results/{module.stem}") / "rows.json"
    command = [sys.executable, str(Path(__file__).resolve()), "--child", str(module)]
    command += ["--json", str(output)] + (["--quick"] if mode == "quick" else [])
    start = time.monotonic()
    try:
        completed = subprocess.run(
            command, capture_output=True, text=True, timeout=limit, check=False
        )
    except subprocess.TimeoutExpired:
        error = f"stopped after the module time limit of {limit:.0f} s"
        return _failed(module, error, time.monotonic() - start)
    seconds = time.monotonic() - start
    if not output.exists():
        tail = completed.stderr.strip().splitlines()[-5:]
        error = f"exited with status {completed.returncode}: " + " | ".join(tail)
        return _failed(module, error, seconds)
    outcome: dict[str, Any] = json.loads(output.read_text(encoding="utf-8"))
    return {"module": module.stem, "seconds": seconds, **outcome}


def _failed(module: Path, error: str, seconds: float) -> dict[str, Any]:
    return {
        "module": module.stem,
        "status": "failed",
        "error": error,
        "rows": [],
        "seconds": seconds,
    }


def _not_run(module: Path, reason: str) -> dict[str, Any]:
    return {**_failed(module, reason, 0.0), "status": "not run"}


def _status_line(result: dict[str, Any]) -> str:
    if result["status"] == "ok":
        return f"{len(result['rows'])} rows in {result['seconds']:.1f} s"
    return f"{result['status']}: {result['error']}"


# The child: import one module and call its run(quick) ----------------------


def _child(module: Path, quick: bool, output: Path) -> int:
    try:
        rows = _load(module).run(quick)
        outcome = {"status": "ok", "rows": [harness.validate_row(r) for r in rows]}
    except Exception as error:  # Any failure of the module goes into the report.
        last = traceback.extract_tb(error.__traceback__)[-1:]
        where = f" ({Path(last[0].filename).name}:{last[0].lineno})" if last else ""
        message = f"{type(error).__name__}: {error}{where}"
        outcome = {"status": "failed", "error": message, "rows": []}
        traceback.print_exc()
    output.write_text(json.dumps(outcome, default=str), encoding="utf-8")
    return 0


def _load(module: Path) -> Any:
    spec = importlib.util.spec_from_file_location(module.stem, module)
    if spec is None or spec.loader is None:
        raise ImportError(f"cannot import {module}")
    loaded = importlib.util.module_from_spec(spec)
    sys.modules[module.stem] = loaded
    spec.loader.exec_module(loaded)
    if not callable(getattr(loaded, "run", None)):
        raise AttributeError(f"{module.name} defines no run(quick) function")
    return loaded


# Writing the report -------------------------------------------------------


def _write(results: list[dict[str, Any]], mode: str, output: Path) -> None:
    rows = [row for result in results for row in result["rows"]]
    images = output / "images"
    plot_outcome = plots.write_plots(rows, images)
    context = report.ReportContext(
        mode=mode,
        date=datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d"),
        machine=harness.machine_facts(),
        versions=harness.package_versions(),
        plot_files=plot_outcome.files,
        plot_problem=plot_outcome.problem,
    )
    path = output / "benchmarks.md"
    report.write_report(path, results, context)
    print(f"run.py: wrote {path}", file=sys.stderr)


if __name__ == "__main__":
    sys.exit(main())
