"""Capturing the list pushes a function makes, with Redis MONITOR.

MONITOR sees every command the server runs, so the pushes are captured even
while a worker pops the same lists. Each MONITOR line looks like
``1700000000.1 [0 127.0.0.1:5000] "LPUSH" "key" "value"``, with arguments
quoted and escaped as C strings (``\\"``, ``\\\\``, ``\\n``, ``\\xHH``).
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable
from typing import Any

PUSH_COMMANDS = (b"LPUSH", b"RPUSH")
_ARGUMENT = re.compile(rb'"((?:[^"\\]|\\.)*)"')
_HEADER = re.compile(rb"^\+?[\d.]+ \[(\d+) ")
_ESCAPES = {b"n": b"\n", b"r": b"\r", b"t": b"\t", b"b": b"\b", b"a": b"\a"}


def capture_pushes(
    client: Any, database: int, action: Callable[[], Any]
) -> tuple[Any, list[tuple[bytes, bytes]]]:
    """Run ``action`` and return its result and every (key, value) it pushed."""
    monitor = client.monitor()
    monitor.__enter__()
    try:
        returned = action()
        marker = f"crucible-parity-{uuid.uuid4().hex}".encode()
        client.echo(marker)
        return returned, _read_until(monitor.connection, database, marker)
    finally:
        monitor.__exit__(None, None, None)


def _read_until(
    connection: Any, database: int, marker: bytes
) -> list[tuple[bytes, bytes]]:
    pushes: list[tuple[bytes, bytes]] = []
    while True:
        line = connection.read_response()
        if isinstance(line, str):
            line = line.encode("latin-1")
        header = _HEADER.match(line)
        if header is None or int(header.group(1)) != database:
            continue
        arguments = [_unescape(match) for match in _ARGUMENT.findall(line)]
        if not arguments:
            continue
        command = arguments[0].upper()
        if command == b"ECHO" and arguments[1:] == [marker]:
            return pushes
        if command in PUSH_COMMANDS and len(arguments) >= 3:
            pushes.extend((arguments[1], value) for value in arguments[2:])


def _unescape(text: bytes) -> bytes:
    out = bytearray()
    index = 0
    while index < len(text):
        char = text[index : index + 1]
        if char != b"\\":
            out += char
            index += 1
            continue
        code = text[index + 1 : index + 2]
        if code == b"x":
            out.append(int(text[index + 2 : index + 4], 16))
            index += 4
        else:
            out += _ESCAPES.get(code, code)
            index += 2
    return bytes(out)
