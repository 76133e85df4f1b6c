"""The invalid front matter check: pages whose YAML front matter cannot be read."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from crucible_checks.checks import OptionValue
from crucible_checks.docs import rules
from crucible_checks.docs.link_summary import link_summary_of
from crucible_checks.findings import Finding
from crucible_checks.project import Project


class InvalidFrontMatter:
    """Pages whose front matter is not valid YAML or has a field of the wrong type."""

    info = rules.INVALID_FRONT_MATTER

    def run(
        self, project: Project, options: Mapping[str, OptionValue]
    ) -> Iterable[Finding]:
        # The link summary keeps each page's front matter error, so a warm
        # run reads the changed pages only, as the link checks do.
        errors = link_summary_of(project).front_matter
        for path in sorted(errors):
            if not project.is_target(path):
                continue
            line, column, problem = errors[path]
            yield Finding(
                path=path,
                line=line,
                column=column,
                code=self.info.code,
                message=(
                    f"invalid front matter: {problem}; until it is fixed, the "
                    "page's aliases, slug and orphan fields are ignored"
                ),
                severity=self.info.severity,
            )
