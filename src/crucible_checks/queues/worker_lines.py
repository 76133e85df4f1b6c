"""Finding worker command lines in Procfiles, shell scripts, Makefiles,
Dockerfiles, systemd units and supervisord configs."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass

from crucible_checks.queues.model import Location, SourceProblem, Worker
from crucible_checks.queues.worker_command import (
    SplitError,
    WorkerOptions,
    find_worker,
    split_command,
)

_PROCFILE_ENTRY = re.compile(r"^(?P<name>[A-Za-z0-9_.-]+)\s*:\s*(?P<command>.*)$")
_SYSTEMD_EXEC = re.compile(
    r"^Exec(?:Start|StartPre|Reload)\s*=\s*[-@:+!]*(?P<command>.*)$"
)
_SUPERVISOR_COMMAND = re.compile(r"^command\s*=\s*(?P<command>.*)$")
_DOCKER_INSTRUCTION = re.compile(r"^(?:CMD|ENTRYPOINT|RUN)\s+(?P<command>.*)$", re.I)
_SHELL_ASSIGNMENT = re.compile(
    r"^(?:export\s+)?(?P<name>[A-Za-z_]\w*)\s*(?::=|\?=|=)\s*(?P<value>\S*)\s*$"
)
_MAKE_VARIABLE = re.compile(r"\$\((\w+)\)")
_MENTIONS_WORKER = re.compile(r"\bcelery\b.*\bworker\b")


@dataclass(frozen=True)
class LogicalLine:
    """A line with its backslash continuations joined, and where it starts."""

    number: int
    text: str


@dataclass
class LineScan:
    """The workers and problems found in one text file."""

    workers: list[Worker]
    problems: list[SourceProblem]


def logical_lines(text: str) -> Iterator[LogicalLine]:
    """Yield the lines of ``text``, joining lines that end with a backslash."""
    start = 0
    parts: list[str] = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not parts:
            start = number
        if line.endswith("\\"):
            parts.append(line[:-1])
            continue
        parts.append(line)
        yield LogicalLine(start, " ".join(parts))
        parts = []
    if parts:
        yield LogicalLine(start, " ".join(parts))


def scan_text(
    relative: str, text: str, kind: str, environment: Mapping[str, str]
) -> LineScan:
    """Return the workers started by the lines of a file of the given kind."""
    scan = LineScan([], [])
    local = dict(environment)
    for line in logical_lines(text):
        stripped = line.text.strip()
        if not stripped or stripped.startswith(("#", ";")):
            continue
        if kind in ("shell", "make"):
            _remember_assignment(stripped, local, environment)
        command, name = _command_part(stripped, kind)
        if command is None or not _MENTIONS_WORKER.search(command):
            if kind == "procfile" and name is None:
                where = Location(relative, line.number)
                scan.problems.append(
                    SourceProblem(where, "line is not a Procfile entry 'name: command'")
                )
            continue
        _add_worker(scan, relative, line.number, name or "", command, kind, local)
    return scan


def _remember_assignment(
    line: str, local: dict[str, str], configured: Mapping[str, str]
) -> None:
    match = _SHELL_ASSIGNMENT.match(line)
    if match and match.group("name") not in configured:
        value = match.group("value").strip("'\"")
        if "$" not in value:
            local[match.group("name")] = value


def _command_part(line: str, kind: str) -> tuple[str | None, str | None]:
    """Return the command of a line, and the process name where the format has one."""
    if kind == "procfile":
        match = _PROCFILE_ENTRY.match(line)
        if match is None:
            return None, None
        return match.group("command"), match.group("name")
    pattern = {
        "systemd": _SYSTEMD_EXEC,
        "supervisord": _SUPERVISOR_COMMAND,
        "dockerfile": _DOCKER_INSTRUCTION,
    }.get(kind)
    if pattern is None:
        return _strip_make_prefix(line) if kind == "make" else line, None
    match = pattern.match(line)
    return (match.group("command") if match else None), None


def _strip_make_prefix(line: str) -> str:
    """Drop a recipe's echo and error prefixes, and write ``$(NAME)`` as ``${NAME}``."""
    command = _MAKE_VARIABLE.sub(r"${\1}", line.lstrip("@-+ \t"))
    return command.replace("$$", "$")


def _add_worker(
    scan: LineScan,
    relative: str,
    number: int,
    name: str,
    command: str,
    kind: str,
    environment: Mapping[str, str],
) -> None:
    where = Location(relative, number)
    try:
        words = _words(command, kind)
    except SplitError as error:
        scan.problems.append(SourceProblem(where, str(error)))
        return
    options = find_worker(words, environment)
    if options is not None:
        scan.workers.append(make_worker(where, name, command, options))


def _words(command: str, kind: str) -> list[str]:
    if kind == "dockerfile" and command.lstrip().startswith("["):
        try:
            words = json.loads(command)
        except json.JSONDecodeError as error:
            raise SplitError(f"invalid JSON array: {error.msg}") from error
        if isinstance(words, list) and all(isinstance(word, str) for word in words):
            return words
        raise SplitError("the JSON form must be an array of strings")
    return split_command(command)


def make_worker(
    where: Location, name: str, command: str, options: WorkerOptions
) -> Worker:
    """Build a `Worker` from the options read from its command line."""
    return Worker(
        location=where,
        name=name,
        command=" ".join(command.split()),
        queues=options.queues,
        excluded=options.excluded,
        concurrency=options.concurrency,
        unknown=options.unknown,
    )
