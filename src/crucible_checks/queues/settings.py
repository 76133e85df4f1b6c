"""The options of the queues family, read from ``[tool.crucible-checks.queues]``."""

from __future__ import annotations

from dataclasses import dataclass

from crucible_checks.checks import Option
from crucible_checks.project import Project

OPTIONS = (
    Option(
        "environment",
        dict,
        {},
        "Values of environment variables that worker command lines use, such "
        "as {QUEUES = 'high,normal'}; a variable with neither a value here nor "
        "a ${NAME:-default} makes that worker's queues unknown.",
    ),
    Option(
        "external-queues",
        list,
        [],
        "Celery queues that services outside this project consume or send to; "
        "they are never reported as lacking a consumer or a producer.",
    ),
    Option(
        "external-lists",
        list,
        [],
        "Redis list keys that services outside this project read or write.",
    ),
)


@dataclass(frozen=True)
class QueueSettings:
    """The validated family options."""

    environment: dict[str, str]
    external_queues: frozenset[str]
    external_lists: frozenset[str]


def queue_settings(project: Project) -> QueueSettings:
    """Return the queues family options of ``project``."""
    options = project.family_options("queues")
    environment = options["environment"]
    return QueueSettings(
        environment=dict(environment) if isinstance(environment, dict) else {},
        external_queues=frozenset(_strings(options["external-queues"])),
        external_lists=frozenset(_strings(options["external-lists"])),
    )


def _strings(value: object) -> list[str]:
    return [str(item) for item in value] if isinstance(value, list) else []
