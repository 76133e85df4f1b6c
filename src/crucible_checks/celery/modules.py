"""Module names of files, as Python imports them and Celery names tasks after them."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import PurePosixPath

from crucible_checks.python_source import module_name


class ModuleNamer:
    """Names modules below configured import roots or, with none configured,
    below the first folder upwards that is not a package (has no __init__.py).

    A file outside any package is named from the project root (a leading
    ``src/`` dropped), as for namespace packages run from the root.
    """

    def __init__(self, import_roots: Sequence[str], all_paths: Iterable[str]) -> None:
        self.import_roots = tuple(import_roots)
        # Plain string operations: this runs once per file of the project.
        self.packages = {
            path.rpartition("/")[0] or "."
            for path in all_paths
            if path == "__init__.py" or path.endswith("/__init__.py")
        }

    def name(self, relative: str) -> str:
        if self.import_roots:
            return module_name(relative, self.import_roots)
        folder = PurePosixPath(relative).parent
        if str(folder) not in self.packages:
            return module_name(relative)
        while str(folder) in self.packages and str(folder) != ".":
            folder = folder.parent
        return module_name(relative, [str(folder)] if str(folder) != "." else ["src"])


def resolve_reference(reference: str, module: str, is_package: bool) -> str:
    """Resolve a ``:name`` or relative (``..x``) reference from ``module``."""
    if reference.startswith(":"):
        return f"{module}.{reference[1:]}" if module else reference[1:]
    if not reference.startswith("."):
        return reference
    level = len(reference) - len(reference.lstrip("."))
    package = module.split(".") if is_package else module.split(".")[:-1]
    base = package[: len(package) - (level - 1)] if level > 1 else package
    rest = reference[level:]
    return ".".join([*base, rest] if rest else base)
