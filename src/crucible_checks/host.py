"""The plugin host: loads plugins through entry points and collects what they add."""

from __future__ import annotations

import importlib
import os
import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import replace
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

import pluggy

from crucible_checks import hookspecs
from crucible_checks.checks import Check, CheckInfo, Family, OptionValue
from crucible_checks.commands import Command
from crucible_checks.errors import PluginError
from crucible_checks.findings import Finding
from crucible_checks.output import OutputFormat
from crucible_checks.plugin_entries import PluginEntry, plugin_entries
from crucible_checks.selection import CODE_PATTERN

if TYPE_CHECKING:
    from crucible_checks.project import Project

ENTRY_POINT_GROUP = "crucible_checks"
DISABLE_ENV = "CRUCIBLE_CHECKS_DISABLE_PLUGINS"
#: The sub-commands that the command line defines itself, so no plugin may
#: add a command of the same name.
BUILT_IN_COMMANDS = ("list", "rule", "run", "baseline")
#: The shape of a check name. Selectors are separated by commas, so a name
#: contains no commas or spaces.
_NAME_PATTERN = re.compile(r"[^\s,]+")


class Host:
    """A pluggy `PluginManager` with the checks, families, formats and commands
    that the loaded plugins contribute."""

    def __init__(self, pluginmanager: pluggy.PluginManager) -> None:
        self.pluginmanager = pluginmanager
        self.families: dict[str, Family] = {}
        self.checks: dict[str, Check] = {}
        self.formats: dict[str, OutputFormat] = {}
        #: The plugin that added each output format, for error messages.
        self.format_plugins: dict[str, str] = {}
        self.commands: dict[str, Command] = {}
        #: The plugin that added each command, for error messages.
        self.command_plugins: dict[str, str] = {}
        #: The names of the plugins found, loaded or disabled: the entry-point
        #: names and the module names given as extra plugins.
        self.plugin_names: list[str] = []
        #: The names in `plugin_names` that the options or the environment
        #: disabled.
        self.disabled_plugins: list[str] = []

    @property
    def infos(self) -> list[CheckInfo]:
        return [check.info for check in self.checks.values()]

    def collect(self) -> None:
        """Ask every plugin for its contributions, naming the plugin on failure."""
        hook = self.pluginmanager.hook
        family: Family
        check: Check
        output_format: OutputFormat
        command: Command
        for plugin, family in self._call(hook.crucible_checks_families):
            if not isinstance(family, Family) or not isinstance(family.name, str):
                raise PluginError(
                    plugin,
                    f"contributed <{type(family).__name__}> as a family; a family "
                    "is a crucible_checks.Family with a str name",
                )
            self.families.setdefault(family.name, family)
        for plugin, check in self._call(hook.crucible_checks_checks):
            self._add_check(plugin, check)
        for plugin, output_format in self._call(hook.crucible_checks_output_formats):
            if output_format.name not in self.formats:
                self.formats[output_format.name] = output_format
                self.format_plugins[output_format.name] = plugin
        for plugin, command in self._call(hook.crucible_checks_commands):
            self._add_command(plugin, command)

    def _add_command(self, plugin: str, command: Command) -> None:
        name = getattr(command, "name", None)
        if not isinstance(name, str) or not name or name.startswith("-"):
            raise PluginError(
                plugin,
                f"contributed a command named {name!r}; a command needs a "
                "non-empty str name that does not start with '-'",
            )
        if name in BUILT_IN_COMMANDS:
            raise PluginError(
                plugin,
                f"command {name!r} has the name of a built-in command; "
                "rename the plugin's command",
            )
        if name in self.commands:
            first, second = self._in_order(self.command_plugins[name], plugin)
            raise PluginError(
                second,
                f"command {name!r} is already added by {first!r}; rename one of them",
            )
        self.commands[name] = command
        self.command_plugins[name] = plugin

    def _add_check(self, plugin: str, check: Check) -> None:
        info = getattr(check, "info", None)
        if not isinstance(info, CheckInfo) or not callable(getattr(check, "run", None)):
            raise PluginError(
                plugin,
                f"contributed <{type(check).__name__}> as a check; a check needs "
                "an 'info' CheckInfo and a run method",
            )
        _check_shape(plugin, info)
        info = replace(info, plugin=plugin)
        self._check_unique(info)
        if info.family not in self.families:
            raise PluginError(
                plugin, f"check {info.code} names unknown family {info.family!r}"
            )
        self.checks[info.code] = _WithPlugin(check, info)

    def _check_unique(self, info: CheckInfo) -> None:
        """Raise `PluginError` if another check has the code or name of
        ``info``, blaming the plugin that was registered second."""
        for other in self.checks.values():
            if other.info.code != info.code and other.info.name != info.name:
                continue
            first_plugin, _ = self._in_order(other.info.plugin, info.plugin)
            first, second = (other.info, info)
            if first_plugin != other.info.plugin:
                first, second = second, first
            if other.info.code == info.code:
                message = f"check code {info.code} is already used by {first.plugin!r}"
            else:
                message = (
                    f"check {second.code} has the name {info.name!r}, which check "
                    f"{first.code} of {first.plugin!r} already uses"
                )
            raise PluginError(second.plugin, message)

    def _in_order(self, plugin: str, other: str) -> tuple[str, str]:
        """Return two plugins in the order they were registered, so a clash
        blames the one that came second."""
        order = [name for name, _plugin in self.pluginmanager.list_name_plugin()]
        if order.index(plugin) > order.index(other):
            return other, plugin
        return plugin, other

    def _call(self, caller: pluggy.HookCaller) -> Iterator[tuple[str, Any]]:
        """Call each implementation on its own, so an error names its plugin."""
        for impl in reversed(caller.get_hookimpls()):
            try:
                contributed = cast("Iterable[Any] | None", impl.function())
                if isinstance(contributed, (str, bytes)):
                    raise TypeError(
                        f"{caller.name} returned a {type(contributed).__name__}; "
                        "a hook returns a list"
                    )
                items = list(contributed or ())
            except (Exception, SystemExit) as error:
                raise PluginError(impl.plugin_name, _describe(error)) from error
            for item in items:
                yield impl.plugin_name, item


def _check_shape(plugin: str, info: CheckInfo) -> None:
    """Raise `PluginError` unless the code and name of a check can be used as
    selectors."""
    if not isinstance(info.code, str) or not CODE_PATTERN.fullmatch(info.code):
        raise PluginError(
            plugin,
            f"check {info.name!r} has the code {info.code!r}; a check code is "
            "capital letters then digits, such as TODO001",
        )
    if not isinstance(info.name, str) or not _NAME_PATTERN.fullmatch(info.name):
        raise PluginError(
            plugin,
            f"check {info.code} has the name {info.name!r}; a check name is "
            "a word without spaces or commas, such as todo-without-owner",
        )


class _WithPlugin:
    """A check whose metadata carries the name of the plugin that added it."""

    def __init__(self, check: Check, info: CheckInfo) -> None:
        self._check = check
        self.info = info

    def run(
        self, project: Project, options: Mapping[str, OptionValue]
    ) -> Iterable[Finding]:
        return self._check.run(project, options)


def load_host(
    disabled: Sequence[str] = (),
    extra_plugins: Sequence[str] = (),
    cache_folder: Path | None = None,
) -> Host:
    """Load the plugins of the entry-point group, less the disabled ones.

    ``extra_plugins`` are module names imported and registered after them.
    The entry points found are kept in ``cache_folder``, if given.
    Raises `PluginError` naming the first plugin that fails.
    """
    pluginmanager = pluggy.PluginManager(hookspecs.PROJECT_NAME)
    pluginmanager.add_hookspecs(hookspecs)
    blocked = set(disabled) | _disabled_from_environment()
    for name in sorted(blocked):
        pluginmanager.set_blocked(name)
    entry_points = _entry_points(cache_folder)
    for entry_point in entry_points:
        if entry_point.name not in blocked:
            _register(pluginmanager, entry_point.name, entry_point.load)
    for module_name in extra_plugins:
        if module_name not in blocked:
            load = partial(importlib.import_module, module_name)
            _register(pluginmanager, module_name, load)
    pluginmanager.hook.crucible_checks_add_hookspecs.call_historic(
        kwargs={"pluginmanager": pluginmanager}
    )
    try:
        pluginmanager.check_pending()
    except pluggy.PluginValidationError as error:
        name = pluginmanager.get_name(error.plugin) or repr(error.plugin)
        raise PluginError(name, str(error)) from error
    host = Host(pluginmanager)
    names = [entry_point.name for entry_point in entry_points] + list(extra_plugins)
    host.plugin_names = sorted(set(names))
    host.disabled_plugins = [name for name in host.plugin_names if name in blocked]
    host.collect()
    return host


def _register(
    pluginmanager: pluggy.PluginManager, name: str, load: Callable[[], object]
) -> None:
    try:
        plugin = load()
    except SystemExit as error:
        raise PluginError(
            name,
            f"failed to import: the module called sys.exit({error.code!r}); "
            "a plugin module must not exit when imported",
        ) from error
    except Exception as error:
        raise PluginError(name, f"failed to import: {_describe(error)}") from error
    try:
        pluginmanager.register(plugin, name=name)
    except pluggy.PluginValidationError as error:
        raise PluginError(name, str(error)) from error
    except ValueError as error:
        raise PluginError(name, str(error)) from error


def _entry_points(cache_folder: Path | None) -> list[PluginEntry]:
    found = plugin_entries(ENTRY_POINT_GROUP, cache_folder)
    # The built-in core plugin goes first so others may extend its formats.
    return sorted(found, key=lambda entry: (entry.name != "core", entry.name))


def _disabled_from_environment() -> set[str]:
    value = os.environ.get(DISABLE_ENV, "")
    return {name.strip() for name in value.split(",") if name.strip()}


def _describe(error: BaseException) -> str:
    return f"{type(error).__name__}: {error}"
