"""What a plugin contributes: families, checks and their options."""

from __future__ import annotations

import enum
import importlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Protocol

from crucible_checks.findings import Finding, Severity

if TYPE_CHECKING:
    from crucible_checks.project import Project

OptionValue = str | int | float | bool | list[str] | dict[str, str]

_TYPE_NAMES: dict[type, str] = {
    str: "string",
    int: "integer",
    float: "number",
    bool: "boolean",
    list: "list of strings",
    dict: "table of strings",
}


class Scope(str, enum.Enum):
    """Whether a check looks at one file at a time or needs every file."""

    FILE = "file"
    PROJECT = "project"


@dataclass(frozen=True)
class Option:
    """A setting of a family or a check, read from its config table."""

    name: str
    type: type
    default: OptionValue
    help: str
    choices: tuple[str, ...] = ()

    @property
    def type_name(self) -> str:
        return _TYPE_NAMES[self.type]

    def accepts(self, value: object) -> bool:
        """Return whether ``value`` has this option's type and, if any, a choice."""
        if (
            self.type is float
            and isinstance(value, int)
            and not isinstance(value, bool)
        ):
            return True
        if self.type is int and isinstance(value, bool):
            return False
        if not isinstance(value, self.type):
            return False
        if isinstance(value, list):
            return all(isinstance(item, str) for item in value)
        if isinstance(value, dict):
            return all(isinstance(item, str) for item in value.values())
        return not self.choices or value in self.choices


@dataclass(frozen=True)
class Family:
    """A group of checks that share a config table and an index of the files."""

    name: str
    summary: str
    options: tuple[Option, ...] = ()


@dataclass(frozen=True)
class CheckInfo:
    """The metadata of a check: what `list` and `rule` show and config validates."""

    code: str
    name: str
    family: str
    summary: str
    explanation: str
    bad_example: str = ""
    good_example: str = ""
    options: tuple[Option, ...] = ()
    default_enabled: bool = True
    severity: Severity = Severity.ERROR
    scope: Scope = Scope.FILE
    plugin: str = field(default="", compare=False)


class Check(Protocol):
    """A check: its metadata and a function from the project to findings."""

    @property
    def info(self) -> CheckInfo: ...

    def run(
        self, project: Project, options: Mapping[str, OptionValue]
    ) -> Iterable[Finding]: ...


class DeferredCheck:
    """A check whose code is imported the first time it runs.

    A family lists its checks as ``DeferredCheck(info, "package.module:Class")``
    so that starting the tool imports metadata only: a run that selects no
    check of the family never imports its parser or its index.
    """

    def __init__(self, info: CheckInfo, target: str) -> None:
        self.info = info
        self.target = target
        self._check: Check | None = None

    def run(
        self, project: Project, options: Mapping[str, OptionValue]
    ) -> Iterable[Finding]:
        return self.load().run(project, options)

    def load(self) -> Check:
        """Import the check class and return its instance."""
        if self._check is None:
            module_name, _, class_name = self.target.partition(":")
            module = importlib.import_module(module_name)
            check: Check = getattr(module, class_name)()
            self._check = check
        return self._check
