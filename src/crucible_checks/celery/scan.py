"""Scanning one Python file into `FileFacts`; the unit the index caches."""

from __future__ import annotations

import ast
from collections.abc import Sequence

from crucible_checks.celery.facts import FileFacts
from crucible_checks.celery.scan_calls import scan_calls
from crucible_checks.celery.scan_config import scan_config
from crucible_checks.celery.scan_context import module_names
from crucible_checks.celery.scan_tasks import TaskScanner
from crucible_checks.celery.walk import breadth_first
from crucible_checks.python_source import PythonSource

#: A file that contains none of these cannot define, call or configure a task,
#: so it is not parsed. Project-configured decorator names are added to them.
NEEDLES = (
    "task",
    "Task",
    "celery",
    "Celery",
    "CELERY",
    "BROKER",
    "broker",
    "delay",
    "apply_async",
    "signature",
    ".s(",
    ".si(",
    "beat_schedule",
)


def may_matter(text: str, decorators: Sequence[str]) -> bool:
    """Return whether ``text`` may hold tasks, task calls or Celery settings."""
    return any(needle in text for needle in NEEDLES) or any(
        name.rsplit(".", 1)[-1] in text for name in decorators
    )


def scan_tree(path: str, tree: ast.Module, decorators: Sequence[str]) -> FileFacts:
    """Return the tasks, aliases, call sites and settings of a parsed module."""
    facts = FileFacts(path)
    names = module_names(tree)
    nodes = breadth_first(tree, (ast.Call, ast.Assign, ast.BinOp))
    calls = [node for node in nodes if isinstance(node, ast.Call)]
    TaskScanner(facts, names, decorators).scan(tree, calls)
    facts.calls = scan_calls(tree, path, names, nodes)
    facts.config = scan_config(tree, path, names, nodes)
    return facts


def scan_source(source: PythonSource, decorators: Sequence[str]) -> FileFacts:
    """Return the facts of a file read by `read_python`, or why it was skipped."""
    path = source.file.relative
    if source.tree is None:
        return FileFacts(
            path,
            error=source.error or "cannot parse",
            error_line=source.error_line,
            error_column=source.error_column,
        )
    return scan_tree(path, source.tree, decorators)
