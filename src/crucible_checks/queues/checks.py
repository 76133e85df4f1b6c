"""The queue checks: each compares one part of the project's queue topology."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence

from crucible_checks.checks import CheckInfo
from crucible_checks.findings import Finding
from crucible_checks.project import Project
from crucible_checks.queues import infos
from crucible_checks.queues.model import ListRole, Location, Producer, Via, Worker
from crucible_checks.queues.settings import QueueSettings, queue_settings
from crucible_checks.queues.topology import Topology

#: Maximum number of places a message lists before it gives the count of the rest.
_MAX_LISTED = 5

Finder = Callable[[Topology, QueueSettings, CheckInfo], Iterator[Finding]]


def run_check(project: Project, info: CheckInfo) -> list[Finding]:
    """Return the findings of the queue check ``info`` on the project's topology."""
    # Imported here: the topology needs YAML and the task index, which a
    # run of other families need not load.
    from crucible_checks.queues.build import topology

    finder = FINDERS[info.code]
    return list(finder(topology(project), queue_settings(project), info))


def _finding(info: CheckInfo, where: Location, message: str, subject: str) -> Finding:
    return Finding(
        path=where.path,
        line=where.line,
        column=where.column,
        code=info.code,
        message=message,
        severity=info.severity,
        subject=subject,
    )


def _listed(places: Sequence[str]) -> str:
    shown = ", ".join(places[:_MAX_LISTED])
    more = len(places) - _MAX_LISTED
    return f"{shown} and {more} more" if more > 0 else shown


def describe_producer(producer: Producer) -> str:
    """Return where a producer is and how it picks its queue, for messages."""
    how = {
        Via.CALL: f"queue= of a call to {producer.task or 'a task'}",
        Via.DECORATOR: f"queue= option of task {producer.task}",
        Via.ROUTE: f"task_routes entry for {producer.task}",
        Via.DEFAULT: f"default queue of task {producer.task}",
    }[producer.via]
    return f"{producer.location} ({how})"


def find_queues_without_consumer(
    top: Topology, settings: QueueSettings, info: CheckInfo
) -> Iterator[Finding]:
    if not top.workers or top.unknown_workers:
        return
    consumers = top.consumers_by_queue()
    existing = ", ".join(sorted(consumers)) or "none"
    for queue, producers in sorted(top.producers_by_queue().items()):
        if queue in consumers or queue in settings.external_queues:
            continue
        places = _listed([describe_producer(p) for p in producers])
        message = (
            f"queue {queue!r} has no consumer: sent from {places}; the workers "
            f"consume {existing}; start a worker with -Q {queue} or send to one "
            "of those queues"
        )
        yield _finding(info, producers[0].location, message, queue)


def find_queues_without_producer(
    top: Topology, settings: QueueSettings, info: CheckInfo
) -> Iterator[Finding]:
    if not top.producers:
        return
    produced = top.producers_by_queue()
    named: dict[str, list[Worker]] = {}
    for worker in top.workers:
        for queue in worker.queues or ():
            named.setdefault(queue, []).append(worker)
    for queue, workers in sorted(named.items()):
        if queue in produced or queue in settings.external_queues:
            continue
        if top.may_be_produced(queue):
            continue
        places = _listed([str(worker.location) for worker in workers])
        message = (
            f"queue {queue!r} is consumed by the worker at {places} but no "
            "producer sends to it; remove it from -Q or add it to "
            "'external-queues' if another service sends to it"
        )
        yield _finding(info, workers[0].location, message, queue)


def _list_finder(role: ListRole) -> Finder:
    other = ListRole.READ if role is ListRole.WRITE else ListRole.WRITE

    def find(
        top: Topology, settings: QueueSettings, info: CheckInfo
    ) -> Iterator[Finding]:
        counterpart = top.list_keys(other)
        for key, accesses in sorted(top.list_keys(role).items()):
            if key in counterpart or key in settings.external_lists:
                continue
            if top.list_key_may_be(key, other):
                continue
            yield _finding(
                info, accesses[0].location, _list_message(key, role, top), key
            )

    return find


def _list_message(key: str, role: ListRole, top: Topology) -> str:
    other = ListRole.READ if role is ListRole.WRITE else ListRole.WRITE
    keys = ", ".join(repr(name) for name in sorted(top.list_keys(other))) or "none"
    if role is ListRole.WRITE:
        return (
            f"Redis list {key!r} is written but never read; the keys that are "
            f"read are {keys}; make the worker pop this key or the producer "
            "push to one it pops"
        )
    return (
        f"Redis list {key!r} is read but never written; the keys that are "
        f"written are {keys}; make the producer push to this key or the worker "
        "pop one that is pushed"
    )


def find_route_conflicts(
    top: Topology, settings: QueueSettings, info: CheckInfo
) -> Iterator[Finding]:
    for conflict in top.conflicts:
        message = (
            f"task {conflict.task} sets queue={conflict.decorator_queue!r} but "
            f"task_routes entry {conflict.route_pattern!r} at "
            f"{conflict.route_location} sends it to {conflict.route_queue!r}; "
            f"the installed Celery uses {conflict.decorator_queue!r}, because a "
            "task's own options win over task_routes; remove one of the two"
        )
        yield _finding(info, conflict.location, message, conflict.task)


def find_unreadable_configs(
    top: Topology, settings: QueueSettings, info: CheckInfo
) -> Iterator[Finding]:
    for problem in top.problems:
        message = f"cannot read worker command lines: {problem.reason}"
        yield _finding(info, problem.location, message, problem.reason)


def find_unknown_queues(
    top: Topology, settings: QueueSettings, info: CheckInfo
) -> Iterator[Finding]:
    for producer in top.unknown_producers:
        message = (
            f"queue of {describe_producer(producer)} is computed at run time "
            f"({producer.reason}); it is not checked"
        )
        yield _finding(info, producer.location, message, producer.reason)
    for worker in top.unknown_workers:
        reason = worker.unknown or "task_queues has a computed name"
        message = f"worker queues are unknown: {reason}"
        yield _finding(info, worker.location, message, reason)


#: The finder of each queue check, by code.
FINDERS: dict[str, Finder] = {
    infos.QUEUE_WITHOUT_CONSUMER.code: find_queues_without_consumer,
    infos.QUEUE_WITHOUT_PRODUCER.code: find_queues_without_producer,
    infos.LIST_WITHOUT_READER.code: _list_finder(ListRole.WRITE),
    infos.LIST_WITHOUT_WRITER.code: _list_finder(ListRole.READ),
    infos.ROUTE_CONFLICT.code: find_route_conflicts,
    infos.UNREADABLE_WORKER_CONFIG.code: find_unreadable_configs,
    infos.UNKNOWN_QUEUE.code: find_unknown_queues,
}
