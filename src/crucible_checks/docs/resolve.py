"""Resolving a link to a page or file: the default rule and an Obsidian-style rule.

`Resolution.status` is one of:

- ``page``: ``paths`` holds the one page (project-relative path) it reaches;
- ``attachment``: an existing file that is not a page, or a folder;
- ``ambiguous``: ``paths`` contains every page the name matches;
- ``missing``: no page; ``name`` is the slugged name, as `docs wanted` lists it;
- ``missing-attachment``: a file name with an attachment extension, not found;
- ``outside``: a relative Markdown link that leaves the docs root;
- ``external``: a URL or a site-absolute path, not checked.
"""

from __future__ import annotations

import posixpath
from collections import defaultdict
from collections.abc import Callable, Iterable
from typing import NamedTuple

from crucible_checks.docs.slugs import fold_name, page_slug

PAGE = "page"
ATTACHMENT = "attachment"
AMBIGUOUS = "ambiguous"
MISSING = "missing"
MISSING_ATTACHMENT = "missing-attachment"
OUTSIDE = "outside"
EXTERNAL = "external"

#: Extensions that make a wiki link name a file rather than a page.
ATTACHMENT_EXTENSIONS = frozenset(
    (
        *("png", "jpg", "jpeg", "gif", "svg", "webp", "bmp", "ico", "avif"),
        *("pdf", "mp3", "mp4", "webm", "ogg", "wav", "m4a", "mov", "mkv"),
        *("csv", "json", "txt", "zip", "canvas", "excalidraw", "drawio"),
        *("yaml", "yml", "toml", "html", "htm", "py", "js", "ts"),
    )
)


class Resolution(NamedTuple):
    """Where a link leads; see the module docstring for each status."""

    status: str
    paths: tuple[str, ...] = ()
    name: str = ""

    @property
    def page(self) -> str | None:
        return self.paths[0] if self.status == PAGE else None


class NameTable:
    """Pages by permalink and by last permalink segment, under one name rule.

    ``normalise`` turns a name into a key (the slug rule or case folding);
    ``aliases`` are added as names when ``use_aliases`` is set.
    """

    def __init__(self, normalise: Callable[[str], str]) -> None:
        self.normalise = normalise
        self.by_path: dict[str, list[str]] = defaultdict(list)
        self.by_name: dict[str, list[str]] = defaultdict(list)
        self.key_of: dict[str, str] = {}

    def add(self, path: str, docs_name: str, aliases: Iterable[str]) -> None:
        key = self.normalise(docs_name)
        self.by_path[key].append(path)
        self.key_of[path] = key
        self.by_name[key.rsplit("/", 1)[-1]].append(path)
        for alias in aliases:
            alias_key = self.normalise(alias)
            if alias_key and path not in self.by_name[alias_key]:
                self.by_name[alias_key].append(path)

    def lookup(self, key: str) -> list[str]:
        """Return the pages a normalised name matches: full path, then name."""
        found = self.by_path.get(key)
        if found:
            return found
        last = key.rsplit("/", 1)[-1]
        candidates = self.by_name.get(last, [])
        if "/" not in key:
            return candidates
        return [path for path in candidates if self._ends_with(path, key)]

    def _ends_with(self, path: str, key: str) -> bool:
        own = self.key_of[path]
        return own == key or own.endswith("/" + key)


def normalise_target(target: str, source_folder: str) -> str | None:
    """Return a wiki target as a docs-root path without ``.md``; None if it leaves."""
    name = target
    if name.lower().endswith(".md"):
        name = name[:-3]
    if name.startswith("/"):
        name = name.lstrip("/")
    elif name.startswith(("./", "../")):
        name = posixpath.join(source_folder, name)
    if not name:
        return name
    if "." in name or "//" in name:
        name = posixpath.normpath(name)
    if name == ".." or name.startswith("../"):
        return None
    return name


def default_key(name: str) -> str:
    return page_slug(name)


def obsidian_key(name: str) -> str:
    return fold_name(name)


def nearest_page(candidates: list[str], source: str) -> str:
    """Return the candidate in the source's folder, else the least deep one."""
    folder = posixpath.dirname(source)
    same_folder = [path for path in candidates if posixpath.dirname(path) == folder]
    pool = same_folder or candidates
    return min(pool, key=lambda path: (path.count("/"), len(path), path))


def extension(name: str) -> str:
    base = name.rsplit("/", 1)[-1]
    return base.rsplit(".", 1)[-1].lower() if "." in base else ""
