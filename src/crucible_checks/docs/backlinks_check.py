"""The stale backlinks check: generated sections or the index out of date."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from typing import TYPE_CHECKING

from crucible_checks.checks import OptionValue
from crucible_checks.docs.backlinks import (
    Backlink,
    BacklinkSettings,
    changed_sections,
    collect_backlinks,
    duplicate_sections_message,
    json_index,
)
from crucible_checks.docs.generated_section import BACKLINKS_SECTION
from crucible_checks.docs.link_summary import link_summary_of
from crucible_checks.docs.rules import JSON_MODE, STALE_BACKLINKS
from crucible_checks.docs.settings import FAMILY
from crucible_checks.findings import Edit, Finding, Fix
from crucible_checks.project import Project

if TYPE_CHECKING:
    from crucible_checks.docs.link_graph import LinkGraph
    from crucible_checks.docs.section_facts import SectionFacts


class StaleBacklinks:
    """Backlinks sections, or the backlinks index, that no longer match the links."""

    info = STALE_BACKLINKS

    def run(
        self, project: Project, options: Mapping[str, OptionValue]
    ) -> Iterable[Finding]:
        settings = BacklinkSettings.of(project.family_options(FAMILY), project.root)
        # The link summary lists the pages with markers without building the
        # whole vault, which a warm run may skip.
        if settings.mode != JSON_MODE and not link_summary_of(project).marked:
            return  # No page has a section, so no page text needs scanning.
        # Imported here: the page scans load only when a page has a section.
        from crucible_checks.docs.link_graph import link_graph_of
        from crucible_checks.docs.section_facts import (
            context_facts_of,
            section_facts_of,
        )

        graph = link_graph_of(project)
        facts = section_facts_of(project, graph)
        backlinks = collect_backlinks(graph, lambda: context_facts_of(project, graph))
        if settings.mode == JSON_MODE:
            yield from self._stale_index(project, graph, backlinks, settings)
            return
        yield from self._duplicates(project, facts)
        for path, section, expected in changed_sections(
            graph, facts, backlinks, settings
        ):
            if not project.is_target(path):
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

    def _duplicates(
        self, project: Project, facts: Mapping[str, SectionFacts]
    ) -> Iterator[Finding]:
        """Report pages with several backlinks sections, with a fix that deletes
        all but the last, the one `docs backlinks` and `--fix` keep up to date."""
        for path, page in facts.items():
            extra = page.extra_sections()
            if not extra or not project.is_target(path):
                continue
            edits = tuple(
                Edit(path, section.start, section.end, "") for section in extra
            )
            yield self._finding(
                path,
                extra[0].line,
                duplicate_sections_message(extra),
                Fix("delete all but the last backlinks section", edits),
            )

    def _stale_index(
        self,
        project: Project,
        graph: LinkGraph,
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
        expected = json_index(graph, backlinks)
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
