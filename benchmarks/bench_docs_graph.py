"""The docs graph commands against the plain docs check run, on the synthetic vault.

Each of ``docs backlinks --check``, ``docs stats`` and ``docs graph`` (JSON and
HTML) is timed with an empty cache and with a warm one, next to ``run`` of
the docs link checks on the same vault (the vault of bench_docs). The note of
each row gives its ratio to the plain run; the target is at most 2x.
``backlinks --check`` computes every section but writes none, so the vault
stays the same for the other rows. When Chromium and chromedriver are
installed, the HTML viewer of the vault is also opened in headless Chromium
and timed until its first drawing.
"""

from __future__ import annotations

import shutil
import statistics
import sys
import time
from pathlib import Path
from typing import Any

import harness
from bench_docs import CHECKS, QUICK_SIZE, make_vault

COMMANDS = {
    "backlinks": ("docs", "backlinks", "--check"),
    "stats": ("docs", "stats", "--format", "json"),
    "graph json": ("docs", "graph", "--format", "json", "-o", "graph.json"),
    "graph html": ("docs", "graph", "--format", "html", "-o", "graph.html"),
}


def run(quick: bool) -> list[dict[str, Any]]:
    size = QUICK_SIZE if quick else 10_000
    repeat = 1 if quick else 3
    root = make_vault(harness.work_dir(f"docs-graph-vault-{size}"), size)
    rows: list[dict[str, Any]] = []
    for warm in (False, True):
        rows += _measure(root, size, repeat, warm)
    viewer = _open_viewer(root, repeat)
    if viewer is not None:
        rows.append(
            harness.row(
                "docs graph HTML viewer, open in headless Chromium",
                harness.OUR_TOOL,
                size,
                times=viewer,
                unit="pages",
                note="from navigation to the first drawing of the graph",
            )
        )
    return rows


def _measure(root: Path, size: int, repeat: int, warm: bool) -> list[dict[str, Any]]:
    cache = root / ".crucible_checks_cache"

    def clear_cache() -> None:
        shutil.rmtree(cache, ignore_errors=True)

    before_each = None if warm else clear_cache
    warmup = 1 if warm else 0
    state = "warm cache" if warm else "cold cache"
    plain = harness.measure_command(
        harness.crucible_checks_command(
            "run", str(root), "--select", CHECKS, "--format", "concise"
        ),
        repeat=repeat,
        warmup=warmup,
        ok_codes=(0, 1),
        before_each=before_each,
    )
    baseline = statistics.median(plain.times)
    rows = [
        harness.row(
            f"docs graph commands, {state}",
            "run (docs link checks)",
            size,
            plain,
            unit="pages",
            note="the plain check run the commands are compared with",
            peer="",
        )
    ]
    for name, arguments in COMMANDS.items():
        measurement = harness.measure_command(
            harness.crucible_checks_command(*arguments),
            repeat=repeat,
            warmup=warmup,
            cwd=root,
            ok_codes=(0, 1),
            before_each=before_each,
        )
        ratio = statistics.median(measurement.times) / baseline
        rows.append(
            harness.row(
                f"docs graph commands, {state}",
                f"docs {name}",
                size,
                measurement,
                unit="pages",
                note=f"{ratio:.2f}x the plain check run",
                peer="run (docs link checks)",
            )
        )
    return rows


def _open_viewer(root: Path, repeat: int) -> list[float] | None:
    """Return the seconds from navigation to the viewer's first drawing."""
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    driver_path = shutil.which("chromedriver")
    page = root / "graph.html"
    if chromium is None or driver_path is None or not page.exists():
        return None
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = chromium
    for argument in ("--headless=new", "--no-sandbox", "--window-size=1200,800"):
        options.add_argument(argument)
    driver = webdriver.Chrome(options=options, service=Service(driver_path))
    times = []
    try:
        for _ in range(repeat):
            driver.get("about:blank")
            start = time.perf_counter()
            driver.get(page.as_uri())
            while driver.execute_script("return document.body.dataset.ready") != "1":
                time.sleep(0.01)
            times.append(time.perf_counter() - start)
    finally:
        driver.quit()
    return times


if __name__ == "__main__":
    for result in run(quick="--quick" in sys.argv):
        print(
            f"{result['benchmark']:48} {result['tool']:24} {result['size']:>6} "
            f"{min(result['times']):8.2f} s  {result['peak_mb'] or 0:7.0f} MiB  "
            f"{result['note']}"
        )
