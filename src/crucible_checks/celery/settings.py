"""The options of the celery family, read from ``[tool.crucible-checks.celery]``."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from crucible_checks.checks import Option
from crucible_checks.config import path_inside
from crucible_checks.errors import ConfigError

if TYPE_CHECKING:
    from crucible_checks.project import Project

MODES = ("BACKWARD", "FORWARD", "FULL", "NONE")
DEFAULT_LOCK_FILE = "celery-tasks.lock.json"

OPTIONS = (
    Option(
        "import-roots",
        list,
        [],
        "Folders that module paths, and so task names, start below (such as "
        "'src'); empty finds them from the packages (folders with __init__.py).",
    ),
    Option(
        "task-decorators",
        list,
        [],
        "Extra decorators that register tasks, by name or dotted path (such as "
        "'retryable_task' or 'myproject.celery.task').",
    ),
    Option(
        "lock-file",
        str,
        DEFAULT_LOCK_FILE,
        "Path of the task lock file, relative to the project root.",
    ),
    Option(
        "compatibility",
        str,
        "BACKWARD",
        "Which deploys must keep queued messages deliverable: BACKWARD (new "
        "workers accept old messages), FORWARD (old workers accept new "
        "messages), FULL (both) or NONE.",
        MODES,
    ),
    Option(
        "external-tasks",
        list,
        [],
        "Glob patterns of task names that other services define, so references "
        "to them are not reported as unknown.",
    ),
    Option(
        "app",
        str,
        "",
        "The Celery app as 'module:attribute', imported only by the opt-in "
        "registry comparison (CEL014), in a child process.",
    ),
    Option(
        "broker-url",
        str,
        "",
        "Broker URL to assume when the source reads it from the environment, "
        "such as 'redis://'; only its scheme is used.",
    ),
)


@dataclass(frozen=True)
class CelerySettings:
    """The validated family options."""

    import_roots: tuple[str, ...]
    task_decorators: tuple[str, ...]
    lock_file: str
    compatibility: str
    external_tasks: tuple[str, ...]
    app: str
    broker_url: str


def celery_settings(project: Project) -> CelerySettings:
    """Return the celery family options of ``project``, validated once per run."""
    return project.shared("celery.settings", lambda: _read_settings(project))


def _read_settings(project: Project) -> CelerySettings:
    options = project.family_options("celery")
    mode = str(options["compatibility"]).upper()
    if mode not in MODES:
        raise ConfigError(
            f"{project.config.source} [celery]: unknown compatibility mode "
            f"{options['compatibility']!r}; use one of {', '.join(MODES)}"
        )
    return CelerySettings(
        import_roots=tuple(_strings(options["import-roots"])),
        task_decorators=tuple(_strings(options["task-decorators"])),
        lock_file=_lock_file(project, str(options["lock-file"])),
        compatibility=mode,
        external_tasks=tuple(_strings(options["external-tasks"])),
        app=str(options["app"]),
        broker_url=str(options["broker-url"]),
    )


def _lock_file(project: Project, value: str) -> str:
    """Return the lock-file setting, or raise `ConfigError` unless it names a
    file inside the project: a cloned repository's config must not make
    ``tasks lock`` write anywhere else."""
    where = f"{project.config.table_source('celery')}: 'lock-file' = {value!r}"
    fix = f"name a file relative to the project root, such as {DEFAULT_LOCK_FILE!r}"
    path_inside(project.root, where, value, fix)
    return value


def _strings(value: object) -> list[str]:
    return [str(item) for item in value] if isinstance(value, list) else []
