"""The Celery app configuration as read statically from the settings in source.

Public API: `AppConfig.from_facts(facts, broker_override)`, then
``routes`` (`Route` list in the order Celery tries them), ``queues``
(declared `QueueDeclaration` objects), ``default_queue``, ``beat_entries``
(`BeatEntry` list), ``broker_scheme`` (``"redis"``, ``"amqp"``... or None when
unknown), ``visibility_timeout`` (seconds) and ``setting(key)`` for the last
`ConfigFact` of any other setting.
"""

from __future__ import annotations

import fnmatch
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field

from crucible_checks.celery.model import (
    ConfigFact,
    Expr,
    QueueDeclaration,
    RegexKey,
    Value,
)

#: Redis transport's default ``visibility_timeout`` in kombu 5 (one hour).
DEFAULT_VISIBILITY_TIMEOUT = 3600.0
DEFAULT_QUEUE = "celery"
REDIS_SCHEMES = ("redis", "rediss", "redis+socket", "sentinel")
AMQP_SCHEMES = ("amqp", "amqps", "pyamqp", "librabbitmq")


@dataclass(frozen=True)
class Route:
    """One ``task_routes`` entry: a task-name pattern and where it sends tasks."""

    key: str | RegexKey | Expr
    target: Value
    fact: ConfigFact

    @property
    def pattern_text(self) -> str:
        if isinstance(self.key, RegexKey):
            return f"re.compile({self.key.pattern!r})"
        return self.key if isinstance(self.key, str) else self.key.text

    @property
    def is_regex(self) -> bool:
        return isinstance(self.key, RegexKey)

    @property
    def is_pattern(self) -> bool:
        return isinstance(self.key, RegexKey) or (
            isinstance(self.key, str) and "*" in self.key
        )

    def matches(self, task_name: str) -> bool:
        """Return whether Celery's map router would apply this route to a task."""
        if isinstance(self.key, RegexKey):
            return re.match(self.key.pattern, task_name) is not None
        if isinstance(self.key, str):
            if "*" in self.key:
                return fnmatch.fnmatchcase(task_name, self.key)
            return task_name == self.key
        return False

    @property
    def position(self) -> tuple[int, int]:
        """Return the line and column of this route's key."""
        return self.fact.position(self.key)

    @property
    def queue(self) -> str | None:
        if isinstance(self.target, str):
            return self.target
        if isinstance(self.target, dict):
            queue = self.target.get("queue")
            if isinstance(queue, QueueDeclaration) and isinstance(queue.name, str):
                return queue.name
            return queue if isinstance(queue, str) else None
        return None


@dataclass(frozen=True)
class BeatEntry:
    """A ``beat_schedule`` entry and the task name it sends."""

    entry: str
    task: str
    fact: ConfigFact

    @property
    def position(self) -> tuple[int, int]:
        """Return the line and column of this entry's key."""
        return self.fact.position(self.entry)


@dataclass
class AppConfig:
    """The settings found in source; the last assignment of a setting wins."""

    facts: list[ConfigFact] = field(default_factory=list)
    broker_override: str = ""

    @classmethod
    def from_facts(
        cls, facts: Iterable[ConfigFact], broker_override: str = ""
    ) -> AppConfig:
        return cls(list(facts), broker_override)

    def setting(self, key: str) -> ConfigFact | None:
        found = [fact for fact in self.facts if fact.key == key]
        return found[-1] if found else None

    def all(self, key: str) -> list[ConfigFact]:
        return [fact for fact in self.facts if fact.key == key]

    @property
    def routes(self) -> list[Route]:
        return [route for fact in self.all("task_routes") for route in _routes(fact)]

    @property
    def queues(self) -> list[QueueDeclaration]:
        declared: list[QueueDeclaration] = []
        for fact in self.all("task_queues"):
            items = fact.value if isinstance(fact.value, tuple) else (fact.value,)
            declared.extend(i for i in items if isinstance(i, QueueDeclaration))
        return declared

    @property
    def default_queue(self) -> str:
        fact = self.setting("task_default_queue")
        return fact.value if fact and isinstance(fact.value, str) else DEFAULT_QUEUE

    @property
    def beat_entries(self) -> list[BeatEntry]:
        return [entry for fact in self.all("beat_schedule") for entry in _beat(fact)]

    @property
    def broker_scheme(self) -> str | None:
        url: Value = self.broker_override or None
        if url is None:
            fact = self.setting("broker_url")
            url = fact.value if fact else None
        if not isinstance(url, str) or "://" not in url:
            return None
        return url.split("://", 1)[0].split(";", 1)[0].lower()

    @property
    def is_redis(self) -> bool:
        return self.broker_scheme in REDIS_SCHEMES

    @property
    def is_amqp(self) -> bool:
        return self.broker_scheme in AMQP_SCHEMES

    @property
    def visibility_timeout(self) -> float:
        fact = self.setting("broker_transport_options")
        if fact is not None and isinstance(fact.value, dict):
            timeout = fact.value.get("visibility_timeout")
            if isinstance(timeout, (int, float)) and not isinstance(timeout, bool):
                return float(timeout)
        return DEFAULT_VISIBILITY_TIMEOUT


def _routes(fact: ConfigFact) -> Iterator[Route]:
    value = fact.value
    tables: Sequence[Value] = value if isinstance(value, tuple) else (value,)
    for table in tables:
        if isinstance(table, dict):
            for key, target in table.items():
                yield Route(key, target, fact)


def _beat(fact: ConfigFact) -> Iterator[BeatEntry]:
    if not isinstance(fact.value, dict):
        return
    for entry, body in fact.value.items():
        if isinstance(entry, str) and isinstance(body, dict):
            task = body.get("task")
            if isinstance(task, str):
                yield BeatEntry(entry, task, fact)
