"""Rewriting links to a page under its new name: for `run --fix` and `docs mv`.

`run --fix` repairs a dead link whose target git records as renamed, in the
history of the checked-out branch or staged in the index (`git mv` before a
commit). The replacement covers the link's target only, so every other byte of
the file stays as it was.
"""

from __future__ import annotations

import posixpath
import subprocess
from pathlib import Path
from urllib.parse import quote

from crucible_checks.docs.records import Link
from crucible_checks.docs.resolve import MISSING, MISSING_ATTACHMENT
from crucible_checks.docs.vault import Page, Vault
from crucible_checks.findings import Edit, Fix
from crucible_checks.project import Project

_RENAMES_KEY = "docs.renames"
#: Characters that a Markdown link destination cannot carry as they are.
_ENCODED_IN_DESTINATION = frozenset("%#?()<>\\")
_GIT_COMMANDS = (
    (
        "git",
        "diff",
        "--cached",
        "--name-status",
        "-z",
        "-M",
        "--diff-filter=R",
        "--relative",
    ),
    (
        "git",
        "log",
        "--name-status",
        "-z",
        "-M",
        "--diff-filter=R",
        "--format=",
        "--relative",
    ),
)


def git_renames(root: Path) -> dict[str, str]:
    """Return each renamed path and its newest name, relative to ``root``.

    Returns an empty mapping outside a git repository or without git.
    """
    newer: dict[str, str] = {}
    for command in _GIT_COMMANDS:
        try:
            completed = subprocess.run(
                [*command, "--", "."], cwd=root, capture_output=True, check=True
            )
        except (OSError, subprocess.CalledProcessError):
            return {}
        output = completed.stdout.decode("utf-8", "replace")
        fields = [part.strip("\n") for part in output.split("\0")]
        for index, status in enumerate(fields[:-2]):
            if status.startswith("R") and status[1:].isdigit():
                newer.setdefault(fields[index + 1], fields[index + 2])
    return {old: _newest(old, newer) for old in newer}


def _newest(path: str, newer: dict[str, str]) -> str:
    seen = {path}
    while path in newer and newer[path] not in seen:
        path = newer[path]
        seen.add(path)
    return path


def rename_fix(project: Project, vault: Vault, source: str, link: Link) -> Fix | None:
    """Return a fix that points a dead link at its page's new name, if git has one."""
    renames = project.shared(_RENAMES_KEY, lambda: git_renames(project.root))
    if not renames:
        return None
    new_path = _renamed_target(vault, renames, source, link)
    if new_path is None or new_path not in vault.files:
        return None
    if not link.is_wiki:
        replacement = relative_target(posixpath.dirname(source), new_path, link.target)
    elif new_path in vault.pages:
        replacement = wiki_name(vault, vault.pages[new_path], link.target, source)
        replacement = _keep_shown_text(vault, link, replacement)
    else:
        found = _attachment_name(vault, new_path, link.target, source)
        if found is None:
            return None
        replacement = found
    edit = Edit(source, link.target_start, link.target_end, replacement)
    kind = "page" if new_path in vault.pages else "file"
    return Fix(f"point the link at {new_path}, the {kind}'s new name", (edit,))


def _keep_shown_text(vault: Vault, link: Link, replacement: str) -> str:
    """Add the old name as the shown text, so the rendered page reads the same.

    Only a plain ``[[Old Name]]`` gets it: a link with shown text already keeps
    it, and a heading part or an embed has no shown text to keep.
    """
    bare = link.alias is None and link.fragment is None and not link.embed
    if not bare or replacement == link.target:
        return replacement
    if vault.settings.alias_first:
        return f"{link.target}|{replacement}"
    return f"{replacement}|{link.target}"


def _renamed_target(
    vault: Vault, renames: dict[str, str], source: str, link: Link
) -> str | None:
    resolution = vault.resolve(link, source)
    if not link.is_wiki:
        return renames.get(resolution.name) if resolution.status == MISSING else None
    if resolution.status == MISSING_ATTACHMENT:
        return _renamed_attachment(vault, renames, resolution.name)
    key = vault.names.normalise(_without_md(link.target))
    found = set()
    for old, new in renames.items():
        docs_path = vault.settings.docs_path(old)
        if docs_path is None or not old.lower().endswith(".md"):
            continue
        old_key = vault.names.normalise(_without_md(docs_path))
        if key in (old_key, old_key.rsplit("/", 1)[-1]):
            found.add(new)
    return found.pop() if len(found) == 1 else None


def _renamed_attachment(vault: Vault, renames: dict[str, str], name: str) -> str | None:
    """Return the new path of the file an embed named ``name`` reached.

    As the resolver does, a name reaches its full path under the docs root, or
    else a file of that name (any case) in any folder, if only one was renamed.
    """
    full = vault.settings.project_path(name)
    if full in renames:
        return renames[full]
    base = name.rsplit("/", 1)[-1].lower()
    found = {
        new
        for old, new in renames.items()
        if old.rsplit("/", 1)[-1].lower() == base and not old.lower().endswith(".md")
    }
    return found.pop() if len(found) == 1 else None


def _attachment_name(
    vault: Vault, new_path: str, old_target: str, source: str
) -> str | None:
    """Return how a wiki embed written as ``old_target`` should name a file.

    A bare name stays bare when it reaches the file; otherwise the embed gets
    the file's path under the docs root. None when the file is outside it.
    """
    docs_path = vault.settings.docs_path(new_path)
    if docs_path is None:
        return None
    name = docs_path.rsplit("/", 1)[-1]
    if "/" not in old_target and vault.resolve_name(name, source).paths == (new_path,):
        return name
    return docs_path


def wiki_name(vault: Vault, page: Page, old_target: str, source: str) -> str:
    """Return how a wiki link written as ``old_target`` should name ``page``.

    A bare name stays bare when it reaches the page alone; a path-qualified or
    ambiguous name becomes the page's path. A ``.md`` suffix is kept.
    """
    name = page.name
    if "/" in old_target or vault.resolve_name(name, source).page != page.path:
        name = _without_md(page.docs_path)
    if old_target.lower().endswith(".md"):
        name += ".md"
    return name


def relative_target(folder: str, new_path: str, old_target: str) -> str:
    """Return a Markdown link destination from ``folder`` to ``new_path``.

    A destination written percent-encoded stays so. Otherwise only characters
    that would end the destination, start its fragment or query, or read as
    an escape are encoded, and spaces too unless the old destination had one
    (as ``<a b.md>`` may).
    """
    relative = posixpath.relpath(new_path, folder or ".")
    if "%" in old_target:
        return quote(relative, safe="/")
    keep_spaces = " " in old_target
    return "".join(_destination_char(char, keep_spaces) for char in relative)


def _destination_char(char: str, keep_spaces: bool) -> str:
    if char == " ":
        return char if keep_spaces else "%20"
    if char in _ENCODED_IN_DESTINATION or char.isspace() or not char.isprintable():
        return quote(char, safe="")
    return char


def _without_md(name: str) -> str:
    return name[:-3] if name.lower().endswith(".md") else name
