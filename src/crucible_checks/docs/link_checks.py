"""The link checks: dead wiki links, dead anchors, dead relative links, ambiguity."""

from __future__ import annotations

import fnmatch
from collections.abc import Iterable, Mapping
from dataclasses import replace

from crucible_checks.checks import CheckInfo, OptionValue
from crucible_checks.docs import rules
from crucible_checks.docs.link_summary import LinkSummary, link_summary_of
from crucible_checks.docs.records import Link
from crucible_checks.docs.renames import rename_fix
from crucible_checks.docs.resolve import (
    AMBIGUOUS,
    MISSING,
    MISSING_ATTACHMENT,
    OUTSIDE,
    PAGE,
    Resolution,
)
from crucible_checks.docs.suggest import NameSuggester
from crucible_checks.docs.vault import Vault, name_key
from crucible_checks.findings import Finding
from crucible_checks.project import Project

_NOTABLE_KEY = "docs.notable-links"


def link_finding(
    info: CheckInfo, path: str, link: Link, message: str, subject: str
) -> Finding:
    return Finding(
        path=path,
        line=link.line,
        column=link.column,
        code=info.code,
        message=message,
        severity=info.severity,
        subject=subject,
    )


def notable_links(
    project: Project, summary: LinkSummary
) -> list[tuple[str, Link, Resolution]]:
    """Return the links the checks report on: those of the pages the run
    reports on that do not plainly reach a page (see `LinkSummary`)."""

    def build() -> list[tuple[str, Link, Resolution]]:
        return [
            (source, link, resolution)
            for source, link, resolution in summary.notable_links()
            if project.is_target(source)
        ]

    return project.shared(_NOTABLE_KEY, build)


def is_allowed_missing(vault: Vault, name: str) -> bool:
    return any(
        fnmatch.fnmatchcase(name, pattern) for pattern in vault.settings.allow_missing
    )


class DeadWikiLink:
    """Wiki links and embeds whose page or file does not exist."""

    info = rules.DEAD_WIKI_LINK

    def run(
        self, project: Project, options: Mapping[str, OptionValue]
    ) -> Iterable[Finding]:
        summary = link_summary_of(project)
        vault = summary.vault
        links = [
            (source, link, resolution)
            for source, link, resolution in notable_links(project, summary)
            if link.is_wiki
            and not (
                resolution.status == MISSING
                and is_allowed_missing(vault, resolution.name)
            )
        ]
        dead = [link.target for _, link, res in links if res.status == MISSING]
        _suggest(vault, dead)
        for source, link, resolution in links:
            if resolution.status == MISSING:
                yield self._missing(project, vault, source, link, resolution)
            elif resolution.status == MISSING_ATTACHMENT:
                message = f"dead embed {link.text}: no file {resolution.name!r}"
                finding = link_finding(self.info, source, link, message, link.target)
                fix = rename_fix(project, vault, source, link)
                yield finding if fix is None else replace(finding, fix=fix)
            elif resolution.status == OUTSIDE:
                message = f"wiki link {link.text} leaves the docs root"
                yield link_finding(self.info, source, link, message, link.target)
        vault.link_cache.save()

    def _missing(
        self,
        project: Project,
        vault: Vault,
        source: str,
        link: Link,
        resolution: Resolution,
    ) -> Finding:
        message = f"dead wiki link {link.text}: no page {resolution.name!r}"
        suggestions = vault.link_cache.suggestions[link.target]
        if suggestions:
            names = " or ".join(f"[[{name}]]" for name in suggestions)
            message += f"; did you mean {names}?"
        finding = link_finding(self.info, source, link, message, resolution.name)
        fix = rename_fix(project, vault, source, link)
        if fix is None:
            return finding
        return Finding(**{**finding.__dict__, "fix": fix})


_UNSPELLABLE = frozenset("#|[]")


def _suggest(vault: Vault, targets: Iterable[str]) -> None:
    """Store in the link cache the page names nearest each target without them.

    The suggester is built only when a target is new, and dropped on return:
    for a 50k-page vault its trigram index is tens of megabytes.
    """
    stored = vault.link_cache.suggestions
    new = [target for target in dict.fromkeys(targets) if target not in stored]
    if not new:
        return
    names = [page.name for page in vault.pages.values()]
    if vault.settings.resolver != "obsidian":
        names += [
            alias for page in vault.pages.values() for alias in page.record.aliases
        ]
    # A name with one of these characters cannot be written as a wiki link
    # (``#`` starts a heading, ``|`` the shown text), so it is never suggested.
    names = [name for name in names if not _UNSPELLABLE.intersection(name)]
    suggester = NameSuggester(names, name_key(vault.settings))
    for target in new:
        stored[target] = tuple(suggester.suggest(target))


class DeadAnchor:
    """Heading and block fragments that name nothing on the page they reach."""

    info = rules.DEAD_ANCHOR

    def run(
        self, project: Project, options: Mapping[str, OptionValue]
    ) -> Iterable[Finding]:
        summary = link_summary_of(project)
        for source, link, resolution in notable_links(project, summary):
            # A link to a page is notable only when its fragment is dead.
            if resolution.status != PAGE or not link.fragment:
                continue
            if link.is_wiki:
                kind = "block" if link.fragment.startswith("^") else "heading"
            else:
                kind = "anchor"
            target = resolution.paths[0]
            message = (
                f"dead anchor in {link.text}: no {kind} {link.fragment!r} in {target}"
            )
            subject = f"{target}#{link.fragment}"
            yield link_finding(self.info, source, link, message, subject)


class DeadRelativeLink:
    """Relative Markdown links to missing files or out of the docs root."""

    info = rules.DEAD_RELATIVE_LINK

    def run(
        self, project: Project, options: Mapping[str, OptionValue]
    ) -> Iterable[Finding]:
        summary = link_summary_of(project)
        vault = summary.vault
        root = vault.settings.root or "."
        for source, link, resolution in notable_links(project, summary):
            if link.is_wiki:
                continue
            if resolution.status == MISSING:
                message = f"dead link {link.target}: no file {resolution.name!r}"
                finding = link_finding(self.info, source, link, message, link.target)
                fix = rename_fix(project, vault, source, link)
                yield (
                    finding
                    if fix is None
                    else Finding(**{**finding.__dict__, "fix": fix})
                )
            elif resolution.status == OUTSIDE:
                message = (
                    f"link {link.target} leaves the docs root {root!r}; "
                    "it is not checked or read"
                )
                yield link_finding(self.info, source, link, message, link.target)


class AmbiguousPage:
    """Wiki links that match several pages, and pages that share a permalink."""

    info = rules.AMBIGUOUS_PAGE

    def run(
        self, project: Project, options: Mapping[str, OptionValue]
    ) -> Iterable[Finding]:
        summary = link_summary_of(project)
        for source, link, resolution in notable_links(project, summary):
            if resolution.status == AMBIGUOUS:
                pages = ", ".join(resolution.paths)
                message = (
                    f"ambiguous wiki link {link.text}: {resolution.name!r} names "
                    f"{len(resolution.paths)} pages ({pages}); write its path"
                )
                yield link_finding(self.info, source, link, message, link.target)
        for path, permalink, first in summary.shared_permalinks:
            if project.is_target(path):
                yield Finding(
                    path=path,
                    line=1,
                    column=1,
                    code=self.info.code,
                    message=(
                        f"page has the permalink {permalink!r} of {first}; "
                        "rename one of them"
                    ),
                    severity=self.info.severity,
                    subject=permalink,
                )
