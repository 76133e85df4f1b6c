"""The stale backlinks check: generated sections or the index out of date."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping

from crucible_checks.checks import OptionValue
from crucible_checks.docs.backlinks import (
    JSON_MODE,
    STALE_BACKLINKS,
    Backlink,
    BacklinkSettings,
    changed_sections,
    collect_backlinks,
    json_index,
)
from crucible_checks.docs.generated_section import BACKLINKS_SECTION
from crucible_checks.docs.settings import FAMILY
from crucible_checks.docs.vault import Vault, vault_of
from crucible_checks.findings import Edit, Finding, Fix
from crucible_checks.project import Project


class StaleBacklinks:
    """Backlinks sections, or the backlinks index, that no longer match the links."""

    info = STALE_BACKLINKS

    def run(
        self, project: Project, options: Mapping[str, OptionValue]
    ) -> Iterable[Finding]:
        settings = BacklinkSettings.of(project.family_options(FAMILY), project.root)
        vault = vault_of(project)
        if settings.mode != JSON_MODE and not _has_markers(vault):
            return  # No page has a section, so no page text needs scanning.
        # Imported here: markdown-it loads only when a page has a section.
        from crucible_checks.docs.prose import prose_of

        prose = prose_of(project, vault)
        backlinks = collect_backlinks(vault, prose)
        if settings.mode == JSON_MODE:
            yield from self._stale_index(project, vault, backlinks, settings)
            return
        for path, page, expected in changed_sections(vault, prose, backlinks, settings):
            section = page.backlinks
            if section is None or not project.is_target(path):
                continue
            if section.end is None:
                yield self._finding(
                    path,
                    section.line,
                    f"backlinks section has no end marker "
                    f"<!-- crucible-checks:{BACKLINKS_SECTION}:end -->; add it "
                    "after the section, then run `crucible-checks docs backlinks`",
                )
                continue
            edit = Edit(path, section.start, section.end, expected)
            yield self._finding(
                path,
                section.line,
                "backlinks section is out of date; run `crucible-checks docs "
                "backlinks` or `run --fix`",
                Fix("rewrite the backlinks section", (edit,)),
            )

    def _stale_index(
        self,
        project: Project,
        vault: Vault,
        backlinks: Mapping[str, list[Backlink]],
        settings: BacklinkSettings,
    ) -> Iterator[Finding]:
        path = project.root / settings.index_file
        try:
            current = path.read_bytes().decode("utf-8")
        except FileNotFoundError:
            return
        except (OSError, UnicodeDecodeError) as error:
            yield self._finding(
                settings.index_file, 1, f"cannot read the backlinks index: {error}"
            )
            return
        expected = json_index(vault, backlinks)
        if current != expected:
            edit = Edit(settings.index_file, 0, len(current), expected)
            yield self._finding(
                settings.index_file,
                1,
                "backlinks index is out of date; run `crucible-checks docs "
                "backlinks` or `run --fix`",
                Fix("rewrite the backlinks index", (edit,)),
            )

    def _finding(
        self, path: str, line: int, message: str, fix: Fix | None = None
    ) -> Finding:
        return Finding(
            path=path,
            line=line,
            column=1,
            code=self.info.code,
            message=message,
            severity=self.info.severity,
            subject=path,
            fix=fix,
        )


def _has_markers(vault: Vault) -> bool:
    return any(page.record.has_markers for page in vault.pages.values())
