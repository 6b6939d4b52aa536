"""FHIR R4 export: the pinned questionnaire as a ``Questionnaire``, each intake as a
``QuestionnaireResponse`` plus a ``Flag`` per raised safety flag, and a ``Patient`` per
patient they are about, gathered in a ``Bundle``.

Plain dicts ready for JSON, so the kiosk needs no FHIR library at run time; the
tests check every resource against the ``fhir.resources`` models. docs/export.md
explains each choice made here.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable
from typing import Any, Protocol

from kiosk.decisions import current_decisions, flag_keys
from kiosk.intake import Intake, QuestionnairePin
from kiosk.interop.fhir_conditions import enable_when
from kiosk.interop.fhir_decisions import consent_resource, with_decision
from kiosk.interop.fhir_patient import patient_key, patient_reference, patient_resource
from kiosk.interop.fhir_questionnaire import questionnaire_resource
from kiosk.interop.fhir_values import (
    FLAG_CATEGORY_SYSTEM,
    FLAG_DETAIL,
    FLAG_ITEM_EXTENSION,
    FLAG_LEVEL_NAMES,
    FLAG_LEVEL_SYSTEM,
    RECORD_SYSTEM,
    Resource,
    answer_value,
    canonical,
    full_url,
    instant,
    part_texts,
    prefixed,
    section_link_id,
    texts,
)
from kiosk.questionnaire.model import (
    ActivitiesItem,
    BodyMapItem,
    ConsentItem,
    InfoItem,
    Item,
    MultiChoiceItem,
    Questionnaire,
)

__all__ = ["PinnedQuestionnaires", "bundle", "enable_when", "export_bundle", "flag_resources",
           "questionnaire_resource", "record_bundle", "response_resource", "to_json"]


class PinnedQuestionnaires(Protocol):
    """Anything that returns the questionnaire content a record was taken with (the store)."""

    def questionnaire_for(self, pin: QuestionnairePin) -> Questionnaire: ...


# -- QuestionnaireResponse and Flags ---------------------------------------------------------

def response_resource(intake: Intake, questionnaire: Questionnaire) -> Resource:
    """The intake's answers as a ``QuestionnaireResponse`` in the questionnaire's structure."""
    language = intake.language
    groups = []
    for section in questionnaire.sections:
        answered = [entry for item in section.items
                    for entry in _response_items(questionnaire, item,
                                                 intake.answers.get(item.id), language)]
        if answered:
            groups.append({"linkId": section_link_id(section),
                           **texts(questionnaire, section.title, language), "item": answered})
    resource: Resource = {
        "resourceType": "QuestionnaireResponse",
        "id": intake.id,
        "language": language,
        "identifier": {"system": RECORD_SYSTEM, "value": intake.id},
        "questionnaire": canonical(intake.questionnaire),
        "status": "in-progress" if intake.status == "draft" else "completed",
        "subject": patient_reference(intake),
    }
    if intake.submitted_at is not None:
        resource["authored"] = instant(intake.submitted_at)
    if groups:
        resource["item"] = groups
    return resource


def _response_items(questionnaire: Questionnaire, item: Item, value: Any,
                    language: str) -> list[dict[str, Any]]:
    """The response item(s) for one answered item: none when unanswered or text only."""
    if value is None or isinstance(item, InfoItem):
        return []
    head = {"linkId": item.id, **texts(questionnaire, item.label, language)}
    if isinstance(item, ConsentItem):
        return [{**head, "item": [
            _answered(item, "agreed", language, {"valueBoolean": bool(value["agreed"])}),
            _answered(item, "name", language, {"valueString": value["name"]}),
            _answered(item, "signed_on", language, {"valueDate": value["signed_on"]})]}]
    if isinstance(item, ActivitiesItem):
        return [{**head, "item": [
            _answered(item, "activity", language, {"valueString": row["activity"]}),
            _answered(item, "rating", language, {"valueInteger": row["rating"]})]}
            for row in value]
    values = value if isinstance(item, MultiChoiceItem | BodyMapItem) else [value]
    answers = []
    for single in values:
        mapped = answer_value(questionnaire, item, single, language)
        if mapped is not None:
            answers.append(prefixed("value", mapped))
    return [{**head, "answer": answers}] if answers else []


def _answered(item: Item, part: str, language: str, answer: dict[str, Any]) -> dict[str, Any]:
    return {"linkId": f"{item.id}.{part}", **part_texts(part, language), "answer": [answer]}


def flag_resources(intake: Intake) -> list[Resource]:
    """One ``Flag`` per raised safety flag, pointing at the intake's response: active until
    the clinician decides it (:mod:`kiosk.interop.fhir_decisions`)."""
    resources = []
    latest = current_decisions(intake.decisions)
    for number, (flag, key) in enumerate(zip(intake.flags, flag_keys(intake.flags),
                                             strict=True), start=1):
        resource: Resource = {
            "resourceType": "Flag",
            "id": f"{intake.id}-flag-{number}",
            "extension": [
                {"url": FLAG_DETAIL,
                 "valueReference": {"reference": full_url("QuestionnaireResponse", intake.id)}},
                {"url": FLAG_ITEM_EXTENSION, "valueString": flag.item_id}],
            "status": "active",
            "category": [{"coding": [{"system": FLAG_CATEGORY_SYSTEM, "code": "clinical",
                                      "display": "Clinical"}]}],
            "code": {"coding": [{"system": FLAG_LEVEL_SYSTEM, "code": flag.level,
                                 "display": FLAG_LEVEL_NAMES[flag.level]}],
                     "text": flag.message},
            "subject": patient_reference(intake),
        }
        if intake.submitted_at is not None:
            resource["period"] = {"start": instant(intake.submitted_at)}
        resources.append(with_decision(resource, latest[key]) if key in latest else resource)
    return resources


# -- Bundles ---------------------------------------------------------------------------------

def bundle(records: Iterable[tuple[Intake, Questionnaire]],
           now: dt.datetime | None = None) -> Resource:
    """A ``collection`` Bundle: each questionnaire once, each patient once, then each
    response and its flags."""
    questionnaires: list[dict[str, Any]] = []
    responses: list[dict[str, Any]] = []
    seen: set[str] = set()
    patients: dict[str, list[tuple[Intake, Questionnaire]]] = {}
    for intake, questionnaire in records:
        patients.setdefault(patient_key(intake), []).append((intake, questionnaire))
        key = canonical(intake.questionnaire)
        if key not in seen:
            seen.add(key)
            questionnaires.append({"fullUrl": full_url("Questionnaire", key),
                                   "resource": questionnaire_resource(questionnaire)})
        responses.append({"fullUrl": full_url("QuestionnaireResponse", intake.id),
                          "resource": response_resource(intake, questionnaire)})
        responses += [{"fullUrl": full_url("Flag", flag["id"]), "resource": flag}
                      for flag in flag_resources(intake)]
        consent = consent_resource(intake)
        if consent is not None:
            responses.append({"fullUrl": full_url("Consent", consent["id"]),
                              "resource": consent})
    people = [{"fullUrl": full_url("Patient", key), "resource": patient_resource(visits)}
              for key, visits in patients.items()]
    result: Resource = {"resourceType": "Bundle", "type": "collection",
                        "timestamp": instant(now or dt.datetime.now(dt.UTC))}
    if questionnaires or responses:
        result["entry"] = questionnaires + people + responses
    return result


def export_bundle(store: PinnedQuestionnaires, intakes: Iterable[Intake]) -> Resource:
    """The Bundle for many intakes, each with the questionnaire it was taken with."""
    pinned: dict[QuestionnairePin, Questionnaire] = {}

    def with_questionnaire(intake: Intake) -> tuple[Intake, Questionnaire]:
        if intake.questionnaire not in pinned:
            pinned[intake.questionnaire] = store.questionnaire_for(intake.questionnaire)
        return intake, pinned[intake.questionnaire]

    return bundle(with_questionnaire(intake) for intake in intakes)


def record_bundle(store: PinnedQuestionnaires, intake: Intake) -> Resource:
    """The Bundle for one record (the clinician's per-record download)."""
    return export_bundle(store, [intake])


def to_json(resource: Resource) -> str:
    return json.dumps(resource, indent=2, ensure_ascii=False) + "\n"
