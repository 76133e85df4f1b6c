"""Spreading per-file work over the cores for cold runs."""

from __future__ import annotations

import os
import signal
import sys
from collections.abc import Callable, Sequence
from typing import TypeVar

T = TypeVar("T")
R = TypeVar("R")

#: Below this many items a process pool costs more than it saves (an estimate
#: from parsing 2 KB Markdown pages, about 0.25 ms each, on 2 cores).
MIN_PARALLEL_ITEMS = 400


def worker_count() -> int:
    """Return how many processes to use: the usable cores, or CRUCIBLE_CHECKS_JOBS."""
    configured = os.environ.get("CRUCIBLE_CHECKS_JOBS", "")
    if configured.isdigit() and int(configured) > 0:
        return int(configured)
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # Not available on macOS and Windows.
        return os.cpu_count() or 1


def map_parallel(
    function: Callable[[T], R],
    items: Sequence[T],
    min_items: int = MIN_PARALLEL_ITEMS,
    max_chunk: int | None = None,
) -> list[R]:
    """Return ``[function(item) for item in items]``, in processes when worth it.

    ``function`` must be a module-level function and items and results picklable.
    ``max_chunk`` caps the items a worker takes at once, and so the results
    it keeps before sending them back.
    """
    workers = min(worker_count(), max(1, len(items) // max(min_items // 4, 1)))
    if len(items) < min_items or workers < 2:
        return [function(item) for item in items]
    # Imported here: a warm run parses too few files to start processes, and
    # the process pool's modules cost every start-up otherwise.
    from concurrent.futures import ProcessPoolExecutor

    chunk = max(1, len(items) // (workers * 4))
    if max_chunk is not None:
        chunk = min(chunk, max_chunk)
    with ProcessPoolExecutor(max_workers=workers, initializer=die_with_parent) as pool:
        return list(pool.map(function, items, chunksize=chunk))


_PR_SET_PDEATHSIG = 1


def die_with_parent() -> None:
    """Ask Linux to end this worker when the run that started it dies.

    Without it, a run killed with SIGKILL leaves its pool workers behind. Other
    systems have no such call; there the workers end when their queue closes.
    """
    if not sys.platform.startswith("linux"):
        return
    import ctypes

    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGTERM, 0, 0, 0)
    except (OSError, AttributeError):
        return
