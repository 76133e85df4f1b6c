"""The ``crucible-checks`` command line: the only module of the core that prints."""

from __future__ import annotations

import argparse
import json
import os
import sys
import threading
import traceback
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import TextIO

from crucible_checks import __version__
from crucible_checks.atomic import write_text_atomic
from crucible_checks.baseline import read_baseline, write_baseline
from crucible_checks.checks import CheckInfo
from crucible_checks.commands import Command
from crucible_checks.config import nearest
from crucible_checks.errors import CrucibleError, PluginError, UsageError
from crucible_checks.output import OutputContext
from crucible_checks.output.github import summary
from crucible_checks.run import RunOptions, RunResult, choose_checks, run_checks
from crucible_checks.session import Session

EXIT_CLEAN = 0
EXIT_FINDINGS = 1
EXIT_ERROR = 2
PROGRESS_DELAY = 1.0
_PATH_COMMANDS = ("run", "baseline")


class _Parser(argparse.ArgumentParser):
    """An argument parser that raises `UsageError` instead of exiting."""

    def error(self, message: str) -> None:  # type: ignore[override]
        command = self.prog.removeprefix("crucible-checks").strip()
        raise UsageError(f"{command}: {message}" if command else message)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line and return its exit status."""
    arguments = list(sys.argv[1:] if argv is None else argv)
    debug = "--debug" in arguments
    try:
        return _main(arguments)
    except CrucibleError as error:
        _report_error(str(error), error, debug)
        return EXIT_ERROR
    except KeyboardInterrupt:
        print("crucible-checks: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # The reader closed the pipe early, as `| head` does. Python's docs
        # advise pointing stdout at devnull so the exit flush stays quiet.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_FINDINGS
    except Exception as error:  # A bug in crucible-checks itself.
        message = f"internal error: {type(error).__name__}: {error}"
        _report_error(
            message + "; please report it with the --debug output", error, debug
        )
        return EXIT_ERROR


def _report_error(message: str, error: BaseException, debug: bool) -> None:
    if debug:
        traceback.print_exception(error, file=sys.stderr)
    _write(sys.stderr, f"crucible-checks: error: {message}\n")


def _write(stream: TextIO, text: str) -> None:
    """Write ``text``, escaping what the stream's encoding cannot carry.

    A file name that is not valid UTF-8 contains lone surrogates (PEP 383); a
    stream with strict errors, such as under PYTHONIOENCODING=utf-8, rejects them.
    """
    try:
        stream.write(text)
    except UnicodeEncodeError:
        encoding = stream.encoding or "utf-8"
        stream.write(text.encode(encoding, "backslashreplace").decode(encoding))


def _main(arguments: list[str]) -> int:
    early = _global_parser(add_help=False)
    known, _rest = early.parse_known_args(arguments)
    if known.version:
        print(f"crucible-checks {__version__}")
        return EXIT_CLEAN
    session = Session.create(
        start=_start_folder(arguments),
        config_file=known.config,
        disable_plugins=known.disable_plugin,
        plugins=known.plugin,
        # Read before the command's own parser exists, since loading the
        # plugins comes first.
        use_cache="--no-cache" not in arguments,
    )
    chosen = next((item for item in _rest if not item.startswith("-")), None)
    parser = _build_parser(session, chosen)
    args = parser.parse_args(arguments)
    if args.command is None:
        parser.print_help()
        return EXIT_ERROR
    handler = _HANDLERS.get(args.command)
    if handler is not None:
        return handler(args, session)
    return _run_plugin_command(args, session)


def _run_plugin_command(args: argparse.Namespace, session: Session) -> int:
    """Run a plugin's command, naming the plugin if it raises or returns
    something other than an exit status."""
    name = args.command
    plugin = session.host.command_plugins[name]
    try:
        status = session.host.commands[name].run(args, session)
    except (CrucibleError, BrokenPipeError):
        raise
    except SystemExit as error:
        raise PluginError(
            plugin,
            f"command {name!r} called sys.exit({error.code!r}); a command returns "
            "its exit status instead",
        ) from error
    except Exception as error:
        raise PluginError(
            plugin, f"command {name!r} failed: {type(error).__name__}: {error}"
        ) from error
    if status not in (EXIT_CLEAN, EXIT_FINDINGS, EXIT_ERROR) or isinstance(
        status, bool
    ):
        raise PluginError(
            plugin,
            f"command {name!r} returned {status!r}; expected an exit status "
            f"of {EXIT_CLEAN}, {EXIT_FINDINGS} or {EXIT_ERROR}",
        )
    return status


def _start_folder(arguments: list[str]) -> Path | None:
    """Return where to look for the config: the first path given to ``run``."""
    if not any(command in arguments for command in _PATH_COMMANDS):
        return None
    after = arguments[
        arguments.index(next(c for c in arguments if c in _PATH_COMMANDS)) + 1 :
    ]
    for argument in _positionals(after):
        path = Path(argument)
        if path.exists():
            return path if path.is_dir() else path.parent
    return None


#: Options of ``run`` and ``baseline`` that take a value, which is not a path
#: to check even when a file of that name exists (``--output-file out.json``).
_VALUE_OPTIONS = frozenset(
    {
        "--select",
        "--extend-select",
        "--ignore",
        "--file-source",
        "--format",
        "--output-file",
        "--changed-since",
    }
)


def _positionals(arguments: list[str]) -> list[str]:
    """Return the arguments that are not options or the values of options."""
    found: list[str] = []
    skip = False
    for index, argument in enumerate(arguments):
        if argument == "--":
            return [*found, *arguments[index + 1 :]]
        if skip:
            skip = False
        elif argument.startswith("-"):
            skip = argument in _VALUE_OPTIONS
        else:
            found.append(argument)
    return found


def _global_parser(add_help: bool = True) -> argparse.ArgumentParser:
    parser = _Parser(
        prog="crucible-checks",
        description="Check wiki-linked docs and Celery task code on every commit.",
        add_help=add_help,
    )
    parser.add_argument(
        "--version", action="store_true", help="print the version and exit"
    )
    parser.add_argument(
        "--debug", action="store_true", help="show tracebacks of errors"
    )
    parser.add_argument(
        "--config", type=Path, metavar="FILE", help="read settings from FILE"
    )
    parser.add_argument(
        "--disable-plugin",
        action="append",
        default=[],
        metavar="NAME",
        help="do not load the plugin NAME, an entry-point or module name "
        "(repeatable; also CRUCIBLE_CHECKS_DISABLE_PLUGINS=a,b)",
    )
    parser.add_argument(
        "-p",
        "--plugin",
        action="append",
        default=[],
        metavar="MODULE",
        help="load MODULE as a plugin (repeatable)",
    )
    return parser


def _build_parser(
    session: Session, chosen: str | None = None
) -> argparse.ArgumentParser:
    """Return the parser of every command. A plugin command's arguments are
    added only when it is ``chosen``, since building them may import the
    modules that do its work."""
    parser = _global_parser()
    commands = parser.add_subparsers(
        dest="command", metavar="COMMAND", parser_class=_Parser
    )
    listing = commands.add_parser("list", help="list every loaded check")
    listing.add_argument("--format", choices=("text", "json"), default="text")
    rule = commands.add_parser("rule", help="explain a check and its options")
    rule.add_argument(
        "code", metavar="CODE", help="a check code or name, such as DOC001"
    )
    rule.add_argument("--format", choices=("text", "json"), default="text")
    _add_run_arguments(commands.add_parser("run", help="run the checks"), session)
    baseline = commands.add_parser(
        "baseline", help="record current findings so later runs report only new ones"
    )
    _add_selection_arguments(baseline)
    baseline.add_argument("paths", nargs="*", type=Path, metavar="PATH")
    for command in session.host.commands.values():
        command_parser = commands.add_parser(command.name, help=command.help)
        if command.name == chosen:
            _add_command_arguments(session, command, command_parser)
    return parser


def _add_command_arguments(
    session: Session, command: Command, parser: argparse.ArgumentParser
) -> None:
    """Let a plugin command add its arguments, naming the plugin if it fails."""
    try:
        command.add_arguments(parser)
    except (Exception, SystemExit) as error:
        raise PluginError(
            session.host.command_plugins[command.name],
            f"command {command.name!r} failed to add its arguments: "
            f"{type(error).__name__}: {error}",
        ) from error


def _add_selection_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--select",
        type=_codes,
        metavar="CODES",
        help="comma-separated codes, prefixes or names to run instead of the config's",
    )
    parser.add_argument(
        "--extend-select",
        type=_codes,
        default=[],
        metavar="CODES",
        help="codes to run in addition",
    )
    parser.add_argument(
        "--ignore", type=_codes, default=[], metavar="CODES", help="codes not to run"
    )
    parser.add_argument(
        "--no-cache", action="store_true", help="neither read nor write the cache"
    )
    parser.add_argument(
        "--file-source",
        choices=("worktree", "git"),
        help="check every file on disk, or only files in the git index",
    )


def _add_run_arguments(parser: argparse.ArgumentParser, session: Session) -> None:
    parser.add_argument(
        "paths",
        nargs="*",
        type=Path,
        metavar="PATH",
        help="files or folders to report on (default: the configured roots)",
    )
    _add_selection_arguments(parser)
    parser.add_argument(
        "--format",
        default="concise",
        metavar="FORMAT",
        help="output format: " + ", ".join(session.host.formats),
    )
    parser.add_argument(
        "--output-file",
        type=Path,
        metavar="FILE",
        help="write the findings to FILE instead of standard output",
    )
    parser.add_argument(
        "--exit-zero", action="store_true", help="exit 0 even when findings remain"
    )
    parser.add_argument(
        "--statistics", action="store_true", help="print a count of findings per code"
    )
    parser.add_argument(
        "--fix", action="store_true", help="apply the fixes that findings offer"
    )
    parser.add_argument(
        "--changed-since",
        metavar="REF",
        help="report per-file findings only in files changed since git revision REF",
    )
    parser.add_argument(
        "--force-exclude",
        action="store_true",
        help="apply the exclude settings to paths given by name too, as pre-commit "
        "passes them",
    )
    parser.add_argument(
        "--no-baseline",
        action="store_true",
        help="report findings that the baseline file accepts too",
    )


def _codes(value: str) -> list[str]:
    return [code.strip() for code in value.split(",") if code.strip()]


def _list(args: argparse.Namespace, session: Session) -> int:
    infos = session.infos
    if args.format == "json":
        print(json.dumps([_info_dict(info) for info in infos], indent=2))
        return EXIT_CLEAN
    header = ("code", "name", "family", "scope", "default", "severity", "plugin")
    rows = [header] + [
        (
            info.code,
            info.name,
            info.family,
            info.scope.value,
            "on" if info.default_enabled else "off",
            info.severity.value,
            info.plugin,
        )
        for info in infos
    ]
    widths = [max(len(row[column]) for row in rows) for column in range(len(header))]
    for row in rows:
        cells = [cell.ljust(width) for cell, width in zip(row, widths, strict=True)]
        print("  ".join(cells).rstrip())
    return EXIT_CLEAN


def _info_dict(info: CheckInfo) -> dict[str, object]:
    return {
        "code": info.code,
        "name": info.name,
        "family": info.family,
        "summary": info.summary,
        "explanation": info.explanation,
        "bad_example": info.bad_example,
        "good_example": info.good_example,
        "scope": info.scope.value,
        "default_enabled": info.default_enabled,
        "severity": info.severity.value,
        "plugin": info.plugin,
        "options": [
            {
                "name": option.name,
                "type": option.type_name,
                "default": option.default,
                "help": option.help,
                "choices": list(option.choices),
            }
            for option in info.options
        ],
    }


def _rule(args: argparse.Namespace, session: Session) -> int:
    check = session.check(args.code)
    if check is None:
        known = [info.code for info in session.infos] + [
            info.name for info in session.infos
        ]
        raise UsageError(f"unknown check {args.code!r}{nearest(args.code, known)}")
    info = check.info
    if args.format == "json":
        print(json.dumps(_info_dict(info), indent=2))
        return EXIT_CLEAN
    print(render_rule(info))
    return EXIT_CLEAN


def render_rule(info: CheckInfo) -> str:
    """Return the text that ``crucible-checks rule CODE`` prints."""
    default = "on" if info.default_enabled else "off"
    lines = [
        f"{info.code} {info.name}",
        "",
        info.summary,
        "",
        f"family: {info.family}; scope: {info.scope.value}; default: {default}; "
        f"severity: {info.severity.value}; plugin: {info.plugin}",
        "",
        info.explanation,
    ]
    for title, example in (("Bad:", info.bad_example), ("Good:", info.good_example)):
        if example:
            lines += ["", title, "", *("    " + line for line in example.splitlines())]
    if info.options:
        lines += ["", "Options:"]
        for option in info.options:
            lines.append(
                f"  {option.name} ({option.type_name}, default {option.default!r}): "
                f"{option.help}"
            )
    return "\n".join(lines)


def _run(args: argparse.Namespace, session: Session) -> int:
    if not session.host.formats:
        raise UsageError(_no_formats_message(session))
    output_format = session.host.formats.get(args.format)
    if output_format is None:
        raise UsageError(
            f"unknown format {args.format!r}"
            f"{nearest(args.format, session.host.formats)}; "
            f"choose one of {', '.join(session.host.formats)}"
        )
    options = _run_options(args)
    if not choose_checks(session, options):
        raise UsageError(
            "no check is selected: the select and ignore settings leave nothing "
            "to run; select at least one code"
        )
    result = _with_progress(session, options)
    context = OutputContext(
        checks={info.code: info for info in session.infos},
        files_checked=result.files_checked,
        tool_version=__version__,
        root_uri=session.config.root.as_uri() + "/",
    )
    text = _render(session, args.format, result, context)
    if args.output_file is not None:
        _write_output(args.output_file, text)
    else:
        _write(sys.stdout, text)
    human = args.format in ("concise", "full")
    if args.statistics:
        _print_statistics(result, session, sys.stdout if human else sys.stderr)
    _print_summary(
        result, sys.stdout if human and args.output_file is None else sys.stderr
    )
    if result.failed and not args.exit_zero:
        return EXIT_FINDINGS
    return EXIT_CLEAN


def _no_formats_message(session: Session) -> str:
    if "core" in session.host.disabled_plugins:
        return (
            "no output format is loaded, because plugin 'core' provides them and "
            "it is disabled; remove 'core' from --disable-plugin, the "
            "'disable-plugins' setting and CRUCIBLE_CHECKS_DISABLE_PLUGINS"
        )
    return (
        "no output format is loaded; reinstall crucible-checks, whose plugin "
        "'core' provides them"
    )


def _render(
    session: Session, name: str, result: RunResult, context: OutputContext
) -> str:
    plugin = session.host.format_plugins.get(name, name)
    try:
        text = session.host.formats[name].render(result.findings, context)
    except Exception as error:
        raise PluginError(
            plugin, f"output format {name!r} failed: {type(error).__name__}: {error}"
        ) from error
    if not isinstance(text, str):
        raise PluginError(
            plugin,
            f"output format {name!r} returned {type(text).__name__}; expected str",
        )
    return text


def _write_output(path: Path, text: str) -> None:
    try:
        write_text_atomic(path, text)
    except OSError as error:
        reason = (error.strerror or str(error)).lower()
        raise UsageError(
            f"--output-file {path}: cannot write: {reason}; give a file path"
        ) from error


def _run_options(args: argparse.Namespace) -> RunOptions:
    return RunOptions(
        paths=args.paths,
        select=args.select,
        extend_select=args.extend_select,
        ignore=args.ignore,
        fix=getattr(args, "fix", False),
        use_cache=not args.no_cache,
        use_baseline=not getattr(args, "no_baseline", False),
        changed_since=getattr(args, "changed_since", None),
        file_source=args.file_source,
        force_exclude=getattr(args, "force_exclude", False),
    )


def _with_progress(session: Session, options: RunOptions) -> RunResult:
    """Run the checks, telling a terminal user what runs if it takes a while."""
    if not sys.stderr.isatty():
        return run_checks(session, options)
    message = ["checking"]
    timer = threading.Timer(
        PROGRESS_DELAY,
        lambda: print(f"crucible-checks: {message[0]}...", file=sys.stderr),
    )
    timer.daemon = True
    timer.start()
    try:
        return run_checks(
            session, options, progress=lambda text: message.__setitem__(0, text)
        )
    finally:
        timer.cancel()


def _print_statistics(result: RunResult, session: Session, stream: TextIO) -> None:
    counts = Counter(finding.code for finding in result.findings)
    names = {info.code: info.name for info in session.infos}
    for code, count in sorted(counts.items(), key=lambda item: (-item[1], item[0])):
        print(f"{count:>5}  {code:<7} {names.get(code, '')}", file=stream)


def _print_summary(result: RunResult, stream: TextIO) -> None:
    if result.fixed:
        print(
            f"Fixed {result.fixed} finding{'s' if result.fixed != 1 else ''}.",
            file=stream,
        )
    if result.findings:
        print(
            summary(result.findings).replace("crucible-checks: ", "Found ", 1) + ".",
            file=stream,
        )
    else:
        print("All checks passed!", file=stream)
    if result.baseline_matched:
        accepted = result.baseline_matched
        print(
            f"{accepted} finding{'s' if accepted != 1 else ''} accepted by the "
            "baseline not shown; use --no-baseline to see them.",
            file=stream,
        )
    fixed = result.baseline_fixed
    if fixed:
        entries = "entry no longer occurs" if fixed == 1 else "entries no longer occur"
        print(
            f"{fixed} baseline {entries}; run 'crucible-checks baseline' to drop "
            f"{'it' if fixed == 1 else 'them'}.",
            file=stream,
        )


def _baseline(args: argparse.Namespace, session: Session) -> int:
    """Record the findings of the checks and files this run covers, and keep
    the entries of the others, so a run of some checks loses no entries."""
    options = _run_options(args)
    options.use_baseline = False
    result = run_checks(session, options)
    path = session.config.root / session.config.baseline
    old = read_baseline(path) if path.is_file() else []
    kept = [entry for entry in old if not result.scope.covers(entry)]
    write_baseline(path, result.findings, kept)
    count = len(result.findings)
    message = f"Wrote {count} finding{'s' if count != 1 else ''} to {path}"
    kept_count = sum(entry.count for entry in kept)
    if kept_count:
        message += (
            f"; kept {kept_count} entr{'ies' if kept_count != 1 else 'y'} of "
            "checks or files that this run did not check"
        )
    print(message + ".")
    return EXIT_CLEAN


_HANDLERS = {"list": _list, "rule": _rule, "run": _run, "baseline": _baseline}


if __name__ == "__main__":
    sys.exit(main())
