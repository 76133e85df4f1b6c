"""Sending parity tasks and reading their results from the Redis result backend.

The runner keeps several jobs in flight and reads all of their results with
one MGET per poll. ``AsyncResult.get`` would instead subscribe to each task's
channel, read its key and unsubscribe again, three round trips per task on top
of the polling, and it waits for one task at a time.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from crucible_checks.parity.errors import ParityError

Meta = dict[str, Any]


@dataclass(frozen=True)
class CeleryResults:
    """The Celery side of a parity run: sends tasks, reads results by key."""

    app: Any

    @classmethod
    def of(cls, app: Any) -> CeleryResults:
        """Wrap ``app``; its result backend must be Redis."""
        from celery.backends.redis import RedisBackend

        if not isinstance(app.backend, RedisBackend):
            raise ParityError(
                f"the parity runner reads Celery results from Redis, but app "
                f"{app.main!r} stores them in {type(app.backend).__name__}; set "
                "result_backend to the test Redis URL"
            )
        return cls(app)

    def send(self, task: str, args: Sequence[Any], queue: str) -> str:
        """Send ``task`` to ``queue`` and return its task id."""
        with _no_result_subscription():
            result = self.app.send_task(task, args=list(args), queue=queue)
        return str(result.id)

    def fetch(self, task_ids: Sequence[str]) -> list[Meta | None]:
        """Return the stored state of each task, or None for a task with none."""
        backend = self.app.backend
        keys = [backend.get_key_for_task(task_id) for task_id in task_ids]
        return [
            None if raw is None else backend.decode_result(raw)
            for raw in backend.client.mget(keys)
        ]

    def forget(self, task_ids: Sequence[str]) -> None:
        """Delete the stored results of ``task_ids`` in one command."""
        if task_ids:
            backend = self.app.backend
            backend.client.delete(*(backend.get_key_for_task(i) for i in task_ids))


def is_ready(meta: Meta | None) -> bool:
    """Tell whether a task has finished: succeeded, failed or been revoked."""
    from celery import states

    return meta is not None and meta.get("status") in states.READY_STATES


def succeeded(meta: Meta) -> bool:
    from celery import states

    return bool(meta.get("status") == states.SUCCESS)


@contextmanager
def _no_result_subscription() -> Iterator[None]:
    """Stop the Redis backend from subscribing to the task's result channel.

    The backend subscribes when a task is sent unless joins are marked as
    blocking, and only ``AsyncResult.get`` would ever read those messages.
    """
    from celery import _state

    saved = _state.task_join_will_block()
    _state._set_task_join_will_block(True)
    try:
        yield
    finally:
        _state._set_task_join_will_block(saved)
