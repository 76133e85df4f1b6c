"""Finding task definitions in one module's syntax tree."""

from __future__ import annotations

import ast
import dataclasses
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from crucible_checks.celery.facts import DecoratorAlias, FileFacts, PendingTask
from crucible_checks.celery.literals import call_name, evaluate, source_text
from crucible_checks.celery.model import (
    KEYWORD_ONLY,
    POSITIONAL,
    POSITIONAL_ONLY,
    VAR_KEYWORD,
    VAR_POSITIONAL,
    Expr,
    Parameter,
    RetryCall,
    Signature,
    Task,
    Value,
)
from crucible_checks.celery.scan_context import ModuleNames, dotted_parts
from crucible_checks.celery.walk import breadth_first

FunctionNode = ast.FunctionDef | ast.AsyncFunctionDef
_BUILTIN_DECORATORS = ("shared_task",)
_TASK_CLASS_NAMES = ("Task",)
#: Options that are not task attributes but shape the task object.
_NOT_OPTIONS = ("name", "bind")


@dataclass(frozen=True)
class _Decorator:
    """A decorator recognised as registering a task, with its options."""

    options: dict[str, Value]
    complete: bool


class TaskScanner:
    """Finds the tasks of one module; ``decorators`` are project-configured names."""

    def __init__(
        self, facts: FileFacts, names: ModuleNames, decorators: Sequence[str]
    ) -> None:
        self.facts = facts
        self.names = names
        self.decorators = tuple(decorators)
        self.aliases: dict[str, DecoratorAlias] = {}
        self._calls_decorator = True

    def scan(self, tree: ast.Module, calls: Sequence[ast.AST] | None = None) -> None:
        """Find the tasks of ``tree``; ``calls`` are its calls, if known."""
        if calls is None:
            calls = breadth_first(tree, (ast.Call,))
        # A function body is searched for a task decorator call only when the
        # module has one, which saves a walk of every function of most modules.
        self._calls_decorator = any(
            isinstance(call, ast.Call) and self._is_task_decorator(call.func)
            for call in calls
        )
        self._find_aliases(tree)
        for node, owner in _walk_definitions(tree.body, ""):
            if isinstance(node, ast.ClassDef):
                self._scan_class(node, owner)
            else:
                self._scan_function(node, owner)

    # Aliases ---------------------------------------------------------------

    def _find_aliases(self, tree: ast.Module) -> None:
        for statement in tree.body:
            alias = self._alias_of(statement)
            if alias is not None:
                self.aliases[alias.name] = alias
                self.facts.aliases.append(alias)

    def _alias_of(self, statement: ast.stmt) -> DecoratorAlias | None:
        if isinstance(statement, ast.Assign) and len(statement.targets) == 1:
            target = statement.targets[0]
            value = statement.value
            if isinstance(target, ast.Name) and isinstance(value, ast.Call):
                options = self._alias_call_options(value)
                if options is not None:
                    return DecoratorAlias(target.id, options, statement.lineno)
        if isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef)):
            return self._factory_alias(statement)
        return None

    def _alias_call_options(self, call: ast.Call) -> dict[str, Value] | None:
        if self._is_task_decorator(call.func):
            return self._keywords(call)
        if (
            call_name(call.func) == "partial"
            and call.args
            and self._is_task_decorator(call.args[0])
        ):
            return self._keywords(call)
        return None

    def _factory_alias(self, function: FunctionNode) -> DecoratorAlias | None:
        """Recognise a function whose body calls a task decorator, as a wrapper."""
        if not self._calls_decorator:
            return None
        if any(self._decorator(d) for d in function.decorator_list):
            return None
        for node in breadth_first(function, (ast.Call,)):
            if isinstance(node, ast.Call) and self._is_task_decorator(node.func):
                return DecoratorAlias(
                    function.name, self._keywords(node), function.lineno
                )
        return None

    # Decorators ------------------------------------------------------------

    def _is_task_decorator(self, node: ast.expr) -> bool:
        parts = dotted_parts(node)
        if not parts:
            return False
        last = parts[-1]
        if last in _BUILTIN_DECORATORS or (last == "task" and len(parts) > 1):
            return True
        dotted = ".".join(parts)
        imported = self.names.reference(node) or ""
        return any(
            name in (dotted, last, imported) or imported.endswith("." + name)
            for name in self.decorators
        )

    def _decorator(self, node: ast.expr) -> _Decorator | None:
        func = node.func if isinstance(node, ast.Call) else node
        call_options = self._keywords(node) if isinstance(node, ast.Call) else {}
        complete = not _has_splat(node)
        if self._is_task_decorator(func):
            # A project's own decorator may add options and retries of its own.
            builtin = _is_builtin_decorator(func)
            return _Decorator(call_options, complete and builtin)
        if isinstance(func, ast.Name) and func.id in self.aliases:
            merged = {**self.aliases[func.id].options, **call_options}
            return _Decorator(merged, complete)
        return None

    def _keywords(self, call: ast.Call) -> dict[str, Value]:
        return {
            keyword.arg: evaluate(keyword.value, self.names.constants)
            for keyword in call.keywords
            if keyword.arg is not None
        }

    # Functions -------------------------------------------------------------

    def _scan_function(self, node: FunctionNode, owner: str) -> None:
        for position, decorator_node in enumerate(node.decorator_list):
            decorator = self._decorator(decorator_node)
            if decorator is not None:
                task = self._function_task(node, owner, decorator)
                wrapped = position < len(node.decorator_list) - 1
                self.facts.tasks.append(dataclasses.replace(task, wrapped=wrapped))
                return
        self._remember_pending(node, owner)

    def _remember_pending(self, node: FunctionNode, owner: str) -> None:
        """Keep functions decorated by an imported name that may be an alias."""
        for decorator_node in node.decorator_list:
            func = (
                decorator_node.func
                if isinstance(decorator_node, ast.Call)
                else decorator_node
            )
            parts = dotted_parts(func)
            if not parts or parts[0] not in self.names.imports:
                continue
            options = (
                self._keywords(decorator_node)
                if isinstance(decorator_node, ast.Call)
                else {}
            )
            decorator = _Decorator(options, not _has_splat(decorator_node))
            task = self._function_task(node, owner, decorator)
            self.facts.pending.append(PendingTask(parts[-1], task, options))
            return

    def _function_task(
        self, node: FunctionNode, owner: str, decorator: _Decorator
    ) -> Task:
        options = decorator.options
        bind = options.get("bind") is True
        parameters = function_parameters(node.args)
        first = None
        if bind and parameters and parameters[0].is_positional:
            # Celery passes the task instance by position, never by keyword.
            first = parameters[0].name
            parameters = parameters[1:]
        return Task(
            name=_explicit_name(options),
            function=":" + owner + node.name,
            path=self.facts.path,
            line=node.lineno,
            column=node.col_offset + 1,
            signature=Signature(tuple(parameters)),
            bind=bind,
            options={k: v for k, v in options.items() if k not in _NOT_OPTIONS},
            retry_calls=tuple(_retry_calls(node)),
            first_parameter=first,
            options_complete=decorator.complete,
        )

    # Classes ---------------------------------------------------------------

    def _scan_class(self, node: ast.ClassDef, owner: str) -> None:
        if not any(call_name(base) in _TASK_CLASS_NAMES for base in node.bases):
            return
        run = next(
            (
                item
                for item in node.body
                if isinstance(item, (ast.FunctionDef, ast.AsyncFunctionDef))
                and item.name == "run"
            ),
            None,
        )
        if run is None:
            return
        attributes = self._class_attributes(node)
        parameters = function_parameters(run.args)[1:]
        self.facts.tasks.append(
            Task(
                name=_explicit_name(attributes),
                function=":" + owner + node.name,
                path=self.facts.path,
                line=node.lineno,
                column=node.col_offset + 1,
                signature=Signature(tuple(parameters)),
                bind=False,
                options={k: v for k, v in attributes.items() if k not in _NOT_OPTIONS},
                kind="class",
                retry_calls=tuple(_retry_calls(run)),
                first_parameter=None,
            )
        )

    def _class_attributes(self, node: ast.ClassDef) -> dict[str, Value]:
        attributes: dict[str, Value] = {}
        for statement in node.body:
            if isinstance(statement, ast.Assign) and len(statement.targets) == 1:
                target = statement.targets[0]
                if isinstance(target, ast.Name):
                    attributes[target.id] = evaluate(
                        statement.value, self.names.constants
                    )
        return attributes


def _walk_definitions(
    body: Sequence[ast.stmt], owner: str
) -> Iterator[tuple[FunctionNode | ast.ClassDef, str]]:
    """Yield functions and classes at any depth; Celery names nested functions
    by their own name, so ``owner`` only records where they sit."""
    for statement in body:
        if isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef)):
            yield statement, owner
            yield from _walk_definitions(statement.body, owner)
        elif isinstance(statement, ast.ClassDef):
            yield statement, owner
        elif isinstance(statement, (ast.If, ast.Try, ast.With)):
            for field_name in ("body", "orelse", "finalbody", "handlers"):
                inner = getattr(statement, field_name, [])
                for item in inner:
                    if isinstance(item, ast.ExceptHandler):
                        yield from _walk_definitions(item.body, owner)
                yield from _walk_definitions(
                    [s for s in inner if isinstance(s, ast.stmt)], owner
                )


def function_parameters(arguments: ast.arguments) -> list[Parameter]:
    """Return the parameters of a function definition in order, with kinds."""
    positional = [*arguments.posonlyargs, *arguments.args]
    defaults: list[ast.expr | None] = [None] * (
        len(positional) - len(arguments.defaults)
    ) + list(arguments.defaults)
    result = [
        Parameter(
            arg.arg,
            POSITIONAL_ONLY if index < len(arguments.posonlyargs) else POSITIONAL,
            None if default is None else source_text(default),
        )
        for index, (arg, default) in enumerate(zip(positional, defaults, strict=True))
    ]
    if arguments.vararg is not None:
        result.append(Parameter(arguments.vararg.arg, VAR_POSITIONAL))
    for arg, kw_default in zip(
        arguments.kwonlyargs, arguments.kw_defaults, strict=True
    ):
        text = None if kw_default is None else source_text(kw_default)
        result.append(Parameter(arg.arg, KEYWORD_ONLY, text))
    if arguments.kwarg is not None:
        result.append(Parameter(arguments.kwarg.arg, VAR_KEYWORD))
    return result


def _is_builtin_decorator(node: ast.expr) -> bool:
    parts = dotted_parts(node)
    return bool(parts) and (
        parts[-1] in _BUILTIN_DECORATORS or (parts[-1] == "task" and len(parts) > 1)
    )


def _explicit_name(options: dict[str, Value]) -> str | Expr:
    name = options.get("name")
    if name is None:
        return ""
    if isinstance(name, (str, Expr)):
        return name
    return Expr(repr(name))


def _has_splat(node: ast.expr) -> bool:
    return isinstance(node, ast.Call) and any(k.arg is None for k in node.keywords)


def _retry_calls(function: ast.AST) -> Iterator[RetryCall]:
    for node in breadth_first(function, (ast.Call,)):
        if not (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr == "retry"
            and isinstance(node.func.value, ast.Name)
        ):
            continue
        keywords = {k.arg: k.value for k in node.keywords if k.arg is not None}
        countdown = keywords.get("countdown")
        yield RetryCall(
            receiver=node.func.value.id,
            line=node.lineno,
            column=node.col_offset + 1,
            countdown=None if countdown is None else evaluate(countdown),
            has_eta="eta" in keywords,
        )
