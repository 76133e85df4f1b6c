"""A safe toy evaluator: arithmetic expressions and a reverse Polish calculator.

Submitted code is never executed. Arithmetic is parsed with `ast` and only
number literals and arithmetic operators are evaluated, and the RPN
calculator knows four operators. Anything else is a user error in the result.
"""

from __future__ import annotations

import ast
import operator
import threading
import time
from collections.abc import Callable
from typing import Any

MAX_CODE_LENGTH = 2000
MAX_EXPONENT = 64
MAX_INTEGER_BITS = 4096
SANDBOX_SLOTS = 8

_BINARY: dict[type[ast.operator], Callable[[Any, Any], Any]] = {
    ast.Add: operator.add,
    ast.Sub: operator.sub,
    ast.Mult: operator.mul,
    ast.Div: operator.truediv,
    ast.FloorDiv: operator.floordiv,
    ast.Mod: operator.mod,
    ast.Pow: operator.pow,
}
_UNARY: dict[type[ast.unaryop], Callable[[Any], Any]] = {
    ast.UAdd: operator.pos,
    ast.USub: operator.neg,
}
_RPN: dict[str, Callable[[float, float], float]] = {
    "+": operator.add,
    "-": operator.sub,
    "*": operator.mul,
    "/": operator.truediv,
}
_slots = threading.BoundedSemaphore(SANDBOX_SLOTS)


class TemporaryError(Exception):
    """A failure that may pass on retry, such as every sandbox slot being busy."""


class EvaluationError(ValueError):
    """The submitted code is invalid for its language."""


def execute_evaluation(eval_id: str, code: str, language: str) -> dict[str, Any]:
    """Evaluate ``code`` and return the result record stored for ``eval_id``."""
    if not _slots.acquire(timeout=5):
        raise TemporaryError(f"no free sandbox slot for evaluation {eval_id}")
    started = time.perf_counter()
    try:
        record = {"status": "ok", "output": _evaluate(code, language), "error": None}
    except (EvaluationError, ZeroDivisionError, OverflowError) as error:
        record = {"status": "error", "output": None, "error": str(error)}
    finally:
        _slots.release()
    record.update(
        eval_id=eval_id,
        language=language,
        duration_ms=round((time.perf_counter() - started) * 1000, 3),
        finished_at=time.time(),
    )
    return record


def _evaluate(code: str, language: str) -> float | int:
    if len(code) > MAX_CODE_LENGTH:
        raise EvaluationError(f"code is longer than {MAX_CODE_LENGTH} characters")
    if language == "arith":
        return _evaluate_arithmetic(code)
    if language == "rpn":
        return _evaluate_rpn(code)
    raise EvaluationError(f"unsupported language {language!r}; use arith or rpn")


def _evaluate_arithmetic(code: str) -> float | int:
    try:
        tree = ast.parse(code, mode="eval")
    except SyntaxError as error:
        raise EvaluationError(f"invalid expression: {error.msg}") from error
    return _evaluate_node(tree.body)


def _evaluate_node(node: ast.expr) -> float | int:
    if isinstance(node, ast.Constant) and type(node.value) in (int, float):
        return node.value  # type: ignore[no-any-return]
    if isinstance(node, ast.UnaryOp) and type(node.op) in _UNARY:
        return _UNARY[type(node.op)](_evaluate_node(node.operand))  # type: ignore[no-any-return]
    if isinstance(node, ast.BinOp) and type(node.op) in _BINARY:
        left = _evaluate_node(node.left)
        right = _evaluate_node(node.right)
        if isinstance(node.op, ast.Pow) and abs(right) > MAX_EXPONENT:
            raise EvaluationError(f"exponent {right} is larger than {MAX_EXPONENT}")
        return _bounded(_BINARY[type(node.op)](left, right))
    raise EvaluationError(f"unsupported syntax: {type(node).__name__}")


def _bounded(value: float | int) -> float | int:
    if isinstance(value, int) and value.bit_length() > MAX_INTEGER_BITS:
        raise EvaluationError(f"integer result is longer than {MAX_INTEGER_BITS} bits")
    return value


def _evaluate_rpn(code: str) -> float | int:
    stack: list[float | int] = []
    for token in code.split():
        if token in _RPN:
            if len(stack) < 2:
                raise EvaluationError(f"operator {token!r} needs two operands")
            right, left = stack.pop(), stack.pop()
            stack.append(_RPN[token](left, right))
        else:
            stack.append(_parse_number(token))
    if len(stack) != 1:
        raise EvaluationError(f"expected one value left, found {len(stack)}")
    return stack[0]


def _parse_number(token: str) -> float | int:
    try:
        return int(token)
    except ValueError:
        pass
    try:
        return float(token)
    except ValueError:
        raise EvaluationError(f"unknown token {token!r}") from None
