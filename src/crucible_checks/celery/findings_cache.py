"""Findings of the celery checks kept between runs, under a key of their inputs.

The findings of a celery check follow from the task index, the celery
settings, the check's options and, for the compatibility checks, the lock
file. The index is represented by its key, the facts hash of every file. So
when no file's facts changed (an edited comment, a new helper module), a run
returns the stored findings without loading the index or running the rule.
The key also covers the size and modification time of this package's modules,
so a changed rule does not return findings stored by its older code.

Each check stores its findings in a file of its own in the cache folder.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import json
import os
import pickle
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path

from crucible_checks.cache import (
    DAMAGED_CACHE_ERRORS,
    prepare_folder,
    read_cache_file,
    write_cache_bytes,
)
from crucible_checks.celery.file_facts import index_facts
from crucible_checks.celery.settings import celery_settings
from crucible_checks.checks import CheckInfo, OptionValue
from crucible_checks.findings import Finding
from crucible_checks.project import Project

#: Bump when the stored form of the findings changes.
FINDINGS_VERSION = 1


def cached_findings(
    project: Project,
    info: CheckInfo,
    options: Mapping[str, OptionValue],
    inputs: Sequence[object],
    compute: Callable[[], Iterable[Finding]],
) -> list[Finding]:
    """Return the findings of check ``info`` stored under the current inputs, or
    call ``compute`` and store what it returns.

    ``inputs`` are what the findings depend on besides the index, the celery
    settings and ``options``; each must have a stable `repr`. An exception
    from ``compute`` propagates and stores nothing.
    """
    facts = index_facts(project)
    if facts.folder is None:
        return list(compute())
    settings = dataclasses.astuple(celery_settings(project))
    key = _key([info.code, facts.key, settings, options, inputs, _code_stamps()])
    path = facts.folder / f"celery.findings.{info.code}.pickle"
    stored = _load(path, key)
    if stored is not None:
        return stored
    found = list(compute())
    _save(path, key, found)
    return found


def file_digest(path: Path) -> str | None:
    """Return a digest of a file's content, ``"missing"`` when there is no file,
    or None when it cannot be read (so findings that depend on it are not
    stored)."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return "missing"
    except OSError:
        return None
    return hashlib.blake2b(data, digest_size=16).hexdigest()


def _key(parts: list[object]) -> str:
    text = json.dumps([FINDINGS_VERSION, *parts], sort_keys=True, default=repr)
    return hashlib.sha256(text.encode("utf-8", "surrogateescape")).hexdigest()


@functools.cache
def _code_stamps() -> list[tuple[str, int, int]]:
    """Return the name, size and modification time (ns) of each module of this
    package, or nothing when the package is not a folder (a zip import)."""
    try:
        with os.scandir(Path(__file__).parent) as entries:
            stamps = [
                (entry.name, entry.stat().st_size, entry.stat().st_mtime_ns)
                for entry in entries
                if entry.name.endswith(".py")
            ]
    except OSError:
        return []
    return sorted(stamps)


def _load(path: Path, key: str) -> list[Finding] | None:
    try:
        stored_key, findings = pickle.loads(read_cache_file(path))
    except DAMAGED_CACHE_ERRORS:
        return None
    except (AttributeError, ImportError, IndexError):
        return None  # Written by another version of the tool.
    if stored_key != key or not isinstance(findings, list):
        return None
    return findings


def _save(path: Path, key: str, findings: list[Finding]) -> None:
    data = pickle.dumps((key, findings), protocol=pickle.HIGHEST_PROTOCOL)
    try:
        prepare_folder(path.parent)
        write_cache_bytes(path, data)
    except OSError:
        return  # A read-only checkout still runs, only without stored findings.
