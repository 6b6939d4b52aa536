"""The FHIR ``Questionnaire`` for a pinned questionnaire: a group per section, one
question per item, with options, limits, codes and enableWhen where ``show_if`` maps."""

from __future__ import annotations

import re
from typing import Any

from kiosk.intake import QuestionnairePin
from kiosk.interop.fhir_conditions import enable_when
from kiosk.interop.fhir_values import (
    BODY_MAP_SYSTEM,
    ITEM_CONTROL,
    ITEM_CONTROL_SYSTEM,
    MAX_OCCURS,
    MAX_VALUE,
    MIN_OCCURS,
    MIN_VALUE,
    OPTION_EXCLUSIVE,
    UNIT,
    Resource,
    answer_value,
    part_texts,
    prefixed,
    questionnaire_url,
    questionnaire_version,
    region_display,
    resource_id,
    section_link_id,
    texts,
)
from kiosk.questionnaire.body_map import REGIONS_BY_ID
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
    Questionnaire,
    ScaleItem,
    Section,
    SingleChoiceItem,
    TextItem,
    YesNoItem,
)
from kiosk.questionnaire.text import LocalText


def questionnaire_resource(questionnaire: Questionnaire) -> Resource:
    """The FHIR ``Questionnaire`` for one pinned questionnaire: a group per section."""
    pin = QuestionnairePin.of(questionnaire)
    language = questionnaire.default_language
    resource: Resource = {
        "resourceType": "Questionnaire",
        "id": resource_id(pin),
        "language": language,
        "url": questionnaire_url(questionnaire.id),
        "version": questionnaire_version(pin),
        "name": _computable_name(questionnaire.id),
        **texts(questionnaire, questionnaire.title, language, "title", translate=True),
        "status": "active",
        "subjectType": ["Patient"],
        "item": [_section_group(questionnaire, section) for section in questionnaire.sections],
    }
    return resource


def _computable_name(questionnaire_id: str) -> str:
    words = re.split(r"[-_]+", questionnaire_id)
    return "".join(word[:1].upper() + word[1:] for word in words if word)


def _section_group(questionnaire: Questionnaire, section: Section) -> dict[str, Any]:
    language = questionnaire.default_language
    group: dict[str, Any] = {
        "linkId": section_link_id(section),
        **texts(questionnaire, section.title, language, translate=True),
        "type": "group",
    }
    link_id = f"{section_link_id(section)}:intro"
    children = [_help(questionnaire, link_id, section.intro)] if section.intro else []
    group["item"] = children + [_question(questionnaire, item) for item in section.items]
    return group


def _help(questionnaire: Questionnaire, link_id: str, text: LocalText) -> dict[str, Any]:
    """A display item marked as help text (the standard itemControl ``help``)."""
    return {
        "extension": [{"url": ITEM_CONTROL, "valueCodeableConcept": {"coding": [
            {"system": ITEM_CONTROL_SYSTEM, "code": "help", "display": "Help-Button"}]}}],
        "linkId": link_id,
        **texts(questionnaire, text, questionnaire.default_language, translate=True),
        "type": "display",
    }


def _question(questionnaire: Questionnaire, item: Item) -> dict[str, Any]:
    language = questionnaire.default_language
    entry: dict[str, Any] = {"linkId": item.id}
    if item.code is not None:
        coding = {"system": item.code.system, "code": item.code.code}
        if item.code.display:
            coding["display"] = item.code.display
        entry["code"] = [coding]
    entry.update(texts(questionnaire, item.label, language, translate=True))
    entry.update(_shape(questionnaire, item))
    if item.show_if:
        entry.update(enable_when(questionnaire, item.show_if))
    if item.required and not isinstance(item, InfoItem):
        entry["required"] = True
    if item.help and not isinstance(item, InfoItem):  # display items cannot nest items
        entry.setdefault("item", []).insert(0, _help(questionnaire, f"{item.id}.help", item.help))
    return entry


def _shape(questionnaire: Questionnaire, item: Item) -> dict[str, Any]:
    """The type-specific part of a question: type, limits, options, nested items."""
    language = questionnaire.default_language
    match item:
        case TextItem() | LongTextItem():
            return {"type": "string" if isinstance(item, TextItem) else "text",
                    "maxLength": item.max_length}
        case ScaleItem():
            return {"type": "integer", "extension": [{"url": MIN_VALUE, "valueInteger": item.min},
                                                     {"url": MAX_VALUE, "valueInteger": item.max}]}
        case NumberItem():
            return _number_shape(questionnaire, item)
        case YesNoItem():
            return {"type": "boolean"}
        case DateItem():
            return {"type": "date"}
        case SingleChoiceItem() | MultiChoiceItem():
            options = [_answer_option(questionnaire, item, option.value) for option in item.options]
            return {"type": "choice", "answerOption": options,
                    **({"repeats": True} if isinstance(item, MultiChoiceItem) else {})}
        case BodyMapItem():
            regions = item.regions or list(REGIONS_BY_ID)
            options = [{"valueCoding": {"system": BODY_MAP_SYSTEM, "code": region,
                                        **region_display(region, language,
                                                          questionnaire.languages)}}
                       for region in regions]
            return {"type": "choice", "repeats": True, "answerOption": options}
        case ConsentItem():
            others = questionnaire.languages
            return {"type": "group", "item": [
                {"linkId": f"{item.id}.text", "text": questionnaire.text(item.text, language),
                 "type": "display"},
                {"linkId": f"{item.id}.agreed", **part_texts("agreed", language, others),
                 "type": "boolean", "required": True},
                {"linkId": f"{item.id}.name", **part_texts("name", language, others),
                 "type": "string", "required": True, "maxLength": 200},
                {"linkId": f"{item.id}.signed_on", **part_texts("signed_on", language, others),
                 "type": "date", "required": True}]}
        case ActivitiesItem():
            others = questionnaire.languages
            return {"extension": _occurs(item), "type": "group", "repeats": True, "item": [
                {"linkId": f"{item.id}.activity", **part_texts("activity", language, others),
                 "type": "string", "required": True, "maxLength": item.max_length},
                {"extension": [{"url": MIN_VALUE, "valueInteger": 0},
                               {"url": MAX_VALUE, "valueInteger": 10}],
                 "linkId": f"{item.id}.rating", **part_texts("rating", language, others),
                 "type": "integer", "required": True}]}
        case InfoItem():
            parts = [questionnaire.text(text, language) for text in (item.label, item.text,
                                                                      item.help)]
            text = "\n\n".join(part for part in parts if part)
            return {"text": text, "type": "display"} if text else {"type": "display"}
    raise ValueError(f"no FHIR mapping for item type {item.type!r}")


def _occurs(item: ActivitiesItem) -> list[dict[str, Any]]:
    """How many activity rows the patient may (and, when required, must) give."""
    occurs = [{"url": MAX_OCCURS, "valueInteger": item.max_rows}]
    if item.required and item.min_rows > 1:  # the extension is for counts above one
        occurs.insert(0, {"url": MIN_OCCURS, "valueInteger": item.min_rows})
    return occurs


def _number_shape(questionnaire: Questionnaire, item: NumberItem) -> dict[str, Any]:
    kind = "Integer" if item.integer else "Decimal"
    extensions: list[dict[str, Any]] = []
    for url, bound in ((MIN_VALUE, item.min), (MAX_VALUE, item.max)):
        if bound is not None:
            extensions.append({"url": url, f"value{kind}": int(bound) if item.integer else bound})
    if item.unit:
        unit = questionnaire.text(item.unit, questionnaire.default_language)
        extensions.append({"url": UNIT, "valueCoding": {"display": unit}})
    shape: dict[str, Any] = {"type": kind.lower()}
    if extensions:
        shape["extension"] = extensions
    return shape


def _answer_option(questionnaire: Questionnaire, item: SingleChoiceItem | MultiChoiceItem,
                   value: str) -> dict[str, Any]:
    coded = answer_value(questionnaire, item, value, questionnaire.default_language)
    assert coded is not None  # every option's own value maps
    option = item.option(value)
    if "Coding" in coded and option is not None and isinstance(option.label, dict):
        coded["Coding"].update(texts(questionnaire, option.label,
                                      questionnaire.default_language, "display", translate=True))
    entry = prefixed("value", coded)
    if option is not None and option.exclusive:
        entry["extension"] = [{"url": OPTION_EXCLUSIVE, "valueBoolean": True}]
    return entry
