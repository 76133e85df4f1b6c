"""PNG plots of time and peak memory against input size, one per benchmark."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from harness import summarize
from report import slug


@dataclass(frozen=True)
class PlotOutcome:
    """The images written, keyed by benchmark, or why none were."""

    files: dict[str, str] = field(default_factory=dict)
    problem: str = ""


def write_plots(rows: list[dict[str, Any]], images: Path) -> PlotOutcome:
    """Draw ``images/bench-<benchmark>.png`` for each benchmark with 2+ sizes.

    Stale ``bench-*.png`` files in ``images`` are removed. Without matplotlib
    nothing is drawn and the outcome records why.
    """
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as pyplot
    except ImportError:
        return PlotOutcome(problem="matplotlib is not installed (the `bench` extra)")
    images.mkdir(parents=True, exist_ok=True)
    for stale in images.glob("bench-*.png"):
        stale.unlink()
    files = {}
    for benchmark, series in _series(rows).items():
        if max(len(points) for points in series.values()) < 2:
            continue
        name = f"bench-{slug(benchmark)}.png"
        _draw(pyplot, benchmark, series, _unit(rows, benchmark), images / name)
        files[benchmark] = f"images/{name}"
    return PlotOutcome(files=files)


Point = tuple[float, float, float, float, float | None]


def _series(rows: list[dict[str, Any]]) -> dict[str, dict[str, list[Point]]]:
    """Group numeric-size rows: benchmark -> tool -> (size, median, min, max, MiB)."""
    series: dict[str, dict[str, list[Point]]] = defaultdict(lambda: defaultdict(list))
    for row in rows:
        size = row["size"]
        if isinstance(size, bool) or not isinstance(size, (int, float)):
            continue
        summary = summarize(row["times"])
        series[row["benchmark"]][row["tool"]].append(
            (
                float(size),
                summary.median,
                summary.minimum,
                summary.maximum,
                row["peak_mb"],
            )
        )
    return series


def _unit(rows: list[dict[str, Any]], benchmark: str) -> str:
    units = {row.get("unit", "") for row in rows if row["benchmark"] == benchmark}
    return units.pop() if len(units) == 1 else ""


def _draw(
    pyplot: Any,
    benchmark: str,
    series: dict[str, list[Point]],
    unit: str,
    path: Path,
) -> None:
    figure, (time_axes, memory_axes) = pyplot.subplots(1, 2, figsize=(10, 4))
    sizes = sorted({point[0] for points in series.values() for point in points})
    for tool, points in sorted(series.items()):
        points.sort()
        medians = [point[1] for point in points]
        below = [point[1] - point[2] for point in points]
        above = [point[3] - point[1] for point in points]
        time_axes.errorbar(
            [point[0] for point in points],
            medians,
            yerr=[below, above],
            marker="o",
            capsize=3,
            label=tool,
        )
        memory = [(point[0], point[4]) for point in points if point[4]]
        if memory:
            memory_sizes = [size for size, _ in memory]
            peaks = [peak for _, peak in memory]
            memory_axes.plot(memory_sizes, peaks, marker="o", label=tool)
    _label(time_axes, "Time (s, median with min-max)", unit, sizes)
    _label(memory_axes, "Peak memory (MiB)", unit, sizes)
    figure.suptitle(benchmark)
    figure.tight_layout()
    figure.savefig(path, dpi=100)
    pyplot.close(figure)


def _label(axes: Any, ylabel: str, unit: str, sizes: list[float]) -> None:
    axes.set_xlabel(f"Input size ({unit})" if unit else "Input size")
    axes.set_ylabel(ylabel)
    if sizes and max(sizes) / max(min(sizes), 1e-9) >= 20:
        axes.set_xscale("log")
    axes.grid(True, alpha=0.3)
    if axes.get_legend_handles_labels()[0]:
        axes.legend()
