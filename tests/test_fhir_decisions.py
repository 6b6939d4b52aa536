"""FHIR export of the clinician's decisions: decided flags are no longer active and carry
the decision, its note and author; consent confirmed in person is a Consent."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from decisions_fixture import CAUTION, NOTE, REFER, STOP, answers_with_every_level
from fhir_checks import validate

from kiosk.intake import build_intake
from kiosk.interop import fhir
from kiosk.interop.fhir_decisions import CONFIRMED_BY_EXTENSION, FLAG_DECISION_EXTENSION
from kiosk.paths import BUNDLED_QUESTIONNAIRE
from kiosk.questionnaire.loader import load_questionnaire
from kiosk.store import Store


def of_kind(bundle: dict[str, Any], kind: str) -> list[dict[str, Any]]:
    return [entry["resource"] for entry in bundle["entry"]
            if entry["resource"]["resourceType"] == kind]


def decision_parts(flag: dict[str, Any]) -> dict[str, Any]:
    [decision] = [ext for ext in flag["extension"] if ext["url"] == FLAG_DECISION_EXTENSION]
    return {part["url"]: next(value for key, value in part.items() if key.startswith("value"))
            for part in decision["extension"]}


def test_decided_flags_and_confirmed_consent_export_as_valid_r4(tmp_path: Path) -> None:
    questionnaire = load_questionnaire(BUNDLED_QUESTIONNAIRE)
    store = Store(tmp_path / "data")
    intake = build_intake(questionnaire, answers_with_every_level())
    store.save_intake(intake, questionnaire)
    before = fhir.record_bundle(store, intake)
    validate(before)
    assert {flag["status"] for flag in of_kind(before, "Flag")} == {"active"}
    assert of_kind(before, "Consent") == []

    store.decide_flag(intake.id, STOP, "cleared", "Talked it through; happy to go ahead", "ana")
    store.decide_flag(intake.id, CAUTION, "not_today", "", "ana")
    store.decide_flag(intake.id, REFER, "referred", "GP the same day", "bo")
    store.decide_flag(intake.id, NOTE, "noted", "", "bo")
    decided = store.confirm_consent(intake.id, "Ana Ruiz", "ana")
    bundle = fhir.record_bundle(store, decided)
    validate(bundle)

    stop, caution, refer, note, undecided_note = of_kind(bundle, "Flag")
    assert [flag["status"] for flag in (stop, caution, refer, note, undecided_note)] == \
        ["inactive", "inactive", "inactive", "active", "active"]
    assert decision_parts(stop) == {"decision": "cleared",
                                    "note": "Talked it through; happy to go ahead",
                                    "decidedBy": "ana",
                                    "decidedAt": decision_parts(stop)["decidedAt"]}
    assert stop["author"] == {"display": "ana"}
    assert stop["period"]["end"] == decision_parts(stop)["decidedAt"]
    assert stop["period"]["start"] <= stop["period"]["end"]
    assert decision_parts(caution)["decision"] == "not_today"
    assert (decision_parts(refer)["decision"], decision_parts(refer)["note"]) == \
        ("referred", "GP the same day")
    assert "end" not in note["period"] and decision_parts(note)["decision"] == "noted"
    assert not any(ext["url"] == FLAG_DECISION_EXTENSION for ext in undecided_note["extension"])

    [consent] = of_kind(bundle, "Consent")
    [patient] = [entry["fullUrl"] for entry in bundle["entry"]
                 if entry["resource"]["resourceType"] == "Patient"]
    assert consent["patient"] == {"reference": patient}
    [verification] = consent["verification"]
    assert verification["verified"] is True
    assert verification["extension"] == [{"url": CONFIRMED_BY_EXTENSION,
                                          "valueString": "Ana Ruiz"}]
    assert consent["scope"]["coding"][0]["code"] == "treatment"
