"""FHIR names, addresses, texts and answer values shared by the Questionnaire, its
enableWhen conditions and the QuestionnaireResponse, so all three say the same thing."""

from __future__ import annotations

import datetime as dt
import re
import uuid
from collections.abc import Iterable
from typing import Any

from kiosk.intake import QuestionnairePin
from kiosk.questionnaire.body_map import REGIONS_BY_ID
from kiosk.questionnaire.model import (
    BodyMapItem,
    ChoiceItemBase,
    DateItem,
    Item,
    LongTextItem,
    NumberItem,
    Questionnaire,
    ScaleItem,
    Section,
    TextItem,
    YesNoItem,
)
from kiosk.questionnaire.text import LocalText, localize

Resource = dict[str, Any]

BASE = "urn:intake-kiosk"
BODY_MAP_SYSTEM = f"{BASE}:body-map"
RECORD_SYSTEM = f"{BASE}:record"
PATIENT_SYSTEM = f"{BASE}:patient"
FLAG_LEVEL_SYSTEM = f"{BASE}:flag-level"
FLAG_ITEM_EXTENSION = f"{BASE}:fhir:flag-item"
FLAG_CATEGORY_SYSTEM = "http://terminology.hl7.org/CodeSystem/flag-category"
HL7_EXTENSION = "http://hl7.org/fhir/StructureDefinition/"
TRANSLATION = HL7_EXTENSION + "translation"
MIN_VALUE = HL7_EXTENSION + "minValue"
MAX_VALUE = HL7_EXTENSION + "maxValue"
UNIT = HL7_EXTENSION + "questionnaire-unit"
MIN_OCCURS = HL7_EXTENSION + "questionnaire-minOccurs"
MAX_OCCURS = HL7_EXTENSION + "questionnaire-maxOccurs"
OPTION_EXCLUSIVE = HL7_EXTENSION + "questionnaire-optionExclusive"
ITEM_CONTROL = HL7_EXTENSION + "questionnaire-itemControl"
ITEM_CONTROL_SYSTEM = "http://hl7.org/fhir/questionnaire-item-control"
FLAG_DETAIL = HL7_EXTENSION + "flag-detail"
FLAG_LEVEL_NAMES = {"stop": "Stop: do not needle", "caution": "Caution",
                    "refer": "Refer", "note": "Note"}

# Entry fullUrls are name-based UUIDs, so exporting the same record twice gives the same ids.
_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, BASE)
_FHIR_CODE = re.compile(r"[^\s]+( [^\s]+)*")


# -- names and addresses ---------------------------------------------------------------------

def questionnaire_url(questionnaire_id: str) -> str:
    return f"{BASE}:questionnaire:{questionnaire_id}"


def questionnaire_version(pin: QuestionnairePin) -> str:
    """The version plus the start of the content hash: an edited file is a new version."""
    return f"{pin.version}+{pin.content_hash[:12]}"


def canonical(pin: QuestionnairePin) -> str:
    return f"{questionnaire_url(pin.id)}|{questionnaire_version(pin)}"


def section_link_id(section: Section) -> str:
    # Sections and items have separate id spaces; the prefix keeps their linkIds apart.
    return f"section:{section.id}"


def option_system(questionnaire_id: str, item: Item) -> str:
    return f"{questionnaire_url(questionnaire_id)}:{item.id}"


def full_url(kind: str, key: str) -> str:
    return f"urn:uuid:{uuid.uuid5(_NAMESPACE, f'{kind}/{key}')}"


def resource_id(pin: QuestionnairePin) -> str:
    suffix = f"-{pin.version}-{pin.content_hash[:12]}"
    return pin.id.replace("_", "-")[:64 - len(suffix)] + suffix


def instant(moment: dt.datetime) -> str:
    if moment.tzinfo is None:  # the kiosk stores UTC; an old naive value is UTC too
        moment = moment.replace(tzinfo=dt.UTC)
    return moment.isoformat(timespec="seconds")


# -- texts ----------------------------------------------------------------------------------

def texts(questionnaire: Questionnaire, text: LocalText | None, language: str,
           key: str = "text", translate: bool = False) -> dict[str, Any]:
    """``{key: text}`` in ``language``, with the standard translation extension for the rest."""
    shown = questionnaire.text(text, language)
    if not shown:
        return {}
    fields: dict[str, Any] = {key: shown}
    if translate and isinstance(text, dict):
        others = [(lang, value) for lang, value in text.items() if lang != language and value]
        if others:
            fields[f"_{key}"] = {"extension": [translation(lang, value)
                                               for lang, value in others]}
    return fields


def translation(language: str, text: str) -> dict[str, Any]:
    return {"url": TRANSLATION, "extension": [{"url": "lang", "valueCode": language},
                                              {"url": "content", "valueString": text}]}


# The parts of a consent and of a PSFS row: the format gives them no text of their own.
PART_TEXTS: dict[str, dict[str, str]] = {
    "agreed": {"en": "Agreed", "es": "Aceptado"},
    "name": {"en": "Name", "es": "Nombre"},
    "signed_on": {"en": "Signed on", "es": "Fecha de firma"},
    "activity": {"en": "Activity", "es": "Actividad"},
    "rating": {"en": "Rating (0-10)", "es": "Puntuación (0-10)"},
}


def part_texts(part: str, language: str, others: Iterable[str] = ()) -> dict[str, Any]:
    """``{"text": ...}`` for a consent or PSFS part; see ``fixed_texts``."""
    return fixed_texts("text", PART_TEXTS[part], language, others)


def region_display(region_id: str, language: str, others: Iterable[str] = ()) -> dict[str, Any]:
    region = REGIONS_BY_ID[region_id]
    return fixed_texts("display", {"en": region.name_en, "es": region.name_es}, language, others)


def fixed_texts(key: str, names: dict[str, str], language: str,
                others: Iterable[str]) -> dict[str, Any]:
    """``{key: ...}`` for a text the kiosk itself words, in ``language`` (English if it has
    none), with the translation extension for those of ``others`` it has."""
    fields: dict[str, Any] = {key: localize(names, language)}
    translations = [translation(lang, names[lang]) for lang in others
                    if lang in names and lang != language]
    if translations:
        fields[f"_{key}"] = {"extension": translations}
    return fields


# -- answer values (shared by answerOption, enableWhen and the response) ----------------------

def coded(system: str, code: str, extra: dict[str, Any] | None = None) -> dict[str, Any]:
    """A coding, or a plain string for an option value FHIR's ``code`` type cannot hold."""
    if not _FHIR_CODE.fullmatch(code):
        return {"String": code}
    return {"Coding": {"system": system, "code": code, **(extra or {})}}


def answer_value(questionnaire: Questionnaire, item: Item, value: Any, language: str,
           display: bool = True) -> dict[str, Any] | None:
    """``{"Integer": 7}``-style: the FHIR value[x] suffix and value for one answer of ``item``."""
    match item:
        case TextItem() | LongTextItem():
            return {"String": value} if isinstance(value, str) else None
        case ScaleItem() | NumberItem(integer=True):
            is_whole = isinstance(value, int | float) and float(value).is_integer()
            return {"Integer": int(value)} if is_whole and not isinstance(value, bool) else None
        case NumberItem():
            is_number = isinstance(value, int | float) and not isinstance(value, bool)
            return {"Decimal": value} if is_number else None
        case YesNoItem():
            return {"Boolean": value} if isinstance(value, bool) else None
        case DateItem():
            return {"Date": value} if isinstance(value, str) and is_iso_date(value) else None
        case ChoiceItemBase():
            option = item.option(value) if isinstance(value, str) else None
            if option is None:
                return None
            extra = texts(questionnaire, option.label, language, "display") if display else {}
            return coded(option_system(questionnaire.id, item), option.value, extra)
        case BodyMapItem():
            if value not in REGIONS_BY_ID:
                return None
            extra = region_display(value, language) if display else {}
            return {"Coding": {"system": BODY_MAP_SYSTEM, "code": value, **extra}}
    return None


def is_iso_date(text: str) -> bool:
    try:
        dt.date.fromisoformat(text)
    except ValueError:
        return False
    return len(text) == 10


def prefixed(prefix: str, value: dict[str, Any]) -> dict[str, Any]:
    return {f"{prefix}{kind}": content for kind, content in value.items()}
