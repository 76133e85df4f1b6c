"""The pytest plugin: the checks of crucible-checks as collected test items.

Nothing happens until ``--crucible`` or ``crucible = true`` in the ini file
turns the plugin on, so installing the package changes no test run. Then one
collector under the session yields an item per checked file (running every
per-file check on it), an item per whole-project check, and one item for
findings in paths that have no item of their own. The files come from the
tool's config, not from pytest's collection, so docs outside ``testpaths`` are
checked too.

The library runs once per pytest process, when the first item needs it, and
every item reports its share of the findings as ``path:line:col: CODE message``
lines. The parity fixtures live in their own pytest11 module.

This module imports nothing beyond pytest at import time: pytest loads it in
every test run of every project that installs the package.
"""

from __future__ import annotations

from collections.abc import Generator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from crucible_checks.pytest_state import (
    DIGEST_PROPERTY,
    PassRecorder,
    Plan,
    RunState,
)

if TYPE_CHECKING:
    from crucible_checks.findings import Finding

ROOT_NAME = "crucible-checks"
FILE_ITEM_NAME = "crucible-checks"
OTHER_ITEM_NAME = "other-paths"
SKIP_REASON = "crucible-checks: nothing it depends on changed since it passed"
STATE_KEY = pytest.StashKey["RunState"]()


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("crucible-checks", "crucible-checks docs and task checks")
    group.addoption(
        "--crucible",
        action="store_true",
        default=False,
        help="run the checks of crucible-checks as test items",
    )
    group.addoption(
        "--crucible-config",
        metavar="FILE",
        help="read crucible-checks settings from FILE instead of the one found "
        "from the rootdir",
    )
    group.addoption(
        "--crucible-select",
        metavar="CODES",
        help="comma-separated check codes, prefixes or names to run instead of "
        "the config's selection",
    )
    group.addoption(
        "--crucible-extend-select",
        metavar="CODES",
        help="comma-separated check codes, prefixes or names to run on top of "
        "the selection, such as PAR001, which is off by default",
    )
    parser.addini(
        "crucible",
        type="bool",
        default=False,
        help="run the checks of crucible-checks as test items (like --crucible)",
    )
    parser.addini(
        "crucible_config",
        type="string",
        default="",
        help="crucible-checks settings file, relative to the rootdir",
    )
    parser.addini(
        "crucible_select",
        type="args",
        default=[],
        help="check codes, prefixes or names to run instead of the config's",
    )
    parser.addini(
        "crucible_extend_select",
        type="args",
        default=[],
        help="check codes, prefixes or names to run on top of the selection",
    )


def pytest_configure(config: pytest.Config) -> None:
    if not (config.getoption("crucible") or config.getini("crucible")):
        return
    cache = getattr(config, "cache", None)  # None with -p no:cacheprovider
    config.stash[STATE_KEY] = RunState(
        start=config.rootpath,
        config_file=_config_file(config),
        select=_select(config),
        cache=cache,
        extend_select=_codes(config, "crucible_extend_select") or [],
    )
    is_xdist_worker = hasattr(config, "workerinput")
    if cache is not None and not is_xdist_worker:
        # The process that receives every report records the passes: the xdist
        # controller, or the only process without xdist.
        recorder = PassRecorder(cache)
        config.pluginmanager.register(recorder, "crucible-checks-pass-recorder")


def _config_file(config: pytest.Config) -> Path | None:
    value = config.getoption("crucible_config") or config.getini("crucible_config")
    if not value:
        return None
    path = Path(value)
    return path if path.is_absolute() else config.rootpath / path


def _select(config: pytest.Config) -> list[str] | None:
    return _codes(config, "crucible_select")


def _codes(config: pytest.Config, name: str) -> list[str] | None:
    """Read a list of check codes from option ``name``, else from the ini."""
    option = config.getoption(name)
    if option:
        return [code.strip() for code in option.split(",") if code.strip()]
    ini: list[str] = config.getini(name)
    codes = [code.strip() for value in ini for code in value.split(",")]
    return [code for code in codes if code] or None


@pytest.hookimpl(wrapper=True)
def pytest_make_collect_report(
    collector: pytest.Collector,
) -> Generator[None, pytest.CollectReport, pytest.CollectReport]:
    """Add the checks collector under the session, beside pytest's own."""
    report = yield
    state = collector.config.stash.get(STATE_KEY, None)
    if state is not None and isinstance(collector, pytest.Session) and report.passed:
        report.result.append(
            ChecksCollector.from_parent(collector, name=ROOT_NAME, nodeid=ROOT_NAME)
        )
    return report


class ChecksFailed(Exception):
    """The findings that fail an item."""

    def __init__(self, findings: list[Finding]) -> None:
        super().__init__(f"{len(findings)} findings")
        self.findings = findings


def _error_text(excinfo: pytest.ExceptionInfo[BaseException]) -> str | None:
    from crucible_checks.errors import CrucibleError

    if isinstance(excinfo.value, CrucibleError):
        return f"crucible-checks: error: {excinfo.value}"
    return None


class ChecksCollector(pytest.Collector):
    """Yields the items of one crucible-checks run, from the tool's own config."""

    def collect(self) -> list[pytest.Item | pytest.Collector]:
        plan = self.config.stash[STATE_KEY].plan()
        nodes: list[pytest.Item | pytest.Collector] = []
        for relative in plan.files:
            path = plan.root / relative
            nodes.append(
                CheckedFile.from_parent(
                    self, path=path, nodeid=self._file_nodeid(path, relative)
                )
            )
        for info in plan.project_checks:
            item = ProjectCheckItem.from_parent(self, name=info.code, code=info.code)
            item.extra_keyword_matches.update({info.name, info.family})
            nodes.append(item)
        nodes.append(OtherPathsItem.from_parent(self, name=OTHER_ITEM_NAME))
        return nodes

    def _file_nodeid(self, path: Path, relative: str) -> str:
        try:
            return path.relative_to(self.config.rootpath).as_posix()
        except ValueError:
            return relative

    def repr_failure(  # type: ignore[override]  # pytest accepts a plain string
        self, excinfo: pytest.ExceptionInfo[BaseException]
    ) -> str | Any:
        return _error_text(excinfo) or super().repr_failure(excinfo)


class CheckedFile(pytest.File):
    """A file of the project; its one item runs every per-file check on it."""

    def collect(self) -> list[pytest.Item]:
        item = FileItem.from_parent(self, name=FILE_ITEM_NAME)
        return [item]


class _CheckItem(pytest.Item):
    """An item that fails with the findings the run reported for it."""

    def runtest(self) -> None:
        state = self.config.stash[STATE_KEY]
        if state.passed_before(self.nodeid):
            pytest.skip(
                "crucible-checks: nothing it depends on changed since it passed"
            )
        findings = self.select_findings(state.findings(), state.plan())
        self.user_properties.append((DIGEST_PROPERTY, state.plan().digest))
        if any(finding.severity.fails_run for finding in findings):
            raise ChecksFailed(findings)

    def select_findings(self, findings: list[Finding], plan: Plan) -> list[Finding]:
        raise NotImplementedError

    def repr_failure(
        self,
        excinfo: pytest.ExceptionInfo[BaseException],
        style: Any = None,
    ) -> str | Any:
        from crucible_checks.output.concise import concise_line

        if isinstance(excinfo.value, ChecksFailed):
            return "\n".join(
                concise_line(finding) for finding in excinfo.value.findings
            )
        return _error_text(excinfo) or super().repr_failure(excinfo, style)

    def reportinfo(self) -> tuple[Path, int | None, str]:
        # The third value heads the failure section. Because it is not a suffix
        # of the node id, the progress line keeps the node id as it is.
        return self.path, None, f"{ROOT_NAME}: {self.describe()}"

    def describe(self) -> str:
        raise NotImplementedError


class FileItem(_CheckItem):
    """The per-file checks of one file."""

    def select_findings(self, findings: list[Finding], plan: Plan) -> list[Finding]:
        relative = plan.relative(self.path)
        codes = plan.file_codes
        return [f for f in findings if f.path == relative and f.code in codes]

    def describe(self) -> str:
        return self.parent.name if self.parent is not None else self.name


class ProjectCheckItem(_CheckItem):
    """One whole-project check, such as orphan pages."""

    def __init__(self, *, code: str, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.code = code

    def select_findings(self, findings: list[Finding], plan: Plan) -> list[Finding]:
        return [finding for finding in findings if finding.code == self.code]

    def describe(self) -> str:
        return self.code


class OtherPathsItem(_CheckItem):
    """Per-file findings in paths without an item: a folder the walk could not
    enter, or a file created after collection."""

    def select_findings(self, findings: list[Finding], plan: Plan) -> list[Finding]:
        listed = set(plan.files)
        return [
            finding
            for finding in findings
            if finding.code in plan.file_codes and finding.path not in listed
        ]

    def describe(self) -> str:
        return "paths without an item of their own"
