"""Whether a link's ``#fragment`` names an anchor or block of the page it reaches."""

from __future__ import annotations

from urllib.parse import unquote

from crucible_checks.docs.records import PageRecord
from crucible_checks.docs.settings import DocsSettings
from crucible_checks.docs.slugs import github_slug, text_slug


def wiki_fragment_exists(
    record: PageRecord, fragment: str, settings: DocsSettings
) -> bool:
    """Return whether ``[[Page#fragment]]`` reaches a heading or ``^block`` id.

    Of a nested ``#A#B`` the last heading is compared, as Obsidian does.
    """
    heading = fragment.rsplit("#", 1)[-1].strip()
    if heading.startswith("^"):
        return heading[1:] in record.block_ids
    if heading in record.anchors:
        return True
    if settings.heading_slugger == "text":
        wanted = text_slug(heading)
        return any(text_slug(item.text) == wanted for item in record.headings)
    return github_slug(heading) in record.anchors


def markdown_fragment_exists(
    record: PageRecord, fragment: str, settings: DocsSettings
) -> bool:
    """Return whether ``page.md#fragment`` names an anchor, percent-decoded."""
    decoded = unquote(fragment)
    if decoded in record.anchors:
        return True
    if settings.strict_fragment_case:
        return False
    lowered = decoded.lower()
    return any(anchor.lower() == lowered for anchor in record.anchors)
