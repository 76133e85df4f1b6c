"""Per-task parity counts for the pytest terminal summary."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class TaskStats:
    """How the cases of one Celery task compared."""

    cases: int = 0
    equal: int = 0
    different: int = 0
    timeouts: int = 0
    errors: int = 0
    noise: set[str] = field(default_factory=set)

    def to_json(self) -> dict[str, Any]:
        return {**self.__dict__, "noise": sorted(self.noise)}

    def merge(self, data: dict[str, Any]) -> None:
        for name in ("cases", "equal", "different", "timeouts", "errors"):
            setattr(self, name, getattr(self, name) + int(data.get(name, 0)))
        self.noise.update(data.get("noise", []))


def summary_lines(stats: dict[str, TaskStats]) -> list[str]:
    """Format one line per task: cases, equal, different, noise, timeouts."""
    lines = []
    for task, counts in sorted(stats.items()):
        noise = ", ".join(sorted(counts.noise)) or "none"
        lines.append(
            f"{task}: {counts.cases} cases, {counts.equal} equal, "
            f"{counts.different} different, {counts.timeouts} timeouts, "
            f"{counts.errors} errors; noise fields: {noise}"
        )
    return lines
