"""The task lock file: the committed record of every task's message format.

The file is JSON with sorted keys, one task per key, so a change to a task
shows as a small diff in review. It is written atomically.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from crucible_checks.atomic import write_text_atomic
from crucible_checks.celery.model import (
    PARAMETER_KINDS,
    Expr,
    Parameter,
    Signature,
    Task,
)
from crucible_checks.errors import ConfigError

LOCK_VERSION = 1
_REGENERATE = "fix it or regenerate it with 'crucible-checks tasks lock'"


class LockFileError(ConfigError):
    """The lock file cannot be read or is not in the expected format."""


class InvalidLockFileError(LockFileError):
    """The lock file was read but is not valid JSON in the expected format.

    ``problem`` is the message without the advice to regenerate the file,
    which ``tasks lock`` prints when it regenerates the file.
    """

    def __init__(self, problem: str) -> None:
        super().__init__(f"{problem}; {_REGENERATE}")
        self.problem = problem


#: Digits of the longest JSON integer read as an int. No field takes a
#: longer one, and `int` rejects more than 4300 digits by default (Python
#: 3.11, `sys.get_int_max_str_digits`).
_MAX_INTEGER_DIGITS = 20


@dataclass(frozen=True)
class _LongInteger:
    """A JSON integer of more than `_MAX_INTEGER_DIGITS` digits, which fails
    the type check of its field and shows as its length in the message."""

    digits: int

    def __repr__(self) -> str:
        return f"<an integer of {self.digits} digits>"


class _DuplicateKeyError(ValueError):
    """A JSON object of the lock file repeats a key."""

    def __init__(self, key: str) -> None:
        super().__init__(key)
        self.key = key


@dataclass(frozen=True)
class LockedTask:
    """A task as the lock file records it."""

    name: str
    function: str
    path: str
    signature: Signature
    bind: bool
    queue: str | None
    serializer: str | None
    line: int = 1


def locked_from_task(task: Task) -> LockedTask:
    return LockedTask(
        name=task.display_name,
        function=task.function,
        path=task.path,
        signature=task.signature,
        bind=task.bind,
        queue=_option_text(task.option("queue")),
        serializer=_option_text(task.option("serializer")),
        line=task.line,
    )


def _option_text(value: object) -> str | None:
    if isinstance(value, Expr):
        return "=" + value.text
    return value if isinstance(value, str) else None


def render_lock(tasks: Iterable[LockedTask]) -> str:
    """Return the lock file text: sorted, indented, ending with a newline."""
    entries = {task.name: _entry(task) for task in tasks}
    document = {"version": LOCK_VERSION, "tasks": entries}
    return json.dumps(document, indent=2, sort_keys=True) + "\n"


def _entry(task: LockedTask) -> dict[str, Any]:
    return {
        "bind": task.bind,
        "function": task.function,
        "path": task.path,
        "parameters": [_parameter(p) for p in task.signature.parameters],
        "queue": task.queue,
        "serializer": task.serializer,
    }


def _parameter(parameter: Parameter) -> dict[str, Any]:
    entry: dict[str, Any] = {"name": parameter.name, "kind": parameter.kind}
    if parameter.default is not None:
        entry["default"] = parameter.default
    return entry


def write_lock(path: Path, tasks: Iterable[LockedTask]) -> None:
    write_text_atomic(path, render_lock(tasks))


def read_lock(path: Path, display: str) -> dict[str, LockedTask] | None:
    """Return the locked tasks by name, or None when there is no lock file."""
    try:
        text = path.read_text("utf-8")
    except FileNotFoundError:
        return None
    except OSError as error:
        raise LockFileError(f"{display}: cannot read lock file: {error}") from error
    except UnicodeDecodeError as error:
        raise InvalidLockFileError(
            f"{display}: lock file is not valid UTF-8 ({error})"
        ) from error
    document = _parse(text, display)
    lines = _task_lines(text)
    tasks = _tasks(document, display)
    return {
        name: _locked(name, entry, display, lines.get(name, 1))
        for name, entry in tasks.items()
    }


def _parse(text: str, display: str) -> object:
    """Parse the lock file text, rejecting repeated keys, which plain
    `json.loads` resolves silently by keeping the last one."""
    try:
        return json.loads(
            text, object_pairs_hook=_unique_keys, parse_int=_integer_or_long
        )
    except json.JSONDecodeError as error:
        raise InvalidLockFileError(
            f"{display}:{error.lineno}:{error.colno}: invalid JSON in lock file "
            f"({error.msg})"
        ) from error
    except _DuplicateKeyError as error:
        raise InvalidLockFileError(
            f"{display}: duplicate key {error.key!r} in lock file"
        ) from error
    except RecursionError as error:
        raise InvalidLockFileError(
            f"{display}: lock file is nested too deeply to parse"
        ) from error


def _integer_or_long(text: str) -> int | _LongInteger:
    digits = len(text.lstrip("-"))
    return int(text) if digits <= _MAX_INTEGER_DIGITS else _LongInteger(digits)


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    table: dict[str, Any] = {}
    for key, value in pairs:
        if key in table:
            raise _DuplicateKeyError(key)
        table[key] = value
    return table


def _tasks(document: object, display: str) -> Mapping[str, Any]:
    if not isinstance(document, dict) or not isinstance(document.get("tasks"), dict):
        raise InvalidLockFileError(f"{display}: lock file has no 'tasks' table")
    version = document.get("version")
    # bool is a subclass of int and True == 1, so compare the type first.
    if type(version) is not int or version != LOCK_VERSION:
        raise InvalidLockFileError(
            f"{display}: lock file version {version!r} is not supported (expected "
            f"{LOCK_VERSION})"
        )
    tasks: dict[str, Any] = document["tasks"]
    return tasks


def _locked(name: str, entry: object, display: str, line: int) -> LockedTask:
    where = f"{display}:{line}: task {name!r}"
    if not isinstance(entry, dict):
        raise InvalidLockFileError(f"{where} must be a table")
    parameters = entry.get("parameters")
    if not isinstance(parameters, list):
        raise InvalidLockFileError(f"{where} has no 'parameters' list")
    return LockedTask(
        name=name,
        function=_string(entry, "function", where, name),
        path=_string(entry, "path", where, ""),
        signature=_locked_signature(parameters, where),
        bind=_bool(entry, "bind", where),
        queue=_optional_string(entry, "queue", where),
        serializer=_optional_string(entry, "serializer", where),
        line=line,
    )


def _locked_signature(entries: list[object], where: str) -> Signature:
    parameters = tuple(_locked_parameter(entry, where) for entry in entries)
    seen: set[str] = set()
    for parameter in parameters:
        if parameter.name in seen:
            raise InvalidLockFileError(
                f"{where}: parameter {parameter.name!r} appears more than once"
            )
        seen.add(parameter.name)
    return Signature(parameters)


def _locked_parameter(entry: object, where: str) -> Parameter:
    if not isinstance(entry, dict):
        raise InvalidLockFileError(f"{where}: each parameter must be a table")
    name = entry.get("name")
    kind = entry.get("kind")
    default = entry.get("default")
    if not isinstance(name, str) or not name.isidentifier():
        raise InvalidLockFileError(f"{where}: invalid parameter name {name!r}")
    if kind not in PARAMETER_KINDS:
        raise InvalidLockFileError(
            f"{where}: parameter {name!r} has invalid kind {kind!r} (expected one "
            f"of {', '.join(PARAMETER_KINDS)})"
        )
    if default is not None and not isinstance(default, str):
        raise InvalidLockFileError(
            f"{where}: parameter {name!r} default must be source text"
        )
    return Parameter(name, str(kind), default)


def _string(entry: Mapping[str, Any], key: str, where: str, default: str) -> str:
    value = entry.get(key, default)
    if not isinstance(value, str):
        raise InvalidLockFileError(f"{where}: {key!r} must be a string")
    return value


def _optional_string(entry: Mapping[str, Any], key: str, where: str) -> str | None:
    value = entry.get(key)
    if value is not None and not isinstance(value, str):
        raise InvalidLockFileError(f"{where}: {key!r} must be a string or null")
    return value


def _bool(entry: Mapping[str, Any], key: str, where: str) -> bool:
    value = entry.get(key, False)
    if not isinstance(value, bool):
        raise InvalidLockFileError(f"{where}: {key!r} must be true or false")
    return value


def _task_lines(text: str) -> dict[str, int]:
    """Return the line of each task's key, for findings that point into the lock."""
    lines: dict[str, int] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip()
        if line.startswith('    "') and stripped.endswith("{"):
            key = stripped.split('"')[1]
            lines.setdefault(key, number)
    return lines
