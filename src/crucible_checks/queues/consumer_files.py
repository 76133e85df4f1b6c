"""Which project files may start Celery workers, and in which format."""

from __future__ import annotations

import posixpath

#: Extensions of files read as shell command lines.
_SHELL_SUFFIXES = (".sh", ".bash", ".zsh")
_YAML_SUFFIXES = (".yml", ".yaml")
_CONFIG_SUFFIXES = (".conf", ".ini", ".cfg")
_MAKEFILE_NAMES = ("makefile", "gnumakefile")


def file_kind(relative: str) -> str | None:
    """Return the format of a file that may contain a worker command, or None."""
    # String functions, not PurePosixPath: this runs on every file of a run.
    name = posixpath.basename(relative).lower()
    suffix = posixpath.splitext(name)[1]
    if suffix == ".":
        suffix = ""  # As PurePath reads "name.": no suffix.
    if name.startswith("procfile"):
        return "procfile"
    if suffix in _YAML_SUFFIXES:
        return "yaml"
    if name in _MAKEFILE_NAMES or suffix == ".mk":
        return "make"
    if name.startswith(("dockerfile", "containerfile")) or suffix == ".dockerfile":
        return "dockerfile"
    if suffix in _SHELL_SUFFIXES:
        return "shell"
    if suffix == ".service":
        return "systemd"
    if suffix in _CONFIG_SUFFIXES:
        return "supervisord"
    if not suffix:
        return "script"
    return None


def may_start_worker(kind: str, data: bytes) -> bool:
    """Return whether a file of ``kind`` mentions both ``celery`` and ``worker``.

    A file without a suffix counts only as a shell script with a ``#!`` line.
    """
    if kind == "script" and not data.startswith(b"#!"):
        return False
    return b"celery" in data and b"worker" in data
