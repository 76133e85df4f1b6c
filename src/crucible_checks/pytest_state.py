"""The state of the pytest plugin: the collection plan, the one run, passed items.

Skipping an item that passed before is safe only when nothing it depends on
changed. A per-file check can depend on other files: a dead link depends on
the set of pages and their anchors, a call site on the task defined in another
module. Without a list of each check's inputs, the key of every item is a hash
over the stat (path, size, modification time) of every file the run walks, the
config and baseline files, the selection and the loaded checks. So deleting or
editing any page re-checks every item, and an unchanged tree skips them all
without running the library at all.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from crucible_checks.checks import Check, CheckInfo
    from crucible_checks.findings import Finding
    from crucible_checks.project import Project
    from crucible_checks.run import RunOptions
    from crucible_checks.session import Session

CACHE_KEY = "crucible_checks/passed"
DIGEST_PROPERTY = "crucible_checks_digest"


class Cache(Protocol):
    """The part of pytest's ``config.cache`` that the plugin uses."""

    def get(self, key: str, default: Any) -> Any: ...

    def set(self, key: str, value: object) -> None: ...


@dataclass(frozen=True)
class Plan:
    """The files and checks that collection makes items of, and their digest."""

    root: Path
    files: list[str]
    file_checks: list[CheckInfo]
    project_checks: list[CheckInfo]
    digest: str

    @property
    def file_codes(self) -> frozenset[str]:
        return frozenset(info.code for info in self.file_checks)

    def relative(self, path: Path) -> str:
        return path.relative_to(self.root).as_posix()


class RunState:
    """The plan and findings of one pytest process, built once and on demand."""

    def __init__(
        self,
        start: Path,
        config_file: Path | None,
        select: list[str] | None,
        cache: Cache | None,
        extend_select: Sequence[str] = (),
    ) -> None:
        self.start = start
        self.config_file = config_file
        self.select = select
        self.extend_select = list(extend_select)
        self.cache = cache
        self._session: Session | None = None
        self._plan: Plan | None = None
        self._findings: list[Finding] | None = None
        self._error: Exception | None = None
        self._passed: dict[str, str] | None = None

    def plan(self) -> Plan:
        """Load the plugins, choose the checks and walk the files, once."""
        if self._plan is None:
            from crucible_checks.errors import UsageError
            from crucible_checks.run import build_project, choose_checks
            from crucible_checks.selection import validate_selectors
            from crucible_checks.session import Session

            self._session = Session.create(
                start=self.start, config_file=self.config_file
            )
            infos = self._session.host.infos
            where = "--crucible-select or the crucible_select ini option"
            validate_selectors(self.select or (), infos, where, UsageError)
            where = "--crucible-extend-select or the crucible_extend_select ini option"
            validate_selectors(self.extend_select, infos, where, UsageError)
            options = self.options()
            checks = choose_checks(self._session, options)
            project = build_project(self._session, options)
            selection = [self.select, self.extend_select]
            self._plan = _make_plan(self._session, checks, project, selection)
        return self._plan

    def options(self) -> RunOptions:
        from crucible_checks.run import RunOptions

        return RunOptions(select=self.select, extend_select=self.extend_select)

    def findings(self) -> list[Finding]:
        """Run the library for the first item that needs findings, and keep them.

        A usage, config or plugin error is raised again to every later item.
        """
        from crucible_checks.errors import CrucibleError
        from crucible_checks.run import run_checks

        if self._error is not None:
            raise self._error
        if self._findings is None:
            self.plan()
            assert self._session is not None
            try:
                self._findings = run_checks(self._session, self.options()).findings
            except CrucibleError as error:
                self._error = error
                raise
        return self._findings

    def passed_before(self, nodeid: str) -> bool:
        """Return whether the item passed in an earlier run with the same digest."""
        if self.cache is None:
            return False
        if self._passed is None:
            stored = self.cache.get(CACHE_KEY, {})
            self._passed = stored if isinstance(stored, dict) else {}
        return self._passed.get(nodeid) == self.plan().digest


def _make_plan(
    session: Session, checks: Sequence[Check], project: Project, select: object
) -> Plan:
    from crucible_checks.checks import Scope

    infos = [check.info for check in checks]
    file_checks = [info for info in infos if info.scope is Scope.FILE]
    project_checks = [info for info in infos if info.scope is Scope.PROJECT]
    files = [file.relative for file in project.files] if file_checks else []
    return Plan(
        root=session.config.root,
        files=files,
        file_checks=file_checks,
        project_checks=project_checks,
        digest=_digest(session, infos, project, select),
    )


def _digest(
    session: Session, infos: Sequence[CheckInfo], project: Project, select: object
) -> str:
    from crucible_checks import __version__

    # NOTE: a third-party plugin upgraded in place without a new check code
    # keeps the digest, so `pytest --cache-clear` is needed to re-check.
    config = session.config
    header = [
        __version__,
        sorted((info.code, info.plugin) for info in infos),
        select,
        _file_stamp(config.path),
        _file_stamp(config.root / config.baseline),
    ]
    digest = hashlib.sha256(json.dumps(header, default=str).encode())
    for file in project.files:
        digest.update(f"{file.relative}\0{file.size}\0{file.mtime_ns}\n".encode())
    return digest.hexdigest()


def _file_stamp(path: Path | None) -> list[object] | None:
    """Return the size and content hash of a small settings file, or None."""
    if path is None:
        return None
    try:
        data = path.read_bytes()
    except OSError:
        return None
    return [len(data), hashlib.sha256(data).hexdigest()]


class PassRecorder:
    """Records which items passed under which digest, in pytest's cache.

    Registered only in the process that receives every report (the xdist
    controller, or the single process), so workers never overwrite each
    other's records.
    """

    def __init__(self, cache: Cache) -> None:
        self.cache = cache
        stored = cache.get(CACHE_KEY, {})
        self.entries: dict[str, str] = stored if isinstance(stored, dict) else {}
        self.digests: set[str] = set()

    def pytest_runtest_logreport(self, report: Any) -> None:
        if report.when != "call":
            return
        digest = dict(report.user_properties).get(DIGEST_PROPERTY)
        if digest is None:
            return
        self.digests.add(digest)
        if report.passed:
            self.entries[report.nodeid] = digest
        else:
            self.entries.pop(report.nodeid, None)

    def pytest_sessionfinish(self) -> None:
        if not self.digests:
            return
        current = {
            nodeid: digest
            for nodeid, digest in self.entries.items()
            if digest in self.digests
        }
        self.cache.set(CACHE_KEY, current)
