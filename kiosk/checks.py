"""Checks that span several items of a questionnaire: ids, conditions, ranges, translations.

Each problem carries the path to the key it is about, so the loader can name the line.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from typing import Any

from kiosk.body_map import REGIONS_BY_ID
from kiosk.expressions import Expression, ExpressionError, parse_expression
from kiosk.questionnaire import (
    ActivitiesItem,
    BodyMapItem,
    ChoiceItemBase,
    ConsentItem,
    DateItem,
    InfoItem,
    Item,
    NumberItem,
    Questionnaire,
    Role,
    ScaleItem,
    TextItem,
    YesNoItem,
)
from kiosk.text import LocalText

Path = tuple[str | int, ...]


@dataclass(frozen=True)
class Problem:
    path: Path
    message: str
    warning: bool = False


def check_questionnaire(questionnaire: Questionnaire) -> list[Problem]:
    """Every cross-item problem in a questionnaire whose shape is already valid."""
    problems: list[Problem] = []
    problems += _check_section_ids(questionnaire)
    seen: dict[str, Item] = {}
    for s, section in enumerate(questionnaire.sections):
        for i, item in enumerate(section.items):
            path: Path = ("sections", s, "items", i)
            if item.id in seen:
                problems.append(Problem((*path, "id"), f"item id '{item.id}' is used twice"))
            problems += _check_item(item, path, seen)
            seen[item.id] = item
    problems += _check_roles(questionnaire)
    problems += _check_scores(questionnaire)
    problems += _check_languages(questionnaire)
    return problems


# The roles that link visits, and what each one's item asks, in the staff's words.
IDENTITY_ROLES: tuple[Role, ...] = ("name", "birth_date")
_ROLE_WORDS: dict[Role, str] = {"name": "full name", "birth_date": "date of birth",
                                "phone": "phone number"}
# The item type each role's answer must have: a name and a phone are typed, a birth date picked.
_ROLE_TYPES: dict[Role, tuple[type[TextItem | DateItem], str]] = {
    "name": (TextItem, "text"), "birth_date": (DateItem, "date"), "phone": (TextItem, "text")}


def identity_warnings(questionnaire: Questionnaire) -> list[Problem]:
    """A warning for each of the name and the birth date that no item holds: without both,
    the visits of one patient cannot be linked (``kiosk validate`` shows these, and a kiosk
    offering several questionnaires can use them to leave such a file out)."""
    return [Problem(("sections",), f"no item has 'role: {role}', so this file's visits "
                                   f"cannot be linked to a patient; add it to the item that "
                                   f"asks for the {_ROLE_WORDS[role]}", warning=True)
            for role in IDENTITY_ROLES if questionnaire.item_with_role(role) is None]


def _check_roles(questionnaire: Questionnaire) -> list[Problem]:
    """Each role on one item at most, and on an item whose answer can hold it."""
    problems: list[Problem] = []
    holders: dict[Role, str] = {}
    for s, section in enumerate(questionnaire.sections):
        for i, item in enumerate(section.items):
            role = item.role
            if role is None:
                continue
            path: Path = ("sections", s, "items", i, "role")
            wanted, kind = _ROLE_TYPES[role]
            if not isinstance(item, wanted):
                problems.append(Problem(path, f"item '{item.id}': role '{role}' needs a "
                                              f"'{kind}' item, not a '{item.type}' item"))
            if role in holders:
                problems.append(Problem(path, f"item '{item.id}': role '{role}' is already "
                                              f"given to item '{holders[role]}'; each role "
                                              "may be on one item only"))
            else:
                holders[role] = item.id
    return problems


def _check_section_ids(questionnaire: Questionnaire) -> list[Problem]:
    problems, ids = [], set()
    for s, section in enumerate(questionnaire.sections):
        if section.id in ids:
            problems.append(Problem(("sections", s, "id"),
                                    f"section id '{section.id}' is used twice"))
        ids.add(section.id)
    return problems


def _check_item(item: Item, path: Path, earlier: dict[str, Item]) -> list[Problem]:
    where = f"item '{item.id}'"
    problems: list[Problem] = []
    if item.show_if is not None:
        problems += _check_condition(item.show_if, (*path, "show_if"), f"{where}: show_if",
                                     earlier)
    for f, flag in enumerate(item.flags):
        problems += _check_condition(flag.when, (*path, "flags", f, "when"), f"{where}: flag",
                                     {**earlier, item.id: item})
    if isinstance(item, InfoItem) and (item.required or item.flags):
        problems.append(Problem((*path, "required"),
                                f"{where}: an info item has no answer, so it cannot be "
                                "required or raise flags"))
    if isinstance(item, NumberItem | ScaleItem) and item.min is not None and \
            item.max is not None and item.min >= item.max:
        problems.append(Problem((*path, "min"),
                                f"{where}: min ({item.min}) must be less than max ({item.max})"))
    if isinstance(item, ScaleItem) and item.max - item.min > 20:
        problems.append(Problem((*path, "max"),
                                f"{where}: a scale may have at most 21 steps; use a number item"))
    if isinstance(item, ActivitiesItem) and item.min_rows > item.max_rows:
        problems.append(Problem((*path, "min_rows"),
                                f"{where}: min_rows must not exceed max_rows"))
    if isinstance(item, ChoiceItemBase):
        problems += _check_options(item, path)
    if isinstance(item, BodyMapItem):
        for r, region in enumerate(item.regions or []):
            if region not in REGIONS_BY_ID:
                problems.append(Problem((*path, "regions", r),
                                        f"{where}: unknown body-map region '{region}'"))
    if isinstance(item, ConsentItem) and item.name_item is not None:
        named = earlier.get(item.name_item)
        if not isinstance(named, TextItem):
            problems.append(Problem((*path, "name_item"),
                                    f"{where}: name_item must be an earlier text item, "
                                    f"not '{item.name_item}'"))
    return problems


def _check_options(item: ChoiceItemBase, path: Path) -> list[Problem]:
    problems, values = [], set()
    for o, option in enumerate(item.options):
        if option.value in values:
            problems.append(Problem((*path, "options", o, "value"),
                                    f"item '{item.id}': option '{option.value}' is listed twice"))
        values.add(option.value)
    return problems


def _check_condition(source: str, path: Path, where: str,
                     allowed: dict[str, Item]) -> list[Problem]:
    try:
        expression = parse_expression(source)
    except ExpressionError as error:
        return [Problem(path, f"{where}: {error}")]
    problems = []
    for name in sorted(expression.names):
        target = allowed.get(name)
        if target is None:
            problems.append(Problem(path, f"{where} refers to unknown or later item '{name}'"))
        elif isinstance(target, InfoItem):
            problems.append(Problem(path, f"{where} refers to '{name}', an info item with "
                                          "no answer"))
    if not problems:
        problems += [Problem(path, f"{where}: {message}")
                     for message in _literal_mismatches(expression, allowed)]
    return problems


def _literal_mismatches(expression: Expression, items: dict[str, Item]) -> list[str]:
    """Catch typos in compared values: an option that does not exist, 'yes' for a yes/no."""
    messages = []
    for node in ast.walk(expression.tree):
        if not isinstance(node, ast.Compare):
            continue
        operands = [node.left, *node.comparators]
        for op, left, right in zip(node.ops, operands, operands[1:], strict=False):
            if isinstance(op, ast.In | ast.NotIn):
                pair = (right, left)  # 'value' in item
            else:
                pair = (left, right) if isinstance(left, ast.Name) else (right, left)
            name_node, value_node = pair
            if isinstance(name_node, ast.Name) and name_node.id in items:
                messages += _mismatch(items[name_node.id], value_node)
    return messages


def _mismatch(item: Item, value_node: ast.expr) -> list[str]:
    values: list[Any]
    if isinstance(value_node, ast.Constant):
        values = [value_node.value]
    elif isinstance(value_node, ast.List | ast.Tuple):
        values = [e.value for e in value_node.elts if isinstance(e, ast.Constant)]
    elif isinstance(value_node, ast.Name) and value_node.id in ("true", "false", "True", "False"):
        values = [value_node.id.lower() == "true"]
    else:
        return []
    if isinstance(item, ChoiceItemBase):
        return [f"'{item.id}' has no option '{v}'" for v in values
                if isinstance(v, str) and item.option(v) is None]
    if isinstance(item, YesNoItem):
        return [f"'{item.id}' is yes/no: compare it with true or false, not {v!r}"
                for v in values if not isinstance(v, bool)]
    if isinstance(item, BodyMapItem):
        return [f"'{v}' is not a body-map region" for v in values
                if isinstance(v, str) and v not in REGIONS_BY_ID]
    if isinstance(item, NumberItem | ScaleItem):
        return [f"'{item.id}' is a number: compare it with a number, not {v!r}"
                for v in values if isinstance(v, str | bool)]
    return []


def _check_scores(questionnaire: Questionnaire) -> list[Problem]:
    problems = []
    items = questionnaire.items_by_id
    ids = set(items)
    for s, score in enumerate(questionnaire.scores):
        if score.id in ids:
            problems.append(Problem(("scores", s, "id"),
                                    f"score id '{score.id}' is already used by an item or score"))
        ids.add(score.id)
        for i, item_id in enumerate(score.items):
            item = items.get(item_id)
            if not isinstance(item, NumberItem | ScaleItem | ActivitiesItem):
                problems.append(Problem(("scores", s, "items", i),
                                        f"score '{score.id}': '{item_id}' is not a number, "
                                        "scale or activities item"))
    return problems


def _check_languages(questionnaire: Questionnaire) -> list[Problem]:
    """Unknown language keys are errors; a missing translation is a warning (it falls back)."""
    problems = []
    languages = set(questionnaire.languages)
    for path, text in _texts(questionnaire.model_dump(), ()):
        if not isinstance(text, dict):
            if len(languages) > 1:
                problems.append(Problem(path, "text has no translations; every language will "
                                              f"show it as written: {text[:40]!r}", warning=True))
            continue
        for language in text:
            if language not in languages:
                problems.append(Problem(path, f"language '{language}' is not in languages "
                                        f"{sorted(languages)}"))
        for language in sorted(languages - set(text)):
            problems.append(Problem(path, f"no '{language}' text; the "
                                          f"'{questionnaire.default_language}' text will show",
                                    warning=True))
    return problems


_TEXT_KEYS = {"title", "intro", "label", "help", "message", "text", "unit", "min_label",
              "max_label", "rating_min_label", "rating_max_label"}


def _texts(node: Any, path: tuple[str | int, ...]) -> list[tuple[tuple[str | int, ...],
                                                                LocalText]]:
    found: list[tuple[tuple[str | int, ...], LocalText]] = []
    if isinstance(node, dict):
        for key, value in node.items():
            if key in _TEXT_KEYS and isinstance(value, str | dict) and value:
                found.append(((*path, key), value))
            elif isinstance(value, dict | list):
                found += _texts(value, (*path, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            found += _texts(value, (*path, index))
    return found
