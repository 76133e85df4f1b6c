"""The options of the docs family, read once per run into `DocsSettings`."""

from __future__ import annotations

from dataclasses import dataclass

from crucible_checks.checks import Option
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
            root=_docs_root(str(options["root"]), project.config.roots),
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


def _docs_root(configured: str, roots: list[str]) -> str:
    value = configured or (roots[0] if len(roots) == 1 else ".")
    value = value.strip().strip("/")
    while value.startswith("./"):
        value = value[2:]
    return "" if value in ("", ".") else value


def _strings(value: object) -> list[str]:
    return [str(item) for item in value] if isinstance(value, list) else []
