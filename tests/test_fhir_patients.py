"""FHIR export of linked visits: one Patient per patient, referenced by every response and
flag, and read back through the fhir.resources models."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from fhir.resources.R4B.bundle import Bundle
from fhir_checks import validate
from patients_fixture import roles_questionnaire, visit
from test_store_helpers import intake, small_questionnaire

from kiosk.intake import Intake
from kiosk.interop import fhir
from kiosk.questionnaire.model import Questionnaire
from kiosk.store import Store

PATIENT_SYSTEM = "urn:intake-kiosk:patient"


class Exported:
    """Two visits of one patient (a phone given on the first only), one of another, and
    one record saved before visits were linked, exported in one Bundle and read back."""

    def __init__(self, folder: Path) -> None:
        self.questionnaire = roles_questionnaire(folder)
        self.store = Store(folder / "data")
        self.visits = [self._save(visit(self.questionnaire, "José Núñez-García",
                                        phone="+34 600 123 456", days_ago=7,
                                        blood_thinners=True)),
                       self._save(visit(self.questionnaire, "jose NUNEZ garcia ", days_ago=0,
                                        blood_thinners=True))]
        self.other = self._save(visit(self.questionnaire, "Bo Li", "1975-12-01", days_ago=3))
        self.unlinked = visit(self.questionnaire, "Cy Ode", "1990-05-05", days_ago=1)
        assert self.unlinked.patient is None  # never saved: as a record from before linking
        self.bundle = fhir.export_bundle(self.store, [*self.visits, self.other, self.unlinked])
        self.read = Bundle.model_validate_json(fhir.to_json(self.bundle))

    def _save(self, record: Intake) -> Intake:
        self.store.save_intake(record, self.questionnaire)
        return record

    def entries(self, kind: str) -> list[tuple[str, dict[str, Any]]]:
        return [(entry["fullUrl"], entry["resource"]) for entry in self.bundle["entry"]
                if entry["resource"]["resourceType"] == kind]


@pytest.fixture(scope="module")
def exported(tmp_path_factory: pytest.TempPathFactory) -> Exported:
    return Exported(tmp_path_factory.mktemp("fhir-patients"))


def test_the_bundle_is_valid_r4_with_one_patient_per_patient(exported: Exported) -> None:
    validate(exported.bundle)  # the models, and every subject resolving to a Patient
    kinds = [entry.resource.get_resource_type() for entry in exported.read.entry or []]
    assert kinds == ["Questionnaire", "Patient", "Patient", "Patient",
                     "QuestionnaireResponse", "Flag", "QuestionnaireResponse", "Flag",
                     "QuestionnaireResponse", "QuestionnaireResponse"]


def test_the_patient_carries_name_birth_date_phone_and_its_id(exported: Exported) -> None:
    patients = {resource["id"]: resource for _, resource in exported.entries("Patient")}
    linked = [entry.resource for entry in exported.read.entry or []
              if entry.resource.get_resource_type() == "Patient"][0]
    assert linked.id == exported.visits[0].patient
    assert [(i.system, i.value) for i in linked.identifier] == [
        (PATIENT_SYSTEM, exported.visits[0].patient)]
    assert linked.name[0].text == "jose NUNEZ garcia"  # as given on the latest visit
    assert linked.birthDate.isoformat() == "1980-04-02"
    assert [(t.system, t.value) for t in linked.telecom] == [("phone", "+34 600 123 456")]
    other = patients[str(exported.other.patient)]
    assert (other["name"], other["birthDate"]) == ([{"text": "Bo Li"}], "1975-12-01")
    assert "telecom" not in other
    unlinked = patients[f"record-{exported.unlinked.id}"]
    assert unlinked["identifier"] == [{"system": "urn:intake-kiosk:record",
                                       "value": exported.unlinked.id}]


def test_every_response_and_flag_refers_to_its_patient(exported: Exported) -> None:
    url_of = {resource["id"]: url for url, resource in exported.entries("Patient")}
    expected = {record.id: url_of[record.patient or f"record-{record.id}"]
                for record in [*exported.visits, exported.other, exported.unlinked]}
    responses = exported.entries("QuestionnaireResponse")
    assert {resource["id"]: resource["subject"]["reference"] for _, resource in responses} \
        == expected
    flags = exported.entries("Flag")
    assert len(flags) == 2
    for _, flag in flags:
        (detail,) = [e for e in flag["extension"] if e["url"].endswith("flag-detail")]
        response_url = detail["valueReference"]["reference"]
        (response,) = [r for url, r in responses if url == response_url]
        assert flag["subject"] == response["subject"]
    assert len({flag["subject"]["reference"] for _, flag in flags}) == 1  # the same patient


def test_a_record_bundle_has_only_that_records_patient(exported: Exported) -> None:
    bundle = fhir.record_bundle(exported.store, exported.visits[1])
    validate(bundle)
    (patient,) = [entry["resource"] for entry in bundle["entry"]
                  if entry["resource"]["resourceType"] == "Patient"]
    assert patient["id"] == exported.visits[1].patient
    assert "telecom" not in patient  # the phone was given on another visit, not exported here


def test_a_questionnaire_without_roles_still_names_a_subject(tmp_path: Path) -> None:
    questionnaire: Questionnaire = small_questionnaire(tmp_path)
    store = Store(tmp_path / "data")
    record = intake(questionnaire, blood_thinners=True)
    store.save_intake(record, questionnaire)
    bundle = fhir.record_bundle(store, record)
    validate(bundle)
    (patient,) = [entry["resource"] for entry in bundle["entry"]
                  if entry["resource"]["resourceType"] == "Patient"]
    assert patient == {"resourceType": "Patient", "id": record.patient,
                       "identifier": [{"system": PATIENT_SYSTEM, "value": record.patient}]}
