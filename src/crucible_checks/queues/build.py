"""Building the `Topology` of a project from the task index, the Python facts
and the worker command lines; built once per run and shared by every check."""

from __future__ import annotations

from crucible_checks.celery.index import TaskIndex, task_index
from crucible_checks.celery.model import CallSite, Expr, QueueDeclaration, Task
from crucible_checks.celery.model import Value as CeleryValue
from crucible_checks.celery.modules import ModuleNamer
from crucible_checks.celery.settings import celery_settings
from crucible_checks.project import Project
from crucible_checks.queues.consumers import collect_workers
from crucible_checks.queues.model import ListAccess, Location, Producer, Via
from crucible_checks.queues.python_facts import Value
from crucible_checks.queues.python_index import PythonIndex, build_python_index
from crucible_checks.queues.routing import RouteResult, Routing
from crucible_checks.queues.settings import queue_settings
from crucible_checks.queues.topology import RouteConflict, Topology, consumed_queues


def topology(project: Project) -> Topology:
    """Return the project's queue topology, built once per run."""
    return project.shared("queues.topology", lambda: build_topology(project))


def build_topology(project: Project) -> Topology:
    """Read every producer, worker and Redis list access of ``project``."""
    settings = queue_settings(project)
    index = task_index(project)
    roots = celery_settings(project).import_roots
    namer = ModuleNamer(roots, (file.relative for file in project.files))
    python = build_python_index(project, namer)
    routing = Routing(index.config)
    result = Topology()
    _add_workers(result, project, settings.environment, routing)
    _add_sends(result, python, index)
    _add_tasks(result, index, routing, python)
    _add_lists(result, python)
    return result


def _add_workers(
    result: Topology, project: Project, environment: dict[str, str], routing: Routing
) -> None:
    scan = collect_workers(project, environment)
    result.workers = list(scan.workers)
    result.problems = list(scan.problems)
    try:
        declared = routing.declared_queues()
    except ValueError as error:
        declared, undeclared = None, f"task_queues has a computed name ({error})"
    else:
        undeclared = ""
    for worker in result.workers:
        if worker.queues is None and undeclared and not worker.unknown:
            result.consumed[worker] = None
            continue
        result.consumed[worker] = consumed_queues(
            worker, declared, routing.default_queue
        )


def _add_sends(result: Topology, python: PythonIndex, index: TaskIndex) -> None:
    for path, facts in python.by_path.items():
        for send in facts.sends:
            task = _task_label(send.task, facts.imports, python.module_of[path], index)
            for value in send.values:
                queue = python.resolve(value, path)
                reason = "" if queue is not None else f"queue={value.text}"
                result.producers.append(
                    Producer(send.location, queue, Via.CALL, task, reason)
                )
                if queue is None:
                    result.unknown_patterns.append(value.pattern)


def _task_label(
    reference: str, imports: dict[str, str], module: str, index: TaskIndex
) -> str:
    if reference.startswith("="):
        return reference[1:]
    head, _, rest = reference.partition(".")
    dotted = imports.get(head, f"{module}.{head}")
    function = f"{dotted}.{rest}" if rest else dotted
    task = index.for_function(function)
    return task.display_name if task is not None else reference


def _add_tasks(
    result: Topology, index: TaskIndex, routing: Routing, python: PythonIndex
) -> None:
    explicit_lines = {
        (send.location.path, send.call_line)
        for facts in python.by_path.values()
        for send in facts.sends
    }
    used: dict[str, list[Location]] = {}
    for call in index.calls:
        _note_use(used, call, index, explicit_lines)
    for entry in index.config.beat_entries:
        where = Location(entry.fact.path, entry.fact.line, entry.fact.column)
        used.setdefault(entry.task, []).append(where)
    for task in index.tasks:
        _add_task(result, task, routing, python, used.pop(task.display_name, []))
    for name, places in used.items():
        _add_by_name(result, name, routing, places)


def _note_use(
    used: dict[str, list[Location]],
    call: CallSite,
    index: TaskIndex,
    explicit_lines: set[tuple[str, int]],
) -> None:
    if "queue" in call.options or (
        call.keywords is None and call.method == "apply_async"
    ):
        return
    if (call.path, call.line) in explicit_lines:
        return
    task = index.task_for_call(call)
    if task is not None:
        name = task.display_name
    elif call.by_name:
        name = call.target
    else:
        return
    used.setdefault(name, []).append(Location(call.path, call.line, call.column))


def _add_task(
    result: Topology,
    task: Task,
    routing: Routing,
    python: PythonIndex,
    uses: list[Location],
) -> None:
    name = task.display_name
    where = Location(task.path, task.line, task.column)
    own = task.option("queue")
    route = routing.route(name) if isinstance(task.name, str) else None
    if own is not None:
        queue = _celery_queue(own, task.path, python)
        _note_conflict(result, task, queue, route)
        producer = Producer(where, queue, Via.DECORATOR, name, _reason(own, queue))
    elif route is not None and (route.queue is not None or route.unknown):
        reason = f"routed by {route.unknown}" if route.unknown else ""
        producer = Producer(where, route.queue, Via.ROUTE, name, reason)
    elif not uses:
        return
    else:
        # The task does not pick its queue, so the calls are the producers.
        _add_by_name(result, name, routing, uses)
        return
    _add_producer(result, producer, uses)


def _add_by_name(
    result: Topology, name: str, routing: Routing, places: list[Location]
) -> None:
    route = routing.route(name)
    if route.queue is not None or route.unknown:
        reason = f"routed by {route.unknown}" if route.unknown else ""
        producer = Producer(places[0], route.queue, Via.ROUTE, name, reason)
    else:
        default = routing.default_queue
        reason = "" if default is not None else "task_default_queue is computed"
        producer = Producer(places[0], default, Via.DEFAULT, name, reason)
    _add_producer(result, producer, places[1:])


def _add_producer(result: Topology, producer: Producer, uses: list[Location]) -> None:
    result.producers.append(producer)
    for where in uses:
        if where != producer.location:
            result.producers.append(
                Producer(
                    where, producer.queue, producer.via, producer.task, producer.reason
                )
            )
    if producer.queue is None:
        result.unknown_patterns.append("*")


def _celery_queue(value: CeleryValue, path: str, python: PythonIndex) -> str | None:
    if isinstance(value, str):
        return value
    if isinstance(value, QueueDeclaration) and isinstance(value.name, str):
        return value.name
    if isinstance(value, Expr):
        return python.resolve(Value(reference=value.text), path)
    return None


def _reason(value: CeleryValue, queue: str | None) -> str:
    if queue is not None:
        return ""
    text = value.text if isinstance(value, Expr) else repr(value)
    return f"queue={text}"


def _note_conflict(
    result: Topology, task: Task, queue: str | None, route: RouteResult | None
) -> None:
    if route is None or route.route is None:
        return
    if queue is None or route.queue is None or queue == route.queue:
        return
    fact = route.route.fact
    result.conflicts.append(
        RouteConflict(
            location=Location(task.path, task.line, task.column),
            task=task.display_name,
            decorator_queue=queue,
            route_queue=route.queue,
            route_pattern=route.route.pattern_text,
            route_location=Location(fact.path, fact.line, fact.column),
        )
    )


def _add_lists(result: Topology, python: PythonIndex) -> None:
    for path, facts in python.by_path.items():
        for call in facts.list_calls:
            key = python.resolve(call.key, path)
            access = ListAccess(call.location, key, call.role, call.command)
            result.list_accesses.append(access)
            if key is None:
                result.list_patterns.setdefault(call.role, []).append(
                    (call.key.pattern, access)
                )
