"""The example project's parity tests, run as their own pytest sessions."""

from __future__ import annotations

import ctypes
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import skip_unless

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
FIXED = EXAMPLES / "crucible-platform-fixed"
SHIPPED = EXAMPLES / "crucible-platform"
SERVICE_PATTERN = re.compile(r"redis-server|parity\.legacy_main|parity\.worker_main")
PR_SET_CHILD_SUBREAPER = 36


def _adopt_orphans() -> None:
    """Make this process the subreaper of its descendants (Linux).

    A service that outlives the pytest run under test is then re-parented to
    this process instead of init, so leftovers are found among this test's own
    descendants, not among other tests' services running beside it.
    """
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) != 0:
        pytest.fail(f"prctl(PR_SET_CHILD_SUBREAPER) failed: errno {ctypes.get_errno()}")


def _service_pids() -> set[int]:
    """Pids of live parity services whose parent is this process."""
    pids = set()
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(") ", 1)[1].split()
            command = (stat.parent / "cmdline").read_bytes().replace(b"\0", b" ")
        except (OSError, IndexError):
            continue
        state, parent = fields[0], int(fields[1])
        if parent != os.getpid() or state == "Z":
            continue
        if SERVICE_PATTERN.search(command.decode("utf-8", "replace")):
            pids.add(int(stat.parent.name))
    return pids


def _pytest(
    project: Path, *args: str, timeout: float = 180
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-p",
            "no:cacheprovider",
            "-p",
            "no:randomly",
            *args,
        ],
        cwd=project,
        env=_env_outside_ci(),
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def _env_outside_ci() -> dict[str, str]:
    """Return the environment without CI markers, because pytest prints each
    failure's whole message again in its summary under CI, which would change
    the counts these tests assert."""
    return {
        name: value
        for name, value in os.environ.items()
        if name not in ("CI", "BUILD_NUMBER")
    }


def _copy(source: Path, target: Path) -> Path:
    shutil.copytree(source, target, ignore=shutil.ignore_patterns("__pycache__"))
    return target


def test_fixed_example_parity_passes():
    _adopt_orphans()
    result = _pytest(FIXED, "-q")
    assert result.returncode == 0, result.stdout + result.stderr
    assert (
        "app.tasks.evaluate_code: 54 cases, 54 equal, 0 different, 0 timeouts"
        in result.stdout
    )
    assert "noise fields: duration_ms, finished_at" in result.stdout
    assert _service_pids() == set()


def test_broken_legacy_result_fails_with_diff(tmp_path):
    project = _copy(FIXED, tmp_path / "broken")
    worker = project / "app" / "legacy_worker.py"
    source = worker.read_text()
    worker.write_text(
        source.replace(
            "    store_result(record)",
            '    record["output"] = str(record["output"])\n    store_result(record)',
        )
    )
    result = _pytest(project, "-q", "-k", "test_case_parity and addition")
    assert result.returncode == 1
    assert (
        "app.tasks.evaluate_code case 'addition': 1 difference between the "
        "legacy and the Celery result:" in result.stdout
    ), result.stdout
    assert '  output: legacy "3" != celery 3' in result.stdout
    assert "ignored as noise: duration_ms, finished_at" in result.stdout


def test_shipped_example_times_out_on_wrong_list(tmp_path):
    project = _copy(SHIPPED, tmp_path / "shipped")
    shutil.copy(FIXED / "tests" / "test_parity.py", project / "tests")
    pyproject = project / "pyproject.toml"
    pyproject.write_text(
        pyproject.read_text().replace(
            "calibrate = true", "calibrate = true\ntimeout = 1.0"
        )
    )
    result = _pytest(project, "-q", "-k", "test_case_parity")
    assert result.returncode == 1
    assert "legacy worker stored no result at 'evaluation:" in result.stdout, (
        result.stdout
    )
    assert (
        "1 message(s) still wait on 'evaluation_queue', so the worker is not "
        "popping that list" in result.stdout
    )
    # The first case waits for the timeout; the other six fail without waiting.
    not_run = (
        "not run: legacy worker app.legacy_worker:main left an earlier job on "
        "'evaluation_queue' for the whole 1 s timeout, so it is not popping that list"
    )
    assert result.stdout.count(not_run) == 6
    assert "7 cases, 0 equal, 0 different, 7 timeouts" in result.stdout


SILENT_TEST = """
import dataclasses

def test_silent(queue_parity):
    spec = dataclasses.replace(queue_parity.spec, task_queue="nobody", timeout=1.0)
    queue_parity.runner.spec = spec
    queue_parity.check({"code": "1", "language": "arith"})
"""


def test_worker_never_answering_names_queue_and_task(tmp_path):
    project = _copy(FIXED, tmp_path / "silent")
    (project / "tests" / "test_silent.py").write_text(SILENT_TEST)
    result = _pytest(project, "-q", "tests/test_silent.py")
    assert result.returncode == 1
    assert (
        "Celery task app.tasks.evaluate_code sent to queue 'nobody' returned no "
        "result within 1 s (state PENDING); the worker consumes only 'normal'"
    ) in result.stdout
    assert "Retry limit exceeded" not in result.stderr


SAME_ID_TEST = """
def test_same_job_id(queue_parity):
    cases = [{"eval_id": "same", "code": f"{n} + 1", "language": "arith"}
             for n in range(6)]
    outcomes = queue_parity.run_many(cases, in_flight=8)
    assert [o.legacy["output"] for o in outcomes] == [1, 2, 3, 4, 5, 6]
    assert [o.celery["output"] for o in outcomes] == [1, 2, 3, 4, 5, 6]
"""


def test_cases_with_same_job_id_take_turns(tmp_path):
    project = _copy(FIXED, tmp_path / "same-id")
    (project / "tests" / "test_same_id.py").write_text(SAME_ID_TEST)
    result = _pytest(project, "-q", "tests/test_same_id.py")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "6 cases, 6 equal, 0 different" in result.stdout


def test_legacy_function_that_raises_fails_test(tmp_path):
    project = _copy(FIXED, tmp_path / "raises")
    worker = project / "app" / "legacy_worker.py"
    worker.write_text(
        worker.read_text().replace(
            "    message = json.loads(raw_message)",
            '    raise RuntimeError("legacy store is down")',
        )
    )
    _adopt_orphans()
    result = _pytest(project, "-q", "-k", "test_case_parity and addition")
    assert result.returncode == 1
    assert "legacy worker app.legacy_worker:main exited with status 1" in result.stdout
    assert "RuntimeError: legacy store is down" in result.stdout
    assert _service_pids() == set()


def test_non_json_result_fails_test(tmp_path):
    project = _copy(FIXED, tmp_path / "not-json")
    tasks = project / "app" / "tasks.py"
    tasks.write_text(
        tasks.read_text().replace(
            "    return execute_evaluation(eval_id, code, language)",
            "    return {1, 2}",
        )
    )
    result = _pytest(project, "-q", "-k", "test_case_parity and addition")
    assert result.returncode == 1
    assert "Celery task app.tasks.evaluate_code failed for job" in result.stdout
    assert "EncodeError" in result.stdout


HANGING_TEST = """
import os, time
from pathlib import Path

def test_hang(parity_redis, parity_legacy_worker, parity_worker_factory):
    worker = parity_worker_factory(["normal"], pool="prefork")
    pids = [parity_legacy_worker.process.pid, worker.process.pid]
    pids.append(int(parity_redis.info("server")["process_id"]))
    Path(os.environ["PID_FILE"]).write_text(" ".join(map(str, pids)))
    time.sleep(120)
"""


@pytest.mark.parametrize(
    "signal_number", [signal.SIGINT, signal.SIGTERM, signal.SIGKILL]
)
def test_no_process_outlives_pytest(tmp_path, signal_number):
    project = _copy(FIXED, tmp_path / "hang")
    (project / "tests" / "test_hang.py").write_text(HANGING_TEST)
    pid_file = tmp_path / "pids"
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
            "tests/test_hang.py",
        ],
        cwd=project,
        env={**os.environ, "PID_FILE": str(pid_file)},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 60
        while not pid_file.exists() and time.monotonic() < deadline:
            time.sleep(0.05)
        pids = [int(pid) for pid in pid_file.read_text().split()]
        process.send_signal(signal_number)
        process.wait(30)
    finally:
        process.kill()
        process.wait()
    deadline = time.monotonic() + 10
    while any(_alive(pid) for pid in pids) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert [pid for pid in pids if _alive(pid)] == []


def _alive(pid: int) -> bool:
    stat = Path(f"/proc/{pid}/stat")
    try:
        state = stat.read_text().rsplit(") ", 1)[1][0]
    except (OSError, IndexError):
        return False
    return state != "Z"


def _rabbitmq_reachable() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 5672), timeout=1):
            return True
    except OSError:
        return False


BROKER_TEST = """
def test_worker_broker(parity_celery_worker):
    connection = parity_celery_worker.controller.consumer.connection
    assert connection.transport.driver_type == "amqp"
"""


def test_rabbitmq_broker_parity(tmp_path):
    skip_unless(_rabbitmq_reachable(), "RabbitMQ is not listening on 127.0.0.1:5672")
    project = _copy(FIXED, tmp_path / "rabbitmq")
    (project / "tests" / "test_broker.py").write_text(BROKER_TEST)
    result = _pytest(
        project,
        "-q",
        "--parity-broker",
        "rabbitmq",
        "-k",
        "(test_case_parity and addition) or test_worker_broker",
        timeout=60,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "2 passed" in result.stdout
    assert "1 cases, 1 equal, 0 different" in result.stdout
