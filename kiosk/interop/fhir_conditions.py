"""``show_if`` as FHIR ``enableWhen``: the conditions that mean the same, or none at all."""

from __future__ import annotations

import ast
from typing import Any

from kiosk.interop.fhir_values import answer_value, prefixed
from kiosk.questionnaire.expressions import ExpressionError, parse_expression
from kiosk.questionnaire.model import (
    ActivitiesItem,
    BodyMapItem,
    ConsentItem,
    DateItem,
    Item,
    MultiChoiceItem,
    NumberItem,
    Questionnaire,
    ScaleItem,
    YesNoItem,
)

_OPERATORS = {ast.Eq: "=", ast.NotEq: "!=", ast.Lt: "<", ast.LtE: "<=", ast.Gt: ">",
              ast.GtE: ">="}
_FLIPPED = {"<": ">", "<=": ">=", ">": "<", ">=": "<=", "=": "=", "!=": "!="}
_LITERALS: dict[str, Any] = {"true": True, "True": True, "false": False, "False": False,
                             "null": None, "None": None}
_MISSING = object()
Conditions = tuple[list[dict[str, Any]], str | None]


def enable_when(questionnaire: Questionnaire, show_if: str) -> dict[str, Any]:
    """``enableWhen`` (and ``enableBehavior``) meaning the same as ``show_if``, or ``{}``.

    Maps comparisons of one item with a literal, ``'x' in item`` for multi-answer items
    and ``item in [...]``, alone or joined all by ``and`` or all by ``or``. Anything
    else (``not (...)``, mixed ``and``/``or``, chained comparisons) is left out.
    """
    try:
        tree = parse_expression(show_if).tree
    except ExpressionError:
        return {}
    mapped = _conditions(questionnaire, tree)
    if mapped is None:
        return {}
    conditions, behavior = mapped
    result: dict[str, Any] = {"enableWhen": conditions}
    if len(conditions) > 1:
        result["enableBehavior"] = behavior or "all"
    return result


def _conditions(questionnaire: Questionnaire, node: ast.expr) -> Conditions | None:
    if not isinstance(node, ast.BoolOp):
        return _atom(questionnaire, node)
    behavior = "all" if isinstance(node.op, ast.And) else "any"
    conditions: list[dict[str, Any]] = []
    for value in node.values:
        part = _atom(questionnaire, value)
        if part is None or (len(part[0]) > 1 and part[1] != behavior):
            return None
        conditions += part[0]
    return conditions, behavior


def _atom(questionnaire: Questionnaire, node: ast.expr) -> Conditions | None:
    """One comparison as enableWhen conditions, with the behavior they need to mean it."""
    match node:
        case ast.Name(id=name) if isinstance(questionnaire.items_by_id.get(name), YesNoItem):
            return [_condition(name, "=", {"Boolean": True})], None
        case ast.UnaryOp(op=ast.Not(), operand=ast.Name(id=name)) if isinstance(
                questionnaire.items_by_id.get(name), YesNoItem):
            return [_condition(name, "!=", {"Boolean": True})], None
        case ast.Compare(left=left, ops=[op], comparators=[right]):
            return _comparison(questionnaire, left, op, right)
    return None


def _comparison(questionnaire: Questionnaire, left: ast.expr, op: ast.cmpop,
                right: ast.expr) -> Conditions | None:
    if isinstance(op, ast.In | ast.NotIn):
        return _membership(questionnaire, left, right, isinstance(op, ast.NotIn))
    operator = _OPERATORS[type(op)]
    item, literal = _referenced_item(questionnaire, left), _literal(right)
    if item is None:
        item, literal, operator = _referenced_item(questionnaire, right), _literal(left), \
            _FLIPPED[operator]
    if item is None or literal is _MISSING or isinstance(item, ConsentItem | ActivitiesItem):
        return None
    if literal is None and operator in ("=", "!="):
        return [_condition(item.id, "exists", {"Boolean": operator == "!="})], None
    if isinstance(item, MultiChoiceItem | BodyMapItem) or literal is None:
        return None  # a list never equals a single value; ordering with null is never true
    if operator not in ("=", "!=") and not isinstance(item, NumberItem | ScaleItem | DateItem):
        return None
    value = _answer(questionnaire, item, literal)
    if value is None:
        return None
    return [_condition(item.id, operator, value)], None


def _membership(questionnaire: Questionnaire, left: ast.expr, right: ast.expr,
                negated: bool) -> Conditions | None:
    """``'x' in multi_item`` (one condition) or ``item in ['a', 'b']`` (one per value)."""
    operator, behavior = ("!=", "all") if negated else ("=", "any")
    container = _referenced_item(questionnaire, right)
    if isinstance(container, MultiChoiceItem | BodyMapItem):
        literal = _literal(left)
        value = _answer(questionnaire, container, literal)
        return ([_condition(container.id, operator, value)], None) if value else None
    item, literals = _referenced_item(questionnaire, left), _literal(right)
    if item is None or not isinstance(literals, list) or not literals or \
            isinstance(item, MultiChoiceItem | BodyMapItem | ConsentItem | ActivitiesItem):
        return None
    values = [_answer(questionnaire, item, literal)
              for literal in literals]
    if any(value is None for value in values):
        return None
    return [_condition(item.id, operator, value) for value in values if value], behavior


def _referenced_item(questionnaire: Questionnaire, node: ast.expr) -> Item | None:
    if isinstance(node, ast.Name) and node.id not in _LITERALS:
        return questionnaire.items_by_id.get(node.id)
    return None


def _literal(node: ast.expr) -> Any:
    match node:
        case ast.Constant(value=value):
            return value
        case ast.Name(id=name) if name in _LITERALS:
            return _LITERALS[name]
        case ast.UnaryOp(op=ast.USub(), operand=ast.Constant(value=int() | float() as value)):
            return -value
        case ast.List(elts=elements) | ast.Tuple(elts=elements):
            values = [_literal(element) for element in elements]
            return _MISSING if _MISSING in values else values
    return _MISSING


def _answer(questionnaire: Questionnaire, item: Item, literal: Any) -> dict[str, Any] | None:
    return answer_value(questionnaire, item, literal, questionnaire.default_language,
                        display=False)


def _condition(link_id: str, operator: str, value: dict[str, Any]) -> dict[str, Any]:
    return {"question": link_id, "operator": operator, **prefixed("answer", value)}
