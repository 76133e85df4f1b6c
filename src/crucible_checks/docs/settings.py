"""The options of the docs family, read once per run into `DocsSettings`."""

from __future__ import annotations

import posixpath
from dataclasses import dataclass
from pathlib import Path, PurePosixPath, PureWindowsPath

from crucible_checks.checks import Option
from crucible_checks.errors import ConfigError
from crucible_checks.project import Project

FAMILY = "docs"

OPTIONS = (
    Option(
        "root",
        str,
        "",
        "docs root, relative to the project root: page permalinks start here and "
        "relative links may not leave it; empty means the only entry of `roots`, "
        "or the project root when `roots` has several",
    ),
    Option(
        "resolver",
        str,
        "default",
        "how a wiki link name finds its page: 'default' (slug: lower-case, spaces "
        "to dashes; full path, then a unique file name or alias) or 'obsidian' "
        "(case-insensitive name, spaces kept; the nearest of several files wins)",
        choices=("default", "obsidian"),
    ),
    Option(
        "alias-order",
        str,
        "target-first",
        "which side of '|' in [[a|b]] is the page: 'target-first' ([[Page|shown]], "
        "Obsidian, Foam) or 'alias-first' ([[shown|Page]], GitHub wikis)",
        choices=("target-first", "alias-first"),
    ),
    Option(
        "entry-pages",
        list,
        ["index.md", "README.md"],
        "pages, relative to the docs root, that readers reach without a link; "
        "they are never orphans",
    ),
    Option(
        "allow-missing",
        list,
        [],
        "glob patterns of wiki link names (slugged, as in `docs wanted`) that may "
        "name pages not written yet; ['*'] allows every missing page",
    ),
    Option(
        "heading-slugger",
        str,
        "github",
        "how a heading in [[Page#Heading]] is compared: 'github' (both sides turned "
        "into GitHub anchors) or 'text' (case-insensitive heading text)",
        choices=("github", "text"),
    ),
    Option(
        "fragment-case",
        str,
        "insensitive",
        "whether #fragments of Markdown links must match an anchor's case",
        choices=("insensitive", "strict"),
    ),
)


@dataclass(frozen=True)
class DocsSettings:
    """The docs family options of one run."""

    root: str
    resolver: str = "default"
    alias_first: bool = False
    entry_pages: tuple[str, ...] = ("index.md", "README.md")
    allow_missing: tuple[str, ...] = ()
    heading_slugger: str = "github"
    strict_fragment_case: bool = False

    @classmethod
    def of(cls, project: Project) -> DocsSettings:
        options = project.family_options(FAMILY)
        return cls(
            root=_docs_root(project.root, str(options["root"]), project.config.roots),
            resolver=str(options["resolver"]),
            alias_first=options["alias-order"] == "alias-first",
            entry_pages=tuple(_strings(options["entry-pages"])),
            allow_missing=tuple(_strings(options["allow-missing"])),
            heading_slugger=str(options["heading-slugger"]),
            strict_fragment_case=options["fragment-case"] == "strict",
        )

    def docs_path(self, relative: str) -> str | None:
        """Return a project-relative path relative to the docs root, None outside."""
        if not self.root:
            return relative
        prefix = self.root + "/"
        return relative[len(prefix) :] if relative.startswith(prefix) else None

    def project_path(self, docs_path: str) -> str:
        return f"{self.root}/{docs_path}" if self.root else docs_path


def _docs_root(root: Path, configured: str, roots: list[str]) -> str:
    if configured:
        folder = project_path_setting(root, "root", configured)
        if not (root / folder).is_dir():
            raise ConfigError(
                f"{option_label('root', configured)}: folder not found; name the "
                "folder that holds the pages, relative to the project root"
            )
        return folder
    value = roots[0] if len(roots) == 1 else "."
    value = value.strip().strip("/")
    while value.startswith("./"):
        value = value[2:]
    return "" if value in ("", ".") else value


def project_path_setting(root: Path, setting: str, value: str) -> str:
    """Return a docs option that names a path below ``root``, normalised.

    The result is POSIX and relative to ``root``, and ``""`` means the root
    itself. Raises `ConfigError` naming the option for an empty or absolute
    value, one that leads out of the project (by ``..`` or through a symlink),
    or one below an existing file. Options that name a file to read or write
    pass through here, so a cloned repository's config cannot reach outside it.
    """
    where = option_label(setting, value)
    if not value.strip():
        raise ConfigError(f"{where}: empty; name a path relative to the project root")
    if PurePosixPath(value).is_absolute() or PureWindowsPath(value).anchor:
        raise ConfigError(
            f"{where}: absolute path; write it relative to the project root {root}"
        )
    normal = posixpath.normpath(value)
    if normal == ".." or normal.startswith("../"):
        raise ConfigError(f"{where}: outside the project {root}; name a path below it")
    target = root / normal
    if not target.resolve().is_relative_to(root.resolve()):
        raise ConfigError(
            f"{where}: a symlink leads it outside the project {root}; "
            "name a path below the project root"
        )
    for parent in target.parents:
        if parent == root:
            break
        if parent.exists() and not parent.is_dir():
            raise ConfigError(
                f"{where}: {parent.relative_to(root).as_posix()} is a file, "
                "not a folder; name a path in a folder"
            )
    return "" if normal == "." else normal


def option_label(setting: str, value: str) -> str:
    """Return how an error message names a docs option and its value."""
    return f"[tool.crucible-checks.{FAMILY}] option {setting!r} = {value!r}"


def _strings(value: object) -> list[str]:
    return [str(item) for item in value] if isinstance(value, list) else []
