"""Reading and validating ``[tool.crucible-checks]`` configuration."""

from __future__ import annotations

import difflib
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from crucible_checks.errors import ConfigError

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on Python 3.10 only
    import tomli as tomllib  # type: ignore[import-not-found, unused-ignore]

CONFIG_FILE = "crucible-checks.toml"
PYPROJECT = "pyproject.toml"
TABLE = "tool.crucible-checks"

_LIST_KEYS = (
    "select",
    "ignore",
    "extend-select",
    "roots",
    "exclude",
    "extend-exclude",
    "disable-plugins",
    "plugins",
)
_STRING_KEYS = ("cache-dir", "baseline", "file-source")
_BOOL_KEYS = ("respect-gitignore",)
_TABLE_KEYS = ("per-file-ignores", "checks")
TOP_LEVEL_KEYS = _LIST_KEYS + _STRING_KEYS + _BOOL_KEYS + _TABLE_KEYS
FILE_SOURCES = ("worktree", "git")


@dataclass
class Config:
    """The validated top-level settings, and the raw family and check tables."""

    root: Path
    path: Path | None = None
    select: list[str] | None = None
    ignore: list[str] = field(default_factory=list)
    extend_select: list[str] = field(default_factory=list)
    per_file_ignores: dict[str, list[str]] = field(default_factory=dict)
    roots: list[str] = field(default_factory=lambda: ["."])
    exclude: list[str] | None = None
    extend_exclude: list[str] = field(default_factory=list)
    respect_gitignore: bool = True
    file_source: str = "worktree"
    cache_dir: str = ".crucible_checks_cache"
    baseline: str = ".crucible-checks-baseline.json"
    disable_plugins: list[str] = field(default_factory=list)
    plugins: list[str] = field(default_factory=list)
    family_tables: dict[str, dict[str, Any]] = field(default_factory=dict)
    check_tables: dict[str, dict[str, Any]] = field(default_factory=dict)
    #: Top-level keys that are neither settings nor tables. They are validated
    #: once the plugins have loaded, because a key naming a family needs a table.
    other_keys: dict[str, Any] = field(default_factory=dict)

    @property
    def source(self) -> str:
        """Name the file and table the settings came from, for messages."""
        if self.path is None:
            return "default settings"
        if self.path.name == PYPROJECT:
            return f"{self.path} [{TABLE}]"
        return str(self.path)

    def table_source(self, table: str) -> str:
        """Name a sub-table such as ``docs`` or ``checks.DOC001``, for messages."""
        if self.path is None:
            return f"default settings [{table}]"
        return f"{self.path} {self.table_header(table)}"

    def table_header(self, table: str) -> str:
        """Return the TOML header of a sub-table, such as ``[docs]``."""
        if self.path is not None and self.path.name == PYPROJECT:
            return f"[{TABLE}.{table}]"
        return f"[{table}]"


def find_config_file(start: Path) -> Path | None:
    """Return the nearest config file at or above ``start``, as ruff does."""
    for folder in (start, *start.parents):
        candidate = folder / CONFIG_FILE
        if candidate.is_file():
            return candidate
        pyproject = folder / PYPROJECT
        if pyproject.is_file() and _has_table(pyproject):
            return pyproject
    return None


def load_config(start: Path, explicit: Path | None = None) -> Config:
    """Find and read the config for a run started in ``start``."""
    if explicit is not None and explicit.suffix != ".toml":
        raise ConfigError(
            f"{explicit}: a config file must be a .toml file, such as pyproject.toml "
            f"or {CONFIG_FILE}"
        )
    path = explicit or find_config_file(start.resolve())
    if path is None:
        return Config(root=_default_root(start.resolve()))
    table = _read_table(path)
    return parse_config(table, root=path.parent.resolve(), path=path)


def _default_root(start: Path) -> Path:
    """Return the root of a run that found no config file: the current
    folder, unless the run starts outside it."""
    current = Path.cwd().resolve()
    return current if start == current or current in start.parents else start


def parse_config(table: Mapping[str, Any], root: Path, path: Path | None) -> Config:
    """Validate a settings table and build a `Config` from it."""
    config = Config(root=root, path=path)
    for key, value in table.items():
        if isinstance(value, dict) and key not in _TABLE_KEYS:
            config.family_tables[key] = value
        elif key not in TOP_LEVEL_KEYS:
            config.other_keys[key] = value
        else:
            _set_key(config, key, value)
    return config


def _set_key(config: Config, key: str, value: Any) -> None:
    where = config.source
    attribute = key.replace("-", "_")
    if key in _LIST_KEYS:
        setattr(config, attribute, _string_list(where, key, value))
        if key == "roots":
            _check_roots(config, value)
    elif key in _STRING_KEYS:
        if not isinstance(value, str):
            raise ConfigError(type_message(where, key, value, "a string"))
        if key == "file-source" and value not in FILE_SOURCES:
            raise ConfigError(choice_message(where, key, value, FILE_SOURCES))
        if key in ("cache-dir", "baseline"):
            path = check_inside(config, key, value)
            if key == "cache-dir":
                _check_cache_folder(where, value, path)
        setattr(config, attribute, value)
    elif key in _BOOL_KEYS:
        if not isinstance(value, bool):
            raise ConfigError(type_message(where, key, value, "true or false"))
        setattr(config, attribute, value)
    elif key == "per-file-ignores":
        config.per_file_ignores = {
            str(pattern): _string_list(where, f"{key}.{pattern}", codes)
            for pattern, codes in _table(where, key, value).items()
        }
    elif key == "checks":
        config.check_tables = {
            str(name): _table(where, f"{key}.{name}", options)
            for name, options in _table(where, key, value).items()
        }


def check_inside(config: Config, key: str, value: str) -> Path:
    """Return the path a top-level setting names, or raise unless it is inside
    the project."""
    default = getattr(Config(root=config.root), key.replace("-", "_"))
    fix = f"name a path relative to the project folder, such as {default!r}"
    return path_inside(config.root, f"{config.source}: {key!r} = {value!r}", value, fix)


def path_inside(root: Path, where: str, value: str, fix: str) -> Path:
    """Return ``root / value`` resolved, or raise `ConfigError` unless it is a
    path inside ``root``.

    Settings that name files to write pass through here, so a cloned
    repository's config cannot make a run write anywhere else. ``where`` names
    the setting and its value, and ``fix`` is the advice on what to write instead.
    """
    if not value.strip():
        raise ConfigError(f"{where} is empty; {fix}")
    if Path(value).is_absolute():
        raise ConfigError(f"{where} is an absolute path; {fix}")
    root = root.resolve()
    path = (root / value).resolve()
    if path == root:
        raise ConfigError(f"{where} names the project folder; {fix}")
    if root not in path.parents:
        raise ConfigError(f"{where} is outside the project folder {root}; {fix}")
    return path


def _check_cache_folder(where: str, value: str, path: Path) -> None:
    """Raise unless ``path`` is free for the cache: missing, empty, or a cache
    folder already (it has the CACHEDIR.TAG the cache writes)."""
    if not path.is_dir() or (path / "CACHEDIR.TAG").is_file():
        return
    if any(path.iterdir()):
        raise ConfigError(
            f"{where}: 'cache-dir' = {value!r} is a folder with other files; name "
            "a folder of its own, such as '.crucible_checks_cache'"
        )


def _check_roots(config: Config, roots: list[str]) -> None:
    """Raise unless the roots list at least one folder or file, each inside
    the project. An empty list would check nothing and pass."""
    if not roots:
        raise ConfigError(
            f"{config.source}: 'roots' is empty, so nothing would be checked; "
            "list at least one folder or file, such as '.'"
        )
    for name in roots:
        inside = (config.root / name).resolve()
        if inside != config.root and config.root not in inside.parents:
            raise ConfigError(
                f"{config.source}: root {name!r} is outside the project folder "
                f"{config.root}; list only paths inside it"
            )


def _string_list(where: str, key: str, value: Any) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise ConfigError(type_message(where, key, value, "a list of strings"))
    return list(value)


def _table(where: str, key: str, value: Any) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise ConfigError(type_message(where, key, value, "a table"))
    return dict(value)


def _load_toml(path: Path) -> dict[str, Any]:
    """Parse a TOML file, ignoring a UTF-8 byte-order mark at its start."""
    # The utf-8-sig codec drops the byte-order mark that some Windows
    # editors write at the start of a UTF-8 file.
    document: dict[str, Any] = tomllib.loads(path.read_bytes().decode("utf-8-sig"))
    return document


def _read_table(path: Path) -> dict[str, Any]:
    try:
        document = _load_toml(path)
    except OSError as error:
        raise ConfigError(f"{path}: cannot read config: {error.strerror}") from error
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        raise ConfigError(f"{path}: invalid TOML: {error}") from error
    if path.name != PYPROJECT:
        tool = document.get("tool")
        if isinstance(tool, dict) and "crucible-checks" in tool:
            raise ConfigError(
                f"{path}: [{TABLE}] is the table of pyproject.toml; in {path.name}, "
                f"write the settings at the top level, without the [{TABLE}] header "
                f"(and [docs] for [{TABLE}.docs])"
            )
        return dict(document)
    table = document.get("tool", {}).get("crucible-checks", {})
    if not isinstance(table, dict):
        raise ConfigError(f"{path}: [{TABLE}] must be a table")
    return table


def _has_table(pyproject: Path) -> bool:
    try:
        document = _load_toml(pyproject)
    except (OSError, tomllib.TOMLDecodeError, UnicodeDecodeError):
        # An unreadable pyproject.toml that names the table is reported by load.
        return b"[tool.crucible-checks" in _read_bytes_or_empty(pyproject)
    tool = document.get("tool")
    return isinstance(tool, dict) and "crucible-checks" in tool


def _read_bytes_or_empty(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError:
        return b""


def nearest(value: str, candidates: Any) -> str:
    """Return a ``; did you mean 'x'?`` suffix for the closest candidate, if any."""
    matches = difflib.get_close_matches(value, list(candidates), n=1, cutoff=0.6)
    return f"; did you mean {matches[0]!r}?" if matches else ""


def unknown_key_message(where: str, key: str, valid: Any) -> str:
    """Describe an unknown key with the nearest valid one, or list the valid ones."""
    suggestion = nearest(key, valid)
    if not suggestion:
        names = sorted(valid)
        suggestion = "; valid keys: " + ", ".join(names) if names else "; no keys"
    return f"{where}: unknown key {key!r}{suggestion}"


def type_message(where: str, key: str, value: Any, expected: str) -> str:
    """Describe a value of the wrong type."""
    return f"{where}: {key!r} must be {expected}, got {value!r}"


def choice_message(where: str, key: str, value: str, choices: Any) -> str:
    """Describe a value outside a fixed set of choices."""
    listed = ", ".join(repr(choice) for choice in choices)
    return (
        f"{where}: {key!r} must be one of {listed}, got {value!r}"
        f"{nearest(value, choices)}"
    )
