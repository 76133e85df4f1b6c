"""Reading the queue options of a ``celery worker`` command line.

The command is split as a POSIX shell splits it (`shlex`), and
``${NAME:-default}`` references are expanded from the given environment.
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

#: Options of the ``celery`` program that take a value before the sub-command.
_GLOBAL_VALUE_OPTIONS = frozenset(
    {
        "-A",
        "--app",
        "-b",
        "--broker",
        "--result-backend",
        "--loader",
        "--config",
        "--workdir",
        "--hostname",
    }
)
_SHELL_OPERATORS = frozenset({"&&", "||", ";", "|", "&", ";;", "(", ")"})
_VARIABLE = re.compile(
    r"\$\{(?P<braced>\w+)(?:(?P<operator>:?[-=])(?P<default>[^}]*))?\}"
    r"|\$(?P<plain>[A-Za-z_]\w*)"
)


class UnknownValue(Exception):
    """An option's value uses a variable that has no value or default."""


class SplitError(Exception):
    """A command line that cannot be split into words, such as an open quote."""


@dataclass(frozen=True)
class WorkerOptions:
    """The options of one ``celery worker`` invocation that decide its queues."""

    queues: tuple[str, ...] | None
    excluded: tuple[str, ...]
    concurrency: str
    unknown: str


def split_command(text: str) -> list[str]:
    """Split ``text`` into words and shell operators, as ``sh`` would."""
    lexer = shlex.shlex(text, posix=True, punctuation_chars=";&|()")
    lexer.whitespace_split = True
    lexer.commenters = ""
    try:
        return list(lexer)
    except ValueError as error:
        raise SplitError(f"cannot split the command line: {error}") from error


def find_worker(
    words: Sequence[str], environment: Mapping[str, str]
) -> WorkerOptions | None:
    """Return the worker options if ``words`` start a ``celery worker``.

    A word that is itself a whole command, as in ``sh -c "celery ... worker"``,
    is split and searched too.
    """
    for index, word in enumerate(words):
        if _is_celery_program(words, index):
            found = _parse_after_program(words[index + 1 :], environment)
            if found is not None:
                return found
        elif " " in word and "celery" in word and "worker" in word:
            try:
                inner = split_command(word)
            except SplitError:
                continue
            found = find_worker(inner, environment)
            if found is not None:
                return found
    return None


def _is_celery_program(words: Sequence[str], index: int) -> bool:
    word = words[index]
    if word.rsplit("/", 1)[-1] == "celery":
        return index == 0 or words[index - 1] not in _GLOBAL_VALUE_OPTIONS
    return False


def _parse_after_program(
    words: Sequence[str], environment: Mapping[str, str]
) -> WorkerOptions | None:
    index = 0
    while index < len(words):
        word = words[index]
        if word in _SHELL_OPERATORS:
            return None
        if word == "worker":
            return _parse_worker_options(
                _until_operator(words[index + 1 :]), environment
            )
        if not word.startswith("-"):
            return None
        index += 2 if word in _GLOBAL_VALUE_OPTIONS else 1
    return None


def _until_operator(words: Sequence[str]) -> list[str]:
    kept: list[str] = []
    for word in words:
        if word in _SHELL_OPERATORS:
            break
        kept.append(word)
    return kept


def _option_values(words: Sequence[str], short: str, long: str) -> list[str]:
    """Return the values of an option written as -Q x, -Qx, --queues x or --queues=x."""
    values: list[str] = []
    for index, word in enumerate(words):
        if word in (short, long):
            if index + 1 < len(words):
                values.append(words[index + 1])
        elif word.startswith(long + "="):
            values.append(word[len(long) + 1 :])
        elif word.startswith(short) and not word.startswith("--") and len(word) > 2:
            values.append(word[2:].removeprefix("="))
    return values


def _parse_worker_options(
    words: Sequence[str], environment: Mapping[str, str]
) -> WorkerOptions:
    unknown = ""
    try:
        queues = _queue_list(_option_values(words, "-Q", "--queues"), environment)
        excluded = _queue_list(
            _option_values(words, "-X", "--exclude-queues"), environment
        )
    except UnknownValue as error:
        queues, excluded, unknown = None, None, str(error)
    return WorkerOptions(
        queues=queues,
        excluded=excluded or (),
        concurrency=_concurrency(words, environment),
        unknown=unknown,
    )


def _queue_list(
    values: Sequence[str], environment: Mapping[str, str]
) -> tuple[str, ...] | None:
    if not values:
        return None
    names: list[str] = []
    for value in values:
        if "{{" in value or "{%" in value:
            raise UnknownValue(
                f"queues come from the template expression {value!r}; set them "
                "with literal names or under 'environment'"
            )
        expanded = expand_variables(value, environment)
        names.extend(name.strip() for name in expanded.split(",") if name.strip())
    return tuple(dict.fromkeys(names))


def _concurrency(words: Sequence[str], environment: Mapping[str, str]) -> str:
    for short, long, label in (
        ("-c", "--concurrency", ""),
        ("--autoscale", "--autoscale", "autoscale "),
    ):
        values = _option_values(words, short, long)
        if values:
            try:
                return label + expand_variables(values[-1], environment)
            except UnknownValue:
                return label + values[-1]
    return ""


def expand_variables(value: str, environment: Mapping[str, str]) -> str:
    """Expand ``$NAME``, ``${NAME}`` and ``${NAME:-default}``.

    Raise `UnknownValue` for a variable with neither a value in
    ``environment`` nor a default.
    """

    def replace(match: re.Match[str]) -> str:
        name = match.group("braced") or match.group("plain")
        if name in environment and (
            environment[name] or match.group("operator") not in (":-", ":=")
        ):
            return environment[name]
        if match.group("operator") is not None:
            return match.group("default")
        raise UnknownValue(
            f"queues come from ${name}, which has no value here; set it under "
            "'environment' in [tool.crucible-checks.queues]"
        )

    return _VARIABLE.sub(replace, value)
