"""Child processes that end with the test process, whatever ends it.

On Linux each child asks the kernel, through ``prctl(PR_SET_PDEATHSIG)``, to
send it SIGKILL when its parent dies, so a child never outlives a test run
that is killed with SIGKILL. The signal is tied to the thread that forked the
child, so children are started from the thread that owns their lifetime.
Output goes to a log file, never to a pipe of the test runner.
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import os
import signal
import subprocess
import sys
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

_PR_SET_PDEATHSIG = 1
LOG_TAIL_LINES = 20


def _load_prctl() -> Callable[..., int] | None:
    if not sys.platform.startswith("linux"):
        return None
    libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
    prctl: Callable[..., int] = libc.prctl
    return prctl


_prctl = _load_prctl()


def _die_with_parent(parent_pid: int) -> Callable[[], None]:
    def ask_kernel() -> None:
        if _prctl is not None:
            _prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
        # The parent may have died between fork and prctl.
        if os.getppid() != parent_pid:
            os._exit(1)

    return ask_kernel


def spawn(
    argv: Sequence[str], log_path: Path, env: Mapping[str, str] | None = None
) -> subprocess.Popen[bytes]:
    """Start ``argv`` in its own session, logging to ``log_path``."""
    # NOTE: on systems other than Linux nothing kills the child if the test
    # process is killed with SIGKILL; normal exits still stop it.
    with log_path.open("ab") as log:
        return subprocess.Popen(
            list(argv),
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            env=dict(env) if env is not None else None,
            start_new_session=True,
            preexec_fn=_die_with_parent(os.getpid()),  # see the module docstring
        )


def stop(process: subprocess.Popen[bytes], timeout: float = 5.0) -> None:
    """Terminate ``process``, then kill it if it outlives ``timeout`` seconds."""
    if process.poll() is None:
        with contextlib.suppress(ProcessLookupError):
            process.terminate()
        try:
            process.wait(timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def log_tail(log_path: Path, lines: int = LOG_TAIL_LINES) -> str:
    """Return the last ``lines`` lines of a child's log, for error messages."""
    try:
        text = log_path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return ""
    return "\n".join(text.splitlines()[-lines:])
