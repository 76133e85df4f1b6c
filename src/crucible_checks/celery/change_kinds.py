"""The kinds of task change the compatibility checks report, and when each breaks.

BACKWARD: a new worker must accept every message an old producer may have
queued. FORWARD: an old worker must accept every message a new producer
sends (a rolling deploy). FULL: both. NONE: nothing is compared.
`CHANGE_KINDS` states, for each kind of change, which directions it breaks.
It is metadata only, so the plugin module can describe the checks without
importing the comparison.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ChangeKind:
    """A kind of change and the directions in which it breaks messages."""

    code: str
    name: str
    summary: str
    backward: bool
    forward: bool
    why: str


CHANGE_KINDS = {
    kind.code: kind
    for kind in (
        ChangeKind(
            "CEL001",
            "task-removed",
            "A task in the lock file no longer exists under its name.",
            True,
            False,
            "queued messages name a task the new worker no longer registers",
        ),
        ChangeKind(
            "CEL002",
            "required-parameter-added",
            "A task gained a parameter without a default.",
            True,
            True,
            "old messages lack the argument; old workers reject the new one",
        ),
        ChangeKind(
            "CEL003",
            "parameter-removed",
            "A task lost a parameter that no **kwargs absorbs.",
            True,
            True,
            "old messages still pass the argument and nothing absorbs it; old "
            "workers miss it when it had no default",
        ),
        ChangeKind(
            "CEL004",
            "parameters-reordered",
            "A task's positional parameters changed order or position.",
            True,
            True,
            "positional arguments land in the wrong parameters",
        ),
        ChangeKind(
            "CEL005",
            "parameter-renamed",
            "A task parameter was renamed.",
            True,
            True,
            "arguments passed by keyword no longer match",
        ),
        ChangeKind(
            "CEL006",
            "bind-changed",
            "A task's bind option changed without the matching first parameter.",
            True,
            True,
            "the first parameter starts or stops receiving the task instance",
        ),
        ChangeKind(
            "CEL007",
            "serializer-changed",
            "A task's serializer changed.",
            True,
            True,
            "workers must accept the other content type",
        ),
        ChangeKind(
            "CEL008",
            "queue-changed",
            "A task's queue changed.",
            True,
            True,
            "messages wait in the queue the other side no longer uses",
        ),
        ChangeKind(
            "CEL009",
            "task-added",
            "A new task exists that workers still running old code do not register.",
            False,
            True,
            "old workers drop messages for a task they do not register",
        ),
        ChangeKind(
            "CEL010",
            "optional-parameter-added",
            "A task gained an optional parameter that old workers reject.",
            False,
            True,
            "old workers reject the argument new producers pass",
        ),
        ChangeKind(
            "CEL011",
            "default-removed",
            "A task parameter lost its default value.",
            True,
            False,
            "old messages may omit the argument that is now required",
        ),
        ChangeKind(
            "CEL015",
            "parameter-made-keyword-only",
            "A positional task parameter became keyword-only.",
            True,
            False,
            "the new worker no longer takes it by position, so an old message "
            "that passes it by position raises TypeError, or *args takes the value",
        ),
        ChangeKind(
            "CEL016",
            "parameter-made-positional",
            "A keyword-only task parameter became positional.",
            False,
            True,
            "old workers take it only by keyword, so they reject a new message "
            "that passes it by position",
        ),
        ChangeKind(
            "CEL017",
            "parameter-made-positional-only",
            "A task parameter became positional-only (before '/').",
            True,
            False,
            "the new worker no longer takes it by keyword, so an old message "
            "that passes it by keyword raises TypeError",
        ),
        ChangeKind(
            "CEL018",
            "parameter-no-longer-positional-only",
            "A positional-only task parameter may now be passed by keyword.",
            False,
            True,
            "old workers take it only by position, so they reject a new message "
            "that passes it by keyword",
        ),
    )
}


def reported(code: str, mode: str) -> bool:
    """Return whether a change of kind ``code`` is reported in ``mode``."""
    kind = CHANGE_KINDS[code]
    if mode == "BACKWARD":
        return kind.backward
    if mode == "FORWARD":
        return kind.forward
    if mode == "FULL":
        return kind.backward or kind.forward
    return False
