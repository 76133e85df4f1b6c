"""The orphan page check: pages that no other page links to."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from crucible_checks.checks import OptionValue
from crucible_checks.docs import rules
from crucible_checks.docs.link_summary import link_summary_of
from crucible_checks.docs.vault import Page, Vault, orphan_exempt
from crucible_checks.findings import Finding
from crucible_checks.project import Project


def is_exempt(vault: Vault, page: Page) -> bool:
    """Return whether a page may have no backlinks: an entry page or opted out."""
    return orphan_exempt(vault.settings, page)


class OrphanPage:
    """Pages with no link from another page."""

    info = rules.ORPHAN_PAGE

    def run(
        self, project: Project, options: Mapping[str, OptionValue]
    ) -> Iterable[Finding]:
        summary = link_summary_of(project)
        linked = summary.linked_pages()
        orphans = {
            path
            for path in summary.vault.pages
            if path not in linked
            and path not in summary.exempt
            and project.is_target(path)
        }
        # Invalid front matter is not read, so its 'orphan: true', if any,
        # exempts nothing, and the message must not ask to add one.
        for path in sorted(orphans):
            if path in summary.front_matter:
                advice = "or fix its invalid front matter (DOC006)"
            else:
                advice = "or add 'orphan: true' to its front matter"
            yield Finding(
                path=path,
                line=1,
                column=1,
                code=self.info.code,
                message=(
                    "orphan page: no other page links to it; link it from a "
                    f"page, {advice}"
                ),
                severity=self.info.severity,
                subject=path,
            )
