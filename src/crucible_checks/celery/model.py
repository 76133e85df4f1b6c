"""The facts the static task index holds: tasks, signatures, call sites, settings.

Public API used by other families (import from `crucible_checks.celery.model`):

- `Task`: one Celery task as found in source. ``name`` is the name Celery
  registers it under (``module.function`` unless ``name=`` is given),
  ``function`` the dotted Python path of the function or class, ``signature``
  the parameters of the message (without the bound ``self``), ``bind``, and
  ``options``, a mapping from option name (``queue``, ``routing_key``,
  ``serializer``, ``priority``, ``max_retries``, ``time_limit``,
  ``soft_time_limit``, ``retry_backoff``, ``retry_jitter``, ``autoretry_for``,
  ``acks_late``, ``base``, ``default_retry_delay``...) to a `Value`.
- `Value`: a literal read from source (``str``, ``int``, ``float``, ``bool``,
  ``None``, ``tuple``, ``dict``), a `QueueDeclaration` for ``kombu.Queue(...)``,
  a `RegexKey` for ``re.compile(...)``, or an `Expr` when the value is only
  known at run time (``settings.QUEUE``); callers must handle `Expr`.
- `CallSite`: a ``.delay``/``.apply_async``/``.s``/``.si``/``.signature`` call
  or a ``send_task``/``signature("name")`` call, with what is known of its
  arguments and its ``options`` (``queue=``, ``countdown=``, ``priority=``...).
- `ConfigFact`: one Celery setting assigned in source, by its lowercase
  setting name; `crucible_checks.celery.appconfig.AppConfig` combines them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Union

POSITIONAL_ONLY = "positional-only"
POSITIONAL = "positional"
VAR_POSITIONAL = "var-positional"
KEYWORD_ONLY = "keyword-only"
VAR_KEYWORD = "var-keyword"
PARAMETER_KINDS = (
    POSITIONAL_ONLY,
    POSITIONAL,
    VAR_POSITIONAL,
    KEYWORD_ONLY,
    VAR_KEYWORD,
)


@dataclass(frozen=True)
class Expr:
    """A value known only at run time, kept as its source text."""

    text: str
    #: For a string joined from literal text and run-time values (an f-string
    #: or ``+``), the literal pieces in order, with one unknown piece between
    #: each two. Empty when no part of the value is known.
    known_parts: tuple[str, ...] = ()


@dataclass(frozen=True)
class RegexKey:
    """A ``re.compile(pattern)`` key of ``task_routes``."""

    pattern: str


@dataclass(frozen=True)
class QueueDeclaration:
    """A ``kombu.Queue(...)`` declaration from ``task_queues``."""

    name: str | Expr
    routing_key: str | Expr | None
    arguments: Mapping[str, Value]
    line: int


# A recursive alias needs the string form of Union on Python 3.10.
Value = Union[  # noqa: UP007
    None,
    bool,
    int,
    float,
    str,
    Expr,
    RegexKey,
    QueueDeclaration,
    tuple["Value", ...],
    dict[Union[str, Expr, RegexKey], "Value"],  # noqa: UP007
]


@dataclass(frozen=True)
class Parameter:
    """A parameter of a task function, with its kind as named in `inspect`."""

    name: str
    kind: str
    default: str | None = None

    @property
    def has_default(self) -> bool:
        return self.default is not None

    @property
    def is_positional(self) -> bool:
        return self.kind in (POSITIONAL_ONLY, POSITIONAL)


@dataclass(frozen=True)
class Signature:
    """The parameters a task message fills, in order."""

    parameters: tuple[Parameter, ...] = ()

    def of_kind(self, *kinds: str) -> list[Parameter]:
        return [parameter for parameter in self.parameters if parameter.kind in kinds]

    @property
    def positional(self) -> list[Parameter]:
        return self.of_kind(POSITIONAL_ONLY, POSITIONAL)

    @property
    def keyword_names(self) -> set[str]:
        return {p.name for p in self.of_kind(POSITIONAL, KEYWORD_ONLY)}

    @property
    def var_positional(self) -> bool:
        return bool(self.of_kind(VAR_POSITIONAL))

    @property
    def var_keyword(self) -> bool:
        return bool(self.of_kind(VAR_KEYWORD))

    def get(self, name: str) -> Parameter | None:
        return next((p for p in self.parameters if p.name == name), None)

    def render(self) -> str:
        """Return the signature as Python writes it, such as ``(a, b=1, *, c)``."""
        parts: list[str] = []
        previous = ""
        for parameter in self.parameters:
            if previous == POSITIONAL_ONLY and parameter.kind != POSITIONAL_ONLY:
                parts.append("/")
            if parameter.kind == KEYWORD_ONLY and previous not in (
                KEYWORD_ONLY,
                VAR_POSITIONAL,
            ):
                parts.append("*")
            parts.append(_render_parameter(parameter))
            previous = parameter.kind
        if previous == POSITIONAL_ONLY:
            parts.append("/")
        return "(" + ", ".join(parts) + ")"


def _render_parameter(parameter: Parameter) -> str:
    if parameter.kind == VAR_POSITIONAL:
        return "*" + parameter.name
    if parameter.kind == VAR_KEYWORD:
        return "**" + parameter.name
    if parameter.default is not None:
        return f"{parameter.name}={parameter.default}"
    return parameter.name


@dataclass(frozen=True)
class RetryCall:
    """A ``<receiver>.retry(...)`` call in a task body."""

    receiver: str
    line: int
    column: int
    countdown: Value = None
    has_eta: bool = False


@dataclass(frozen=True)
class Task:
    """One task found in source; see the module docstring."""

    name: str | Expr
    function: str
    path: str
    line: int
    column: int
    signature: Signature
    bind: bool
    options: Mapping[str, Value] = field(default_factory=dict)
    kind: str = "function"
    retry_calls: tuple[RetryCall, ...] = ()
    first_parameter: str | None = None
    options_complete: bool = True
    #: Another decorator sits between the task decorator and the function, so
    #: the signature Celery registers may differ from the one in source.
    wrapped: bool = False

    @property
    def display_name(self) -> str:
        return self.name if isinstance(self.name, str) else self.name.text

    def option(self, name: str) -> Value:
        return self.options.get(name)


@dataclass(frozen=True)
class CallSite:
    """A call that sends a task message, or builds a signature of one.

    ``target`` is the dotted Python path of the task object for method calls,
    or the Celery task name for ``send_task``/``signature("name")``.
    ``positional`` is None when the argument count is unknown (``*args``,
    ``args=`` given as a variable); ``keywords`` is None when the keyword names
    are unknown (``**kwargs``). ``partial`` marks signatures whose arguments
    a chain or chord completes.
    """

    path: str
    line: int
    column: int
    method: str
    target: str
    by_name: bool
    positional: int | None
    keywords: tuple[str, ...] | None
    partial: bool = False
    options: Mapping[str, Value] = field(default_factory=dict)
    #: Seconds from now of an ``eta=`` written as ``<now> + timedelta(...)``.
    eta_offset: float | None = None


@dataclass(frozen=True)
class ConfigFact:
    """A Celery setting assigned in source, under its lowercase setting name."""

    key: str
    value: Value
    path: str
    line: int
    column: int = 1
    #: Where each key of a dict literal value sits, as (key, line, column), so
    #: a finding about one ``task_routes`` or ``beat_schedule`` entry points at it.
    entries: tuple[tuple[str | Expr | RegexKey, int, int], ...] = ()

    def position(self, key: str | Expr | RegexKey) -> tuple[int, int]:
        """Return the line and column of ``key`` in the value, else of the setting."""
        for entry, line, column in self.entries:
            if entry == key:
                return line, column
        return self.line, self.column
