"""The queue topology as a text table and as a Mermaid flowchart."""

from __future__ import annotations

import re
from collections.abc import Sequence

from crucible_checks.output import escape_line
from crucible_checks.queues.model import ListRole, Producer, Worker
from crucible_checks.queues.topology import Topology

_HEADERS = ("queue", "producers", "consumers", "concurrency")


def worker_label(worker: Worker) -> str:
    """Return a worker's process name, or its location when it has none."""
    return worker.name or str(worker.location)


def producer_label(producer: Producer) -> str:
    return producer.task or producer.location.path


def _concurrency(workers: Sequence[Worker]) -> str:
    values = [worker.concurrency or "default" for worker in workers]
    return " + ".join(values) if values else "-"


#: How many names a table cell lists before it gives the count of the rest.
MAX_NAMES = 3

#: How many producers and workers with unknown queues the table lists.
MAX_UNKNOWN = 10


def _names(labels: Sequence[str]) -> str:
    unique = list(dict.fromkeys(labels))
    if not unique:
        return "-"
    shown = ", ".join(unique[:MAX_NAMES])
    more = len(unique) - MAX_NAMES
    return f"{shown} and {more} more" if more > 0 else shown


def topology_rows(top: Topology) -> list[tuple[str, str, str, str]]:
    """Return one row per queue: its producers, consumers and their concurrency."""
    producers = top.producers_by_queue()
    consumers = top.consumers_by_queue()
    rows = []
    for queue in top.queues():
        sent = [producer_label(p) for p in producers.get(queue, [])]
        workers = consumers.get(queue, [])
        rows.append(
            (
                queue,
                _names(sent) if sent else "- (no producer)",
                _names([worker_label(w) for w in workers]) if workers else "- (none)",
                _concurrency(workers),
            )
        )
    return rows


def render_table(top: Topology) -> str:
    """Return the queue table, then what could not be read and the Redis lists."""
    rows = [_HEADERS, *[tuple(map(escape_line, row)) for row in topology_rows(top)]]
    widths = [max(len(row[column]) for row in rows) for column in range(4)]
    lines = [
        "  ".join(
            cell.ljust(width) for cell, width in zip(row, widths, strict=True)
        ).rstrip()
        for row in rows
    ]
    lines.insert(1, "  ".join("-" * width for width in widths))
    lines.extend(map(escape_line, _unknown_lines(top)))
    lines.extend(map(escape_line, _list_lines(top)))
    return "\n".join(lines) + "\n"


def _unknown_lines(top: Topology) -> list[str]:
    lines = []
    for producer in top.unknown_producers:
        lines.append(
            f"unknown queue: {producer.location} {producer_label(producer)} "
            f"({producer.reason})"
        )
    for worker in top.unknown_workers:
        reason = worker.unknown or "task_queues has a computed name"
        lines.append(f"unknown worker queues: {worker.location} ({reason})")
    if len(lines) > MAX_UNKNOWN:
        hidden = len(lines) - MAX_UNKNOWN
        lines = [*lines[:MAX_UNKNOWN], f"... and {hidden} more (run --select QUE007)"]
    return ["", *lines] if lines else []


def _list_lines(top: Topology) -> list[str]:
    writes = top.list_keys(ListRole.WRITE)
    reads = top.list_keys(ListRole.READ)
    keys = sorted(set(writes) | set(reads))
    if not keys:
        return []
    lines = ["", "Redis lists:"]
    for key in keys:
        writers = _names([str(a.location) for a in writes.get(key, [])])
        readers = _names([str(a.location) for a in reads.get(key, [])])
        lines.append(f"  {key}: written at {writers}; read at {readers}")
    return lines


def _node_id(prefix: str, name: str) -> str:
    return prefix + "_" + re.sub(r"\W", "_", name)


def _quote(text: str) -> str:
    return '"' + escape_line(text).replace('"', "#quot;") + '"'


def render_mermaid(top: Topology) -> str:
    """Return a Mermaid flowchart: producers, then queues, then workers."""
    lines = ["flowchart LR"]
    consumers = top.consumers_by_queue()
    edges: list[str] = []
    for queue, producers in sorted(top.producers_by_queue().items()):
        queue_id = _node_id("q", queue)
        for label in dict.fromkeys(producer_label(p) for p in producers):
            producer_id = _node_id("p", label)
            lines.append(f"  {producer_id}[{_quote(label)}]")
            edges.append(f"  {producer_id} --> {queue_id}")
    for queue in top.queues():
        queue_id = _node_id("q", queue)
        lines.append(f"  {queue_id}[[{_quote(queue)}]]")
        if queue not in consumers:
            lines.append(f"  class {queue_id} unconsumed")
        for worker in consumers.get(queue, []):
            worker_id = _node_id("w", worker_label(worker))
            text = worker_label(worker)
            if worker.concurrency:
                text += f" -c {worker.concurrency}"
            lines.append(f"  {worker_id}({_quote(text)})")
            edges.append(f"  {queue_id} --> {worker_id}")
    lines.extend(dict.fromkeys(edges))
    lines.append("  classDef unconsumed stroke:#d00,stroke-width:2px")
    return "\n".join(dict.fromkeys(lines)) + "\n"
