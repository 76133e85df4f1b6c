"""The git-hooks plugin: the ``git-hooks`` command that installs the plain git
hooks of hooks/ and that those hooks call.

``git-hooks run pre-commit`` reports the findings in the staged files, or in
the whole project when the commit deletes or renames a file (files that link
to it are not staged). ``git-hooks run pre-push`` checks the whole project at
the tip of every ref being pushed.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from crucible_checks import git_hook_install, git_snapshot
from crucible_checks.commands import Command
from crucible_checks.errors import UsageError
from crucible_checks.findings import Finding
from crucible_checks.hookspecs import hookimpl
from crucible_checks.output.concise import concise_line
from crucible_checks.run import RunOptions, run_checks
from crucible_checks.session import Session

EXIT_CLEAN = 0
EXIT_FINDINGS = 1


class GitHooksCommand:
    """``crucible-checks git-hooks install|uninstall|run``."""

    name = "git-hooks"
    help = "install or remove the plain git hooks, or run one of them"

    def add_arguments(self, parser: argparse.ArgumentParser) -> None:
        actions = parser.add_subparsers(dest="hooks_action", metavar="ACTION")
        install = actions.add_parser(
            "install", help="write the pre-commit and pre-push hooks"
        )
        install.add_argument(
            "--force",
            action="store_true",
            help="move a hook of another tool aside instead of stopping",
        )
        actions.add_parser(
            "uninstall", help="remove the hooks and restore those moved aside"
        )
        run = actions.add_parser("run", help="run a hook (called by the scripts)")
        run.add_argument("hook", choices=git_hook_install.HOOK_NAMES)
        run.add_argument("hook_args", nargs="*", help=argparse.SUPPRESS)

    def run(self, args: argparse.Namespace, session: Session) -> int:
        cwd = Path.cwd()
        if args.hooks_action == "install":
            folder = git_hook_install.hooks_folder(cwd)
            changes = git_hook_install.install(folder, sys.executable, args.force)
        elif args.hooks_action == "uninstall":
            folder = git_hook_install.hooks_folder(cwd)
            changes = git_hook_install.uninstall(folder)
        elif args.hooks_action == "run" and args.hook == "pre-commit":
            return run_pre_commit(cwd)
        elif args.hooks_action == "run":
            return run_pre_push(cwd, sys.stdin.read().splitlines())
        else:
            raise UsageError(
                "git-hooks: missing action; choose install, uninstall or run"
            )
        for change in changes:
            print(f"{change.path}: {change.action}")
        return EXIT_CLEAN


def run_pre_commit(cwd: Path) -> int:
    """Check the staged files; print the findings and return the exit status."""
    top = git_snapshot.top_level(cwd)
    staged = git_snapshot.staged_changes(top)
    if not staged.changed and not staged.removes:
        return EXIT_CLEAN
    report_on = None if staged.removes else staged.changed
    where = "the staged project" if staged.removes else "the staged files"
    if not git_snapshot.has_unstaged_changes(top):
        findings = _check_tree(top, top, "git", report_on)
        return _report(findings, where, _COMMIT_ADVICE)
    with git_snapshot.index_copy(top) as folder:
        findings = _check_tree(folder, top, "worktree", report_on)
    return _report(findings, where, _COMMIT_ADVICE)


def run_pre_push(cwd: Path, lines: Sequence[str]) -> int:
    """Check the whole project at each pushed commit."""
    top = git_snapshot.top_level(cwd)
    status = EXIT_CLEAN
    for ref in git_snapshot.parse_pushed_refs(lines):
        with git_snapshot.index_copy(top, ref.local_sha) as folder:
            findings = _check_tree(folder, top, "worktree", None)
        where = f"{ref.local_ref} ({ref.local_sha[:12]})"
        status = max(status, _report(findings, where, _PUSH_ADVICE))
    return status


def _check_tree(
    tree: Path, top: Path, file_source: str, report_on: frozenset[str] | None
) -> list[Finding]:
    """Run the configured checks on ``tree``, a copy of ``top`` or ``top`` itself.

    Findings are kept only in ``report_on`` (paths relative to ``top``) when
    it is given.
    """
    session = Session.create(start=tree)
    if tree != top:
        source_cache = top / session.config.cache_dir
        git_snapshot.copy_cache(source_cache, tree / session.config.cache_dir)
    options = RunOptions(file_source=file_source)
    findings = run_checks(session, options).findings
    if report_on is None:
        return findings
    prefix = _prefix(session.config.root, tree)
    return [finding for finding in findings if prefix + finding.path in report_on]


def _prefix(root: Path, tree: Path) -> str:
    """Return the config root's path inside the tree, with a trailing slash."""
    relative = root.resolve().relative_to(tree.resolve()).as_posix()
    return "" if relative == "." else relative + "/"


_COMMIT_ADVICE = (
    "fix them and stage the fix (git add), or commit with --no-verify to skip"
)
_PUSH_ADVICE = "commit a fix before pushing, or push with --no-verify to skip"


def _report(findings: list[Finding], where: str, advice: str) -> int:
    for finding in findings:
        print(concise_line(finding))
    failing = [finding for finding in findings if finding.severity.fails_run]
    if not failing:
        return EXIT_CLEAN
    count = len(failing)
    print(
        f"crucible-checks: {count} finding{'s' if count != 1 else ''} in {where}; "
        f"{advice}"
    )
    return EXIT_FINDINGS


@hookimpl
def crucible_checks_commands() -> list[Command]:
    return [GitHooksCommand()]
