"""Checks of exported FHIR: the fhir.resources models plus the R4 rules those models skip.

fhir.resources 8 puts R5 at the top level and R4B under ``fhir.resources.R4B``; the
R4B Bundle, Questionnaire, QuestionnaireResponse, Flag and Patient have the R4 structure, so
they stand in for R4 here. The models check shapes and primitive formats but not
required code bindings, empty values or the Questionnaire invariants (que-*), so
those are checked below by hand.
"""

from __future__ import annotations

import datetime as dt
import decimal
import json
from typing import Any

from fhir.resources.R4B.bundle import Bundle
from fhir.resources.R4B.consent import Consent
from fhir.resources.R4B.flag import Flag
from fhir.resources.R4B.patient import Patient
from fhir.resources.R4B.questionnaire import Questionnaire
from fhir.resources.R4B.questionnaireresponse import QuestionnaireResponse

MODELS: dict[str, Any] = {"Bundle": Bundle, "Questionnaire": Questionnaire,
                          "QuestionnaireResponse": QuestionnaireResponse, "Flag": Flag,
                          "Patient": Patient, "Consent": Consent}
ITEM_TYPES = {"group", "display", "boolean", "decimal", "integer", "date", "dateTime", "time",
              "string", "text", "url", "choice", "open-choice", "attachment", "reference",
              "quantity"}
OPERATORS = {"exists", "=", "!=", ">", "<", ">=", "<="}
SIMPLE_TYPES = {"boolean", "decimal", "integer", "string", "text", "url", "open-choice"}
# The value[x] a question of each type answers with.
ANSWER_KINDS = {"boolean": {"Boolean"}, "decimal": {"Decimal"}, "integer": {"Integer"},
                "date": {"Date"}, "string": {"String"}, "text": {"String"},
                "choice": {"Coding", "String"}}


def validate(resource: dict[str, Any]) -> None:
    """Every check for a resource of ours, and for each resource inside a Bundle."""
    assert_no_empty_values(resource)
    model = MODELS[resource["resourceType"]]
    model.model_validate_json(json.dumps(resource))
    if resource["resourceType"] == "Bundle":
        assert resource["type"] == "collection"
        full_urls = [entry["fullUrl"] for entry in resource.get("entry", [])]
        assert len(full_urls) == len(set(full_urls)), "bdl-7: fullUrl must be unique"
        for entry in resource.get("entry", []):
            validate(entry["resource"])
        check_subjects(resource)
    elif resource["resourceType"] == "Questionnaire":
        assert resource["status"] in {"draft", "active", "retired", "unknown"}
        check_questionnaire_rules(resource)
    elif resource["resourceType"] == "QuestionnaireResponse":
        assert resource["status"] in {"in-progress", "completed", "amended",
                                      "entered-in-error", "stopped"}
    elif resource["resourceType"] == "Flag":
        assert resource["status"] in {"active", "inactive", "entered-in-error"}
    elif resource["resourceType"] == "Consent":
        assert resource["status"] in {"draft", "proposed", "active", "rejected", "inactive",
                                      "entered-in-error"}
        assert "policy" in resource or "policyRule" in resource, "ppc-1"


def check_subjects(bundle: dict[str, Any]) -> None:
    """Every response and flag is about a Patient of the Bundle (R4 requires Flag.subject)."""
    patients = {entry["fullUrl"] for entry in bundle.get("entry", [])
                if entry["resource"]["resourceType"] == "Patient"}
    for entry in bundle.get("entry", []):
        if entry["resource"]["resourceType"] in {"QuestionnaireResponse", "Flag"}:
            assert entry["resource"]["subject"]["reference"] in patients, entry["fullUrl"]
        if entry["resource"]["resourceType"] == "Consent":
            assert entry["resource"]["patient"]["reference"] in patients, entry["fullUrl"]


def assert_no_empty_values(node: Any, path: str = "") -> None:
    """FHIR JSON has no empty strings, arrays or objects, and no nulls."""
    assert node is not None and node != "" and node != [] and node != {}, f"empty at {path}"
    if isinstance(node, dict):
        for key, value in node.items():
            assert_no_empty_values(value, f"{path}.{key}")
    elif isinstance(node, list):
        for index, value in enumerate(node):
            assert_no_empty_values(value, f"{path}[{index}]")


def questionnaire_items(items: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """Every item of a Questionnaire (at any depth) by linkId."""
    found: dict[str, dict[str, Any]] = {}
    for item in items:
        assert item["linkId"] not in found, f"que-2: linkId {item['linkId']} is used twice"
        found[item["linkId"]] = item
        nested = questionnaire_items(item.get("item", []))
        assert not set(nested) & set(found), "que-2: linkIds must be unique"
        found.update(nested)
    return found


def check_questionnaire_rules(resource: dict[str, Any]) -> None:
    items = questionnaire_items(resource["item"])
    for link_id, item in items.items():
        kind = item["type"]
        assert kind in ITEM_TYPES, f"{link_id}: unknown type {kind}"
        if kind == "group":
            assert item.get("item"), f"que-1: group {link_id} has no items"
        if kind == "display":
            assert "item" not in item, f"que-1: display {link_id} has nested items"
            assert "required" not in item and "repeats" not in item, f"que-6: {link_id}"
        if "maxLength" in item:
            assert kind in SIMPLE_TYPES, f"que-10: maxLength on {kind} item {link_id}"
        if "answerOption" in item:
            assert kind in {"choice", "open-choice", "integer", "date", "string"}, \
                f"que-5: answerOption on {kind} item {link_id}"
        conditions = item.get("enableWhen", [])
        if len(conditions) > 1:
            assert item.get("enableBehavior") in {"all", "any"}, f"que-12: {link_id}"
        for condition in conditions:
            check_condition(link_id, condition, items)


def check_condition(link_id: str, condition: dict[str, Any],
                    items: dict[str, dict[str, Any]]) -> None:
    operator = condition["operator"]
    assert operator in OPERATORS, f"{link_id}: unknown operator {operator}"
    question = items.get(condition["question"])
    assert question is not None, f"{link_id}: enableWhen names unknown {condition['question']}"
    assert question["type"] not in {"group", "display"}, f"{link_id}: enableWhen on a group"
    (kind,) = [key[len("answer"):] for key in condition if key.startswith("answer")]
    if operator == "exists":
        assert kind == "Boolean", f"que-7: {link_id}"
    else:
        assert kind in ANSWER_KINDS[question["type"]], f"{link_id}: {kind} for {question}"


def check_response_matches(response: dict[str, Any], questionnaire: dict[str, Any]) -> None:
    """Each answered item exists in the Questionnaire with the same nesting and value type."""
    _check_response_items(response.get("item", []), questionnaire["item"], response["id"])


def _check_response_items(answered: list[dict[str, Any]], defined: list[dict[str, Any]],
                          where: str) -> None:
    by_link_id = {item["linkId"]: item for item in defined}
    order = [item["linkId"] for item in defined]
    positions = [order.index(item["linkId"]) for item in answered
                 if item["linkId"] in by_link_id]
    assert positions == sorted(positions), f"{where}: items out of the Questionnaire's order"
    seen: set[str] = set()
    for item in answered:
        definition = by_link_id.get(item["linkId"])
        assert definition is not None, f"{where}: {item['linkId']} is not in the Questionnaire"
        assert definition["type"] != "display", f"{where}: display item answered"
        if item["linkId"] in seen:
            assert definition.get("repeats"), f"qrs-2: {item['linkId']} repeated"
        seen.add(item["linkId"])
        if definition["type"] == "group":
            assert "answer" not in item
            _check_response_items(item["item"], definition["item"], item["linkId"])
            continue
        answers = item["answer"]
        if not definition.get("repeats"):
            assert len(answers) == 1, f"{item['linkId']}: several answers to a single question"
        for answer in answers:
            (key,) = [key for key in answer if key.startswith("value")]
            assert key[len("value"):] in ANSWER_KINDS[definition["type"]], (item, definition)
            if "answerOption" in definition:
                options = [{k: v for k, v in option.items() if k.startswith("value")}
                           for option in definition["answerOption"]]
                assert any(_same_option(answer, option) for option in options), answer


def _same_option(answer: dict[str, Any], option: dict[str, Any]) -> bool:
    if "valueCoding" in answer and "valueCoding" in option:
        mine, theirs = answer["valueCoding"], option["valueCoding"]
        return bool(mine["system"] == theirs["system"] and mine["code"] == theirs["code"])
    return answer.get("valueString") is not None and \
        answer.get("valueString") == option.get("valueString")


def plain(value: Any) -> Any:
    """A parsed FHIR value as JSON-native Python: dates as text, decimals as numbers."""
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    return value
