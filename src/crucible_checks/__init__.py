"""Checks for wiki-linked docs and Celery migrations, run on every commit."""

from crucible_checks.checks import Check, CheckInfo, Family, Option, Scope
from crucible_checks.errors import ConfigError, CrucibleError, PluginError, UsageError
from crucible_checks.findings import Edit, Finding, Fix, Severity
from crucible_checks.hookspecs import hookimpl
from crucible_checks.project import Project
from crucible_checks.run import RunResult, run

__version__ = "0.1.0"

__all__ = [
    "Check",
    "CheckInfo",
    "ConfigError",
    "CrucibleError",
    "Edit",
    "Family",
    "Finding",
    "Fix",
    "Option",
    "PluginError",
    "Project",
    "RunResult",
    "Scope",
    "Severity",
    "UsageError",
    "__version__",
    "hookimpl",
    "run",
]
