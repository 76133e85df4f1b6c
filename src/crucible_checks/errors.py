"""The one error family of crucible-checks; the command line turns each into exit 2."""

from __future__ import annotations


class CrucibleError(Exception):
    """A problem the user can fix: bad usage, bad config or a broken plugin."""


class UsageError(CrucibleError):
    """A command-line argument is invalid."""


class ConfigError(CrucibleError):
    """A configuration file is invalid."""


class PluginError(CrucibleError):
    """A plugin failed to load, register or run."""

    def __init__(self, plugin: str, message: str) -> None:
        super().__init__(f"plugin {plugin!r}: {message}")
        self.plugin = plugin
