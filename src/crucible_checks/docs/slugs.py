"""Slug rules: page names as the site's page resolver writes them, and heading anchors.

`page_slug` is the site's rule: Unicode NFC, trimmed, lower-cased, each space
turned into a dash, nothing else removed. `GithubSlugger` makes heading anchors
the way GitHub renders them, with ``-1``, ``-2`` suffixes for repeated headings.
"""

from __future__ import annotations

import unicodedata

_KEPT_PUNCTUATION = frozenset("-_ ")


def page_slug(name: str) -> str:
    """Return the permalink form of a page name: ``Let's Go`` -> ``let's-go``."""
    return unicodedata.normalize("NFC", name).strip().lower().replace(" ", "-")


def fold_name(name: str) -> str:
    """Return a name compared case-insensitively, spaces kept (Obsidian's rule)."""
    return unicodedata.normalize("NFC", name).strip().casefold()


def github_slug(text: str) -> str:
    """Return GitHub's anchor for a heading text, without a duplicate suffix."""
    lowered = text.strip().lower()
    kept = "".join(char for char in lowered if _is_slug_char(char))
    return kept.replace(" ", "-")


def text_slug(text: str) -> str:
    """Return a heading compared by its text alone: case-folded, spaces collapsed.

    Backticks are dropped, because a code span's heading renders without them
    while ``[[Page#`name`]]`` keeps them.
    """
    return " ".join(text.replace("`", "").casefold().split())


def _is_slug_char(char: str) -> bool:
    if char.isalnum() or char in _KEPT_PUNCTUATION:
        return True
    category = unicodedata.category(char)
    return category.startswith("M") or category == "Pc"


class GithubSlugger:
    """Heading anchors of one page: a repeated slug gets ``-1``, ``-2`` and so on."""

    def __init__(self) -> None:
        self._seen: set[str] = set()

    def slug(self, text: str) -> str:
        base = github_slug(text)
        candidate = base
        count = 0
        while candidate in self._seen:
            count += 1
            candidate = f"{base}-{count}"
        self._seen.add(candidate)
        return candidate
