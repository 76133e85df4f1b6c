"""The Finding type that every check returns, and its fingerprint."""

from __future__ import annotations

import enum
import hashlib
from dataclasses import dataclass, field


class Severity(str, enum.Enum):
    """How much a finding matters; errors and warnings fail a run, info does not."""

    ERROR = "error"
    WARNING = "warning"
    INFO = "info"

    @property
    def fails_run(self) -> bool:
        return self is not Severity.INFO


@dataclass(frozen=True)
class Edit:
    """Replacement of the characters ``start:end`` of a file's text.

    Offsets index the text decoded as UTF-8 with newlines left untranslated,
    so applying an edit keeps every other byte of the file as it was.
    """

    path: str
    start: int
    end: int
    replacement: str


@dataclass(frozen=True)
class Fix:
    """A set of edits that resolves one finding."""

    description: str
    edits: tuple[Edit, ...]


@dataclass(frozen=True, order=True)
class Finding:
    """One problem found by a check, located in a file relative to the project root.

    ``subject`` names what the finding is about (a link target, a task name),
    so the fingerprint stays the same when lines above the finding move.
    """

    path: str
    line: int
    column: int
    code: str
    message: str
    severity: Severity = Severity.ERROR
    end_line: int | None = None
    end_column: int | None = None
    subject: str = ""
    fix: Fix | None = field(default=None, compare=False)

    @property
    def fingerprint(self) -> str:
        about = self.subject or self.message
        # A file name that is not valid UTF-8 holds surrogate escapes (PEP 383).
        text = f"{self.code}\0{self.path}\0{about}"
        digest = hashlib.sha256(text.encode("utf-8", "surrogateescape"))
        return digest.hexdigest()[:20]

    @property
    def location(self) -> str:
        return f"{self.path}:{self.line}:{self.column}"
