"""Reading Python source once per run, for the families that read code statically.

Checks never import the project: a pre-commit hook runs without the project's
dependencies, so tasks, routes and queue names are read from the syntax tree.
"""

from __future__ import annotations

import ast
import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import PurePosixPath

from crucible_checks.cache import content_hash
from crucible_checks.files import SourceFile
from crucible_checks.project import Project


@dataclass(frozen=True)
class PythonSource:
    """One Python file's text and syntax tree, or why it could not be parsed."""

    file: SourceFile
    text: str | None
    digest: str
    tree: ast.Module | None
    error: str | None
    error_line: int = 1
    error_column: int = 1


def read_python(project: Project, file: SourceFile) -> PythonSource:
    """Return the parsed file, reading and parsing it at most once per run."""
    memo: dict[str, PythonSource] = project.shared("python.sources", dict)
    if file.relative not in memo:
        memo[file.relative] = _parse(project, file)
    return memo[file.relative]


def parsed_already(project: Project, file: SourceFile) -> PythonSource | None:
    """Return the file as `read_python` returned it in this run, if it did."""
    memo: dict[str, PythonSource] = project.shared("python.sources", dict)
    return memo.get(file.relative)


def _parse(project: Project, file: SourceFile) -> PythonSource:
    data = project.read_bytes(file)
    if data is None:
        reason = project.read_problems[file.relative].reason
        return PythonSource(file, None, "", None, reason)
    digest = content_hash(data)
    text = project.decode(file, data)
    if text is None:
        reason = project.read_problems[file.relative].reason
        return PythonSource(file, None, digest, None, reason)
    return parse_text(file, text, digest)


def parse_text(file: SourceFile, text: str, digest: str) -> PythonSource:
    """Parse ``text``; a syntax error, including syntax newer than this Python,
    becomes the ``error`` of the result."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", SyntaxWarning)
            # Python accepts a UTF-8 byte-order mark in source files, but
            # ast.parse rejects U+FEFF in a str, so it is dropped here.
            tree = ast.parse(text.removeprefix("\ufeff"), filename=file.relative)
    except SyntaxError as error:
        reason = f"syntax error: {error.msg}"
        return PythonSource(
            file, text, digest, None, reason, error.lineno or 1, error.offset or 1
        )
    except (ValueError, RecursionError, MemoryError) as error:
        return PythonSource(file, text, digest, None, f"cannot parse: {error}")
    return PythonSource(file, text, digest, tree, None)


def module_name(relative: str, import_roots: Sequence[str] = ()) -> str:
    """Return the dotted module name of a file, as Celery names tasks after it.

    The name starts below the first import root that contains the file (such as
    ``src``); with no root given, a leading ``src/`` folder is dropped.
    """
    path = PurePosixPath(relative)
    roots = list(import_roots) or ["src"]
    for root in sorted(roots, key=len, reverse=True):
        root_path = PurePosixPath(root)
        if root not in ("", ".") and root_path in path.parents:
            path = path.relative_to(root_path)
            break
    parts = list(path.with_suffix("").parts)
    if parts and parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)
