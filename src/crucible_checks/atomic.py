"""Writing files atomically, so a crash or a full disk never leaves half a file."""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO


def write_atomic(path: Path, data: bytes, durable: bool = True) -> None:
    """Replace ``path`` with ``data`` through a temporary file in the same folder.

    An existing file keeps its permission bits, and a new one gets the mode the
    umask allows, as `open` would give it. Readers see the old or the new
    content, never a mix. ``durable`` flushes the data to disk before the
    rename, so a crash cannot leave an empty file in its place.
    """
    write_atomic_with(path, lambda file: file.write(data), durable)


def write_atomic_with(
    path: Path, write: Callable[[BinaryIO], object], durable: bool = True
) -> None:
    """Replace ``path`` as `write_atomic` does, with what ``write`` writes to
    the open temporary file: a large file need not be built in memory first."""
    try:
        mode = path.stat().st_mode & 0o7777
    except FileNotFoundError:
        mode = 0o666 & ~_current_umask()
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(
        dir=path.parent, prefix=f".{path.name}.", suffix=".tmp"
    )
    try:
        with os.fdopen(handle, "wb") as file:
            write(file)
            file.flush()
            if durable:
                os.fsync(file.fileno())
        Path(temporary).chmod(mode)
        Path(temporary).replace(path)
    except BaseException:
        with contextlib.suppress(OSError):
            Path(temporary).unlink()
        raise


def _current_umask() -> int:
    """Return the process umask; reading it means setting it, so set it back."""
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def write_text_atomic(path: Path, text: str) -> None:
    """Write ``text`` as UTF-8, newlines untranslated, atomically."""
    write_atomic(path, text.encode("utf-8", "surrogateescape"))
