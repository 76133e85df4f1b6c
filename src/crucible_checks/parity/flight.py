"""The state of one parity job between its submission and its two results."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

Job = dict[str, Any]


class _Pending:
    def __repr__(self) -> str:
        return "<pending>"


PENDING: Any = _Pending()


@dataclass
class Flight:
    """One job in flight on both paths.

    With calibration the legacy path runs the job twice, one run after the
    other because both runs store their result under the same key.
    """

    index: int
    job: Job
    legacy_key: str
    task_id: str
    legacy_deadline: float
    celery_deadline: float
    legacy_runs_left: int
    legacy: list[Any] = field(default_factory=list)
    celery: Any = PENDING
    celery_state: str = "PENDING"

    @property
    def waits_for_legacy(self) -> bool:
        return self.legacy_runs_left > 0

    @property
    def waits_for_celery(self) -> bool:
        return self.celery is PENDING

    @property
    def done(self) -> bool:
        return not self.waits_for_legacy and not self.waits_for_celery
