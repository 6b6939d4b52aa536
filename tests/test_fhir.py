"""FHIR R4 export: every resource validates, every answer survives the round trip, and the
Questionnaire says what the kiosk's questionnaire says (types, options, codes, conditions)."""

from __future__ import annotations

import datetime as dt
import itertools
import json
import operator
from pathlib import Path
from typing import Any

import pytest
from answers_fixture import PATIENT_NAME, complete_answers
from export_fixture import AWKWARD_NOTES, every_type_answers, every_type_questionnaire
from fhir.resources.R4B.questionnaireresponse import QuestionnaireResponse
from fhir_checks import check_response_matches, plain, questionnaire_items, validate

from kiosk.intake import Intake, build_intake
from kiosk.interop import fhir
from kiosk.paths import BUNDLED_QUESTIONNAIRE
from kiosk.questionnaire.body_map import REGIONS_BY_ID
from kiosk.questionnaire.expressions import parse_expression
from kiosk.questionnaire.loader import load_questionnaire
from kiosk.questionnaire.model import Questionnaire
from kiosk.store import Store

LOINC = "http://loinc.org"


@pytest.fixture(scope="module")
def every_type() -> Questionnaire:
    return every_type_questionnaire()


@pytest.fixture(scope="module")
def bundled() -> Questionnaire:
    return load_questionnaire(BUNDLED_QUESTIONNAIRE)


def resources(bundle: dict[str, Any], kind: str) -> list[dict[str, Any]]:
    return [entry["resource"] for entry in bundle["entry"]
            if entry["resource"]["resourceType"] == kind]


def read_answers(response_json: str, questionnaire: dict[str, Any]) -> dict[str, Any]:
    """The kiosk's answers read back from a QuestionnaireResponse, knowing only the FHIR
    Questionnaire: top-level groups are sections, a repeating group is a list of rows, any
    other group (consent) one dict, a repeating question a list."""
    response = QuestionnaireResponse.model_validate_json(response_json)
    definitions = questionnaire_items(questionnaire["item"])
    answers: dict[str, Any] = {}

    def value(answer: Any) -> Any:
        if answer.valueCoding is not None:
            return answer.valueCoding.code
        for kind in ("valueString", "valueBoolean", "valueInteger", "valueDecimal", "valueDate"):
            if getattr(answer, kind) is not None:
                return plain(getattr(answer, kind))
        raise AssertionError(f"an answer with no value: {answer}")

    def fields(group: Any) -> dict[str, Any]:
        return {child.linkId.rsplit(".", 1)[1]: value(child.answer[0]) for child in group.item}

    for section in response.item or []:
        for item in section.item:
            definition = definitions[item.linkId]
            if definition["type"] == "group" and definition.get("repeats"):
                answers.setdefault(item.linkId, []).append(fields(item))
            elif definition["type"] == "group":
                answers[item.linkId] = fields(item)
            elif definition.get("repeats"):
                answers[item.linkId] = [value(answer) for answer in item.answer]
            else:
                (answer,) = item.answer
                answers[item.linkId] = value(answer)
    return answers


def round_trip(intake: Intake, questionnaire: Questionnaire) -> dict[str, Any]:
    bundle = json.loads(fhir.to_json(fhir.bundle([(intake, questionnaire)])))
    validate(bundle)
    (definition,) = resources(bundle, "Questionnaire")
    (response,) = resources(bundle, "QuestionnaireResponse")
    check_response_matches(response, definition)
    return read_answers(json.dumps(response), definition)


# -- validity and round trip ----------------------------------------------------------------

def test_every_item_type_exports_valid_r4_and_reads_back_the_same(every_type: Questionnaire):
    intake = build_intake(every_type, every_type_answers())
    assert round_trip(intake, every_type) == intake.answers
    assert intake.answers["notes"] == AWKWARD_NOTES


def test_the_bundled_intake_reads_back_the_same_with_flags_raised(bundled: Questionnaire):
    answers = complete_answers()
    answers.update(blood_thinners=True, blood_thinner_name=["warfarin", "aspirin"],
                   pregnant="yes", trimester="first")
    intake = build_intake(bundled, answers)
    assert len(intake.flags) >= 3
    assert round_trip(intake, bundled) == intake.answers


def test_a_spanish_speaking_patient_reads_back_the_same(every_type: Questionnaire):
    intake = build_intake(every_type, every_type_answers(), language="es")
    assert round_trip(intake, every_type) == intake.answers
    response = fhir.response_resource(intake, every_type)
    assert response["language"] == "es"
    pain_section = response["item"][1]
    assert pain_section["item"][0]["text"] == "Dolor ahora"


def test_a_patient_who_skipped_optional_questions_has_no_empty_items(
        every_type: Questionnaire):
    answers = {"full_name": "Ana", "pacemaker": False,
               "consent": {"agreed": True, "name": "Ana", "signed_on": "2025-01-02"}}
    intake = build_intake(every_type, answers)
    assert round_trip(intake, every_type) == intake.answers
    response = fhir.response_resource(intake, every_type)
    assert [group["linkId"] for group in response["item"]] == ["section:about", "section:safety"]


def test_an_empty_export_is_a_valid_empty_bundle():
    bundle = fhir.bundle([])
    validate(bundle)
    assert "entry" not in bundle


# -- the response ---------------------------------------------------------------------------

def test_the_response_names_the_record_its_time_and_its_pinned_questionnaire(
        every_type: Questionnaire):
    intake = build_intake(every_type, every_type_answers())
    intake.submitted_at = dt.datetime(2025, 3, 10, 9, 30, 5, tzinfo=dt.UTC)
    response = fhir.response_resource(intake, every_type)
    definition = fhir.questionnaire_resource(every_type)
    assert response["id"] == intake.id
    assert response["identifier"] == {"system": "urn:intake-kiosk:record", "value": intake.id}
    assert response["status"] == "completed"
    assert response["authored"] == "2025-03-10T09:30:05+00:00"
    assert definition["url"] == "urn:intake-kiosk:questionnaire:every_type-check"
    assert definition["version"] == f"2+{every_type.content_hash[:12]}"
    assert response["questionnaire"] == f"{definition['url']}|{definition['version']}"


def test_flags_become_active_flag_resources_pointing_at_the_response(
        every_type: Questionnaire):
    intake = build_intake(every_type, every_type_answers())
    bundle = fhir.bundle([(intake, every_type)])
    (response_entry,) = [entry for entry in bundle["entry"]
                         if entry["resource"]["resourceType"] == "QuestionnaireResponse"]
    flags = resources(bundle, "Flag")
    assert [(flag["code"]["coding"][0]["code"], flag["code"]["text"]) for flag in flags] == \
        [(flag.level, flag.message) for flag in intake.flags]
    for flag, raised in zip(flags, intake.flags, strict=True):
        assert flag["status"] == "active"
        extensions = {extension["url"]: extension for extension in flag["extension"]}
        detail = extensions["http://hl7.org/fhir/StructureDefinition/flag-detail"]
        assert detail["valueReference"]["reference"] == response_entry["fullUrl"]
        assert extensions["urn:intake-kiosk:fhir:flag-item"]["valueString"] == raised.item_id


def test_the_same_questionnaire_is_in_the_bundle_once(every_type: Questionnaire):
    intakes = [build_intake(every_type, every_type_answers()) for _ in range(3)]
    bundle = fhir.bundle([(intake, every_type) for intake in intakes])
    validate(bundle)
    assert len(resources(bundle, "Questionnaire")) == 1
    assert len(resources(bundle, "QuestionnaireResponse")) == 3


def test_a_record_bundle_uses_the_questionnaire_the_record_was_taken_with(
        tmp_path: Path, every_type: Questionnaire):
    store = Store(tmp_path / "data")
    old = build_intake(every_type, every_type_answers())
    store.save_intake(old, every_type)
    edited = every_type.model_copy(update={"version": 3})
    store.save_intake(build_intake(edited, every_type_answers()), edited)

    bundle = fhir.record_bundle(store, store.get_intake(old.id))
    validate(bundle)
    (definition,) = resources(bundle, "Questionnaire")
    assert definition["version"].startswith("2+")
    assert [response["id"] for response in resources(bundle, "QuestionnaireResponse")] == \
        [old.id]


# -- the Questionnaire ----------------------------------------------------------------------

def test_item_types_map_to_fhir_types(every_type: Questionnaire):
    items = questionnaire_items(fhir.questionnaire_resource(every_type)["item"])
    expected = {"full_name": ("string", None), "notes": ("text", None),
                "weight": ("decimal", None), "visits": ("integer", None),
                "pain": ("integer", None), "smoker": ("boolean", None),
                "side": ("choice", None), "quality": ("choice", True),
                "started": ("date", None), "areas": ("choice", True),
                "before_safety": ("display", None), "psfs": ("group", True),
                "consent": ("group", None), "consent.agreed": ("boolean", None),
                "consent.name": ("string", None), "consent.signed_on": ("date", None),
                "psfs.activity": ("string", None), "psfs.rating": ("integer", None),
                "section:about": ("group", None)}
    assert {link_id: (items[link_id]["type"], items[link_id].get("repeats"))
            for link_id in expected} == expected
    assert items["full_name"]["maxLength"] == 80 and items["full_name"]["required"] is True
    assert items["psfs"]["extension"] == [{
        "url": "http://hl7.org/fhir/StructureDefinition/questionnaire-maxOccurs",
        "valueInteger": 5}]
    assert items["before_safety"]["text"] == "Next, a few safety questions.\n\nThey keep you safe."


def test_every_section_is_a_group_of_its_items_in_order(every_type: Questionnaire):
    groups = fhir.questionnaire_resource(every_type)["item"]
    assert [group["linkId"] for group in groups] == [f"section:{section.id}"
                                                      for section in every_type.sections]
    for group, section in zip(groups, every_type.sections, strict=True):
        asked = [child["linkId"] for child in group["item"] if child["type"] != "display"
                 or child["linkId"] == "before_safety"]
        assert asked == [item.id for item in section.items]


def test_choice_options_carry_values_labels_translations_and_exclusive(
        every_type: Questionnaire):
    items = questionnaire_items(fhir.questionnaire_resource(every_type)["item"])
    quality = items["quality"]["answerOption"]
    assert [option["valueCoding"]["code"] for option in quality] == ["aching", "sharp", "none"]
    assert quality[0]["valueCoding"]["display"] == "Aching"
    translation = quality[0]["valueCoding"]["_display"]["extension"][0]["extension"]
    assert translation == [{"url": "lang", "valueCode": "es"},
                           {"url": "content", "valueString": "Sordo"}]
    assert quality[2]["extension"] == [{
        "url": "http://hl7.org/fhir/StructureDefinition/questionnaire-optionExclusive",
        "valueBoolean": True}]
    # "not  sure" is a fine option value but not a FHIR code (two spaces): it goes as text.
    assert items["side"]["answerOption"][3] == {"valueString": "not  sure"}


def test_pain_ratings_carry_loinc_72514_3(bundled: Questionnaire, every_type: Questionnaire):
    for questionnaire, link_id in ((bundled, "pain_now"), (every_type, "pain")):
        items = questionnaire_items(fhir.questionnaire_resource(questionnaire)["item"])
        (coding,) = items[link_id]["code"]
        assert (coding["system"], coding["code"]) == (LOINC, "72514-3")
        assert items[link_id]["type"] == "integer"
        bounds = {extension["url"].rsplit("/", 1)[1]: extension["valueInteger"]
                  for extension in items[link_id]["extension"]}
        assert bounds == {"minValue": 0, "maxValue": 10}


def test_body_map_regions_are_coded_with_their_id_and_name_not_snomed(
        every_type: Questionnaire):
    items = questionnaire_items(fhir.questionnaire_resource(every_type)["item"])
    options = [option["valueCoding"] for option in items["areas"]["answerOption"]]
    assert {option["system"] for option in options} == {"urn:intake-kiosk:body-map"}
    assert [option["code"] for option in options] == list(REGIONS_BY_ID)
    knee = next(option for option in options if option["code"] == "front.knee.left")
    assert knee["display"] == REGIONS_BY_ID["front.knee.left"].name("en")
    intake = build_intake(every_type, every_type_answers(), language="es")
    response = fhir.response_resource(intake, every_type)
    areas = next(item for item in response["item"][1]["item"] if item["linkId"] == "areas")
    assert areas["answer"][0]["valueCoding"] == {
        "system": "urn:intake-kiosk:body-map", "code": "front.knee.left",
        "display": REGIONS_BY_ID["front.knee.left"].name("es")}


def test_units_limits_and_help_text_use_the_standard_extensions(every_type: Questionnaire):
    items = questionnaire_items(fhir.questionnaire_resource(every_type)["item"])
    weight = {extension["url"].rsplit("/", 1)[1]: extension for extension in
              items["weight"]["extension"]}
    assert weight["minValue"]["valueDecimal"] == 20 and weight["maxValue"]["valueDecimal"] == 300
    assert weight["questionnaire-unit"]["valueCoding"] == {"display": "kg"}
    help_item = items["notes.help"]
    assert help_item["type"] == "display" and help_item["text"] == "Take your time."
    assert help_item["extension"][0]["valueCodeableConcept"]["coding"][0]["code"] == "help"


def test_the_bundled_questionnaire_is_a_valid_fhir_questionnaire(bundled: Questionnaire):
    definition = fhir.questionnaire_resource(bundled)
    validate(definition)
    items = questionnaire_items(definition["item"])
    assert set(bundled.items_by_id) <= set(items)


# -- enableWhen from show_if ----------------------------------------------------------------

def coding(item: str, code: str) -> dict[str, Any]:
    return {"system": f"urn:intake-kiosk:questionnaire:every_type-check:{item}", "code": code}


MAPPED: list[tuple[str, list[dict[str, Any]], str | None]] = [
    ("smoker == true", [{"question": "smoker", "operator": "=", "answerBoolean": True}], None),
    ("smoker", [{"question": "smoker", "operator": "=", "answerBoolean": True}], None),
    ("not smoker", [{"question": "smoker", "operator": "!=", "answerBoolean": True}], None),
    ("smoker != false", [{"question": "smoker", "operator": "!=", "answerBoolean": False}],
     None),
    ("pain >= 8", [{"question": "pain", "operator": ">=", "answerInteger": 8}], None),
    ("3 < pain", [{"question": "pain", "operator": ">", "answerInteger": 3}], None),
    ("pain == -1", [{"question": "pain", "operator": "=", "answerInteger": -1}], None),
    ("weight > 72.5", [{"question": "weight", "operator": ">", "answerDecimal": 72.5}], None),
    ("visits <= 2", [{"question": "visits", "operator": "<=", "answerInteger": 2}], None),
    ("started < '2025-01-01'",
     [{"question": "started", "operator": "<", "answerDate": "2025-01-01"}], None),
    ("full_name == 'Ana'", [{"question": "full_name", "operator": "=", "answerString": "Ana"}],
     None),
    ("side == 'left'", [{"question": "side", "operator": "=",
                         "answerCoding": coding("side", "left")}], None),
    ("side != 'both'", [{"question": "side", "operator": "!=",
                         "answerCoding": coding("side", "both")}], None),
    ("side in ['left', 'right']",
     [{"question": "side", "operator": "=", "answerCoding": coding("side", "left")},
      {"question": "side", "operator": "=", "answerCoding": coding("side", "right")}], "any"),
    ("side not in ['left', 'both']",
     [{"question": "side", "operator": "!=", "answerCoding": coding("side", "left")},
      {"question": "side", "operator": "!=", "answerCoding": coding("side", "both")}], "all"),
    ("'sharp' in quality", [{"question": "quality", "operator": "=",
                             "answerCoding": coding("quality", "sharp")}], None),
    ("'front.knee.left' in areas",
     [{"question": "areas", "operator": "=", "answerCoding": {
         "system": "urn:intake-kiosk:body-map", "code": "front.knee.left"}}], None),
    ("quality != null and 'none' not in quality",
     [{"question": "quality", "operator": "exists", "answerBoolean": True},
      {"question": "quality", "operator": "!=", "answerCoding": coding("quality", "none")}],
     "all"),
    ("pain == null", [{"question": "pain", "operator": "exists", "answerBoolean": False}], None),
    ("smoker == true and pain > 3",
     [{"question": "smoker", "operator": "=", "answerBoolean": True},
      {"question": "pain", "operator": ">", "answerInteger": 3}], "all"),
    ("smoker == true or pain >= 8 or side == 'both'",
     [{"question": "smoker", "operator": "=", "answerBoolean": True},
      {"question": "pain", "operator": ">=", "answerInteger": 8},
      {"question": "side", "operator": "=", "answerCoding": coding("side", "both")}], "any"),
    ("side in ['left'] and pain > 3",
     [{"question": "side", "operator": "=", "answerCoding": coding("side", "left")},
      {"question": "pain", "operator": ">", "answerInteger": 3}], "all"),
]

NOT_MAPPED = [
    "not (smoker and pain > 3)",            # negation of a compound
    "smoker and (pain > 3 or side == 'left')",  # mixed and/or
    "0 < pain < 5",                          # chained comparison
    "'An' in full_name",                     # substring of free text
    "quality == 'sharp'",                    # a list never equals one value
    "side == 'middle'",                      # not one of the options
    "pain > 3.5",                            # integer question, fractional literal
    "smoker == 1",                           # yes/no compared with a number
    "pain > weight",                         # two items
    "side in ['left', 'right'] and pain > 3",  # an 'or' inside an 'and'
    "full_name < 'M'",                       # ordering text
    "consent == null",                       # consent is a group, not a question
]


@pytest.mark.parametrize(("show_if", "conditions", "behavior"), MAPPED)
def test_show_if_maps_to_enable_when(every_type: Questionnaire, show_if: str,
                                     conditions: list[dict[str, Any]], behavior: str | None):
    mapped = fhir.enable_when(every_type, show_if)
    assert mapped["enableWhen"] == conditions
    assert mapped.get("enableBehavior") == behavior


@pytest.mark.parametrize("show_if", NOT_MAPPED)
def test_show_if_that_fhir_cannot_say_is_left_out(every_type: Questionnaire, show_if: str):
    assert fhir.enable_when(every_type, show_if) == {}


# Answers to try for each item the conditions above read (None = unanswered).
CANDIDATES: dict[str, list[Any]] = {
    "smoker": [None, True, False], "pain": [None, 0, 3, 4, 8, 10], "weight": [None, 20, 72.5, 90],
    "visits": [None, 0, 2, 5], "started": [None, "2024-12-31", "2025-01-01", "2025-06-01"],
    "full_name": [None, "Ana", "Bo"], "side": [None, "left", "right", "both", "not  sure"],
    "quality": [None, ["aching"], ["sharp"], ["aching", "sharp"], ["none"]],
    "areas": [None, ["front.knee.left"], ["front.knee.right", "back.low_back.left"]],
}


ORDERINGS = {">": operator.gt, "<": operator.lt, ">=": operator.ge, "<=": operator.le}


def condition_holds(condition: dict[str, Any], answers: dict[str, Any]) -> bool:
    """One enableWhen by the R4 operator definitions (``!=``: no answer equals it)."""
    value = answers.get(condition["question"])
    given = value if isinstance(value, list) else [] if value is None else [value]
    (key,) = [key for key in condition if key.startswith("answer")]
    expected = condition[key]["code"] if key == "answerCoding" else condition[key]
    if condition["operator"] == "exists":
        return bool(given) == expected
    if condition["operator"] in ("=", "!="):
        # Booleans and numbers never equal each other in FHIR (True == 1 only in Python).
        equal = any(answer == expected and isinstance(answer, bool) == isinstance(expected, bool)
                    for answer in given)
        return equal if condition["operator"] == "=" else not equal
    compare = ORDERINGS[condition["operator"]]
    return any(compare(answer, expected) for answer in given)


def fhir_enabled(mapped: dict[str, Any], answers: dict[str, Any]) -> bool:
    """What a FHIR form filler decides from enableWhen and enableBehavior."""
    results = [condition_holds(condition, answers) for condition in mapped["enableWhen"]]
    return all(results) if mapped.get("enableBehavior", "all") == "all" else any(results)


@pytest.mark.parametrize("show_if", [case[0] for case in MAPPED])
def test_enable_when_shows_an_item_exactly_when_show_if_does(every_type: Questionnaire,
                                                              show_if: str):
    expression = parse_expression(show_if)
    mapped = fhir.enable_when(every_type, show_if)
    names = sorted(expression.names)
    for values in itertools.product(*(CANDIDATES[name] for name in names)):
        answers = {name: value for name, value in zip(names, values, strict=True)
                   if value is not None}
        assert fhir_enabled(mapped, answers) == expression.evaluate(answers), answers


def test_the_bundled_questionnaire_keeps_its_conditions(bundled: Questionnaire):
    items = questionnaire_items(fhir.questionnaire_resource(bundled)["item"])
    conditional = [item for item in bundled.items() if item.show_if]
    assert conditional
    for item in conditional:
        assert items[item.id].get("enableWhen"), f"{item.id}: {item.show_if} was not mapped"
    assert items["blood_thinner_name"]["enableWhen"] == [
        {"question": "blood_thinners", "operator": "=", "answerBoolean": True}]


def test_the_consent_name_is_the_patients(bundled: Questionnaire):
    intake = build_intake(bundled, complete_answers())
    response = fhir.response_resource(intake, bundled)
    consent = next(item for group in response["item"] for item in group["item"]
                   if item["linkId"] == "consent")
    assert [child["linkId"] for child in consent["item"]] == [
        "consent.agreed", "consent.name", "consent.signed_on"]
    assert consent["item"][1]["answer"] == [{"valueString": PATIENT_NAME}]


def test_consent_and_activity_parts_speak_the_patients_language(every_type: Questionnaire):
    intake = build_intake(every_type, every_type_answers(), language="es")
    response = fhir.response_resource(intake, every_type)
    validate(response)
    parts = {child["linkId"].split(".", 1)[1]: child["text"]
             for group in response["item"] for item in group["item"]
             for child in item.get("item", [])}
    assert parts == {"agreed": "Aceptado", "name": "Nombre", "signed_on": "Fecha de firma",
                     "activity": "Actividad", "rating": "Puntuación (0-10)"}


def test_consent_and_activity_parts_carry_their_translations_in_the_questionnaire(
        every_type: Questionnaire):
    resource = fhir.questionnaire_resource(every_type)
    validate(resource)
    items = questionnaire_items(resource["item"])
    parts = {link_id.split(".", 1)[1]: items[link_id] for link_id in (
        "consent.agreed", "consent.name", "consent.signed_on", "psfs.activity", "psfs.rating")}
    assert {part: item["text"] for part, item in parts.items()} == {
        "agreed": "Agreed", "name": "Name", "signed_on": "Signed on",
        "activity": "Activity", "rating": "Rating (0-10)"}
    spanish = {part: item["_text"]["extension"][0]["extension"]
               for part, item in parts.items()}
    assert spanish["signed_on"] == [{"url": "lang", "valueCode": "es"},
                                    {"url": "content", "valueString": "Fecha de firma"}]
    assert len(spanish) == 5
