"""Choosing which checks run, and validating the option tables of families and checks.

Selectors follow ruff: ``ALL``, a code prefix (``DOC``, ``DOC0``), a full code
or a check name. The most specific selector wins and ``ignore`` wins ties.
A check that is off by default runs only when named by its full code or name.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from crucible_checks.checks import CheckInfo, Family, Option, OptionValue
from crucible_checks.config import (
    TOP_LEVEL_KEYS,
    Config,
    nearest,
    type_message,
    unknown_key_message,
)
from crucible_checks.errors import ConfigError, UsageError

_EXACT = 1000
#: The shape of a check code, such as ``TODO001``: capital letters, then
#: digits. The host rejects a check whose code has another shape.
CODE_PATTERN = re.compile(r"[A-Z]+[0-9]+")


def specificity(selector: str, info: CheckInfo) -> int:
    """Return how specifically ``selector`` names ``info``, or -1 if it does not."""
    if selector in (info.code, info.name):
        return _EXACT
    if not info.default_enabled:
        return -1
    if selector == "ALL":
        return 0
    if info.code.startswith(selector):
        return len(selector)
    return -1


def validate_selectors(
    selectors: Iterable[str],
    infos: Sequence[CheckInfo],
    where: str,
    error: type[ConfigError | UsageError] = ConfigError,
) -> None:
    """Raise if a selector matches no check, naming the nearest code or name."""
    codes = [info.code for info in infos]
    names = [info.name for info in infos]
    known = codes + names
    for selector in selectors:
        if selector == "ALL" or selector in names:
            continue
        if not selector:
            raise error(f"{where}: empty check code; remove it")
        if any(code.startswith(selector) for code in codes):
            continue
        suggestion = nearest(selector, known)
        raise error(f"{where}: unknown check code or name {selector!r}{suggestion}")


def selected(
    infos: Sequence[CheckInfo],
    select: Sequence[str] | None,
    extend_select: Sequence[str],
    ignore: Sequence[str],
) -> list[CheckInfo]:
    """Return the checks that the selectors enable, in code order."""
    chosen = []
    for info in infos:
        if select is None:
            best_select = 0 if info.default_enabled else -1
        else:
            best_select = max((specificity(s, info) for s in select), default=-1)
        extended = (specificity(s, info) for s in extend_select)
        best_select = max(best_select, *extended, -1)
        best_ignore = max((specificity(s, info) for s in ignore), default=-1)
        if best_select >= 0 and best_select > best_ignore:
            chosen.append(info)
    return sorted(chosen, key=lambda info: info.code)


def is_ignored(code: str, ignore: Iterable[str]) -> bool:
    """Return whether a per-file ignore list covers ``code``."""
    return any(code.startswith(selector) or selector == "ALL" for selector in ignore)


def family_options(family: Family, config: Config) -> dict[str, OptionValue]:
    """Return a family's options: its defaults overlaid with its config table."""
    table = config.family_tables.get(family.name, {})
    where = config.table_source(family.name)
    return _merge(family.options, table, where, f"family {family.name!r}")


def check_options(info: CheckInfo, config: Config) -> dict[str, OptionValue]:
    """Return a check's options from ``checks.<code>`` or ``checks.<name>``."""
    table = {
        **config.check_tables.get(info.name, {}),
        **config.check_tables.get(info.code, {}),
    }
    where = config.table_source(f"checks.{info.code}")
    return _merge(info.options, table, where, f"check {info.code}")


def validate_tables(
    config: Config,
    families: Mapping[str, Family],
    infos: Sequence[CheckInfo],
    disabled_plugins: Sequence[str] = (),
) -> None:
    """Raise `ConfigError` for an unknown key, family, check or option, or a bad
    value."""
    for key, value in config.other_keys.items():
        if key in families:
            raise ConfigError(
                type_message(config.source, key, value, "a table")
                + f"; write the options of family {key!r} under "
                f"{config.table_header(key)}"
            )
        valid = [*TOP_LEVEL_KEYS, *families]
        raise ConfigError(unknown_key_message(config.source, key, valid))
    for name in config.family_tables:
        if name not in families:
            raise ConfigError(unknown_key_message(config.source, name, families))
        family_options(families[name], config)
    by_name = {key: info for info in infos for key in (info.code, info.name)}
    for name in config.check_tables:
        if name not in by_name:
            where = config.table_source("checks")
            raise ConfigError(
                _unknown_check_message(where, name, infos, disabled_plugins)
            )
        check_options(by_name[name], config)


def _unknown_check_message(
    where: str, name: str, infos: Sequence[CheckInfo], disabled_plugins: Sequence[str]
) -> str:
    """Describe a ``checks`` table that names no loaded check.

    A code whose letters no loaded check shares, such as ``TODO001``, belongs
    to a plugin that is not installed or is disabled, so the nearest loaded
    code would be a misleading suggestion.
    """
    letters = name.rstrip("0123456789")
    own_letters = {info.code.rstrip("0123456789") for info in infos}
    if not CODE_PATTERN.fullmatch(name) or letters in own_letters:
        keys = [key for info in infos for key in (info.code, info.name)]
        return unknown_key_message(where, name, keys)
    disabled = ""
    if disabled_plugins:
        disabled = f" (disabled: {', '.join(disabled_plugins)})"
    return (
        f"{where}: no loaded plugin provides check {name!r}; install or enable "
        f"the plugin that provides it{disabled}, or remove its options table"
    )


def _merge(
    options: Sequence[Option], table: Mapping[str, Any], where: str, owner: str
) -> dict[str, OptionValue]:
    """Overlay ``table`` on the defaults of ``options``, the settings of
    ``owner`` (such as ``check DOC001``), raising `ConfigError` for a bad key."""
    by_name = {option.name: option for option in options}
    merged = {option.name: option.default for option in options}
    for key, value in table.items():
        option = by_name.get(key)
        if option is None and not by_name:
            raise ConfigError(
                f"{where}: unknown key {key!r}; {owner} takes no options, so "
                "remove the table"
            )
        if option is None:
            raise ConfigError(unknown_key_message(where, key, by_name))
        if not option.accepts(value):
            expected = _with_article(option.type_name)
            if option.choices:
                expected = "one of " + ", ".join(repr(c) for c in option.choices)
            suffix = nearest(value, option.choices) if isinstance(value, str) else ""
            raise ConfigError(type_message(where, key, value, expected) + suffix)
        merged[key] = value
    return merged


def _with_article(type_name: str) -> str:
    if type_name == "boolean":
        return "true or false"
    article = "an" if type_name[0] in "aeiou" else "a"
    return f"{article} {type_name}"
