"""What a scan of one module knows about its names: imports and constants."""

from __future__ import annotations

import ast
from dataclasses import dataclass, field

from crucible_checks.celery.literals import evaluate
from crucible_checks.celery.model import Expr, Value


@dataclass
class ModuleNames:
    """Names bound at module level: imports, definitions and literal constants."""

    imports: dict[str, str] = field(default_factory=dict)
    defined: set[str] = field(default_factory=set)
    constants: dict[str, Value] = field(default_factory=dict)

    def reference(self, node: ast.expr) -> str | None:
        """Return where a dotted name points, in the form `FileFacts` documents."""
        parts = dotted_parts(node)
        if not parts:
            return None
        head, rest = parts[0], parts[1:]
        if head in self.imports:
            return ".".join([self.imports[head], *rest]) if rest else self.imports[head]
        if head in self.defined:
            return ":" + ".".join(parts)
        return None


def dotted_parts(node: ast.expr) -> list[str]:
    """Return ``["a", "b", "c"]`` for ``a.b.c``, or [] for other expressions."""
    parts: list[str] = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if not isinstance(node, ast.Name):
        return []
    parts.append(node.id)
    return parts[::-1]


def module_names(tree: ast.Module) -> ModuleNames:
    """Collect the names a module binds at its top level, in order."""
    names = ModuleNames()
    for statement in tree.body:
        _bind(names, statement)
    return names


def _bind(names: ModuleNames, statement: ast.stmt) -> None:
    if isinstance(statement, ast.Import):
        for alias in statement.names:
            local = alias.asname or alias.name.split(".")[0]
            names.imports[local] = alias.name if alias.asname else local
    elif isinstance(statement, ast.ImportFrom):
        base = "." * statement.level + (statement.module or "")
        for alias in statement.names:
            joiner = "" if base.endswith(".") else "."
            names.imports[alias.asname or alias.name] = base + joiner + alias.name
    elif isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
        names.defined.add(statement.name)
    elif isinstance(statement, ast.Assign):
        value = evaluate(statement.value, names.constants)
        for target in statement.targets:
            if isinstance(target, ast.Name):
                names.defined.add(target.id)
                if not isinstance(value, Expr):
                    names.constants[target.id] = value
    elif isinstance(statement, (ast.If, ast.Try)):
        for inner in ast.iter_child_nodes(statement):
            if isinstance(inner, ast.stmt):
                _bind(names, inner)
