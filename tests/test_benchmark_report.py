"""The benchmark report: figures, ratios against peers and failed modules."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))

import harness
import report

CONTEXT = report.ReportContext(
    mode="quick",
    date="2026-01-02",
    machine={"CPU": "test CPU"},
    versions={"crucible-checks": "0.1.0"},
    plot_files={"docs checks": "images/bench-docs-checks.png"},
)


def _row(tool: str, size: int, times: list[float], peak: float | None) -> dict:
    return harness.row(
        "docs checks", tool, size, times=times, peak_mb=peak, unit="pages"
    )


RESULTS = [
    {
        "module": "bench_docs",
        "status": "ok",
        "seconds": 12.0,
        "rows": [
            _row("obsidiantools", 1000, [4.0, 4.2, 3.8], 200.0),
            _row("crucible-checks", 1000, [1.0, 2.0, 3.0], 50.0),
        ],
    },
    {
        "module": "bench_queues",
        "status": "failed",
        "seconds": 1.0,
        "error": "RuntimeError: no Redis | at all",
        "rows": [],
    },
]


def test_ratio_line() -> None:
    text = report.render(RESULTS, CONTEXT)
    assert (
        "| docs checks | 1,000 pages | crucible-checks | obsidiantools | 2 s | 4 s "
        "| 0.50 | 0.25 |"
    ) in text


def test_figures_ours_first() -> None:
    text = report.render(RESULTS, CONTEXT)
    ours = "| crucible-checks | 1,000 pages | 2 s | 100% | 1 s | 3 s | 3 | 50 MiB |  |"
    peer = (
        "| obsidiantools | 1,000 pages | 4 s | 10% | 3.8 s | 4.2 s | 3 | 200 MiB |  |"
    )
    assert ours in text
    assert peer in text
    assert text.index(ours) < text.index(peer)


def test_plot_linked() -> None:
    text = report.render(RESULTS, CONTEXT)
    assert "![docs checks: time and peak memory against size]" in text
    assert "(images/bench-docs-checks.png)" in text


def test_failed_module_listed() -> None:
    text = report.render(RESULTS, CONTEXT)
    assert (
        "| bench_queues | failed | 0 | 1 | RuntimeError: no Redis \\| at all |" in text
    )


@pytest.mark.parametrize(
    ("candidate", "message"),
    [
        ([], "a row must be a dict, got list"),
        ({"benchmark": "b"}, "is missing tool, size, times, peak_mb, note"),
        (
            {
                "benchmark": "b",
                "tool": "t",
                "size": 1,
                "times": [],
                "peak_mb": None,
                "note": "",
            },
            "row 'b': times must be non-empty",
        ),
    ],
)
def test_invalid_rows(candidate: object, message: str) -> None:
    with pytest.raises(ValueError, match=message.replace("(", r"\(")):
        harness.validate_row(candidate)


def test_peer_key_limits_pairs() -> None:
    rows = [
        {**_row("crucible-checks", 10, [1.0], None), "peer": "ruff"},
        _row("ruff", 10, [0.5], None),
        _row("obsidiantools", 10, [2.0], None),
    ]
    pairs = report.peer_pairs(rows)
    assert [(ours["tool"], peer["tool"]) for ours, peer in pairs] == [
        ("crucible-checks", "ruff")
    ]
