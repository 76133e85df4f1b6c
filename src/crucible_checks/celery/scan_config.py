"""Finding Celery settings in source: config modules, ``app.conf`` and ``Celery()``.

Settings are recognised under their lowercase names (``task_routes``), the
Django-style namespace (``CELERY_TASK_ROUTES``) and the pre-4.0 uppercase
names (``CELERY_ROUTES``, ``CELERYBEAT_SCHEDULE``, ``BROKER_URL``).
"""

from __future__ import annotations

import ast
from collections.abc import Iterator, Sequence

from crucible_checks.celery.literals import call_name, evaluate, source_text
from crucible_checks.celery.model import ConfigFact, Expr, RegexKey
from crucible_checks.celery.scan_context import ModuleNames
from crucible_checks.celery.walk import breadth_first

SETTINGS = (
    "task_routes",
    "task_queues",
    "task_default_queue",
    "task_default_priority",
    "task_queue_max_priority",
    "task_create_missing_queues",
    "task_serializer",
    "beat_schedule",
    "broker_url",
    "broker_transport_options",
)
_OLD_NAMES = {
    "CELERY_ROUTES": "task_routes",
    "CELERY_QUEUES": "task_queues",
    "CELERY_DEFAULT_QUEUE": "task_default_queue",
    "CELERY_DEFAULT_PRIORITY": "task_default_priority",
    "CELERY_QUEUE_MAX_PRIORITY": "task_queue_max_priority",
    "CELERY_CREATE_MISSING_QUEUES": "task_create_missing_queues",
    "CELERYBEAT_SCHEDULE": "beat_schedule",
    "BROKER_URL": "broker_url",
    "BROKER_TRANSPORT_OPTIONS": "broker_transport_options",
}
_BROKER_KEYWORD = {"broker": "broker_url"}


def setting_key(name: str) -> str | None:
    """Return the lowercase setting a variable or keyword name sets, if any."""
    if name in SETTINGS:
        return name
    if name in _OLD_NAMES:
        return _OLD_NAMES[name]
    if name.startswith("CELERY_") and name[7:].lower() in SETTINGS:
        return name[7:].lower()
    return None


def scan_config(
    tree: ast.Module,
    path: str,
    names: ModuleNames,
    nodes: Sequence[ast.AST] | None = None,
) -> list[ConfigFact]:
    """Return the Celery settings assigned anywhere in the module.

    ``nodes`` are the module's calls and assignments in `ast.walk` order, as
    `crucible_checks.celery.walk.breadth_first` returns them.
    """
    facts = list(_module_settings(tree, path, names))
    if nodes is None:
        nodes = breadth_first(tree, (ast.Call, ast.Assign))
    for node in nodes:
        if isinstance(node, ast.Call):
            facts.extend(_call_settings(node, path, names))
        elif isinstance(node, ast.Assign):
            facts.extend(_conf_assignment(node, path, names))
    return facts


def _module_settings(
    tree: ast.Module, path: str, names: ModuleNames
) -> Iterator[ConfigFact]:
    for statement in tree.body:
        if not isinstance(statement, (ast.Assign, ast.AnnAssign)):
            continue
        targets = (
            statement.targets
            if isinstance(statement, ast.Assign)
            else [statement.target]
        )
        for target in targets:
            key = setting_key(target.id) if isinstance(target, ast.Name) else None
            if key is not None and statement.value is not None:
                yield _fact(
                    key,
                    statement.value,
                    path,
                    (statement.lineno, target.col_offset + 1),
                    names,
                )


def _call_settings(
    node: ast.Call, path: str, names: ModuleNames
) -> Iterator[ConfigFact]:
    func = node.func
    is_update = (
        isinstance(func, ast.Attribute)
        and func.attr == "update"
        and call_name(func.value) == "conf"
    )
    if not is_update and call_name(func) != "Celery":
        return
    for keyword in node.keywords:
        name = keyword.arg or ""
        key = _BROKER_KEYWORD.get(name) if not is_update else None
        key = key or setting_key(name)
        if key is not None:
            where = (keyword.value.lineno, keyword.col_offset + 1)
            yield _fact(key, keyword.value, path, where, names)
    if is_update and node.args and isinstance(node.args[0], ast.Dict):
        yield from _dict_settings(node.args[0], path, names)


def _dict_settings(
    node: ast.Dict, path: str, names: ModuleNames
) -> Iterator[ConfigFact]:
    for key_node, value_node in zip(node.keys, node.values, strict=True):
        if isinstance(key_node, ast.Constant) and isinstance(key_node.value, str):
            key = setting_key(key_node.value)
            if key is not None:
                where = (key_node.lineno, key_node.col_offset + 1)
                yield _fact(key, value_node, path, where, names)


def _conf_assignment(
    node: ast.Assign, path: str, names: ModuleNames
) -> Iterator[ConfigFact]:
    for target in node.targets:
        name = None
        if isinstance(target, ast.Attribute) and call_name(target.value) == "conf":
            name = target.attr
        elif isinstance(target, ast.Subscript) and call_name(target.value) == "conf":
            index = target.slice
            if isinstance(index, ast.Constant) and isinstance(index.value, str):
                name = index.value
        key = None if name is None else setting_key(name)
        if key is not None:
            where = (node.lineno, target.col_offset + 1)
            yield _fact(key, node.value, path, where, names)


def _fact(
    key: str,
    node: ast.expr,
    path: str,
    where: tuple[int, int],
    names: ModuleNames,
) -> ConfigFact:
    value = evaluate(node, names.constants)
    line, column = where
    return ConfigFact(key, value, path, line, column, _entries(node, names))


def _entries(
    node: ast.expr, names: ModuleNames
) -> tuple[tuple[str | Expr | RegexKey, int, int], ...]:
    """Return the position of each key of a dict literal, as `ConfigFact` keeps."""
    if not isinstance(node, ast.Dict):
        return ()
    found: list[tuple[str | Expr | RegexKey, int, int]] = []
    for key_node in node.keys:
        if key_node is None:
            continue
        key = evaluate(key_node, names.constants)
        if not isinstance(key, (str, RegexKey)):
            key = Expr(source_text(key_node))
        found.append((key, key_node.lineno, key_node.col_offset + 1))
    return tuple(found)
