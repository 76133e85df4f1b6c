"""Listing the pages that wiki links name but that do not exist (`docs wanted`)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from crucible_checks.docs.resolve import MISSING
from crucible_checks.docs.vault import Vault


@dataclass(frozen=True)
class WantedPage:
    """A missing page name and every place that links to it."""

    name: str
    places: tuple[tuple[str, int], ...]

    @property
    def page_count(self) -> int:
        return len({path for path, _line in self.places})


def wanted_pages(vault: Vault) -> list[WantedPage]:
    """Return missing wiki link targets, most wanted (by linking pages) first."""
    places: dict[str, list[tuple[str, int]]] = defaultdict(list)
    for source in sorted(vault.pages):
        for link, resolution in vault.outgoing(source):
            if link.is_wiki and resolution.status == MISSING:
                places[resolution.name].append((source, link.line))
    wanted = [WantedPage(name, tuple(found)) for name, found in places.items()]
    return sorted(wanted, key=lambda item: (-item.page_count, item.name))
