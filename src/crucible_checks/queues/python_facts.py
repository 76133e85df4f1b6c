"""The queue facts of one Python file, read from its syntax tree.

Names are kept as written (``HIGH``, ``settings.QUEUE``) and resolved against
the constants of every module later, so the facts of a file depend on that
file alone and can be cached by its content.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, field

from crucible_checks.celery.walk import depth_first
from crucible_checks.queues.model import ListRole, Location

#: Redis list commands, the role of each key argument, by argument position.
_LIST_COMMANDS: dict[str, tuple[ListRole, ...]] = {
    "lpush": (ListRole.WRITE,),
    "rpush": (ListRole.WRITE,),
    "lpushx": (ListRole.WRITE,),
    "rpushx": (ListRole.WRITE,),
    "lmove": (ListRole.READ, ListRole.WRITE),
    "blmove": (ListRole.READ, ListRole.WRITE),
    "rpoplpush": (ListRole.READ, ListRole.WRITE),
    "brpoplpush": (ListRole.READ, ListRole.WRITE),
    "brpop": (ListRole.READ,),
    "blpop": (ListRole.READ,),
    "rpop": (ListRole.READ,),
    "lpop": (ListRole.READ,),
    "lrange": (ListRole.READ,),
    "lindex": (ListRole.READ,),
    "linsert": (ListRole.WRITE,),
    "lset": (ListRole.WRITE,),
}
_SIGNATURE_CALLS = frozenset({"s", "si", "signature"})


@dataclass(frozen=True)
class Value:
    """A queue name or list key as written: a literal, a name to resolve, or
    an expression that cannot be read statically (``text`` shows it).

    ``pattern`` is a glob of the names an unknown value may take: the literal
    parts of an f-string with ``*`` between them, or ``*`` for anything.
    """

    literal: str | None = None
    reference: str | None = None
    text: str = ""
    pattern: str = "*"


@dataclass(frozen=True)
class Send:
    """A call that names its queue: ``apply_async(queue=...)`` and the like."""

    location: Location
    values: tuple[Value, ...]
    call: str
    task: str
    call_line: int = 0


@dataclass(frozen=True)
class ListCall:
    """One key argument of a Redis list command."""

    location: Location
    key: Value
    role: ListRole
    command: str


@dataclass
class PythonFacts:
    """Everything the queue checks read from one Python file.

    ``complete`` is False for a file that was not parsed because its text
    cannot send to a queue; its constants are read when first needed.
    """

    constants: dict[str, str] = field(default_factory=dict)
    imports: dict[str, str] = field(default_factory=dict)
    sends: list[Send] = field(default_factory=list)
    list_calls: list[ListCall] = field(default_factory=list)
    complete: bool = True


def collect_facts(tree: ast.Module, relative: str, package: str) -> PythonFacts:
    """Return the queue facts of a parsed module.

    ``package`` is the module's package, against which relative imports resolve.
    """
    facts = PythonFacts()
    _collect_constants(tree, facts)
    collector = _Collector(facts, relative, package)
    for node in depth_first(tree, (ast.Import, ast.ImportFrom, ast.Call)):
        if isinstance(node, ast.Call):
            collector.visit_call(node)
        elif isinstance(node, ast.Import):
            collector.visit_import(node)
        elif isinstance(node, ast.ImportFrom):
            collector.visit_import_from(node)
    return facts


def _collect_constants(tree: ast.Module, facts: PythonFacts) -> None:
    for statement in tree.body:
        _constant(statement, "", facts)
        if isinstance(statement, ast.ClassDef):
            for inner in statement.body:
                _constant(inner, statement.name + ".", facts)


def _constant(statement: ast.stmt, prefix: str, facts: PythonFacts) -> None:
    if isinstance(statement, ast.Assign):
        targets, value = statement.targets, statement.value
    elif isinstance(statement, ast.AnnAssign) and statement.value is not None:
        targets, value = [statement.target], statement.value
    else:
        return
    if isinstance(value, ast.Constant) and isinstance(value.value, str):
        for target in targets:
            if isinstance(target, ast.Name):
                facts.constants[prefix + target.id] = value.value


def dotted_name(node: ast.expr) -> str | None:
    """Return ``a.b.c`` for a chain of attribute accesses on a name, else None."""
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        head = dotted_name(node.value)
        return None if head is None else f"{head}.{node.attr}"
    return None


def read_values(node: ast.expr) -> tuple[Value, ...]:
    """Return every value an expression may have: both branches of ``a if c else b``."""
    if isinstance(node, ast.IfExp):
        return read_values(node.body) + read_values(node.orelse)
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return (Value(literal=node.value),)
    name = dotted_name(node)
    if name is not None:
        return (Value(reference=name.removesuffix(".value"), text=name),)
    if isinstance(node, ast.JoinedStr):
        return (Value(text=ast.unparse(node), pattern=_fstring_pattern(node)),)
    return (Value(text=ast.unparse(node)),)


def _fstring_pattern(node: ast.JoinedStr) -> str:
    parts = [
        str(part.value).replace("*", "[*]") if isinstance(part, ast.Constant) else "*"
        for part in node.values
    ]
    return "".join(parts)


def _keyword(call: ast.Call, name: str) -> ast.expr | None:
    for keyword in call.keywords:
        if keyword.arg == name:
            return keyword.value
    return None


def _has_double_star(call: ast.Call) -> bool:
    return any(keyword.arg is None for keyword in call.keywords)


class _Collector:
    """Records the imports, sends and list calls of the nodes it is given, in
    source order, since a later import of a name replaces an earlier one."""

    def __init__(self, facts: PythonFacts, relative: str, package: str) -> None:
        self.facts = facts
        self.relative = relative
        self.package = package

    def where(self, node: ast.expr | ast.stmt) -> Location:
        return Location(self.relative, node.lineno, node.col_offset + 1)

    def visit_import(self, node: ast.Import) -> None:
        for alias in node.names:
            local = alias.asname or alias.name.split(".")[0]
            self.facts.imports[local] = alias.name if alias.asname else local

    def visit_import_from(self, node: ast.ImportFrom) -> None:
        base = node.module or ""
        if node.level:
            parts = self.package.split(".") if self.package else []
            parts = parts[: len(parts) - node.level + 1] if node.level > 1 else parts
            base = ".".join([*parts, *([base] if base else [])])
        for alias in node.names:
            self.facts.imports[alias.asname or alias.name] = f"{base}.{alias.name}"

    def visit_call(self, node: ast.Call) -> None:
        if isinstance(node.func, ast.Attribute):
            self._method_call(node, node.func)
        elif isinstance(node.func, ast.Name) and node.func.id == "signature":
            self._signature_function(node)

    def _method_call(self, node: ast.Call, func: ast.Attribute) -> None:
        method = func.attr
        if method in _LIST_COMMANDS:
            self._list_call(node, method)
        elif method in ("apply_async", "delay", "set", "send_task") or (
            method == "signature" and _keyword(node, "queue") is not None
        ):
            self._send(node, func, method)

    def _send(self, node: ast.Call, func: ast.Attribute, method: str) -> None:
        queue = _keyword(node, "queue")
        if method == "set" and queue is None:
            return
        task = self._task_reference(node, func.value, method)
        if queue is not None:
            values = read_values(queue)
            self.facts.sends.append(
                Send(self.where(queue), values, method, task, node.lineno)
            )
        elif _has_double_star(node):
            unknown = (Value(text="**options"),)
            self.facts.sends.append(
                Send(self.where(node), unknown, method, task, node.lineno)
            )

    def _task_reference(self, node: ast.Call, receiver: ast.expr, method: str) -> str:
        if method == "send_task" and node.args:
            first = node.args[0]
            if isinstance(first, ast.Constant) and isinstance(first.value, str):
                return "=" + first.value
            return ""
        if isinstance(receiver, ast.Call):
            inner = receiver.func
            if isinstance(inner, ast.Attribute) and inner.attr in _SIGNATURE_CALLS:
                return dotted_name(inner.value) or ""
        return dotted_name(receiver) or ""

    def _signature_function(self, node: ast.Call) -> None:
        queue = _keyword(node, "queue")
        first = node.args[0] if node.args else None
        task = ""
        if isinstance(first, ast.Constant) and isinstance(first.value, str):
            task = "=" + first.value
        if queue is not None:
            values = read_values(queue)
            self.facts.sends.append(
                Send(self.where(queue), values, "signature", task, node.lineno)
            )

    def _list_call(self, node: ast.Call, method: str) -> None:
        roles = _LIST_COMMANDS[method]
        for position, role in enumerate(roles):
            if position >= len(node.args):
                return
            argument = node.args[position]
            keys = (
                argument.elts
                if isinstance(argument, (ast.List, ast.Tuple))
                else [argument]
            )
            for key in keys:
                for value in read_values(key):
                    self.facts.list_calls.append(
                        ListCall(self.where(key), value, role, method)
                    )
