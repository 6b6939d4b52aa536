"""The small condition language of ``show_if`` and flag ``when``.

Parsed with :mod:`ast` and checked against a whitelist of node types; it is
evaluated by walking that tree, never with ``eval``. Grammar: item ids, string
and number literals, ``true``/``false``/``null``, lists of literals,
``== != < <= > >= in not in``, ``and or not``, and parentheses.
"""

from __future__ import annotations

import ast
import operator
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

MAX_EXPRESSION_LENGTH = 500

_LITERAL_NAMES: dict[str, Any] = {
    "true": True, "True": True, "false": False, "False": False, "null": None, "None": None,
}
_COMPARE: dict[type[ast.cmpop], Callable[[Any, Any], bool]] = {
    ast.Eq: operator.eq, ast.NotEq: operator.ne, ast.Lt: operator.lt, ast.LtE: operator.le,
    ast.Gt: operator.gt, ast.GtE: operator.ge,
}


class ExpressionError(ValueError):
    """An expression a staff member wrote that is not allowed; the message says why."""


@dataclass(frozen=True)
class Expression:
    """A checked expression: its source, its tree and the item ids it reads."""

    source: str
    tree: ast.expr
    names: frozenset[str]

    def evaluate(self, answers: Mapping[str, Any]) -> bool:
        """True when the condition holds; an unanswered item reads as ``null``."""
        return bool(_evaluate(self.tree, answers))


def parse_expression(source: str) -> Expression:
    """Parse and whitelist-check ``source``; raise :class:`ExpressionError` if it is not allowed."""
    if not isinstance(source, str) or not source.strip():
        raise ExpressionError("the condition is empty")
    if len(source) > MAX_EXPRESSION_LENGTH:
        raise ExpressionError(f"the condition is longer than {MAX_EXPRESSION_LENGTH} characters")
    try:
        tree = ast.parse(source.strip(), mode="eval").body
    except SyntaxError as error:
        raise ExpressionError(f"cannot read the condition {source!r}: {error.msg}") from None
    names: set[str] = set()
    _check(tree, names)
    return Expression(source.strip(), tree, frozenset(names))


def _check(node: ast.expr, names: set[str]) -> None:
    match node:
        case ast.BoolOp(values=values):
            for value in values:
                _check(value, names)
        case ast.UnaryOp(op=ast.Not(), operand=operand):
            _check(operand, names)
        case ast.UnaryOp(op=ast.USub() | ast.UAdd(), operand=ast.Constant(value=int() | float())):
            pass
        case ast.Compare(left=left, ops=ops, comparators=comparators):
            for op in ops:
                if type(op) not in _COMPARE and not isinstance(op, ast.In | ast.NotIn):
                    raise ExpressionError(f"the operator {type(op).__name__} is not allowed")
            for part in (left, *comparators):
                _check(part, names)
        case ast.Name(id=name):
            if name not in _LITERAL_NAMES:
                names.add(name)
        case ast.Constant(value=value):
            if not isinstance(value, str | int | float | bool) and value is not None:
                raise ExpressionError(f"the value {value!r} is not allowed")
        case ast.List(elts=elements) | ast.Tuple(elts=elements):
            for element in elements:
                literal_name = isinstance(element, ast.Name) and element.id in _LITERAL_NAMES
                if not (isinstance(element, ast.Constant | ast.UnaryOp) or literal_name):
                    raise ExpressionError("a list may hold only plain values")
                _check(element, names)
        case ast.Call():
            raise ExpressionError("function calls are not allowed")
        case ast.Attribute():
            raise ExpressionError("attributes (a.b) are not allowed")
        case ast.Subscript():
            raise ExpressionError("subscripts (a[b]) are not allowed")
        case ast.BinOp() | ast.UnaryOp():
            raise ExpressionError("arithmetic (+ - * / and signs on names) is not allowed")
        case _:
            raise ExpressionError(f"{type(node).__name__} is not allowed in a condition")


def _evaluate(node: ast.expr, answers: Mapping[str, Any]) -> Any:
    match node:
        case ast.BoolOp(op=ast.And(), values=values):
            return all(_evaluate(value, answers) for value in values)
        case ast.BoolOp(op=ast.Or(), values=values):
            return any(_evaluate(value, answers) for value in values)
        case ast.UnaryOp(op=ast.Not(), operand=operand):
            return not _evaluate(operand, answers)
        case ast.UnaryOp(op=ast.USub(), operand=ast.Constant(value=int() | float() as value)):
            return -value
        case ast.UnaryOp(op=ast.UAdd(), operand=ast.Constant(value=value)):
            return value
        case ast.Compare(left=left, ops=ops, comparators=comparators):
            current = _evaluate(left, answers)
            for op, comparator in zip(ops, comparators, strict=True):
                other = _evaluate(comparator, answers)
                if not _compare(op, current, other):
                    return False
                current = other
            return True
        case ast.Name(id=name):
            if name in _LITERAL_NAMES:
                return _LITERAL_NAMES[name]
            return answers.get(name)
        case ast.Constant(value=value):
            return value
        case ast.List(elts=elements) | ast.Tuple(elts=elements):
            return [_evaluate(element, answers) for element in elements]
    raise ExpressionError(f"{type(node).__name__} is not allowed in a condition")


def _compare(op: ast.cmpop, left: Any, right: Any) -> bool:
    """Compare like Python, but an unanswered item or mismatched types simply read as false."""
    if isinstance(op, ast.In | ast.NotIn):
        if not isinstance(right, list | str) or (isinstance(right, str) and
                                                  not isinstance(left, str)):
            return isinstance(op, ast.NotIn)
        found = left in right
        return found if isinstance(op, ast.In) else not found
    if isinstance(op, ast.Eq | ast.NotEq):
        same = left == right and (type(left) is bool) == (type(right) is bool)
        return same if isinstance(op, ast.Eq) else not same
    if left is None or right is None or isinstance(left, bool) or isinstance(right, bool):
        return False
    try:
        return bool(_COMPARE[type(op)](left, right))
    except TypeError:
        return False
