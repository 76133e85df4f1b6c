"""Structural comparison of two JSON results, with normalizers and a diff.

A key path names a value inside a result: dict keys and list indices joined
by dots (``items.0.id``), ``.`` for the whole result. Patterns for ignored
and unordered paths may use ``*`` for any one segment (``items.*.id``).
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from dataclasses import dataclass
from fnmatch import fnmatchcase
from typing import Any

ROOT = "."
MAX_VALUE_WIDTH = 120


class _Missing:
    def __repr__(self) -> str:
        return "<missing>"


MISSING: Any = _Missing()


@dataclass(frozen=True)
class CompareOptions:
    """Normalizers applied before two results are compared."""

    ignore: tuple[str, ...] = ()
    float_tolerance: float = 0.0
    unordered: tuple[str, ...] = ()

    def ignoring(self, paths: Sequence[str]) -> CompareOptions:
        return CompareOptions(
            (*self.ignore, *paths), self.float_tolerance, self.unordered
        )


@dataclass(frozen=True)
class Difference:
    """One place where the legacy and the Celery result disagree."""

    path: str
    legacy: Any
    celery: Any

    def describe(self) -> str:
        if self.legacy is MISSING:
            return f"{self.path}: only in celery: {_show(self.celery)}"
        if self.celery is MISSING:
            return f"{self.path}: only in legacy: {_show(self.legacy)}"
        return (
            f"{self.path}: legacy {_show(self.legacy)} != celery {_show(self.celery)}"
        )


def diff(legacy: Any, celery: Any, options: CompareOptions) -> list[Difference]:
    """Return every difference between two results, after the normalizers."""
    differences: list[Difference] = []
    _diff(legacy, celery, (), options, differences)
    return differences


def render(differences: Sequence[Difference]) -> str:
    """Format differences one per line, as a failure message shows them."""
    count = len(differences)
    noun = "difference" if count == 1 else "differences"
    lines = [f"{count} {noun} between the legacy and the Celery result:"]
    lines.extend(f"  {difference.describe()}" for difference in differences)
    return "\n".join(lines)


def path_text(path: tuple[str, ...]) -> str:
    return ".".join(path) if path else ROOT


def _matches(path: tuple[str, ...], patterns: Sequence[str]) -> bool:
    text = path_text(path)
    for pattern in patterns:
        parts = pattern.split(".") if pattern != ROOT else []
        if len(parts) == len(path) and all(
            fnmatchcase(segment, part)
            for segment, part in zip(path, parts, strict=True)
        ):
            return True
        if pattern == text:
            return True
    return False


def _diff(
    legacy: Any,
    celery: Any,
    path: tuple[str, ...],
    options: CompareOptions,
    out: list[Difference],
) -> None:
    if _matches(path, options.ignore):
        return
    if isinstance(legacy, dict) and isinstance(celery, dict):
        _diff_dicts(legacy, celery, path, options, out)
    elif isinstance(legacy, list) and isinstance(celery, list):
        if _matches(path, options.unordered):
            legacy = _sorted(legacy, path, options)
            celery = _sorted(celery, path, options)
        _diff_lists(legacy, celery, path, options, out)
    elif not _equal_scalars(legacy, celery, options.float_tolerance):
        out.append(Difference(path_text(path), legacy, celery))


def _diff_dicts(
    legacy: dict[Any, Any],
    celery: dict[Any, Any],
    path: tuple[str, ...],
    options: CompareOptions,
    out: list[Difference],
) -> None:
    for key in sorted(set(legacy) | set(celery), key=str):
        child = (*path, str(key))
        if _matches(child, options.ignore):
            continue
        if key not in legacy or key not in celery:
            left, right = legacy.get(key, MISSING), celery.get(key, MISSING)
            out.append(Difference(path_text(child), left, right))
        else:
            _diff(legacy[key], celery[key], child, options, out)


def _diff_lists(
    legacy: list[Any],
    celery: list[Any],
    path: tuple[str, ...],
    options: CompareOptions,
    out: list[Difference],
) -> None:
    for index in range(max(len(legacy), len(celery))):
        child = (*path, str(index))
        left = legacy[index] if index < len(legacy) else MISSING
        right = celery[index] if index < len(celery) else MISSING
        if left is MISSING or right is MISSING:
            if not _matches(child, options.ignore):
                out.append(Difference(path_text(child), left, right))
        else:
            _diff(left, right, child, options, out)


def _equal_scalars(legacy: Any, celery: Any, tolerance: float) -> bool:
    if _is_number(legacy) and _is_number(celery):
        if tolerance > 0:
            return math.isclose(legacy, celery, rel_tol=0.0, abs_tol=tolerance)
        return type(legacy) is type(celery) and legacy == celery
    return type(legacy) is type(celery) and bool(legacy == celery)


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _sorted(
    items: list[Any], path: tuple[str, ...], options: CompareOptions
) -> list[Any]:
    """Sort list items by their JSON text with ignored fields left out."""
    return sorted(items, key=lambda item: _canonical(item, (*path, "*"), options))


def _canonical(value: Any, path: tuple[str, ...], options: CompareOptions) -> str:
    return json.dumps(_strip(value, path, options), sort_keys=True, default=repr)


def _strip(value: Any, path: tuple[str, ...], options: CompareOptions) -> Any:
    if isinstance(value, dict):
        return {
            str(key): _strip(item, (*path, str(key)), options)
            for key, item in value.items()
            if not _matches((*path, str(key)), options.ignore)
        }
    if isinstance(value, list):
        return [_strip(item, (*path, "*"), options) for item in value]
    return value


def _show(value: Any) -> str:
    text = json.dumps(value, sort_keys=True, default=repr)
    if len(text) > MAX_VALUE_WIDTH:
        return text[: MAX_VALUE_WIDTH - 3] + "..."
    return text
