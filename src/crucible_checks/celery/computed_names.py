"""Matching task names against task names computed at run time.

A task whose ``name=`` is built from run-time values, such as
``f"{settings.PREFIX}.evaluate"``, registers a name that the index records
only in part: the literal pieces ``""`` and ``".evaluate"`` with an unknown piece
between them. A referenced name or a route that could be such a name is not
reported as unknown, while every other name is still checked. A name with no
literal piece at all could be any name.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from crucible_checks.celery.appconfig import Route
from crucible_checks.celery.model import Expr, RegexKey, Task

#: Tokens of a glob: one literal character, or one of these markers.
_ANY_CHARACTER = object()
_ANY_TEXT = object()


@dataclass(frozen=True)
class ComputedNames:
    """The known literal pieces of every computed task name of a project."""

    names: tuple[tuple[str, ...], ...]

    @classmethod
    def of(cls, tasks: Iterable[Task]) -> ComputedNames:
        return cls(
            tuple(
                task.name.known_parts for task in tasks if isinstance(task.name, Expr)
            )
        )

    def may_name(self, name: str) -> bool:
        """Return whether a computed task name could be ``name`` at run time."""
        return any(_fits(name, parts) for parts in self.names)

    def may_route(self, route: Route) -> bool:
        """Return whether ``route`` could apply to a computed task name."""
        if not self.names:
            return False
        if isinstance(route.key, (RegexKey, Expr)):
            # NOTE: a regular expression is not compared with the known
            # pieces, so it may match any computed name.
            return True
        if "*" not in route.key:
            return self.may_name(route.key)
        glob = _glob_tokens(route.key)
        return any(_overlap(glob, _name_tokens(parts)) for parts in self.names)


def _fits(name: str, parts: tuple[str, ...]) -> bool:
    if not parts:
        return True
    pattern = ".*".join(re.escape(part) for part in parts)
    return re.fullmatch(pattern, name, re.DOTALL) is not None


def _name_tokens(parts: tuple[str, ...]) -> list[object]:
    if not parts:
        return [_ANY_TEXT]
    tokens: list[object] = list(parts[0])
    for part in parts[1:]:
        tokens += [_ANY_TEXT, *part]
    return tokens


def _glob_tokens(glob: str) -> list[object]:
    """Tokenize an `fnmatch` pattern. A ``[...]`` set counts as any character,
    so an overlap may be found where the set would exclude it."""
    tokens: list[object] = []
    index = 0
    while index < len(glob):
        character = glob[index]
        end = _set_end(glob, index) if character == "[" else -1
        if character == "*":
            tokens.append(_ANY_TEXT)
        elif character == "?" or end > 0:
            tokens.append(_ANY_CHARACTER)
        else:
            tokens.append(character)
        index = max(index, end) + 1
    return tokens


def _set_end(glob: str, start: int) -> int:
    """Return the index of the ``]`` closing the set at ``start``, or -1."""
    index = start + 1
    if glob[index : index + 1] == "!":
        index += 1
    if glob[index : index + 1] == "]":
        index += 1
    return glob.find("]", index)


def _overlap(first: list[object], second: list[object]) -> bool:
    """Return whether some text matches both token lists."""
    todo = [(0, 0)]
    seen = set(todo)
    while todo:
        i, j = todo.pop()
        if i == len(first) and j == len(second):
            return True
        for step in _steps(first, second, i, j):
            if step not in seen:
                seen.add(step)
                todo.append(step)
    return False


def _steps(
    first: list[object], second: list[object], i: int, j: int
) -> list[tuple[int, int]]:
    left = first[i] if i < len(first) else None
    right = second[j] if j < len(second) else None
    steps = []
    if left is _ANY_TEXT:
        steps.append((i + 1, j))
        if right is not None:
            steps.append((i, j + 1))
    if right is _ANY_TEXT:
        steps.append((i, j + 1))
        if left is not None:
            steps.append((i + 1, j))
    if _same_character(left, right):
        steps.append((i + 1, j + 1))
    return steps


def _same_character(left: object, right: object) -> bool:
    if left is None or right is None or _ANY_TEXT in (left, right):
        return False
    return _ANY_CHARACTER in (left, right) or left == right
