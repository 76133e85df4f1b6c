"""Helpers for benchmark modules: timing, peak memory, machine facts, statistics.

A benchmark module is a file ``benchmarks/bench_<topic>.py`` with a function
``run(quick: bool) -> list[dict]``. Each row is a dict with these keys:

``benchmark``  what is measured, such as ``"docs checks, cold cache"``
``tool``       who does the work: ``"crucible-checks"`` or a peer's name
``size``       the input size, a number (plotted) or a short label
``times``      the wall-clock seconds of each repetition
``peak_mb``    the peak resident memory of the whole process tree, in MiB,
               or ``None`` when it was not measured
``note``       free text shown in the report (may be empty)

Optional keys: ``unit`` names what ``size`` counts (``"pages"``), ``peer``
names the tool this row's ratio is computed against (by default every other
tool measured on the same benchmark and size).

`row` builds such a dict, `measure_command` and `measure_callable` fill
``times`` and ``peak_mb``. Only benchmarks/run.py prints; modules return rows.
"""

from __future__ import annotations

import contextlib
import importlib.metadata
import multiprocessing
import multiprocessing.connection
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

try:
    import psutil
except ImportError:  # The `bench` extra is not installed.
    psutil = None

OUR_TOOL = "crucible-checks"
REQUIRED_KEYS = ("benchmark", "tool", "size", "times", "peak_mb", "note")
SAMPLE_INTERVAL = 0.01
MIB = 1024 * 1024
REPO_ROOT = Path(__file__).resolve().parent.parent
WORK_ROOT = REPO_ROOT / "benchmarks" / ".work"

#: Packages whose versions the report lists when they are installed.
REPORTED_PACKAGES = (
    "crucible-checks",
    "pluggy",
    "markdown-it-py",
    "celery",
    "kombu",
    "redis",
    "pytest",
    "ruff",
    "obsidiantools",
    "psutil",
    "matplotlib",
)


class BenchmarkError(Exception):
    """A measured command or callable failed, so its figures would be wrong."""


@dataclass(frozen=True)
class Measurement:
    """The times of every repetition and the highest peak memory among them."""

    times: list[float]
    peak_mb: float | None
    memory_method: str


# Rows ---------------------------------------------------------------------


def row(
    benchmark: str,
    tool: str,
    size: float | str,
    measurement: Measurement | None = None,
    *,
    times: Sequence[float] = (),
    peak_mb: float | None = None,
    note: str = "",
    unit: str = "",
    peer: str = "",
) -> dict[str, Any]:
    """Build one result row, from a `Measurement` or from times and peak_mb."""
    if measurement is not None:
        times = measurement.times
        peak_mb = measurement.peak_mb
    result: dict[str, Any] = {
        "benchmark": benchmark,
        "tool": tool,
        "size": size,
        "times": list(times),
        "peak_mb": peak_mb,
        "note": note,
    }
    if unit:
        result["unit"] = unit
    if peer:
        result["peer"] = peer
    return result


def validate_row(candidate: object) -> dict[str, Any]:
    """Return ``candidate`` as a row dict, or raise ValueError naming the problem."""
    if not isinstance(candidate, Mapping):
        raise ValueError(f"a row must be a dict, got {type(candidate).__name__}")
    missing = [key for key in REQUIRED_KEYS if key not in candidate]
    if missing:
        raise ValueError(f"row {dict(candidate)!r} is missing {', '.join(missing)}")
    times = candidate["times"]
    if not isinstance(times, (list, tuple)) or not times:
        raise ValueError(f"row {candidate['benchmark']!r}: times must be non-empty")
    if not all(isinstance(value, (int, float)) for value in times):
        raise ValueError(f"row {candidate['benchmark']!r}: times must be numbers")
    peak = candidate["peak_mb"]
    if peak is not None and not isinstance(peak, (int, float)):
        raise ValueError(f"row {candidate['benchmark']!r}: peak_mb must be a number")
    return {**candidate, "times": [float(value) for value in times]}


def is_ours(tool: str) -> bool:
    """Return whether ``tool`` names this project, possibly with a variant label."""
    return tool == OUR_TOOL or tool.startswith(OUR_TOOL + " ")


# Statistics ---------------------------------------------------------------


@dataclass(frozen=True)
class Summary:
    """Median and spread of one row's times, in seconds."""

    median: float
    minimum: float
    maximum: float
    runs: int

    @property
    def spread(self) -> float:
        """The range (max minus min) divided by the median; 0 for a single run."""
        if self.runs < 2 or self.median == 0:
            return 0.0
        return (self.maximum - self.minimum) / self.median


def summarize(times: Sequence[float]) -> Summary:
    """Return the median, minimum and maximum of ``times``."""
    return Summary(statistics.median(times), min(times), max(times), len(times))


def ratio(ours: Sequence[float], peer: Sequence[float]) -> float:
    """Return our median time divided by the peer's: below 1 means we are faster."""
    peer_median = statistics.median(peer)
    if peer_median == 0:
        return float("inf")
    return statistics.median(ours) / peer_median


# Peak memory --------------------------------------------------------------


class TreeMemorySampler:
    """Samples the summed resident memory of a process and all its descendants.

    Sampling every ``SAMPLE_INTERVAL`` seconds can miss a spike shorter than
    that, so the figure is a lower bound of the true peak.
    """

    def __init__(self, pid: int) -> None:
        self._pid = pid
        self._peak = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, daemon=True)

    def __enter__(self) -> TreeMemorySampler:
        self._thread.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._stop.set()
        self._thread.join()

    @property
    def peak_mb(self) -> float:
        return self._peak / MIB

    def _loop(self) -> None:
        assert psutil is not None
        try:
            root = psutil.Process(self._pid)
        except psutil.NoSuchProcess:
            return
        while not self._stop.is_set():
            self._peak = max(self._peak, _tree_rss(root))
            self._stop.wait(SAMPLE_INTERVAL)


def _tree_rss(root: Any) -> int:
    total = 0
    try:
        processes = [root, *root.children(recursive=True)]
    except psutil.Error:
        return 0
    for process in processes:
        with contextlib.suppress(psutil.Error):
            total += process.memory_info().rss
    return total


def memory_method() -> str:
    """Describe how peak memory is measured with the installed packages."""
    if psutil is not None:
        return "sum of resident memory over the process tree, sampled every 10 ms"
    return (
        "max resident memory of the largest single process (wait4 rusage), "
        "which on Linux may include the forking parent's"
    )


# Measuring a command ------------------------------------------------------


def measure_command(
    argv: Sequence[str],
    *,
    repeat: int = 5,
    warmup: int = 0,
    cwd: Path | None = None,
    env: Mapping[str, str] | None = None,
    ok_codes: Sequence[int] = (0,),
    before_each: Callable[[], object] | None = None,
    timeout: float = 600.0,
) -> Measurement:
    """Run ``argv`` ``warmup + repeat`` times and measure the last ``repeat`` runs.

    ``before_each`` runs untimed before every run (to clear a cache, say). A run
    that exits with a status outside ``ok_codes`` or outlasts ``timeout`` seconds
    raises `BenchmarkError` with the end of its stderr.
    """
    full_env = {**os.environ, **(env or {})}
    times: list[float] = []
    peaks: list[float] = []
    for index in range(warmup + repeat):
        if before_each is not None:
            before_each()
        elapsed, peak = _run_once(argv, cwd, full_env, ok_codes, timeout)
        if index >= warmup:
            times.append(elapsed)
            peaks.append(peak)
    return Measurement(times, max(peaks), memory_method())


def _run_once(
    argv: Sequence[str],
    cwd: Path | None,
    env: Mapping[str, str],
    ok_codes: Sequence[int],
    timeout: float,
) -> tuple[float, float]:
    with tempfile.TemporaryFile() as stderr:
        start = time.perf_counter()
        process = subprocess.Popen(
            list(argv), cwd=cwd, env=dict(env), stdout=subprocess.DEVNULL, stderr=stderr
        )
        with _sampler(process.pid) as sampler:
            status, rusage = _wait(process, timeout)
        elapsed = time.perf_counter() - start
        if status not in ok_codes:
            stderr.seek(0)
            tail = stderr.read().decode("utf-8", "replace")[-2000:]
            raise BenchmarkError(
                f"{' '.join(argv)} exited with status {status}: {tail.strip()}"
            )
    return elapsed, _peak(sampler, rusage)


def _wait(process: subprocess.Popen[bytes], timeout: float) -> tuple[int, Any]:
    """Wait for ``process`` with wait4, so its rusage is available, or kill it."""
    deadline = time.monotonic() + timeout
    while True:
        pid, status, rusage = os.wait4(process.pid, os.WNOHANG)
        if pid == process.pid:
            process.returncode = os.waitstatus_to_exitcode(status)
            return process.returncode, rusage
        if time.monotonic() > deadline:
            process.kill()
            process.wait()
            raise BenchmarkError(f"{process.args!r} timed out after {timeout:.0f} s")
        time.sleep(0.002)


@contextlib.contextmanager
def _sampler(pid: int) -> Iterator[TreeMemorySampler | None]:
    if psutil is None:
        yield None
        return
    with TreeMemorySampler(pid) as sampler:
        yield sampler


def _peak(sampler: TreeMemorySampler | None, rusage: Any) -> float:
    """Return the sampled peak, or ru_maxrss when there is no sample.

    ru_maxrss is only a fallback: Linux carries the high-water mark of the
    forking parent across exec, so a small command can report the parent's size.
    """
    if sampler is not None and sampler.peak_mb > 0:
        return sampler.peak_mb
    # On Linux ru_maxrss is in KiB; on macOS it is in bytes.
    return float(rusage.ru_maxrss) / (MIB if sys.platform == "darwin" else 1024)


# Measuring a callable -----------------------------------------------------


def measure_callable(
    function: Callable[[], object],
    *,
    repeat: int = 5,
    warmup: int = 0,
    before_each: Callable[[], object] | None = None,
    isolate: bool = True,
) -> Measurement:
    """Call ``function`` ``warmup + repeat`` times and measure the last ``repeat``.

    With ``isolate`` each call runs in a forked child process, so its peak memory
    is its own (the child starts with the parent's resident memory) and it leaves
    no state behind. Without it the calls share this process and peak memory is
    not measured.
    """
    times: list[float] = []
    peaks: list[float] = []
    for index in range(warmup + repeat):
        if before_each is not None:
            before_each()
        if isolate:
            elapsed, peak = _call_in_child(function)
            peaks.append(peak)
        else:
            start = time.perf_counter()
            function()
            elapsed = time.perf_counter() - start
        if index >= warmup:
            times.append(elapsed)
    peak_mb = max(peaks) if peaks else None
    return Measurement(times, peak_mb, memory_method() if peaks else "not measured")


def _call_in_child(function: Callable[[], object]) -> tuple[float, float]:
    context = multiprocessing.get_context("fork")
    receiver, sender = context.Pipe(duplex=False)
    child = context.Process(target=_child_main, args=(function, sender), daemon=False)
    child.start()
    sender.close()
    assert child.pid is not None
    with _sampler(child.pid) as sampler:
        outcome = _receive(receiver)
        _, _status, rusage = os.wait4(child.pid, 0)
    child.join()
    if isinstance(outcome, str):
        raise BenchmarkError(outcome)
    return outcome, _peak(sampler, rusage)


def _child_main(
    function: Callable[[], object], sender: multiprocessing.connection.Connection
) -> None:
    start = time.perf_counter()
    try:
        function()
    except BaseException as error:  # Reported to the parent, which raises it.
        sender.send(f"{type(error).__name__}: {error}")
        return
    sender.send(time.perf_counter() - start)


def _receive(receiver: multiprocessing.connection.Connection) -> float | str:
    try:
        result: float | str = receiver.recv()
    except EOFError:
        return "the measured function's process died without a result"
    return result


# Machine facts ------------------------------------------------------------


def machine_facts() -> dict[str, str]:
    """Return the CPU, cores, memory, OS, Python and package versions of this run."""
    facts = {
        "CPU": _cpu_model(),
        "Cores": _cores(),
        "Memory": _memory(),
        "OS": platform.platform(),
        "Python": f"{platform.python_implementation()} {platform.python_version()}",
        "Peak memory": memory_method(),
    }
    if hasattr(os, "getloadavg"):
        load = ", ".join(f"{value:.1f}" for value in os.getloadavg())
        facts["Load average (1, 5, 15 min) at the end"] = load
    commit = _git_commit()
    if commit:
        facts["Commit"] = commit
    return facts


def package_versions() -> dict[str, str]:
    """Return the installed version of each package in `REPORTED_PACKAGES`."""
    versions: dict[str, str] = {}
    for name in REPORTED_PACKAGES:
        try:
            versions[name] = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            versions[name] = "not installed"
    return versions


def _cpu_model() -> str:
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    return platform.processor() or platform.machine()


def _cores() -> str:
    logical = os.cpu_count() or 1
    try:
        usable = len(os.sched_getaffinity(0))
    except AttributeError:
        usable = logical
    physical = psutil.cpu_count(logical=False) if psutil is not None else None
    text = f"{usable} usable of {logical} logical"
    return text + (f", {physical} physical" if physical else "")


def _memory() -> str:
    if psutil is not None:
        return f"{psutil.virtual_memory().total / 1024**3:.1f} GiB"
    with contextlib.suppress(OSError, ValueError, IndexError):
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return f"{int(line.split()[1]) / 1024**2:.1f} GiB"
    return "unknown"


def _git_commit() -> str:
    git = shutil.which("git")
    if git is None:
        return ""
    completed = subprocess.run(
        [git, "rev-parse", "--short", "HEAD"],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    return completed.stdout.strip() if completed.returncode == 0 else ""


# Scratch folders and commands ---------------------------------------------


def work_dir(name: str) -> Path:
    """Return an empty scratch folder benchmarks/.work/NAME (ignored by git)."""
    path = WORK_ROOT / name
    shutil.rmtree(path, ignore_errors=True)
    path.mkdir(parents=True)
    return path


def crucible_checks_command(*arguments: str) -> list[str]:
    """Return the argv of the ``crucible-checks`` script installed next to Python."""
    script = Path(sys.executable).parent / "crucible-checks"
    if not script.exists():
        raise BenchmarkError(f"{script} not found; run pip install -e . first")
    return [str(script), *arguments]
