"""Fast traversals of a syntax tree that keep only the node types a scan reads.

`ast.walk` and `ast.NodeVisitor` visit every node through generators, which
made them most of a scan's time on large modules. These functions visit the
nodes in the same order but skip the leaves that cannot contain another node:
names, constants, operators and expression contexts.
"""

from __future__ import annotations

import ast
from collections import deque

#: Node types whose children are never visited: none of them can hold a call.
_LEAVES: tuple[type[ast.AST], ...] = (
    ast.Name,
    ast.Constant,
    ast.expr_context,
    ast.operator,
    ast.boolop,
    ast.unaryop,
    ast.cmpop,
    ast.alias,
)

_fields_by_type: dict[type, tuple[str, ...]] = {}


def _fields(node: ast.AST) -> tuple[str, ...]:
    kind = type(node)
    fields = _fields_by_type.get(kind)
    if fields is None:
        fields = () if issubclass(kind, _LEAVES) else kind._fields
        _fields_by_type[kind] = fields
    return fields


def breadth_first(tree: ast.AST, kinds: tuple[type[ast.AST], ...]) -> list[ast.AST]:
    """Return the nodes of ``kinds`` under ``tree`` in `ast.walk` order."""
    found: list[ast.AST] = []
    todo = deque([tree])
    while todo:
        node = todo.popleft()
        if isinstance(node, kinds):
            found.append(node)
        for name in _fields(node):
            value = getattr(node, name, None)
            if isinstance(value, list):
                todo.extend(item for item in value if isinstance(item, ast.AST))
            elif isinstance(value, ast.AST):
                todo.append(value)
    return found


def depth_first(tree: ast.AST, kinds: tuple[type[ast.AST], ...]) -> list[ast.AST]:
    """Return the nodes of ``kinds`` under ``tree`` in `ast.NodeVisitor` order
    (pre-order), descending into every node, including those of ``kinds``."""
    found: list[ast.AST] = []
    todo = [tree]
    while todo:
        node = todo.pop()
        if isinstance(node, kinds):
            found.append(node)
        # Pushed last to first, so the first child is visited next.
        for name in reversed(_fields(node)):
            value = getattr(node, name, None)
            if isinstance(value, list):
                todo.extend(
                    item for item in reversed(value) if isinstance(item, ast.AST)
                )
            elif isinstance(value, ast.AST):
                todo.append(value)
    return found
