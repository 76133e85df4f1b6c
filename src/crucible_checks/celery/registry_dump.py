"""Print the task registry of a Celery app as JSON; run in a child process.

Usage: ``python -m crucible_checks.celery.registry_dump MODULE:ATTRIBUTE``.
Prints one JSON list of ``{"name", "file", "line"}`` objects on success. On
an import failure it prints the error on stderr and exits with status 3, so
the parent can tell it from a crash of the interpreter.
"""

from __future__ import annotations

import importlib
import inspect
import json
import sys
import traceback
from typing import Any

IMPORT_FAILED = 3


def load_app(reference: str) -> Any:
    """Import ``module:attribute`` and return the attribute."""
    module_name, _, attribute = reference.partition(":")
    module = importlib.import_module(module_name)
    app = module
    for part in (attribute or "app").split("."):
        app = getattr(app, part)
    return app


def describe(app: Any) -> list[dict[str, object]]:
    """Return each registered task's name and where its code is defined."""
    app.loader.import_default_modules()
    described = []
    for name, task in sorted(app.tasks.items()):
        run = getattr(task, "run", None)
        function = inspect.unwrap(run) if callable(run) else None
        try:
            file = inspect.getsourcefile(function) if function else None
            line = inspect.getsourcelines(function)[1] if function else 0
        except (OSError, TypeError):
            file, line = None, 0
        described.append({"name": name, "file": file, "line": line})
    return described


def main(argv: list[str]) -> int:
    try:
        app = load_app(argv[0])
        tasks = describe(app)
    except Exception:  # Any failure of the project's own import code.
        lines = traceback.format_exc().strip().splitlines()
        print(lines[-1], file=sys.stderr)
        return IMPORT_FAILED
    print(json.dumps(tasks))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
