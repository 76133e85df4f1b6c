"""The invalid front matter check: pages whose YAML front matter cannot be read."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

from crucible_checks.checks import OptionValue
from crucible_checks.docs import rules
from crucible_checks.docs.pages import RECORD_VERSION, page_files, read_records
from crucible_checks.docs.settings import DocsSettings
from crucible_checks.files import SourceFile
from crucible_checks.findings import Finding
from crucible_checks.project import Project

CACHE_NAMESPACE = "docs-front-matter"
#: Cached for a page with valid front matter, or none.
_VALID = ()

#: An error: its 1-based line and column in the page, and the problem.
FrontMatterError = tuple[int, int, str]


def front_matter_errors(
    project: Project, files: Sequence[SourceFile]
) -> dict[str, FrontMatterError]:
    """Return the front matter error of each page among ``files`` that has one.

    The errors are cached apart from the page records, so a warm run reads a
    small entry per page instead of every record.
    """
    settings = DocsSettings.of(project)
    cache = project.cache(CACHE_NAMESPACE, [RECORD_VERSION])
    errors: dict[str, FrontMatterError] = {}
    missing: list[SourceFile] = []
    for file in files:
        cached = cache.get(file)
        if cached is None:
            missing.append(file)
        elif cached != _VALID:
            errors[file.relative] = cached
    by_path = {file.relative: file for file in missing}
    for relative, record in read_records(project, settings, missing).items():
        entry: FrontMatterError | tuple[()] = _VALID
        if record.front_matter_error is not None:
            entry = (
                record.front_matter_error_line,
                record.front_matter_error_column,
                record.front_matter_error,
            )
            errors[relative] = entry
        # Stored without a content hash, so only the same size and
        # modification time reuse it. After a touch, `read_records` finds
        # the record by content hash, which costs little.
        cache.put(by_path[relative], "", entry)
    return errors


class InvalidFrontMatter:
    """Pages whose front matter is not valid YAML or has a field of the wrong type."""

    info = rules.INVALID_FRONT_MATTER

    def run(
        self, project: Project, options: Mapping[str, OptionValue]
    ) -> Iterable[Finding]:
        settings = DocsSettings.of(project)
        files = [
            file
            for file in page_files(project, settings)
            if project.is_target(file.relative)
        ]
        errors = front_matter_errors(project, files)
        for path in sorted(errors):
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
