"""Writing a planned page move (`docs mv`) so that it happens whole or not at all.

Every new content is computed and every file checked writable before the
first write. The linking pages are then replaced one at a time, atomically,
and the moved page is written last. An error or an interrupt half-way puts
back every file already written, so the move changes nothing.
"""

from __future__ import annotations

import contextlib
import os
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from crucible_checks import atomic
from crucible_checks.docs.move import MovePlan
from crucible_checks.errors import UsageError
from crucible_checks.files import Walker
from crucible_checks.findings import Edit


@dataclass(frozen=True)
class FileWrite:
    """One file a move writes: where (symlinks followed), the new bytes, and
    the bytes to put back on failure (None for the moved page, a new file)."""

    path: Path
    data: bytes
    original: bytes | None


@dataclass(frozen=True)
class PreparedMove:
    """Every write of a move, checked, and the page to delete at the end."""

    writes: tuple[FileWrite, ...]
    old_page: Path
    new_folders: tuple[Path, ...]


def prepare_move(
    root: Path, walker: Walker, roots: list[str], plan: MovePlan
) -> PreparedMove:
    """Check the move's target and files and compute every new content.

    Raises `UsageError`, naming the path, for a target that already exists
    (a file, a folder or a git-ignored file) or lies below a file. It is also
    raised for a target the walk skips or that is outside the roots, and for a
    file that cannot be read or written.
    """
    _check_target(root, walker, roots, plan.new)
    old_page = root / plan.old
    if old_page.is_symlink():
        raise UsageError(
            f"docs mv: {plan.old} is a symlink; move the file it points to instead"
        )
    writes: dict[Path, FileWrite] = {}
    for path, edits in sorted(plan.edits.items()):
        if path != plan.old and edits:
            _add_write(writes, path, _linking_page(root, path), edits)
    moved = _edited(_read(old_page, plan.old), plan.edits.get(plan.old, []))
    new_page = FileWrite(root / plan.new, moved, None)
    prepared = PreparedMove(
        (*writes.values(), new_page), old_page, _missing_folders(root, plan.new)
    )
    _check_writable(root, prepared)
    return prepared


def write_move(prepared: PreparedMove) -> None:
    """Write every file, then delete the old page; on any failure, undo it all.

    Raises `UsageError` when a write fails (the files are put back first) and
    re-raises an interrupt after putting them back.
    """
    done: list[FileWrite] = []
    try:
        for write in prepared.writes:
            # Listed before the write: an interrupt may come after the file
            # is replaced, and putting back an unchanged file is harmless.
            done.append(write)
            atomic.write_atomic(write.path, write.data)
        prepared.old_page.unlink()
    except BaseException as error:
        _roll_back(done, prepared.new_folders)
        if isinstance(error, OSError):
            raise UsageError(
                f"docs mv: writing {error.filename or 'a file'} failed: "
                f"{error.strerror or error}; nothing was changed"
            ) from error
        raise


def _check_target(root: Path, walker: Walker, roots: list[str], new: str) -> None:
    target = root / new
    if target.is_dir():
        raise UsageError(f"docs mv: {new} is a folder; give the page's new file name")
    if os.path.lexists(target):
        raise UsageError(
            f"docs mv: {new} already exists (it may be git-ignored); "
            "choose another name or remove that file first"
        )
    for parent in reversed(PurePosixPath(new).parents[:-1]):
        if os.path.lexists(root / parent) and not (root / parent).is_dir():
            raise UsageError(
                f"docs mv: {parent} is a file, not a folder; choose another path"
            )
    if walker.is_skipped(target) or not _under_roots(new, roots):
        raise UsageError(
            f"docs mv: {new} is excluded from the checks ('roots', 'exclude' or "
            ".gitignore), so links to it would be dead; choose another folder"
        )


def _under_roots(path: str, roots: list[str]) -> bool:
    for name in roots:
        folder = os.path.normpath(name).replace(os.sep, "/")
        if folder == "." or path.startswith(folder + "/"):
            return True
    return False


def _linking_page(root: Path, path: str) -> Path:
    """Return the file to write for a page, following symlinks inside the project."""
    real = (root / path).resolve()
    if not real.is_relative_to(root.resolve()):
        raise UsageError(
            f"docs mv: {path} leads to {real}, outside the project; "
            "rewrite its links by hand or move it into the project"
        )
    return real


def _add_write(
    writes: dict[Path, FileWrite], path: str, real: Path, edits: list[Edit]
) -> None:
    original = _read(real, path)
    write = FileWrite(real, _edited(original, edits), original)
    if real in writes and writes[real] != write:
        raise UsageError(
            f"docs mv: {path} and another page are the same file {real}, whose "
            "links differ by folder; rewrite them by hand"
        )
    writes[real] = write


def _read(path: Path, name: str) -> bytes:
    try:
        return path.read_bytes()
    except OSError as error:
        raise UsageError(
            f"docs mv: cannot read {name}: {error.strerror or error}; "
            "nothing was changed"
        ) from error


def _edited(data: bytes, edits: list[Edit]) -> bytes:
    text = data.decode("utf-8", "surrogateescape")
    for edit in sorted(edits, key=lambda edit: edit.start, reverse=True):
        text = text[: edit.start] + edit.replacement + text[edit.end :]
    return text.encode("utf-8", "surrogateescape")


def _missing_folders(root: Path, new: str) -> tuple[Path, ...]:
    """Return the folders that writing the new page creates, deepest first."""
    return tuple(
        root / parent
        for parent in PurePosixPath(new).parents[:-1]
        if not (root / parent).exists()
    )


def _check_writable(root: Path, prepared: PreparedMove) -> None:
    """Raise `UsageError` unless every file and folder a move changes is writable.

    An atomic write replaces a file through its folder, so the folder must be
    writable too. For a folder still to be created, its nearest existing
    ancestor must be writable.
    """
    for write in prepared.writes:
        if write.original is not None and not os.access(write.path, os.W_OK):
            _not_writable(root, write.path)
        folder = write.path.parent
        while not folder.exists():
            folder = folder.parent
        if not os.access(folder, os.W_OK | os.X_OK):
            _not_writable(root, folder)
    if not os.access(prepared.old_page.parent, os.W_OK | os.X_OK):
        _not_writable(root, prepared.old_page.parent)


def _not_writable(root: Path, path: Path) -> None:
    name = path.relative_to(root) if path.is_relative_to(root) else path
    raise UsageError(
        f"docs mv: {name} is not writable; allow writing to it, then run again "
        "(nothing was changed)"
    )


def _roll_back(done: list[FileWrite], new_folders: tuple[Path, ...]) -> None:
    """Put back the files of an unfinished move, and remove what it created."""
    failed = []
    for write in reversed(done):
        try:
            if write.original is None:
                write.path.unlink(missing_ok=True)
            else:
                atomic.write_atomic(write.path, write.original)
        except OSError:
            failed.append(str(write.path))
    for folder in new_folders:
        # A folder that was not created, or is not empty, stays.
        with contextlib.suppress(OSError):
            folder.rmdir()
    if failed:
        raise UsageError(
            "docs mv stopped half-way and could not put back "
            + ", ".join(failed)
            + "; restore them from version control"
        )
