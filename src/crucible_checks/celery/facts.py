"""The per-file facts of the task index, as cached between runs."""

from __future__ import annotations

from dataclasses import dataclass, field

from crucible_checks.celery.model import CallSite, ConfigFact, Task, Value


@dataclass(frozen=True)
class DecoratorAlias:
    """A name that decorates like ``shared_task`` with options set in advance.

    Found from ``retrying_task = shared_task(max_retries=3)``, from
    ``functools.partial(shared_task, ...)`` and from functions whose body
    calls a task decorator (a project's own task decorator).
    """

    name: str
    options: dict[str, Value]
    line: int


@dataclass(frozen=True)
class PendingTask:
    """A function decorated by an imported name that may be a task alias.

    It becomes a task when another module defines an alias of that name.
    """

    decorator: str
    task: Task
    call_options: dict[str, Value]


@dataclass
class FileFacts:
    """What one Python file contributes to the index.

    Task ``function`` and call-site ``target`` values are still local here:
    ``:name`` means a name defined in this module and a leading ``.`` a
    relative import; the index resolves them once module names are known.
    An empty task ``name`` means Celery derives it from the module path.
    """

    path: str
    error: str | None = None
    error_line: int = 1
    error_column: int = 1
    tasks: list[Task] = field(default_factory=list)
    aliases: list[DecoratorAlias] = field(default_factory=list)
    pending: list[PendingTask] = field(default_factory=list)
    calls: list[CallSite] = field(default_factory=list)
    config: list[ConfigFact] = field(default_factory=list)
