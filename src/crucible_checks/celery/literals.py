"""Evaluating the literal parts of Python expressions without running them."""

from __future__ import annotations

import ast
from collections.abc import Mapping

from crucible_checks.celery.model import Expr, QueueDeclaration, RegexKey, Value

_DURATION_UNITS = {
    "weeks": 604800.0,
    "days": 86400.0,
    "hours": 3600.0,
    "minutes": 60.0,
    "seconds": 1.0,
    "milliseconds": 0.001,
}
_MAX_TEXT = 80


def source_text(node: ast.AST) -> str:
    """Return the expression as source, shortened for messages."""
    text = ast.unparse(node)
    return text if len(text) <= _MAX_TEXT else text[: _MAX_TEXT - 3] + "..."


def call_name(node: ast.expr) -> str:
    """Return the last name of a callee: ``Queue`` for ``kombu.Queue``."""
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    return ""


def evaluate(node: ast.expr, names: Mapping[str, Value] | None = None) -> Value:
    """Return the value of a literal expression, or an `Expr` for the rest.

    ``names`` maps module-level constants to their values, so ``QUEUE`` in
    ``queue=QUEUE`` resolves when the module assigns it a literal.
    """
    names = names or {}
    if isinstance(node, ast.Constant):
        return _constant(node)
    if isinstance(node, (ast.Tuple, ast.List, ast.Set)):
        return tuple(evaluate(item, names) for item in node.elts)
    if isinstance(node, ast.Dict):
        return _dict(node, names)
    if isinstance(node, ast.Name):
        return names.get(node.id, Expr(node.id))
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
        operand = evaluate(node.operand, names)
        if _is_number(operand):
            return -operand  # type: ignore[operator]  # checked by _is_number
    if isinstance(node, ast.BinOp):
        return _binary(node, names)
    if isinstance(node, ast.JoinedStr):
        return _joined(node, names)
    if isinstance(node, ast.Call):
        return _call(node, names)
    return Expr(source_text(node))


def _constant(node: ast.Constant) -> Value:
    value = node.value
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    return Expr(source_text(node))


def _is_number(value: Value) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _dict(node: ast.Dict, names: Mapping[str, Value]) -> Value:
    result: dict[str | Expr | RegexKey, Value] = {}
    for key_node, value_node in zip(node.keys, node.values, strict=True):
        if key_node is None:
            continue  # A ``**other`` splat: its keys are unknown here.
        key = evaluate(key_node, names)
        if not isinstance(key, (str, RegexKey)):
            key = Expr(source_text(key_node))
        result[key] = evaluate(value_node, names)
    return result


def _binary(node: ast.BinOp, names: Mapping[str, Value]) -> Value:
    left = evaluate(node.left, names)
    right = evaluate(node.right, names)
    if _is_number(left) and _is_number(right):
        assert isinstance(left, (int, float))
        assert isinstance(right, (int, float))
        if isinstance(node.op, ast.Mult):
            return left * right
        if isinstance(node.op, ast.Add):
            return left + right
        if isinstance(node.op, ast.Sub):
            return left - right
    if isinstance(node.op, ast.Add) and (_is_text(left) or _is_text(right)):
        return _from_pieces([*_pieces(left), *_pieces(right)], node)
    return Expr(source_text(node))


def _joined(node: ast.JoinedStr, names: Mapping[str, Value]) -> Value:
    pieces: list[str | None] = []
    for part in node.values:
        if isinstance(part, ast.Constant) and isinstance(part.value, str):
            pieces.append(part.value)
        elif isinstance(part, ast.FormattedValue):
            pieces.append(_formatted(part, names))
        else:
            pieces.append(None)
    return _from_pieces(pieces, node)


def _formatted(node: ast.FormattedValue, names: Mapping[str, Value]) -> str | None:
    """Return the text of one ``{...}`` field of an f-string, or None when
    it is known only at run time."""
    if node.format_spec is not None or node.conversion not in (-1, ord("s")):
        return None
    value = evaluate(node.value, names)
    if isinstance(value, str) or _is_number(value):
        return str(value)
    return None


def _is_text(value: Value) -> bool:
    return isinstance(value, str) or (
        isinstance(value, Expr) and bool(value.known_parts)
    )


def _pieces(value: Value) -> list[str | None]:
    """Split a string value into literal pieces, with None for each unknown one."""
    if isinstance(value, str):
        return [value]
    if not isinstance(value, Expr) or not value.known_parts:
        return [None]
    pieces: list[str | None] = [value.known_parts[0]]
    for part in value.known_parts[1:]:
        pieces += [None, part]
    return pieces


def _from_pieces(pieces: list[str | None], node: ast.expr) -> Value:
    """Join the pieces into a string, or into an `Expr` that keeps the literal
    text between the unknown pieces in ``known_parts``."""
    parts = [""]
    after_unknown = False
    for piece in pieces:
        if piece is None:
            if not after_unknown:
                parts.append("")
            after_unknown = True
        elif piece:
            parts[-1] += piece
            after_unknown = False
    if len(parts) == 1:
        return parts[0]
    return Expr(source_text(node), tuple(parts))


def _call(node: ast.Call, names: Mapping[str, Value]) -> Value:
    name = call_name(node.func)
    if name == "timedelta":
        return _duration(node, names)
    if name == "compile" and node.args:
        pattern = evaluate(node.args[0], names)
        if isinstance(pattern, str):
            return RegexKey(pattern)
    if name == "Queue":
        return _queue(node, names)
    if name in ("dict", "OrderedDict") and not node.args:
        return {
            keyword.arg: evaluate(keyword.value, names)
            for keyword in node.keywords
            if keyword.arg is not None
        }
    return Expr(source_text(node))


def _duration(node: ast.Call, names: Mapping[str, Value]) -> Value:
    seconds = 0.0
    units = list(_DURATION_UNITS)
    arguments = [(units[1 + index], arg) for index, arg in enumerate(node.args[:5])]
    arguments += [(k.arg or "", k.value) for k in node.keywords]
    for unit, value_node in arguments:
        value = evaluate(value_node, names)
        if unit not in _DURATION_UNITS or not _is_number(value):
            return Expr(source_text(node))
        assert isinstance(value, (int, float))
        seconds += value * _DURATION_UNITS[unit]
    return seconds


def _queue(node: ast.Call, names: Mapping[str, Value]) -> Value:
    keywords = {k.arg: k.value for k in node.keywords if k.arg is not None}
    name_node = node.args[0] if node.args else keywords.get("name")
    if name_node is None:
        return Expr(source_text(node))
    name = evaluate(name_node, names)
    routing_node = node.args[2] if len(node.args) > 2 else keywords.get("routing_key")
    routing = None if routing_node is None else evaluate(routing_node, names)
    arguments = keywords.get("queue_arguments")
    evaluated = {} if arguments is None else evaluate(arguments, names)
    return QueueDeclaration(
        name=name if isinstance(name, str) else Expr(source_text(name_node)),
        routing_key=routing if isinstance(routing, (str, type(None))) else Expr(""),
        arguments=_string_keys(evaluated),
        line=node.lineno,
    )


def _string_keys(value: Value) -> dict[str, Value]:
    if not isinstance(value, dict):
        return {}
    return {key: item for key, item in value.items() if isinstance(key, str)}
