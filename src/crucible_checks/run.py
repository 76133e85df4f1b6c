"""One run: choose checks, walk the files once, collect and filter findings.

The command line, the pytest plugin and the hooks all call `run` or
`run_checks`, so a finding reads the same everywhere.
"""

from __future__ import annotations

import gc
import subprocess
from collections import defaultdict
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path

from crucible_checks.baseline import BaselineEntry, apply_baseline, read_baseline
from crucible_checks.cache import content_hash
from crucible_checks.checks import Check, CheckInfo, Scope
from crucible_checks.errors import (
    ConfigError,
    CrucibleError,
    PluginError,
    UsageError,
)
from crucible_checks.files import (
    DEFAULT_EXCLUDE,
    SourceFile,
    Walker,
    compile_patterns,
    git_tracked,
)
from crucible_checks.findings import Finding, Severity
from crucible_checks.fixes import Stamp, apply_fixes
from crucible_checks.project import Project
from crucible_checks.selection import check_options, selected, validate_selectors
from crucible_checks.session import Session
from crucible_checks.suppression import Directive, apply, parse_directives, unused

UNUSED_SUPPRESSION = "CC001"
_DIRECTIVES_CACHE = "suppression"
#: Raise when the suppression comment syntax changes.
_DIRECTIVES_VERSION = 1
UNREADABLE_FILE = "CC002"

#: First-generation threshold of the cyclic garbage collector during a run. A
#: run keeps hundreds of thousands of objects (page records, cache entries) and
#: makes few reference cycles. At Python's default of 700 allocations the
#: collector rescans them again and again, which took about a quarter of a warm
#: run on 10k pages.
GC_THRESHOLD = 50_000

Progress = Callable[[str], None]


@dataclass
class RunOptions:
    """Options of one run, one field for each flag of the ``run`` command."""

    paths: Sequence[Path] = ()
    select: Sequence[str] | None = None
    extend_select: Sequence[str] = ()
    ignore: Sequence[str] = ()
    fix: bool = False
    use_cache: bool = True
    use_baseline: bool = True
    changed_since: str | None = None
    file_source: str | None = None
    force_exclude: bool = False


@dataclass(frozen=True)
class RunScope:
    """The checks a run ran and the files it reported on."""

    codes: frozenset[str]
    #: Paths relative to the root, or None when the run reported on every file.
    targets: frozenset[str] | None = None
    #: With ``--changed-since``: the changed files, the only ones that
    #: per-file checks report on.
    changed: frozenset[str] | None = None
    file_codes: frozenset[str] = frozenset()

    def covers(self, entry: BaselineEntry) -> bool:
        """Return whether this run would have reported the entry's finding."""
        if entry.code not in self.codes:
            return False
        if self.targets is not None and entry.path not in self.targets:
            return False
        if self.changed is None or entry.code not in self.file_codes:
            return True
        return entry.path in self.changed


@dataclass
class RunResult:
    """The findings of a run and the counts the command line reports."""

    findings: list[Finding]
    checks: list[CheckInfo]
    files_checked: int
    scope: RunScope = field(default_factory=lambda: RunScope(frozenset()))
    fixed: int = 0
    baseline_matched: int = 0
    baseline_fixed: int = 0
    notes: list[str] = field(default_factory=list)
    stamps: dict[str, Stamp] = field(default_factory=dict, repr=False)

    @property
    def failed(self) -> bool:
        return any(finding.severity.fails_run for finding in self.findings)


def run(
    paths: Sequence[str | Path] = (),
    *,
    start: Path | None = None,
    config_file: Path | None = None,
    select: Sequence[str] | None = None,
    ignore: Sequence[str] = (),
    fix: bool = False,
    use_cache: bool = True,
) -> RunResult:
    """Run the configured checks and return their findings.

    The library entry point: raises `CrucibleError` for usage, config and plugin
    errors, and never prints.
    """
    session = Session.create(start=start, config_file=config_file)
    options = RunOptions(
        paths=[Path(path) for path in paths],
        select=select,
        ignore=ignore,
        fix=fix,
        use_cache=use_cache,
    )
    return run_checks(session, options)


def run_checks(
    session: Session, options: RunOptions, progress: Progress | None = None
) -> RunResult:
    """Run the selected checks of ``session``; with ``fix``, fix and check again."""
    with fewer_collections():
        result = _run_once(session, options, progress)
        if not options.fix:
            return result
        fixed = apply_fixes(session.config.root, result.findings, result.stamps)
        if fixed == 0:
            return result
        result = _run_once(session, options, progress)
    result.fixed = fixed
    return result


@contextmanager
def fewer_collections() -> Iterator[None]:
    """Raise the collector's first threshold to `GC_THRESHOLD`, then restore it."""
    thresholds = gc.get_threshold()
    gc.set_threshold(max(thresholds[0], GC_THRESHOLD), *thresholds[1:])
    try:
        yield
    finally:
        gc.set_threshold(*thresholds)


def choose_checks(session: Session, options: RunOptions) -> list[Check]:
    """Return the checks the config and the options select, in code order."""
    infos = session.host.infos
    config = session.config
    validate_selectors(options.select or (), infos, "--select", UsageError)
    validate_selectors(options.extend_select, infos, "--extend-select", UsageError)
    validate_selectors(options.ignore, infos, "--ignore", UsageError)
    select: Sequence[str] | None
    if options.select is None:
        select = config.select
        extend = [*config.extend_select, *options.extend_select]
    else:
        # --select starts the selection again, so a hook given --select CEL
        # runs no docs check that the config adds with extend-select.
        select = options.select
        extend = list(options.extend_select)
    chosen = selected(infos, select, extend, [*config.ignore, *options.ignore])
    return [session.host.checks[info.code] for info in chosen]


def build_project(session: Session, options: RunOptions) -> Project:
    """Walk the roots and the paths given, once, and describe what to report on."""
    config = session.config
    root = config.root
    explicit = _explicit_paths(options.paths, root)
    walker = _walker(session)
    whole_project = not explicit or any(path.resolve() == root for path in explicit)
    if options.force_exclude:
        explicit = [path for path in explicit if not walker.is_excluded(path.resolve())]

    roots = [root / name for name in config.roots]
    files = walker.walk([*roots, *(path.resolve() for path in explicit)])
    files = _keep_source(files, root, options.file_source or config.file_source)
    return Project(
        config=config,
        files=files,
        families=session.host.families,
        targets=None if whole_project else _targets(files, root, explicit),
        use_cache=options.use_cache,
        pluginmanager=session.host.pluginmanager,
        walk_problems=list(walker.problems),
    )


def _explicit_paths(paths: Sequence[Path], root: Path) -> list[Path]:
    """Return the paths given on the command line, absolute, or raise if one
    is missing or outside the project root."""
    explicit = [path if path.is_absolute() else Path.cwd() / path for path in paths]
    for path in explicit:
        if not path.exists():
            raise UsageError(f"{path}: no such file or folder")
        resolved = path.resolve()
        if resolved != root and root not in resolved.parents:
            raise UsageError(
                f"{path}: outside the project root {root}; check one project "
                "at a time, or pass --config with a config file above both"
            )
    return explicit


def _walker(session: Session) -> Walker:
    config = session.config
    try:
        return Walker(
            config.root,
            exclude=[*_base_exclude(config.exclude), *config.extend_exclude],
            respect_gitignore=config.respect_gitignore,
        )
    except ConfigError as error:
        raise ConfigError(f"{config.source}: {error}") from error


def _keep_source(files: list[SourceFile], root: Path, source: str) -> list[SourceFile]:
    """Keep only the files in the git index when the file source is ``git``."""
    if source != "git":
        return files
    tracked = git_tracked(root)
    if tracked is None:
        raise UsageError(f"{root}: file source 'git' needs a git repository")
    return [file for file in files if file.relative in tracked]


def _base_exclude(exclude: list[str] | None) -> Sequence[str]:
    """Return ``exclude`` if set; as in ruff, setting it replaces the defaults."""
    return DEFAULT_EXCLUDE if exclude is None else exclude


def _targets(
    files: Sequence[SourceFile], root: Path, paths: Sequence[Path]
) -> frozenset[str]:
    prefixes = []
    for path in paths:
        try:
            prefixes.append(path.resolve().relative_to(root).as_posix())
        except ValueError:
            prefixes.append(path.resolve().as_posix())
    return frozenset(
        file.relative
        for file in files
        if any(
            file.relative == p or file.relative.startswith(p + "/") for p in prefixes
        )
    )


def _run_once(
    session: Session, options: RunOptions, progress: Progress | None
) -> RunResult:
    checks = choose_checks(session, options)
    project = build_project(session, options)
    if progress is not None:
        progress(f"checking {len(project.files)} files with {len(checks)} checks")
    changed = _changed_files(session.config.root, options.changed_since)
    findings: list[Finding] = []
    core_checks = [check for check in checks if check.info.family == "core"]
    for check in [
        check for check in checks if check.info.family != "core"
    ] + core_checks:
        findings.extend(_run_check(check, project, session, changed))
    findings = _filter(findings, project, session, checks)
    project.save_caches()
    result = RunResult(
        sorted(set(findings), key=_order),
        [c.info for c in checks],
        len(project.files),
        scope=RunScope(
            codes=frozenset(check.info.code for check in checks),
            targets=project.targets,
            changed=changed,
            file_codes=frozenset(
                check.info.code for check in checks if check.info.scope is Scope.FILE
            ),
        ),
        stamps={file.relative: (file.size, file.mtime_ns) for file in project.files},
    )
    if options.use_baseline:
        _apply_baseline(result, session)
    return result


def _run_check(
    check: Check, project: Project, session: Session, changed: frozenset[str] | None
) -> list[Finding]:
    info = check.info
    options = check_options(info, session.config)
    try:
        found = list(check.run(project, options))
    except CrucibleError:
        raise
    except (Exception, SystemExit) as error:
        raise PluginError(
            info.plugin,
            f"check {info.code} ({info.name}) failed: {type(error).__name__}: {error}",
        ) from error
    for finding in found:
        _validate_finding(finding, info)
    reported = [finding for finding in found if project.is_target(finding.path)]
    if changed is not None and info.scope is Scope.FILE:
        reported = [finding for finding in reported if finding.path in changed]
    return reported


def _order(finding: Finding) -> tuple[object, ...]:
    """Return the fields `Finding` compares, in its order, as one tuple: a key
    sorts 1k findings in C instead of calling the dataclass's ``__lt__``."""
    return (
        finding.path,
        finding.line,
        finding.column,
        finding.code,
        finding.message,
        finding.severity,
        finding.end_line,
        finding.end_column,
        finding.subject,
    )


def _validate_finding(finding: object, info: CheckInfo) -> None:
    """Raise `PluginError` unless a check returned a finding of its own code,
    located in the project on a real line, with a known severity.

    Runs before any output is written, so a bad finding cannot stop the
    output half-way.
    """
    problem = _finding_problem(finding, info)
    if problem:
        raise PluginError(
            info.plugin, f"check {info.code} returned {finding!r}; {problem}"
        )


def _finding_problem(finding: object, info: CheckInfo) -> str:
    """Describe what is wrong with one finding of a check, or return ''."""
    if not isinstance(finding, Finding):
        return f"expected Finding objects, got {type(finding).__name__}"
    if finding.code != info.code:
        return (
            f"its code {finding.code!r} is not the check's code {info.code}; "
            "a check reports findings of its own code only"
        )
    path = finding.path
    if not isinstance(path, str):
        return f"its path is a {type(path).__name__}; expected a str"
    if path.startswith("/"):
        return (
            f"its path {path!r} is absolute; expected a path relative to the "
            "project root"
        )
    if ".." in path.split("/"):
        return (
            f"its path {path!r} contains '..'; expected a path relative to the "
            "project root, without '..'"
        )
    for field_name in ("line", "column"):
        value = getattr(finding, field_name)
        if not isinstance(value, int) or isinstance(value, bool) or value < 1:
            return f"its {field_name} {value!r} is not a number of at least 1"
    if not isinstance(finding.message, str):
        return f"its message is a {type(finding.message).__name__}; expected a str"
    if not isinstance(finding.severity, Severity):
        choices = ", ".join(f"Severity.{member.name}" for member in Severity)
        return f"its severity {finding.severity!r} is not one of {choices}"
    return ""


def _filter(
    findings: list[Finding], project: Project, session: Session, checks: Sequence[Check]
) -> list[Finding]:
    config = session.config
    specs = {
        pattern: compile_patterns([pattern]) for pattern in config.per_file_ignores
    }

    def ignored(finding: Finding) -> bool:
        return any(
            specs[pattern].match_file(finding.path)
            and any(finding.code.startswith(code) or code == "ALL" for code in codes)
            for pattern, codes in config.per_file_ignores.items()
        )

    kept = [finding for finding in findings if not ignored(finding)]
    return _suppress(kept, project, checks)


def _suppress(
    findings: list[Finding], project: Project, checks: Sequence[Check]
) -> list[Finding]:
    names = {check.info.code: check.info.name for check in checks}
    ran = frozenset(names) | frozenset(names.values())
    report_unused = UNUSED_SUPPRESSION in names
    by_path: dict[str, list[Finding]] = defaultdict(list)
    for finding in findings:
        by_path[finding.path].append(finding)
    paths = set(by_path)
    if report_unused:
        paths |= {
            file.relative for file in project.files if project.is_target(file.relative)
        }
    files = {file.relative: file for file in project.files}
    kept: list[Finding] = []
    for path in sorted(paths):
        directives = _directives(project, files.get(path))
        kept.extend(apply(by_path.get(path, []), directives, names))
        if report_unused:
            kept.extend(_unused_findings(path, unused(directives, ran)))
    return kept


def _directives(project: Project, file: SourceFile | None) -> list[Directive]:
    if file is None or file.size > 2 * 1024 * 1024:
        return []
    # Kept per file: a warm run with a finding in each of 1k files would
    # otherwise read all of them again to look for suppression comments.
    cache = project.cache(_DIRECTIVES_CACHE, _DIRECTIVES_VERSION)
    cached: tuple[Directive, ...] | None = cache.get(file)
    if cached is None:
        try:
            data = file.path.read_bytes()
        except OSError:
            return []
        cached = ()
        if b"crucible-checks-" in data or b"noqa" in data.lower():
            text = data.decode("utf-8", "replace")
            cached = tuple(parse_directives(file.relative, text))
        cache.put(file, content_hash(data), cached)
    # Copies, since applying the directives marks them used.
    return [replace(directive) for directive in cached]


def _unused_findings(path: str, directives: Sequence[Directive]) -> list[Finding]:
    return [
        Finding(
            path=path,
            line=directive.line,
            column=directive.column,
            code=UNUSED_SUPPRESSION,
            message=f"unused suppression {directive.text!r}: no "
            f"{', '.join(sorted(directive.codes))} finding here; remove it",
            severity=Severity.WARNING,
            subject=",".join(sorted(directive.codes)),
        )
        for directive in directives
    ]


def _apply_baseline(result: RunResult, session: Session) -> None:
    path = session.config.root / session.config.baseline
    if not path.is_file():
        return
    outcome = apply_baseline(result.findings, read_baseline(path), result.scope.covers)
    result.findings = outcome.findings
    result.baseline_matched = outcome.matched
    result.baseline_fixed = outcome.fixed


def _changed_files(root: Path, revision: str | None) -> frozenset[str] | None:
    if revision is None:
        return None
    if not revision.strip() or revision.startswith("-"):
        raise UsageError(
            f"--changed-since {revision!r}: not a git revision; give a branch, "
            "tag or commit such as main or HEAD~1"
        )
    commands = (
        [
            "git",
            "diff",
            "--name-only",
            "--relative",
            "--end-of-options",
            revision,
            "--",
        ],
        ["git", "ls-files", "--others", "--exclude-standard"],
    )
    names: set[str] = set()
    for command in commands:
        try:
            completed = subprocess.run(
                command, cwd=root, capture_output=True, text=True, check=True
            )
        except FileNotFoundError as error:
            raise UsageError("--changed-since needs git on PATH") from error
        except subprocess.CalledProcessError as error:
            # Outside a repository git prints its whole usage text, and its
            # first line names what failed.
            reason = (error.stderr.strip().splitlines() or ["no message"])[0]
            raise UsageError(
                f"--changed-since {revision}: git failed: {reason}"
            ) from error
        names.update(line for line in completed.stdout.splitlines() if line)
    return frozenset(names)
