"""What the questionnaire means for a set of answers: visible items, problems, flags, scores."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from pydantic import BaseModel, ConfigDict

from kiosk.questionnaire.answers import AnswerProblem, normalize_answer
from kiosk.questionnaire.expressions import Expression, parse_expression
from kiosk.questionnaire.model import (
    FLAG_LEVELS,
    ActivitiesItem,
    ChoiceItemBase,
    FlagLevel,
    Item,
    MultiChoiceItem,
    Option,
    Questionnaire,
    Section,
)
from kiosk.questionnaire.text import LocalText


class Flag(BaseModel):
    """A safety flag raised by an answer, with the clinician's message."""

    model_config = ConfigDict(frozen=True)

    item_id: str
    level: FlagLevel
    message: str


@lru_cache(maxsize=4096)
def _expression(source: str) -> Expression:
    return parse_expression(source)


def is_shown(item: Item, answers: Mapping[str, Any]) -> bool:
    """Whether the item is shown, given the answers to the items before it."""
    return item.show_if is None or _expression(item.show_if).evaluate(answers)


def visible_answers(questionnaire: Questionnaire, answers: Mapping[str, Any]) -> dict[str, Any]:
    """The answers to items that are shown; a hidden item's answer is dropped, never kept.

    Conditions read only earlier items, so one pass in order settles every item.
    """
    kept: dict[str, Any] = {}
    for item in questionnaire.items():
        if is_shown(item, kept) and item.answerable and answers.get(item.id) is not None:
            kept[item.id] = answers[item.id]
    return kept


def visible_items(questionnaire: Questionnaire, answers: Mapping[str, Any],
                  section: Section | None = None) -> list[Item]:
    """The items shown (of one section, or of all) given the answers so far."""
    kept = visible_answers(questionnaire, answers)
    wanted = set(id(i) for i in section.items) if section else None
    shown = []
    for item in questionnaire.items():
        if (wanted is None or id(item) in wanted) and is_shown(item, kept):
            shown.append(item)
    return shown


@dataclass
class Evaluation:
    """Answers checked against the questionnaire: what is kept, what is wrong, what it means."""

    answers: dict[str, Any] = field(default_factory=dict)
    problems: dict[str, str] = field(default_factory=dict)
    flags: list[Flag] = field(default_factory=list)
    scores: dict[str, float | None] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.problems


def evaluate(questionnaire: Questionnaire, raw: Mapping[str, Any], language: str | None = None,
             items: Iterable[Item] | None = None, today: dt.date | None = None) -> Evaluation:
    """Normalize and check every shown item (or only ``items``), then compute flags and scores."""
    language = language or questionnaire.default_language
    only = {item.id for item in items} if items is not None else None
    result = Evaluation()
    for item in questionnaire.items():
        if not is_shown(item, result.answers) or not item.answerable:
            continue
        try:
            value = normalize_answer(item, raw.get(item.id), result.answers, language, today)
        except AnswerProblem as problem:
            if only is None or item.id in only:
                result.problems[item.id] = str(problem)
            continue
        if value is not None:
            result.answers[item.id] = value
    result.flags = raised_flags(questionnaire, result.answers)
    result.scores = compute_scores(questionnaire, result.answers)
    return result


def section_problems(questionnaire: Questionnaire, section: Section, raw: Mapping[str, Any],
                     language: str | None = None) -> dict[str, str]:
    """Problems with the shown items of one section, in the order they appear (for Next)."""
    return evaluate(questionnaire, raw, language, items=section.items).problems


@dataclass(frozen=True)
class FlagSource:
    """One rule that can raise a flag: an entry of an item's ``flags:`` or a flagged option."""

    item: Item
    level: FlagLevel
    message: LocalText
    when: str | None = None  # the condition of a ``flags:`` entry
    option: Option | None = None  # the option that carries the flag
    index: int = 0  # its place in the item's ``flags:`` or ``options:`` list

    @property
    def key(self) -> tuple[str, str, int]:
        """Names the rule among all of a questionnaire's, whatever it says."""
        return (self.item.id, "flags" if self.option is None else "options", self.index)


def flag_sources(questionnaire: Questionnaire) -> Iterator[FlagSource]:
    """Every flag rule of the questionnaire, in the order a patient meets them."""
    for item in questionnaire.items():
        for index, rule in enumerate(item.flags):
            yield FlagSource(item, rule.level, rule.message, when=rule.when, index=index)
        if isinstance(item, ChoiceItemBase):
            for index, option in enumerate(item.options):
                if option.flag:
                    yield FlagSource(item, option.flag.level, option.flag.message,
                                     option=option, index=index)


def raised_sources(questionnaire: Questionnaire, answers: Mapping[str, Any]) -> list[FlagSource]:
    """The flag rules that hold for the shown answers, in questionnaire order."""
    kept = visible_answers(questionnaire, answers)
    raised = []
    for source in flag_sources(questionnaire):
        item = source.item
        if not is_shown(item, kept):
            continue
        if source.when is not None:
            holds = _expression(source.when).evaluate(kept)
        else:
            chosen = kept.get(item.id)
            chosen = chosen if isinstance(item, MultiChoiceItem) else [chosen]
            holds = source.option is not None and source.option.value in (chosen or [])
        if holds:
            raised.append(source)
    return raised


def raised_flags(questionnaire: Questionnaire, answers: Mapping[str, Any]) -> list[Flag]:
    """Flags raised by shown answers, most serious level first, then in questionnaire order."""
    language = questionnaire.default_language
    flags = [Flag(item_id=source.item.id, level=source.level,
                  message=questionnaire.text(source.message, language))
             for source in raised_sources(questionnaire, answers)]
    return sorted(flags, key=lambda flag: FLAG_LEVELS.index(flag.level))


def compute_scores(questionnaire: Questionnaire,
                   answers: Mapping[str, Any]) -> dict[str, float | None]:
    """Each score's mean or sum over its answered items; ``None`` when none is answered."""
    scores: dict[str, float | None] = {}
    for score in questionnaire.scores:
        values: list[float] = []
        for item_id in score.items:
            value = answers.get(item_id)
            item = questionnaire.items_by_id.get(item_id)
            if isinstance(item, ActivitiesItem) and isinstance(value, list):
                values += [row["rating"] for row in value]
            elif isinstance(value, int | float) and not isinstance(value, bool):
                values.append(value)
        if not values:
            scores[score.id] = None
        elif score.method == "sum":
            scores[score.id] = round(sum(values), 2)
        else:
            scores[score.id] = round(sum(values) / len(values), 2)
    return scores
