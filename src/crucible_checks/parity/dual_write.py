"""Checking that a producer writes one job to the legacy list and to Celery.

The pushes are seen through Redis MONITOR, so workers may consume the same
queues meanwhile. Celery messages are read in the kombu Redis transport
format: a JSON envelope whose base64 body contains ``[args, kwargs, embed]``.
The list key is the queue name, with a ``\\x06\\x16<priority>`` suffix for
priorities other than the default.
"""

from __future__ import annotations

import asyncio
import base64
import inspect
import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from crucible_checks.parity.monitor import capture_pushes
from crucible_checks.parity.spec import ParitySpec

PRIORITY_SEPARATOR = "\x06\x16"


@dataclass(frozen=True)
class CeleryMessage:
    """A task message found on a Redis list."""

    queue: str
    task: str
    args: list[Any]
    kwargs: dict[str, Any]


@dataclass
class DualWriteReport:
    """What one producer call queued, and what is wrong with it."""

    returned: Any
    legacy_messages: list[Any]
    celery_messages: list[CeleryMessage]
    problems: list[str]

    @property
    def ok(self) -> bool:
        return not self.problems


def verify_dual_write(
    redis: Any,
    spec: ParitySpec,
    producer: Callable[..., Any],
    args: Sequence[Any] = (),
    kwargs: Mapping[str, Any] | None = None,
    expected_queue: str | None = None,
) -> DualWriteReport:
    """Call ``producer`` once and check the two messages it queued."""
    database = int(redis.connection_pool.connection_kwargs.get("db", 0))
    returned, pushes = capture_pushes(
        redis, database, lambda: _call(producer, args, kwargs or {})
    )
    new: dict[str, list[bytes]] = {}
    for key, value in pushes:
        new.setdefault(key.decode("utf-8", "replace"), []).append(value)
    legacy = [_json_or_text(raw) for raw in new.pop(spec.legacy_queue, [])]
    celery = [
        message
        for key, raws in new.items()
        for raw in raws
        if (message := _celery_message(key, raw)) is not None
    ]
    expected = expected_queue or spec.task_queue
    problems = _problems(spec, legacy, celery, expected)
    return DualWriteReport(returned, legacy, celery, problems)


def _call(
    producer: Callable[..., Any], args: Sequence[Any], kwargs: Mapping[str, Any]
) -> Any:
    returned = producer(*args, **kwargs)
    if inspect.isawaitable(returned):
        returned = asyncio.run(_await(returned))
    return returned


async def _await(awaitable: Any) -> Any:
    return await awaitable


def _json_or_text(raw: bytes) -> Any:
    try:
        return json.loads(raw)
    except ValueError:
        return raw.decode("utf-8", "replace")


def _celery_message(key: str, raw: bytes | str) -> CeleryMessage | None:
    try:
        envelope = json.loads(raw)
        task = envelope["headers"]["task"]
        body = json.loads(base64.b64decode(envelope["body"]))
    except (ValueError, KeyError, TypeError):
        return None
    queue = key.split(PRIORITY_SEPARATOR, 1)[0]
    return CeleryMessage(queue, task, list(body[0]), dict(body[1]))


def _problems(
    spec: ParitySpec,
    legacy: list[Any],
    celery: list[CeleryMessage],
    expected_queue: str,
) -> list[str]:
    problems = []
    if len(legacy) != 1:
        problems.append(
            f"expected 1 message on legacy list {spec.legacy_queue!r}, "
            f"found {len(legacy)}"
        )
    tasks = [message for message in celery if message.task == spec.task]
    if len(tasks) != 1:
        problems.append(
            f"expected 1 Celery message for {spec.task}, found {len(tasks)}"
        )
    for message in tasks:
        if message.queue != expected_queue:
            problems.append(
                f"{spec.task} was sent to queue {message.queue!r}, "
                f"expected {expected_queue!r}"
            )
    if len(legacy) == 1 and len(tasks) == 1:
        problems.extend(_field_problems(spec, legacy[0], tasks[0]))
    return problems


def _field_problems(spec: ParitySpec, legacy: Any, message: CeleryMessage) -> list[str]:
    if not isinstance(legacy, dict):
        return [f"legacy message is not a JSON object: {legacy!r}"]
    fields = dict(zip(spec.task_args, message.args, strict=False))
    fields.update(message.kwargs)
    problems = []
    for name in spec.task_args:
        if legacy.get(name) != fields.get(name):
            problems.append(
                f"field {name!r} differs: legacy {legacy.get(name)!r}, "
                f"celery {fields.get(name)!r}"
            )
    return problems
