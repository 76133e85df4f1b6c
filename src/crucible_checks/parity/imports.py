"""Resolving 'module:attribute' references to objects of the project under test."""

from __future__ import annotations

import importlib
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from crucible_checks.parity.errors import ParityError


def add_import_paths(root: Path, folders: Iterable[str]) -> list[str]:
    """Put ``folders`` (relative to ``root``) first on sys.path; return them."""
    added = []
    for folder in folders:
        path = str((root / folder).resolve())
        if path not in sys.path:
            sys.path.insert(0, path)
        added.append(path)
    return added


def resolve(reference: str, what: str) -> Any:
    """Import ``module:attribute`` and return the attribute."""
    module_name, colon, attribute = reference.partition(":")
    if not colon or not module_name or not attribute:
        raise ParityError(
            f"{what} {reference!r} is not in the form 'module:attribute', "
            "for example 'app.legacy_worker:main'"
        )
    try:
        module = importlib.import_module(module_name)
    except ImportError as error:
        raise ParityError(f"{what} {reference!r}: cannot import: {error}") from error
    try:
        return getattr(module, attribute)
    except AttributeError:
        raise ParityError(
            f"{what} {reference!r}: module {module_name!r} has no {attribute!r}"
        ) from None


def resolve_celery_app(reference: str) -> Any:
    """Import ``module:attribute`` and check that it is a Celery app."""
    from celery import Celery

    app = resolve(reference, "Celery app")
    if not isinstance(app, Celery):
        raise ParityError(
            f"celery-app {reference!r} is a {type(app).__name__}, not a Celery "
            "app; point it at the Celery() instance, for example 'app:app'"
        )
    return app
