"""Reading the task registry of the project's Celery app in a child process.

The app is imported by ``python -m crucible_checks.celery.registry_dump`` with
the project root and its import roots on ``PYTHONPATH``, so the project's
import side effects never reach this process and a hanging import is stopped.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from crucible_checks.celery.registry_dump import IMPORT_FAILED
from crucible_checks.errors import ConfigError

#: Seconds an app import may take before it is stopped.
IMPORT_TIMEOUT = 60.0


@dataclass(frozen=True)
class RegisteredTask:
    """A task in the imported app's registry and where its code is defined."""

    name: str
    file: Path | None
    line: int


def read_registry(
    app: str, root: Path, import_roots: tuple[str, ...]
) -> list[RegisteredTask]:
    """Import ``app`` (``module:attribute``) and return its registered tasks.

    Raises `ConfigError` when the app cannot be imported, naming the error.
    """
    folders = [str(root), *(str(root / folder) for folder in import_roots)]
    inherited = os.environ.get("PYTHONPATH")
    environment = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([*folders, *([inherited] if inherited else [])]),
    }
    command = [sys.executable, "-m", "crucible_checks.celery.registry_dump", app]
    try:
        done = subprocess.run(
            command,
            cwd=root,
            env=environment,
            capture_output=True,
            text=True,
            timeout=IMPORT_TIMEOUT,
            check=False,
        )
    except subprocess.TimeoutExpired as error:
        raise ConfigError(
            f"[celery] app {app!r}: importing the app timed out after "
            f"{IMPORT_TIMEOUT:g} s; check what the module does at import time"
        ) from error
    return _parse(app, done)


def _parse(app: str, done: subprocess.CompletedProcess[str]) -> list[RegisteredTask]:
    if done.returncode != 0:
        detail = done.stderr.strip().splitlines()[-1:] or [f"exit {done.returncode}"]
        how = "cannot be imported" if done.returncode == IMPORT_FAILED else "failed"
        raise ConfigError(
            f"[celery] app {app!r} {how}: {detail[0]}; set app to 'module:attribute' "
            "of the Celery app and install the project's dependencies"
        )
    return [
        RegisteredTask(
            str(item["name"]),
            Path(item["file"]) if item.get("file") else None,
            int(item.get("line") or 0),
        )
        for item in json.loads(done.stdout)
    ]
