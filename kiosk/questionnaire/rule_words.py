"""A flag rule's condition in the clinic's words: question labels and answer labels.

``blood_thinners == true`` reads "Do you take a blood thinner? = Yes" and
``pain_now >= 7`` reads "Pain right now: 7 or more": never an item id or the
expression syntax, so a clinical lead can sign off a rule sheet without the format.
"""

from __future__ import annotations

import ast
from typing import Any

from kiosk.questionnaire.body_map import REGIONS_BY_ID, region_label
from kiosk.questionnaire.expressions import parse_expression
from kiosk.questionnaire.model import (
    BodyMapItem,
    ChoiceItemBase,
    Item,
    MultiChoiceItem,
    Option,
    Questionnaire,
    YesNoItem,
)
from kiosk.questionnaire.text import localize

_WORDS: dict[str, dict[str, str]] = {
    "yes": {"en": "Yes", "es": "Sí"},
    "no": {"en": "No", "es": "No"},
    "and": {"en": "and", "es": "y"},
    "or": {"en": "or", "es": "o"},
    "not": {"en": "not", "es": "no"},
    "or_more": {"en": "{v} or more", "es": "{v} o más"},
    "or_less": {"en": "{v} or less", "es": "{v} o menos"},
    "more_than": {"en": "more than {v}", "es": "más de {v}"},
    "less_than": {"en": "less than {v}", "es": "menos de {v}"},
    "includes": {"en": "includes {v}", "es": "incluye {v}"},
    "excludes": {"en": "does not include {v}", "es": "no incluye {v}"},
    "anything_but": {"en": "anything but {v}", "es": "cualquier respuesta menos {v}"},
    "unanswered": {"en": "not answered", "es": "sin responder"},
    "answered": {"en": "answered", "es": "respondida"},
}
_FLIPPED: dict[type[ast.cmpop], type[ast.cmpop]] = {
    ast.Lt: ast.Gt, ast.Gt: ast.Lt, ast.LtE: ast.GtE, ast.GtE: ast.LtE,
}
_THRESHOLDS = {ast.GtE: "or_more", ast.LtE: "or_less", ast.Gt: "more_than", ast.Lt: "less_than"}


def word(key: str, language: str) -> str:
    return localize(_WORDS[key], language)


class ConditionWords:
    """Reads conditions of one questionnaire aloud, in one language."""

    def __init__(self, questionnaire: Questionnaire, language: str) -> None:
        self.questionnaire = questionnaire
        self.language = language

    def label(self, item: Item) -> str:
        return " ".join(self.questionnaire.text(item.label, self.language).split())

    def condition(self, source: str) -> str:
        """The whole condition in words."""
        return self._node(parse_expression(source).tree, top=True)

    def chosen(self, item: Item, option: Option) -> str:
        """What choosing ``option`` reads like: "Are you pregnant? = Yes"."""
        value = self.questionnaire.text(option.label, self.language)
        if isinstance(item, MultiChoiceItem):
            return self._about(item, word("includes", self.language).format(v=value))
        return f"{self.label(item)} = {value}"

    # -------------------------------------------------------------- the tree

    def _node(self, node: ast.expr, top: bool = False) -> str:
        if isinstance(node, ast.BoolOp):
            joiner = word("and" if isinstance(node.op, ast.And) else "or", self.language)
            parts = [self._node(value) for value in node.values]
            text = f" {joiner} ".join(parts)
            return text if top else f"({text})"
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not):
            return f"{word('not', self.language)} ({self._node(node.operand, top=True)})"
        if isinstance(node, ast.Compare):
            operands = [node.left, *node.comparators]
            parts = [self._compare(left, op, right) for left, op, right
                     in zip(operands, node.ops, operands[1:], strict=False)]
            joined = f" {word('and', self.language)} ".join(parts)
            return joined if top or len(parts) == 1 else f"({joined})"
        if isinstance(node, ast.Name) and node.id in self.questionnaire.items_by_id:
            item = self.questionnaire.items_by_id[node.id]
            if isinstance(item, YesNoItem):
                return f"{self.label(item)} = {word('yes', self.language)}"
            return self._about(item, word("answered", self.language))
        return self._value(None, node)

    def _compare(self, left: ast.expr, op: ast.cmpop, right: ast.expr) -> str:
        items = self.questionnaire.items_by_id
        if isinstance(op, ast.In | ast.NotIn):
            return self._membership(left, op, right)
        if not (isinstance(left, ast.Name) and left.id in items) and \
                isinstance(right, ast.Name) and right.id in items:
            left, right = right, left  # "7 <= pain_now" reads as "pain_now >= 7"
            op = _FLIPPED.get(type(op), type(op))()
        item = items.get(left.id) if isinstance(left, ast.Name) else None
        if item is None:
            return f"{self._value(None, left)} ? {self._value(None, right)}"
        value = self._value(item, right)
        if _is_null(right):
            key = "unanswered" if isinstance(op, ast.Eq) else "answered"
            return self._about(item, word(key, self.language))
        if isinstance(op, ast.Eq):
            return f"{self.label(item)} = {value}"
        if isinstance(op, ast.NotEq):
            return self._about(item, word("anything_but", self.language).format(v=value))
        return self._about(item, word(_THRESHOLDS[type(op)], self.language).format(v=value))

    def _membership(self, left: ast.expr, op: ast.cmpop, right: ast.expr) -> str:
        items = self.questionnaire.items_by_id
        negative = isinstance(op, ast.NotIn)
        if isinstance(right, ast.Name) and right.id in items:  # 'sharp' in pain_quality
            item = items[right.id]
            key = "excludes" if negative else "includes"
            return self._about(item, word(key, self.language).format(v=self._value(item, left)))
        if isinstance(left, ast.Name) and left.id in items:  # pain_side in ['left', 'both']
            item = items[left.id]
            values = self._value(item, right)
            if negative:
                return self._about(item, word("anything_but", self.language).format(v=values))
            return f"{self.label(item)} = {values}"
        return f"{self._value(None, left)} ? {self._value(None, right)}"

    def _value(self, item: Item | None, node: ast.expr) -> str:
        """A literal as the patient saw it: Yes/No, the option's label, the region's name."""
        if isinstance(node, ast.List | ast.Tuple):
            joiner = f" {word('or', self.language)} "
            return joiner.join(self._value(item, element) for element in node.elts)
        if isinstance(node, ast.Name) and node.id in self.questionnaire.items_by_id:
            return self.label(self.questionnaire.items_by_id[node.id])
        value = _literal(node)
        if isinstance(value, bool):
            return word("yes" if value else "no", self.language)
        if value is None:
            return word("unanswered", self.language)
        if isinstance(item, ChoiceItemBase) and isinstance(value, str):
            option = item.option(value)
            if option is not None:
                return self.questionnaire.text(option.label, self.language)
        if isinstance(item, BodyMapItem) and value in REGIONS_BY_ID:
            return region_label(str(value), self.language)
        if isinstance(value, float) and value.is_integer():
            return str(int(value))
        return str(value)

    def _about(self, item: Item, phrase: str) -> str:
        """"Question? phrase", or "Question: phrase" when the label has no end mark."""
        label = self.label(item)
        return f"{label} {phrase}" if label.endswith(("?", ":", ".")) else f"{label}: {phrase}"


def _is_null(node: ast.expr) -> bool:
    return isinstance(node, ast.Name) and node.id in ("null", "None") or \
        isinstance(node, ast.Constant) and node.value is None


def _literal(node: ast.expr) -> Any:
    if isinstance(node, ast.Constant):
        return node.value
    if isinstance(node, ast.Name):
        return {"true": True, "True": True, "false": False, "False": False}.get(node.id)
    if isinstance(node, ast.UnaryOp) and isinstance(node.operand, ast.Constant) and \
            isinstance(node.operand.value, int | float):
        value = node.operand.value
        return -value if isinstance(node.op, ast.USub) else value
    return None
