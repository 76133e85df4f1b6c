"""Work spread over processes: results in order, workers that die with the run."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from crucible_checks.parallel import map_parallel


def square(value: int) -> int:
    return value * value


def test_map_parallel_keeps_order(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CRUCIBLE_CHECKS_JOBS", "2")
    assert map_parallel(square, list(range(50)), min_items=10) == [
        value * value for value in range(50)
    ]


def test_map_parallel_small_input_runs_inline() -> None:
    assert map_parallel(square, [3]) == [9]


SLEEPY_RUN = """
import os, sys, time
from crucible_checks.parallel import map_parallel

def sleepy(value):
    with open(sys.argv[1], "a") as file:
        file.write(f"{os.getpid()}\\n")
    time.sleep(60)
    return value

if __name__ == "__main__":
    os.environ["CRUCIBLE_CHECKS_JOBS"] = "2"
    map_parallel(sleepy, list(range(8)), min_items=2)
"""


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="uses prctl")
def test_workers_die_with_killed_run(tmp_path: Path) -> None:
    script = tmp_path / "sleepy.py"
    script.write_text(SLEEPY_RUN)
    pids_file = tmp_path / "pids"
    run = subprocess.Popen([sys.executable, str(script), str(pids_file)])
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if pids_file.exists() and len(pids_file.read_text().split()) >= 2:
            break
        time.sleep(0.05)
    workers = [int(pid) for pid in pids_file.read_text().split()]
    run.send_signal(signal.SIGKILL)
    run.wait()
    deadline = time.monotonic() + 10
    while any(_alive(pid) for pid in workers) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert [pid for pid in workers if _alive(pid)] == []


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(") ", 1)[1][0]
    except (OSError, IndexError):
        return False
    return state != "Z"
