"""The plain git hook scripts and placing them in a repository's hooks folder.

The scripts in the project's hooks/ folder are `render_hook(name)` with no
interpreter, and a test keeps them equal. `install` writes them with the path
of the running Python, so the hook finds crucible-checks even when its
virtualenv is not active.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from crucible_checks.atomic import write_text_atomic
from crucible_checks.errors import UsageError
from crucible_checks.git_snapshot import git

HOOK_NAMES = ("pre-commit", "pre-push")
MARKER = "# crucible-checks git hook"
BACKUP_SUFFIX = ".crucible-checks-backup"

_PURPOSE = {
    "pre-commit": "checks the staged files (the index), not the working tree",
    "pre-push": "checks the whole project at each commit being pushed",
}

_TEMPLATE = """\
#!/bin/sh
{marker}: {purpose}.
# Placed by 'crucible-checks git-hooks install'; removed by
# 'crucible-checks git-hooks uninstall'.
CRUCIBLE_CHECKS_PYTHON='{python}'
if [ -n "$CRUCIBLE_CHECKS_PYTHON" ] && [ -x "$CRUCIBLE_CHECKS_PYTHON" ]; then
    exec "$CRUCIBLE_CHECKS_PYTHON" -m crucible_checks.cli git-hooks run {name} "$@"
fi
if command -v crucible-checks >/dev/null 2>&1; then
    exec crucible-checks git-hooks run {name} "$@"
fi
echo "crucible-checks: command not found; install it or remove $0" >&2
exit 1
"""


@dataclass(frozen=True)
class HookChange:
    """The action taken on one hook file, for the command to report."""

    path: Path
    action: str


def render_hook(name: str, python: str = "") -> str:
    """Return the script of hook ``name``, calling ``python`` when it is set."""
    if "'" in python:
        raise UsageError(f"{python}: a Python path with a quote cannot be installed")
    return _TEMPLATE.format(
        marker=MARKER, purpose=_PURPOSE[name], python=python, name=name
    )


def hooks_folder(cwd: Path) -> Path:
    """Return the hooks folder of the repository at ``cwd``, honouring
    ``core.hooksPath``."""
    try:
        output = git(cwd, "rev-parse", "--git-path", "hooks")
    except UsageError as error:
        raise UsageError(f"{cwd}: not a git repository ({error})") from error
    return (cwd / output.strip()).resolve()


def is_ours(path: Path) -> bool:
    try:
        return MARKER in path.read_text("utf-8", "replace")
    except OSError:
        return False


def install(folder: Path, python: str, force: bool) -> list[HookChange]:
    """Write every hook into ``folder``.

    A hook of another tool is kept unless ``force``; then it is moved aside to
    ``NAME.crucible-checks-backup`` and `uninstall` puts it back. Raises
    `UsageError`, before writing anything, when a foreign hook is in the way.
    """
    foreign = [
        folder / name
        for name in HOOK_NAMES
        if (folder / name).exists() and not is_ours(folder / name)
    ]
    if foreign and not force:
        names = ", ".join(str(path) for path in foreign)
        backups = ", ".join(f"{path.name}{BACKUP_SUFFIX}" for path in foreign)
        raise UsageError(
            f"{names}: hook of another tool exists; rerun with --force to move it "
            f"aside to {backups}"
        )
    folder.mkdir(parents=True, exist_ok=True)
    changes = []
    for name in HOOK_NAMES:
        path = folder / name
        if path in foreign:
            path.replace(path.with_name(name + BACKUP_SUFFIX))
            changes.append(
                HookChange(path, f"moved the old hook to {name}{BACKUP_SUFFIX}")
            )
        write_text_atomic(path, render_hook(name, python))
        path.chmod(0o755)
        changes.append(HookChange(path, "installed"))
    return changes


def uninstall(folder: Path) -> list[HookChange]:
    """Remove the hooks this tool wrote and restore any it moved aside."""
    changes = []
    for name in HOOK_NAMES:
        path = folder / name
        backup = path.with_name(name + BACKUP_SUFFIX)
        if path.exists() and not is_ours(path):
            changes.append(HookChange(path, "kept: not a crucible-checks hook"))
            continue
        if path.exists():
            path.unlink()
            changes.append(HookChange(path, "removed"))
        if backup.exists():
            backup.replace(path)
            changes.append(HookChange(path, f"restored from {backup.name}"))
    return changes
