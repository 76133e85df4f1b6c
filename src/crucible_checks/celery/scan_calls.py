"""Finding the calls that send task messages or build task signatures."""

from __future__ import annotations

import ast
import dataclasses
from collections.abc import Iterator, Sequence

from crucible_checks.celery.literals import call_name, evaluate
from crucible_checks.celery.model import CallSite, Value
from crucible_checks.celery.scan_context import ModuleNames
from crucible_checks.celery.walk import breadth_first

#: Methods whose arguments are the task's own arguments.
DIRECT_METHODS = ("delay", "s", "si")
#: Methods that take ``args`` and ``kwargs`` and then message options.
OPTION_METHODS = ("apply_async", "signature")
_COMBINATORS = ("chain", "chord")


def scan_calls(
    tree: ast.Module,
    path: str,
    names: ModuleNames,
    nodes: Sequence[ast.AST] | None = None,
) -> list[CallSite]:
    """Return every call site in the module that the index can resolve later.

    ``nodes`` are the module's calls and binary operations in `ast.walk`
    order, as `crucible_checks.celery.walk.breadth_first` returns them.
    """
    if nodes is None:
        nodes = breadth_first(tree, (ast.Call, ast.BinOp))
    found = [
        (node, site)
        for node in nodes
        if isinstance(node, ast.Call)
        and (site := _call_site(node, path, names, False)) is not None
    ]
    if not found:
        return []
    # Most modules have no call site, so chains are only looked at when one does.
    partial = _partial_calls(nodes)
    return [
        dataclasses.replace(site, partial=True)
        if not site.by_name and id(node) in partial
        else site
        for node, site in found
    ]


def _partial_calls(nodes: Sequence[ast.AST]) -> set[int]:
    """Return the ids of calls inside chains, chords and ``link=`` callbacks,
    where Celery prepends the previous result to the arguments."""
    inside: set[int] = set()
    for node in nodes:
        roots: list[ast.AST] = []
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.BitOr):
            roots = [node.left, node.right]
        elif isinstance(node, ast.Call):
            if call_name(node.func) in _COMBINATORS:
                roots = list(node.args)
            roots += [k.value for k in node.keywords if k.arg in ("link", "body")]
            if isinstance(node.func, ast.Call) and call_name(node.func.func) == "chord":
                roots += list(node.args)
        for root in roots:
            inside.update(map(id, breadth_first(root, (ast.Call,))))
    return inside


def _call_site(
    node: ast.Call, path: str, names: ModuleNames, partial: bool
) -> CallSite | None:
    func = node.func
    if not isinstance(func, ast.Attribute):
        if call_name(func) in ("signature", "Signature"):
            return _by_name(node, path, "signature", names)
        return None
    method = func.attr
    if method == "send_task" or (method == "signature" and _string_first(node)):
        return _by_name(node, path, method, names)
    if method not in DIRECT_METHODS and method not in OPTION_METHODS:
        return None
    target = names.reference(func.value)
    if target is None:
        return None
    if method in DIRECT_METHODS:
        positional, keywords = _direct_arguments(node)
        options: dict[str, Value] = {}
    else:
        positional, keywords, options = _option_arguments(node, 0, names)
    return CallSite(
        path=path,
        line=node.lineno,
        column=node.col_offset + 1,
        method=method,
        target=target,
        by_name=False,
        positional=positional,
        keywords=keywords,
        partial=partial,
        options=options,
        eta_offset=_eta_offset(node),
    )


def _by_name(
    node: ast.Call, path: str, method: str, names: ModuleNames
) -> CallSite | None:
    if not node.args:
        return None
    name = evaluate(node.args[0], names.constants)
    if not isinstance(name, str):
        return None
    positional, keywords, options = _option_arguments(node, 1, names)
    return CallSite(
        path=path,
        line=node.lineno,
        column=node.col_offset + 1,
        method=method,
        target=name,
        by_name=True,
        positional=positional,
        keywords=keywords,
        options=options,
        eta_offset=_eta_offset(node),
    )


def _direct_arguments(node: ast.Call) -> tuple[int | None, tuple[str, ...] | None]:
    positional = None if _starred(node.args) else len(node.args)
    keywords = tuple(k.arg for k in node.keywords if k.arg is not None)
    if any(k.arg is None for k in node.keywords):
        return positional, None
    return positional, keywords


def _option_arguments(
    node: ast.Call, skip: int, names: ModuleNames
) -> tuple[int | None, tuple[str, ...] | None, dict[str, Value]]:
    """Read ``args``, ``kwargs`` and options, given by position after ``skip``
    leading arguments or by keyword, as ``apply_async`` and ``send_task`` take."""
    keywords = {k.arg: k.value for k in node.keywords if k.arg is not None}
    rest = node.args[skip:]
    args_node = rest[0] if rest else keywords.pop("args", None)
    kwargs_node = rest[1] if len(rest) > 1 else keywords.pop("kwargs", None)
    keywords.pop("args", None)
    keywords.pop("kwargs", None)
    options = {key: evaluate(value, names.constants) for key, value in keywords.items()}
    if kwargs_node is None and any(k.arg is None for k in node.keywords):
        # A ``**options`` splat may carry ``kwargs=``, so the keywords are unknown.
        return _count(args_node), None, options
    return _count(args_node), _keyword_names(kwargs_node), options


def _count(node: ast.expr | None) -> int | None:
    if node is None or (isinstance(node, ast.Constant) and node.value is None):
        return 0
    if isinstance(node, (ast.Tuple, ast.List)) and not _starred(node.elts):
        return len(node.elts)
    return None


def _keyword_names(node: ast.expr | None) -> tuple[str, ...] | None:
    if node is None or (isinstance(node, ast.Constant) and node.value is None):
        return ()
    if isinstance(node, ast.Dict) and all(
        isinstance(key, ast.Constant) and isinstance(key.value, str)
        for key in node.keys
    ):
        return tuple(_keys(node))
    if (
        isinstance(node, ast.Call)
        and call_name(node.func) == "dict"
        and not node.args
        and all(k.arg is not None for k in node.keywords)
    ):
        return tuple(str(k.arg) for k in node.keywords)
    return None


def _keys(node: ast.Dict) -> Iterator[str]:
    for key in node.keys:
        assert isinstance(key, ast.Constant)
        yield str(key.value)


def _string_first(node: ast.Call) -> bool:
    first = node.args[0] if node.args else None
    return isinstance(first, ast.Constant) and isinstance(first.value, str)


def _starred(nodes: list[ast.expr]) -> bool:
    return any(isinstance(item, ast.Starred) for item in nodes)


def _eta_offset(node: ast.Call) -> float | None:
    """Return the seconds an ``eta=now() + timedelta(...)`` lies in the future."""
    eta = next((k.value for k in node.keywords if k.arg == "eta"), None)
    if not (isinstance(eta, ast.BinOp) and isinstance(eta.op, ast.Add)):
        return None
    for side in (eta.left, eta.right):
        if isinstance(side, ast.Call) and call_name(side.func) == "timedelta":
            seconds = evaluate(side)
            if isinstance(seconds, float):
                return seconds
    return None
