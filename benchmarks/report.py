"""The Markdown benchmark report: machine, versions, figures, ratios and failures."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from harness import is_ours, ratio, summarize

from crucible_checks.atomic import write_text_atomic


@dataclass(frozen=True)
class ReportContext:
    """Everything the report shows besides the rows."""

    mode: str
    date: str
    machine: dict[str, str]
    versions: dict[str, str]
    plot_files: dict[str, str] = field(default_factory=dict)
    plot_problem: str = ""


def write_report(
    path: Path, results: list[dict[str, Any]], context: ReportContext
) -> None:
    """Write the report for ``results`` (one dict per module) to ``path``."""
    write_text_atomic(path, render(results, context))


def render(results: list[dict[str, Any]], context: ReportContext) -> str:
    """Return the report as Markdown."""
    rows = [row for result in results for row in result["rows"]]
    sections = [
        _header(context),
        _machine(context),
        _ratios(rows),
        *(_benchmark(name, group, context) for name, group in _groups(rows)),
        _modules(results),
    ]
    return "\n\n".join(section for section in sections if section).rstrip() + "\n"


def slug(name: str) -> str:
    """Return the file-name form of a benchmark name: lowercase words and hyphens."""
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")


def format_seconds(seconds: float) -> str:
    """Return ``seconds`` with three significant digits, in ms below a second."""
    if seconds < 1:
        return f"{seconds * 1000:.3g} ms"
    return f"{seconds:.3g} s"


def _header(context: ReportContext) -> str:
    command = "python benchmarks/run.py" + (
        " --quick" if context.mode == "quick" else ""
    )
    return "\n".join(
        [
            "# Benchmarks",
            "",
            f"Measured on {context.date} by `{command}` ({context.mode} mode). "
            "Each figure is the median of several runs with its spread (the range "
            "divided by the median). Every peer ran on the same machine in the same "
            "run, so the ratios carry over to other machines better than the "
            "absolute times, which are shown but never asserted.",
            "",
            "To rerun the benchmarks and to add one, see `benchmarks/README.md`. "
            "The command line is described in [[Getting Started]] and "
            "[[Configuration]].",
            *(
                ["", f"No plots were drawn: {context.plot_problem}."]
                if context.plot_problem
                else []
            ),
        ]
    )


def _machine(context: ReportContext) -> str:
    lines = ["## Machine", "", "| | |", "|---|---|"]
    lines += [f"| {key} | {value} |" for key, value in context.machine.items()]
    lines += ["", "| Package | Version |", "|---|---|"]
    lines += [f"| {name} | {version} |" for name, version in context.versions.items()]
    return "\n".join(lines)


def _groups(rows: list[dict[str, Any]]) -> Iterable[tuple[str, list[dict[str, Any]]]]:
    names = list(dict.fromkeys(row["benchmark"] for row in rows))
    for name in names:
        yield (
            name,
            sorted((row for row in rows if row["benchmark"] == name), key=_row_order),
        )


def _row_order(row: dict[str, Any]) -> tuple[int, float, str, int, str]:
    size = row["size"]
    numeric = isinstance(size, (int, float))
    return (
        0 if numeric else 1,
        float(size) if numeric else 0.0,
        "" if numeric else str(size),
        0 if is_ours(row["tool"]) else 1,
        row["tool"],
    )


def _size(row: dict[str, Any]) -> str:
    size = row["size"]
    text = f"{size:,}" if isinstance(size, int) else str(size)
    unit = row.get("unit", "")
    return f"{text} {unit}".strip()


# Ratios -------------------------------------------------------------------


def peer_pairs(
    rows: list[dict[str, Any]],
) -> list[tuple[dict[str, Any], dict[str, Any]]]:
    """Return (ours, peer) row pairs measured on the same benchmark and size.

    A row of ours with a ``peer`` key is paired with that tool only; otherwise
    with every other tool on the same benchmark and size.
    """
    pairs = []
    for ours in (row for row in rows if is_ours(row["tool"])):
        for other in rows:
            if is_ours(other["tool"]) or not _same_input(ours, other):
                continue
            if ours.get("peer") and other["tool"] != ours["peer"]:
                continue
            pairs.append((ours, other))
    return pairs


def _same_input(first: dict[str, Any], second: dict[str, Any]) -> bool:
    return bool(
        first["benchmark"] == second["benchmark"] and first["size"] == second["size"]
    )


def _ratios(rows: list[dict[str, Any]]) -> str:
    pairs = peer_pairs(rows)
    if not pairs:
        return ""
    lines = [
        "## Against the peers",
        "",
        "Time ratio is this tool's median divided by the peer's: below 1 means "
        "crucible-checks was faster.",
        "",
        "| Benchmark | Size | Tool | Peer | Tool median | Peer median "
        "| Time ratio | Memory ratio |",
        "|---|---:|---|---|---:|---:|---:|---:|",
    ]
    for ours, peer in pairs:
        lines.append(
            f"| {ours['benchmark']} | {_size(ours)} | {ours['tool']} | "
            f"{peer['tool']} | {_median(ours)} | {_median(peer)} | "
            f"{ratio(ours['times'], peer['times']):.2f} | "
            f"{_memory_ratio(ours, peer)} |"
        )
    return "\n".join(lines)


def _median(row: dict[str, Any]) -> str:
    return format_seconds(summarize(row["times"]).median)


def _memory_ratio(ours: dict[str, Any], peer: dict[str, Any]) -> str:
    if not ours["peak_mb"] or not peer["peak_mb"]:
        return "n/a"
    return f"{ours['peak_mb'] / peer['peak_mb']:.2f}"


# One section per benchmark ------------------------------------------------


def _benchmark(name: str, rows: list[dict[str, Any]], context: ReportContext) -> str:
    lines = [f"## {name}", ""]
    image = context.plot_files.get(name)
    if image:
        lines += [f"![{name}: time and peak memory against size]({image})", ""]
    lines += [
        "| Tool | Size | Median | Spread | Min | Max | Runs | Peak memory | Note |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    lines += [_figure_line(row) for row in rows]
    return "\n".join(lines)


def _figure_line(row: dict[str, Any]) -> str:
    summary = summarize(row["times"])
    spread = f"{summary.spread:.0%}" if summary.runs > 1 else "one run"
    peak = f"{row['peak_mb']:.0f} MiB" if row["peak_mb"] else "n/a"
    note = str(row["note"]).replace("|", "\\|").replace("\n", " ")
    return (
        f"| {row['tool']} | {_size(row)} | {format_seconds(summary.median)} | "
        f"{spread} | {format_seconds(summary.minimum)} | "
        f"{format_seconds(summary.maximum)} | {summary.runs} | {peak} | {note} |"
    )


def _modules(results: list[dict[str, Any]]) -> str:
    lines = [
        "## Benchmark modules",
        "",
        "| Module | Status | Rows | Seconds | Error |",
        "|---|---|---:|---:|---|",
    ]
    for result in results:
        error = str(result.get("error", "")).replace("|", "\\|").replace("\n", " ")
        lines.append(
            f"| {result['module']} | {result['status']} | {len(result['rows'])} | "
            f"{result['seconds']:.0f} | {error} |"
        )
    return "\n".join(lines)
