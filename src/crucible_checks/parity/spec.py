"""What a parity run needs to know about the project: paths, queues and keys."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from crucible_checks.checks import OptionValue
from crucible_checks.parity.compare import CompareOptions
from crucible_checks.parity.errors import ParityError


@dataclass(frozen=True)
class ParitySpec:
    """How one job travels the legacy path and the Celery path."""

    task: str
    legacy_queue: str
    result_key: str
    task_args: tuple[str, ...]
    task_queue: str = "celery"
    job_id_field: str = "job_id"
    compare: CompareOptions = field(default_factory=CompareOptions)
    calibrate: bool = False
    timeout: float = 10.0

    @classmethod
    def from_options(cls, options: Mapping[str, OptionValue]) -> ParitySpec:
        """Build a spec from ``[tool.crucible-checks.parity]`` options."""
        missing = [
            name
            for name in ("task", "legacy-queue", "result-key", "task-args")
            if not options.get(name)
        ]
        if missing:
            raise ParityError(
                "the parity check needs the parity settings task, legacy-queue, "
                "result-key and task-args; missing: "
                + ", ".join(repr(name) for name in missing)
                + "; the migration guide (docs/migration-guide.md) shows them"
            )
        timeout = float(options.get("timeout", 10.0))  # type: ignore[arg-type]
        if timeout <= 0:
            raise ParityError(
                f"parity setting 'timeout' must be more than 0 seconds, got {timeout}"
            )
        return cls(
            task=str(options["task"]),
            legacy_queue=str(options["legacy-queue"]),
            result_key=str(options["result-key"]),
            task_args=tuple(_strings(options["task-args"])),
            task_queue=str(options.get("task-queue", "celery")),
            job_id_field=str(options.get("job-id-field", "job_id")),
            compare=CompareOptions(
                ignore=tuple(_strings(options.get("ignore", []))),
                float_tolerance=float(options.get("float-tolerance", 0.0)),  # type: ignore[arg-type]
                unordered=tuple(_strings(options.get("unordered", []))),
            ),
            calibrate=bool(options.get("calibrate", False)),
            timeout=timeout,
        )

    @property
    def task_label(self) -> str:
        return self.task.rpartition(".")[2] or self.task


def _strings(value: OptionValue) -> list[str]:
    return [str(item) for item in value] if isinstance(value, list) else []
