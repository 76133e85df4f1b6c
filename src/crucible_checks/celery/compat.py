"""Comparing tasks with their locked message format under a compatibility mode.

BACKWARD: a new worker must accept every message an old producer may have
queued. FORWARD: an old worker must accept every message a new producer
sends (a rolling deploy). FULL: both. NONE: nothing is compared.
`CHANGE_KINDS` (from `crucible_checks.celery.change_kinds`) states, for each
kind of change, which directions it breaks.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from crucible_checks.celery.change_kinds import CHANGE_KINDS, reported
from crucible_checks.celery.lock import LockedTask, locked_from_task
from crucible_checks.celery.model import (
    KEYWORD_ONLY,
    POSITIONAL,
    POSITIONAL_ONLY,
    VAR_KEYWORD,
    VAR_POSITIONAL,
    Parameter,
    Signature,
)


@dataclass(frozen=True)
class Change:
    """One change of a task between the lock and the code."""

    code: str
    task: str
    detail: str
    old: LockedTask | None
    new: LockedTask | None
    parameter: str = ""


def compare(old: LockedTask | None, new: LockedTask | None) -> list[Change]:
    """Return every change from ``old`` to ``new`` (either may be missing)."""
    if old is None and new is None:
        return []
    if old is None:
        assert new is not None
        return [Change("CEL009", new.name, "task added", None, new)]
    if new is None:
        return [Change("CEL001", old.name, "task removed", old, None)]
    return [*_option_changes(old, new), *_signature_changes(old, new)]


def _option_changes(old: LockedTask, new: LockedTask) -> Iterator[Change]:
    if old.serializer != new.serializer:
        detail = (
            f"serializer {old.serializer or 'default'} -> {new.serializer or 'default'}"
        )
        yield Change("CEL007", new.name, detail, old, new)
    if old.queue != new.queue:
        detail = f"queue {old.queue or 'routed'} -> {new.queue or 'routed'}"
        yield Change("CEL008", new.name, detail, old, new)


def _signature_changes(old: LockedTask, new: LockedTask) -> Iterator[Change]:
    if old.bind != new.bind:
        yield from _bind_change(old, new)
        return
    yield from parameter_changes(old, new)


def _bind_change(old: LockedTask, new: LockedTask) -> Iterator[Change]:
    """Report a bind toggle only when the first parameter did not come or go
    with it; the locked signatures exclude ``self``, so adding ``bind=True``
    together with ``self`` compares like any other signature change."""
    before = old.signature.parameters
    after = new.signature.parameters
    if (new.bind and after == before[1:]) or (old.bind and after[1:] == before):
        state = "added" if new.bind else "removed"
        detail = f"bind=True {state} without a matching change of the first parameter"
        yield Change("CEL006", new.name, detail, old, new)
        return
    yield from parameter_changes(old, new)


def parameter_changes(old: LockedTask, new: LockedTask) -> Iterator[Change]:
    before = _named(old.signature)
    after = _named(new.signature)
    renamed = dict(_renames(old.signature, new.signature))
    for name, parameter in after.items():
        if name in before or name in renamed.values():
            continue
        code = "CEL010" if parameter.has_default else "CEL002"
        yield Change(code, new.name, f"parameter {name!r} added", old, new, name)
    for name, parameter in before.items():
        if name in after or name in renamed:
            continue
        if not _absorbed(parameter, new.signature):
            yield Change(
                "CEL003", new.name, f"parameter {name!r} removed", old, new, name
            )
    for old_name, new_name in renamed.items():
        detail = f"parameter {old_name!r} renamed to {new_name!r}"
        yield Change("CEL005", new.name, detail, old, new, old_name)
    for name, parameter in after.items():
        previous = before.get(name)
        if previous is not None and previous.has_default and not parameter.has_default:
            detail = f"parameter {name!r} lost its default"
            yield Change("CEL011", new.name, detail, old, new, name)
    yield from _kind_changes(old, new)
    yield from _reordered(old, new, renamed)


def _named(signature: Signature) -> dict[str, Parameter]:
    return {
        p.name: p
        for p in signature.parameters
        if p.kind not in (VAR_POSITIONAL, VAR_KEYWORD)
    }


def _renames(old: Signature, new: Signature) -> Iterator[tuple[str, str]]:
    """Pair positional parameters at the same index whose names differ, when the
    old name is gone and the new name is new: a rename, not a reorder."""
    old_names = [p.name for p in old.positional]
    new_names = [p.name for p in new.positional]
    for old_name, new_name in zip(old_names, new_names, strict=False):
        if (
            old_name != new_name
            and old_name not in new_names
            and new_name not in old_names
        ):
            yield old_name, new_name


def _absorbed(parameter: Parameter, new: Signature) -> bool:
    if parameter.is_positional:
        return new.var_positional and new.var_keyword
    return new.var_keyword


def _kind_changes(old: LockedTask, new: LockedTask) -> Iterator[Change]:
    """Report parameters that turned from positional into keyword-only (CEL015)
    or back (CEL016), with positions counted from 1 as in `_moves_detail`, and
    parameters that became positional-only (CEL017) or stopped being so
    (CEL018)."""
    before = old.signature
    after = new.signature
    for parameter in after.parameters:
        previous = before.get(parameter.name)
        if previous is None:
            continue
        if previous.is_positional and parameter.kind == KEYWORD_ONLY:
            position = positional_index(before, parameter.name)
            detail = (
                f"parameter {parameter.name!r} changed from positional "
                f"(position {position}) to keyword-only"
            )
            yield Change("CEL015", new.name, detail, old, new, parameter.name)
        elif previous.kind == KEYWORD_ONLY and parameter.is_positional:
            position = positional_index(after, parameter.name)
            detail = (
                f"parameter {parameter.name!r} changed from keyword-only to "
                f"positional (position {position})"
            )
            yield Change("CEL016", new.name, detail, old, new, parameter.name)
        elif previous.kind == POSITIONAL and parameter.kind == POSITIONAL_ONLY:
            detail = f"parameter {parameter.name!r} became positional-only"
            yield Change("CEL017", new.name, detail, old, new, parameter.name)
        elif previous.kind == POSITIONAL_ONLY and parameter.kind == POSITIONAL:
            detail = (
                f"parameter {parameter.name!r} was positional-only and now takes "
                "keywords too"
            )
            yield Change("CEL018", new.name, detail, old, new, parameter.name)


def positional_index(signature: Signature, name: str) -> int:
    """Return the position of the positional parameter ``name``, counted from 1."""
    return [p.name for p in signature.positional].index(name) + 1


def _reordered(
    old: LockedTask, new: LockedTask, renamed: dict[str, str]
) -> Iterator[Change]:
    """Report positional parameters that changed order, or that kept their order
    but moved because a positional parameter was inserted or removed before
    them. Either way an argument passed by position binds to another parameter.
    """
    old_order = [renamed.get(p.name, p.name) for p in old.signature.positional]
    new_order = [p.name for p in new.signature.positional]
    common_old = [name for name in old_order if name in new_order]
    common_new = [name for name in new_order if name in old_order]
    if common_old != common_new:
        detail = (
            f"positional order ({', '.join(common_old)}) -> ({', '.join(common_new)})"
        )
        yield Change("CEL004", new.name, detail, old, new)
        return
    moves = [
        (name, old_order.index(name) + 1, new_order.index(name) + 1)
        for name in common_old
        if old_order.index(name) != new_order.index(name)
    ]
    if moves:
        yield Change("CEL004", new.name, _moves_detail(moves), old, new)


def _moves_detail(moves: list[tuple[str, int, int]]) -> str:
    """Describe positional parameters that moved, with positions counted from 1
    as the arguments of ``delay()`` (without ``self`` of a bound task)."""
    name, before, after = moves[0]
    first = f"positional parameter {name!r} moved from position {before} to {after}"
    others = [
        f"{name!r} from position {before} to {after}"
        for name, before, after in moves[1:]
    ]
    if not others:
        return first
    return f"{', '.join([first, *others[:-1]])} and {others[-1]}"


__all__ = ["CHANGE_KINDS", "Change", "compare", "locked_from_task", "reported"]
