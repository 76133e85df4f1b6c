"""The queue map of a project: who sends to which queue and which worker consumes it."""

from __future__ import annotations

import fnmatch
from collections import defaultdict
from dataclasses import dataclass, field

from crucible_checks.queues.model import (
    ListAccess,
    ListRole,
    Location,
    Producer,
    SourceProblem,
    Worker,
)


@dataclass(frozen=True)
class RouteConflict:
    """A task whose own ``queue=`` option and ``task_routes`` entry disagree."""

    location: Location
    task: str
    decorator_queue: str
    route_queue: str
    route_pattern: str
    route_location: Location


@dataclass
class Topology:
    """Producers, workers and Redis list access of one project, resolved."""

    producers: list[Producer] = field(default_factory=list)
    workers: list[Worker] = field(default_factory=list)
    consumed: dict[Worker, tuple[str, ...] | None] = field(default_factory=dict)
    list_accesses: list[ListAccess] = field(default_factory=list)
    list_patterns: dict[ListRole, list[tuple[str, ListAccess]]] = field(
        default_factory=dict
    )
    conflicts: list[RouteConflict] = field(default_factory=list)
    problems: list[SourceProblem] = field(default_factory=list)
    unknown_patterns: list[str] = field(default_factory=list)

    def producers_by_queue(self) -> dict[str, list[Producer]]:
        by_queue: dict[str, list[Producer]] = defaultdict(list)
        for producer in sorted(self.producers, key=lambda p: p.location):
            if producer.queue is not None:
                by_queue[producer.queue].append(producer)
        return dict(by_queue)

    def consumers_by_queue(self) -> dict[str, list[Worker]]:
        by_queue: dict[str, list[Worker]] = defaultdict(list)
        for worker, queues in self.consumed.items():
            for queue in queues or ():
                by_queue[queue].append(worker)
        return dict(by_queue)

    @property
    def unknown_producers(self) -> list[Producer]:
        return [producer for producer in self.producers if producer.queue is None]

    @property
    def unknown_workers(self) -> list[Worker]:
        return [worker for worker, queues in self.consumed.items() if queues is None]

    def may_be_produced(self, queue: str) -> bool:
        """Return whether a producer with an unknown queue may send to ``queue``."""
        return any(
            fnmatch.fnmatchcase(queue, producer_pattern)
            for producer_pattern in self.unknown_patterns
        )

    def queues(self) -> list[str]:
        names = set(self.producers_by_queue()) | set(self.consumers_by_queue())
        return sorted(names)

    def list_keys(self, role: ListRole) -> dict[str, list[ListAccess]]:
        keys: dict[str, list[ListAccess]] = defaultdict(list)
        for access in sorted(self.list_accesses, key=lambda a: a.location):
            if access.role is role and access.key is not None:
                keys[access.key].append(access)
        return dict(keys)

    def list_key_may_be(self, key: str, role: ListRole) -> bool:
        """Return whether an access with a computed key of ``role`` may use ``key``."""
        return any(
            fnmatch.fnmatchcase(key, pattern)
            for pattern, _access in self.list_patterns.get(role, [])
        )


def consumed_queues(
    worker: Worker, declared: tuple[str, ...] | None, default_queue: str | None
) -> tuple[str, ...] | None:
    """Return the queues a worker consumes, or None when they are unknown.

    A worker without ``-Q`` consumes every queue in ``task_queues``, or the
    default queue when none is declared; ``-X`` removes queues from either.
    """
    if worker.unknown:
        return None
    if worker.queues is not None:
        base: tuple[str, ...] | None = worker.queues
    elif declared is not None:
        base = declared
    else:
        base = None if default_queue is None else (default_queue,)
    if base is None:
        return None
    return tuple(queue for queue in base if queue not in worker.excluded)
