"""An answer as the patient reads it back on the review screen, in their language."""

from __future__ import annotations

from typing import Any

from kiosk.body_map import region_label
from kiosk.questionnaire import (
    ActivitiesItem,
    BodyMapItem,
    ChoiceItemBase,
    ConsentItem,
    Item,
    NumberItem,
    Questionnaire,
    ScaleItem,
    YesNoItem,
)
from screens.strings import text


def answer_text(item: Item, value: Any, questionnaire: Questionnaire, language: str) -> str:
    """``value`` (already checked by ``kiosk.logic``) as words; "(not answered)" when empty."""
    if value is None or value == [] or value == "":
        return text("not_answered", language)
    if isinstance(item, YesNoItem):
        return text("yes" if value else "no", language)
    if isinstance(item, ChoiceItemBase):
        chosen = value if isinstance(value, list) else [value]
        labels = []
        for choice in chosen:
            option = item.option(choice)
            labels.append(questionnaire.text(option.label, language) if option else str(choice))
        return ", ".join(labels)
    if isinstance(item, ScaleItem):
        if item.min < 0:  # "-3 of 7" would misread: say where the scale runs
            return text("signed_scale_answer", language, value=item.point_text(value),
                        min=item.point_text(item.min), max=item.point_text(item.max))
        return text("scale_answer", language, value=value, max=item.max)
    if isinstance(item, NumberItem):
        unit = questionnaire.text(item.unit, language)
        number = f"{value:g}" if isinstance(value, float) else str(value)
        return f"{number} {unit}".strip()
    if isinstance(item, BodyMapItem):
        return ", ".join(region_label(region, language) for region in value)
    if isinstance(item, ConsentItem) and isinstance(value, dict):
        return text("consent_signed", language, name=value.get("name", ""))
    if isinstance(item, ActivitiesItem) and isinstance(value, list):
        return "\n".join(text("activity_rating", language, activity=row.get("activity", ""),
                              rating=row.get("rating", "")) for row in value)
    return str(value)
