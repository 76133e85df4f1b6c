"""A session: the settings and loaded plugins that every command and run share."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from crucible_checks.checks import Check, CheckInfo
from crucible_checks.config import Config, load_config, nearest
from crucible_checks.errors import ConfigError, CrucibleError, UsageError
from crucible_checks.host import Host, load_host
from crucible_checks.selection import validate_selectors, validate_tables


@dataclass
class Session:
    """The validated config and the plugin host built from it."""

    config: Config
    host: Host

    @classmethod
    def create(
        cls,
        start: Path | None = None,
        config_file: Path | None = None,
        disable_plugins: Sequence[str] = (),
        plugins: Sequence[str] = (),
        use_cache: bool = True,
    ) -> Session:
        """Read the config found from ``start`` and load the plugins it allows.

        With ``use_cache``, the plugin entry points found are kept in the
        cache folder.
        """
        start = (start or Path.cwd()).resolve()
        if config_file is not None and not config_file.is_file():
            raise UsageError(f"{config_file}: config file not found")
        config = load_config(start, config_file)
        host = load_host(
            disabled=[*config.disable_plugins, *disable_plugins],
            extra_plugins=[*config.plugins, *plugins],
            cache_folder=config.root / config.cache_dir if use_cache else None,
        )
        where = f"{config.source} 'disable-plugins'"
        _validate_plugin_names(config.disable_plugins, host, where, ConfigError)
        _validate_plugin_names(disable_plugins, host, "--disable-plugin", UsageError)
        validate_tables(config, host.families, host.infos, host.disabled_plugins)
        for key, selectors in (
            ("select", config.select or []),
            ("extend-select", config.extend_select),
            ("ignore", config.ignore),
        ):
            validate_selectors(selectors, host.infos, f"{config.source} {key!r}")
        for pattern, codes in config.per_file_ignores.items():
            where = f"{config.source} 'per-file-ignores' {pattern!r}"
            validate_selectors(codes, host.infos, where)
        return cls(config, host)

    def check(self, code_or_name: str) -> Check | None:
        """Return the check with this code or name, if a plugin provides one."""
        for check in self.host.checks.values():
            if (
                code_or_name.upper() == check.info.code
                or code_or_name == check.info.name
            ):
                return check
        return None

    @property
    def infos(self) -> list[CheckInfo]:
        return sorted(self.host.infos, key=lambda info: info.code)


def _validate_plugin_names(
    names: Sequence[str], host: Host, where: str, error: type[CrucibleError]
) -> None:
    """Raise ``error`` for a name that no installed or extra plugin has, since
    disabling a misspelled name would disable nothing."""
    found = ", ".join(host.plugin_names)
    for name in names:
        if name in host.plugin_names:
            continue
        raise error(
            f"{where}: unknown plugin {name!r} (the plugins found are {found})"
            f"{nearest(name, host.plugin_names)}"
        )
