"""A small third-party style plugin that the core tests load: plain-text checks."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from crucible_checks import (
    CheckInfo,
    Edit,
    Family,
    Finding,
    Fix,
    Option,
    Project,
    Scope,
    Severity,
    hookimpl,
)
from crucible_checks.checks import Check, OptionValue

FAMILY = Family(
    "textlint",
    "Plain-text checks used by the tests.",
    options=(Option("suffixes", list, [".txt"], "file suffixes to check"),),
)


class TrailingWhitespace:
    info = CheckInfo(
        code="TXT001",
        name="trailing-whitespace",
        family="textlint",
        summary="A line ends with spaces or tabs.",
        explanation="Trailing whitespace makes noisy diffs.",
        bad_example="word   ",
        good_example="word",
    )

    def run(
        self, project: Project, options: Mapping[str, OptionValue]
    ) -> Iterable[Finding]:
        suffixes = project.family_options("textlint")["suffixes"]
        assert isinstance(suffixes, list)
        for file in project.files_with_suffix(*suffixes):
            text = project.read_text(file)
            if text is None:
                continue
            offset = 0
            for number, line in enumerate(text.splitlines(keepends=True), start=1):
                body = line.rstrip("\r\n")
                stripped = body.rstrip(" \t")
                if stripped != body:
                    start = offset + len(stripped)
                    edit = Edit(file.relative, start, offset + len(body), "")
                    yield Finding(
                        path=file.relative,
                        line=number,
                        column=len(stripped) + 1,
                        code="TXT001",
                        message="trailing whitespace",
                        subject=stripped,
                        fix=Fix("remove trailing whitespace", (edit,)),
                    )
                offset += len(line)


class LineTooLong:
    info = CheckInfo(
        code="TXT002",
        name="line-too-long",
        family="textlint",
        summary="A line is longer than the limit.",
        explanation="Long lines are hard to read.",
        options=(Option("max-length", int, 40, "maximum line length in characters"),),
        severity=Severity.WARNING,
    )

    def run(
        self, project: Project, options: Mapping[str, OptionValue]
    ) -> Iterable[Finding]:
        limit = options["max-length"]
        assert isinstance(limit, int)
        for file in project.files_with_suffix(".txt"):
            text = project.read_text(file) or ""
            for number, line in enumerate(text.splitlines(), start=1):
                if len(line) > limit:
                    yield Finding(
                        path=file.relative,
                        line=number,
                        column=limit + 1,
                        code="TXT002",
                        message=f"line is {len(line)} characters long (limit {limit})",
                        severity=Severity.WARNING,
                        subject=line,
                    )


class MissingReadme:
    info = CheckInfo(
        code="TXT003",
        name="missing-readme",
        family="textlint",
        summary="The project has no README.txt.",
        explanation="Every project needs a README.",
        scope=Scope.PROJECT,
        default_enabled=False,
    )

    def run(
        self, project: Project, options: Mapping[str, OptionValue]
    ) -> Iterable[Finding]:
        if not any(file.relative == "README.txt" for file in project.files):
            yield Finding("README.txt", 1, 1, "TXT003", "README.txt is missing")


@hookimpl
def crucible_checks_families() -> list[Family]:
    return [FAMILY]


@hookimpl
def crucible_checks_checks() -> list[Check]:
    return [TrailingWhitespace(), LineTooLong(), MissingReadme()]
