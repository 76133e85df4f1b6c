"""The facts the queue checks compare: producers, workers and Redis list access."""

from __future__ import annotations

import enum
from dataclasses import dataclass

#: The queue Celery sends to when neither a call, a task nor a route names one.
CELERY_DEFAULT_QUEUE = "celery"


@dataclass(frozen=True, order=True)
class Location:
    """A place in a project file; ``path`` is POSIX relative to the project root."""

    path: str
    line: int
    column: int = 1

    def __str__(self) -> str:
        return f"{self.path}:{self.line}"


class Via(str, enum.Enum):
    """How a producer chose its queue."""

    CALL = "call"
    DECORATOR = "decorator"
    ROUTE = "task_routes"
    DEFAULT = "default"


@dataclass(frozen=True)
class Producer:
    """A place that sends Celery messages to ``queue``, or to an unknown queue.

    ``queue`` is None when the name is computed at run time; ``reason`` then
    names what could not be read.
    """

    location: Location
    queue: str | None
    via: Via
    task: str = ""
    reason: str = ""


@dataclass(frozen=True)
class Worker:
    """A Celery worker command line and the queue options it was started with.

    ``queues`` is None when the command has no ``-Q``, so the worker consumes
    the queues the app declares. ``unknown`` is set when the queues cannot be
    read, for example from an unset environment variable.
    """

    location: Location
    name: str
    command: str
    queues: tuple[str, ...] | None
    excluded: tuple[str, ...] = ()
    concurrency: str = ""
    unknown: str = ""


class ListRole(str, enum.Enum):
    """Whether a Redis list command writes to a key or reads from it."""

    WRITE = "write"
    READ = "read"


@dataclass(frozen=True)
class ListAccess:
    """One Redis list command on a key; ``key`` is None when it is computed."""

    location: Location
    key: str | None
    role: ListRole
    command: str


@dataclass(frozen=True)
class SourceProblem:
    """A file whose queue settings or worker command lines could not be read."""

    location: Location
    reason: str
