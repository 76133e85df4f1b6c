"""Output formats: each turns a run's findings into text for one kind of reader."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol

from crucible_checks.checks import CheckInfo
from crucible_checks.findings import Finding

#: Characters that reorder the text around them (bidirectional overrides,
#: embeddings, isolates and marks), so "evil\u202etxt.md" reads "evildm.txt".
_BIDI = "\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069"
#: C0 controls except the line feed, DEL, C1 controls and bidi controls.
_CONTROL = re.compile(f"[\x00-\x09\x0b-\x1f\x7f-\x9f{_BIDI}]")
_ANY_CONTROL = re.compile(f"[\x00-\x1f\x7f-\x9f{_BIDI}]")
#: A line feed that an indented detail line does not follow.
_BARE_LINE_FEED = re.compile("\n(?!  )")


def escape_controls(text: str) -> str:
    """Replace each control character with a visible escape such as ``\\x1b``.

    The formats a person reads pass every message and source line through
    this, so text from a checked file cannot move the cursor or set the
    terminal title. A line feed stays only before an indented line, because
    some messages (PAR001) list details on indented lines of their own. Any
    other line feed, such as one in a task name, could start a forged finding
    line, so it is escaped too.
    """
    escaped = _CONTROL.sub(_visible, text)
    return _BARE_LINE_FEED.sub("\\\\x0a", escaped)


def escape_line(text: str) -> str:
    """Replace each control character, the line feed too, with a visible
    escape: for a name printed on a line of its own, which a line feed in a
    file or task name could otherwise split into a forged second line."""
    return _ANY_CONTROL.sub(_visible, text)


def _visible(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


@dataclass(frozen=True)
class OutputContext:
    """What a format may need beside the findings."""

    checks: Mapping[str, CheckInfo]
    files_checked: int
    tool_version: str
    root_uri: str


class OutputFormat(Protocol):
    """A named renderer of findings, such as ``concise`` or ``sarif``."""

    @property
    def name(self) -> str: ...

    def render(self, findings: Sequence[Finding], context: OutputContext) -> str: ...
