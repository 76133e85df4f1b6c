"""Where Celery sends a task, from the app settings read statically.

Precedence in the installed Celery (5.7, checked by a test against a real
worker): ``apply_async(queue=...)`` beats the task's own ``queue=`` option,
which beats ``task_routes``; with none of them the task goes to
``task_default_queue``, itself ``celery`` unless set.
"""

from __future__ import annotations

from dataclasses import dataclass

from crucible_checks.celery.appconfig import AppConfig, Route
from crucible_checks.celery.model import Expr, QueueDeclaration
from crucible_checks.queues.model import CELERY_DEFAULT_QUEUE

#: Whether a task's ``queue=`` option wins over a matching ``task_routes``
#: entry; tests/test_queues_precedence.py checks it with a real worker.
DECORATOR_BEATS_ROUTES = True


@dataclass(frozen=True)
class RouteResult:
    """The queue ``task_routes`` gives a task: found, unknown, or no match."""

    queue: str | None
    route: Route | None
    unknown: str = ""


@dataclass(frozen=True)
class Routing:
    """The routing settings of the app: routes, declared queues, default queue."""

    config: AppConfig

    @property
    def default_queue(self) -> str | None:
        """Return ``task_default_queue``, or None when it is set but not a literal."""
        fact = self.config.setting("task_default_queue")
        if fact is None:
            return CELERY_DEFAULT_QUEUE
        return fact.value if isinstance(fact.value, str) else None

    @property
    def dynamic_router(self) -> str:
        """Return the source of a router that is not a table, such as a function."""
        for fact in self.config.all("task_routes"):
            items = fact.value if isinstance(fact.value, tuple) else (fact.value,)
            for item in items:
                if not isinstance(item, dict):
                    text = item.text if isinstance(item, Expr) else repr(item)
                    return f"task_routes router {text} ({fact.path}:{fact.line})"
        return ""

    def declared_queues(self) -> tuple[str, ...] | None:
        """Return the names in ``task_queues``, or None when none are declared.

        Raises `ValueError` when a declared name cannot be read statically.
        """
        facts = self.config.all("task_queues")
        if not facts:
            return None
        names: list[str] = []
        for fact in facts:
            items = fact.value if isinstance(fact.value, tuple) else (fact.value,)
            for item in items:
                if isinstance(item, QueueDeclaration) and isinstance(item.name, str):
                    names.append(item.name)
                elif isinstance(item, str):
                    names.append(item)
                else:
                    raise ValueError(f"task_queues at {fact.path}:{fact.line}")
        return tuple(dict.fromkeys(names))

    def route(self, task_name: str) -> RouteResult:
        """Return the queue of the first route that matches ``task_name``.

        A router that is not a table may route any task, so with one the
        result is unknown unless the task names its own queue.
        """
        dynamic = self.dynamic_router
        if dynamic:
            return RouteResult(None, None, dynamic)
        for route in self.config.routes:
            if isinstance(route.key, Expr):
                return RouteResult(None, route, f"route key {route.key.text}")
            if route.matches(task_name):
                if route.queue is None:
                    return RouteResult(
                        None, route, f"route target of {route.pattern_text}"
                    )
                return RouteResult(route.queue, route)
        return RouteResult(None, None)
