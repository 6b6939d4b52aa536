"""Reading one answer: normalize what a patient (or an import file) gave, or say what is wrong."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping
from typing import Any

from kiosk.questionnaire.body_map import REGIONS, REGIONS_BY_ID
from kiosk.questionnaire.messages import message
from kiosk.questionnaire.model import (
    ActivitiesItem,
    BodyMapItem,
    ConsentItem,
    DateItem,
    InfoItem,
    Item,
    LongTextItem,
    MultiChoiceItem,
    NumberItem,
    ScaleItem,
    SingleChoiceItem,
    TextItem,
    YesNoItem,
)
from kiosk.questionnaire.names import same_name
from kiosk.questionnaire.text import clean_patient_text


class AnswerProblem(ValueError):
    """An answer that cannot be accepted; the message is for the patient."""


def is_empty(value: Any) -> bool:
    return value is None or value == "" or value == [] or value == {}


def normalize_answer(item: Item, value: Any, answers: Mapping[str, Any],
                     language: str = "en", today: dt.date | None = None) -> Any:
    """The cleaned answer, ``None`` if unanswered, or :class:`AnswerProblem` for the patient.

    ``answers`` are the (already normalized) answers to earlier items, for checks
    such as the consent name matching the name given.
    """
    if isinstance(item, InfoItem):
        return None
    if isinstance(value, str) and not isinstance(item, LongTextItem):
        value = clean_patient_text(value)
    if is_empty(value):
        if item.required:
            raise AnswerProblem(message("required", language))
        return None
    reader = _READERS[type(item)]
    return reader(item, value, answers, language, today or dt.date.today())


def _text(item: TextItem | LongTextItem, value: Any, _a: Any, language: str, _t: Any) -> str:
    if not isinstance(value, str):
        raise AnswerProblem(message("bad_answer", language))
    text = clean_patient_text(value, multiline=isinstance(item, LongTextItem))
    if len(text) > item.max_length:
        raise AnswerProblem(message("too_long", language, limit=item.max_length))
    if not text:
        if item.required:
            raise AnswerProblem(message("required", language))
        return None  # type: ignore[return-value]
    return text


def _as_number(value: Any, language: str) -> float | int:
    if isinstance(value, bool):
        raise AnswerProblem(message("not_a_number", language))
    if isinstance(value, str):
        try:
            value = float(value.replace(",", ".")) if any(c in value for c in ".,eE") \
                else int(value)
        except ValueError:
            raise AnswerProblem(message("not_a_number", language)) from None
    if not isinstance(value, int | float) or not math.isfinite(value):
        raise AnswerProblem(message("not_a_number", language))
    return value


def _number(item: NumberItem | ScaleItem, value: Any, _a: Any, language: str, _t: Any) -> float:
    number = _as_number(value, language)
    whole = isinstance(item, ScaleItem) or item.integer
    if whole:
        if number != int(number):
            raise AnswerProblem(message("not_whole", language))
        number = int(number)
    if item.min is not None and number < item.min:
        raise AnswerProblem(message("below_min", language, min=_plain(item.min)))
    if item.max is not None and number > item.max:
        raise AnswerProblem(message("above_max", language, max=_plain(item.max)))
    return number


def _plain(number: float) -> str:
    return str(int(number)) if number == int(number) else str(number)


def _yes_no(_i: YesNoItem, value: Any, _a: Any, language: str, _t: Any) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.lower() in ("yes", "no"):
        return value.lower() == "yes"
    raise AnswerProblem(message("yes_or_no", language))


def _single(item: SingleChoiceItem, value: Any, _a: Any, language: str, _t: Any) -> str:
    if not isinstance(value, str) or item.option(value) is None:
        raise AnswerProblem(message("choose_one", language))
    return value


def _multi(item: MultiChoiceItem, value: Any, _a: Any, language: str, _t: Any) -> list[str]:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise AnswerProblem(message("choose_listed", language))
    chosen = [option for option in item.options if option.value in value]
    if len(chosen) != len(set(value)):
        raise AnswerProblem(message("choose_listed", language))
    exclusive = [option for option in chosen if option.exclusive]
    if exclusive and len(chosen) > 1:
        label = exclusive[0].label
        text = label if isinstance(label, str) else label.get(language, next(iter(label.values())))
        raise AnswerProblem(message("exclusive", language, option=text))
    return [option.value for option in chosen]


def _date(item: DateItem, value: Any, _a: Any, language: str, today: dt.date) -> str:
    if isinstance(value, dt.date):
        day = value
    else:
        try:
            day = dt.date.fromisoformat(str(value).strip())
        except ValueError:
            raise AnswerProblem(message("bad_date", language)) from None
    if item.past_only and day > today:
        raise AnswerProblem(message("future_date", language))
    if day.year < 1900 or day.year > today.year + 5:
        raise AnswerProblem(message("old_date", language))
    return day.isoformat()


def _body_map(item: BodyMapItem, value: Any, _a: Any, language: str, _t: Any) -> list[str]:
    allowed = set(item.regions) if item.regions else set(REGIONS_BY_ID)
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) and v in allowed
                                                for v in value):
        raise AnswerProblem(message("bad_region", language))
    return [region.id for region in REGIONS if region.id in value]


def _consent(item: ConsentItem, value: Any, answers: Mapping[str, Any], language: str,
             today: dt.date) -> dict[str, Any]:
    if not isinstance(value, Mapping):
        raise AnswerProblem(message("consent_agree", language))
    if value.get("agreed") is not True:
        raise AnswerProblem(message("consent_agree", language))
    name = value.get("name")
    name = clean_patient_text(name) if isinstance(name, str) else ""
    if not name or len(name) > 200:
        raise AnswerProblem(message("consent_name", language))
    expected = answers.get(item.name_item) if item.name_item else None
    if isinstance(expected, str) and not same_name(name, expected):
        raise AnswerProblem(message("consent_name_match", language, name=expected))
    signed_on = value.get("signed_on") or today.isoformat()
    try:
        signed_on = dt.date.fromisoformat(str(signed_on)).isoformat()
    except ValueError:
        raise AnswerProblem(message("bad_date", language)) from None
    return {"agreed": True, "name": name, "signed_on": signed_on}


def _activities(item: ActivitiesItem, value: Any, _a: Any, language: str,
                _t: Any) -> list[dict[str, Any]]:
    if not isinstance(value, list) or not all(isinstance(row, Mapping) for row in value):
        raise AnswerProblem(message("bad_answer", language))
    rows = []
    for row in value:
        activity = row.get("activity")
        activity = clean_patient_text(activity) if isinstance(activity, str) else ""
        if not activity:
            continue
        if len(activity) > item.max_length:
            raise AnswerProblem(message("too_long", language, limit=item.max_length))
        rating = row.get("rating")
        if isinstance(rating, str) and rating.strip().isdigit():
            rating = int(rating)
        if isinstance(rating, bool) or not isinstance(rating, int) or not 0 <= rating <= 10:
            raise AnswerProblem(message("activity_rating", language, min=0, max=10))
        rows.append({"activity": activity, "rating": rating})
    if len(rows) > item.max_rows:
        raise AnswerProblem(message("activity_too_many", language, count=item.max_rows))
    if not rows:
        if item.required:
            raise AnswerProblem(message("activity_count", language, count=max(item.min_rows, 1)))
        return None  # type: ignore[return-value]
    if item.required and len(rows) < item.min_rows:
        raise AnswerProblem(message("activity_count", language, count=item.min_rows))
    return rows


_READERS: dict[type, Any] = {
    TextItem: _text, LongTextItem: _text, NumberItem: _number, ScaleItem: _number,
    YesNoItem: _yes_no, SingleChoiceItem: _single, MultiChoiceItem: _multi, DateItem: _date,
    BodyMapItem: _body_map, ConsentItem: _consent, ActivitiesItem: _activities,
}
