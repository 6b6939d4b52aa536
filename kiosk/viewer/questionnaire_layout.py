"""What a record page takes from its questionnaire alone, worked out once per questionnaire.

Question labels, option labels, section titles, which items sit beside the body map:
none of it depends on the record, and working it out for every record was a good part
of a record's first view. A layout is kept by the questionnaire's content hash (what a
record's pin names), so two versions of a questionnaire never share labels.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Mapping
from dataclasses import dataclass

from markupsafe import Markup, escape

from kiosk.questionnaire import (
    ActivitiesItem,
    BodyMapItem,
    ChoiceItemBase,
    Item,
    LongTextItem,
    NumberItem,
    Questionnaire,
    ScaleItem,
    Section,
)

# A store holds the few versions its records were taken with; each layout is small.
KEPT_LAYOUTS = 16


@dataclass(frozen=True)
class ItemLayout:
    """One answerable question, its texts in the clinic's language and escaped once."""

    item: Item
    term: Markup  # "<dt>question</dt>"
    options: Mapping[str, Markup]  # option value -> its label (choice items)
    after: str  # what follows the value: a scale's "/ 10", a number's unit


@dataclass(frozen=True)
class SectionLayout:
    title: str
    items: tuple[ItemLayout, ...]  # the answerable items, in order


@dataclass(frozen=True)
class QuestionnaireLayout:
    questionnaire: Questionnaire
    title: str
    language: str  # the clinic's: the questionnaire's first language
    sections: tuple[SectionLayout, ...]
    # The pain part: answerable items of the sections holding the body map or a 0-10
    # scale (where, how bad, since when, how); None if there is no such section.
    pain_items: tuple[ItemLayout, ...] | None
    questions: Mapping[str, str]  # item id -> question, for the flags
    scores: tuple[tuple[str, str], ...]  # (score id, label)


def _is_pain_section(section: Section) -> bool:
    return any(isinstance(item, BodyMapItem | ScaleItem) for item in section.items)


def _item_layout(item: Item, questionnaire: Questionnaire) -> ItemLayout:
    language = questionnaire.default_language
    options: dict[str, Markup] = {}
    if isinstance(item, ChoiceItemBase):
        for option in item.options:  # the first option with a value wins, as Item.option
            options.setdefault(option.value, escape(questionnaire.text(option.label, language)))
    after = ""
    if isinstance(item, ScaleItem):
        # "-3 / 7" would read as a fraction: a scale below zero names both its ends.
        after = f"on {item.range_text}" if item.min < 0 else f"/ {item.max}"
    elif isinstance(item, NumberItem) and item.unit:
        after = questionnaire.text(item.unit, language)
    return ItemLayout(item, Markup(f"<dt>{escape(questionnaire.text(item.label, language))}</dt>"),
                      options, after)


def lay_out(questionnaire: Questionnaire) -> QuestionnaireLayout:
    """The questionnaire's part of every record page taken with it."""
    language = questionnaire.default_language
    items = {id(item): _item_layout(item, questionnaire)
             for item in questionnaire.items() if item.answerable}
    sections = tuple(
        SectionLayout(questionnaire.text(section.title, language),
                      tuple(items[id(item)] for item in section.items if item.answerable))
        for section in questionnaire.sections)
    pain_sections = [section for section in questionnaire.sections
                     if _is_pain_section(section)]
    pain_items = tuple(items[id(item)] for section in pain_sections
                       for item in section.items if item.answerable) if pain_sections else None
    questions: dict[str, str] = {}
    for item in questionnaire.items():  # the last item with an id wins, as items_by_id
        questions[item.id] = questionnaire.text(item.label, language)
    return QuestionnaireLayout(
        questionnaire=questionnaire, title=questionnaire.text(questionnaire.title, language),
        language=language, sections=sections, pain_items=pain_items, questions=questions,
        scores=tuple((score.id, questionnaire.text(score.label, language))
                     for score in questionnaire.scores))


def is_pain_detail(item: Item) -> bool:
    """A short answer shown beside the body map; free text and activities stay below."""
    return not isinstance(item, BodyMapItem | LongTextItem | ActivitiesItem)


class QuestionnaireLayouts:
    """Layouts by questionnaire content hash, the least recently used dropped past ``size``.

    Used from the viewer's store thread only, so it needs no lock of its own.
    """

    def __init__(self, size: int = KEPT_LAYOUTS) -> None:
        self.size = size
        self._kept: OrderedDict[str, QuestionnaireLayout] = OrderedDict()

    def of(self, questionnaire: Questionnaire) -> QuestionnaireLayout:
        key = questionnaire.content_hash
        layout = self._kept.get(key)
        if layout is None:
            layout = self._kept[key] = lay_out(questionnaire)
            while len(self._kept) > self.size:
                self._kept.popitem(last=False)
        else:
            self._kept.move_to_end(key)
        return layout
