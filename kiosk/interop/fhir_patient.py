"""The FHIR ``Patient`` an export's responses and flags refer to: one per linked patient.

What the Patient says comes from that patient's exported records themselves (the items
with the roles name, birth date and phone), the latest record that gives each first, so
an export holds nothing its records do not. docs/export.md describes the resource.
"""

from __future__ import annotations

from collections.abc import Iterable

from kiosk.intake import Intake
from kiosk.interop.fhir_values import PATIENT_SYSTEM, RECORD_SYSTEM, Resource, full_url
from kiosk.patients import identity, phone
from kiosk.questionnaire.model import Questionnaire
from kiosk.storage.records import submitted


def patient_key(intake: Intake) -> str:
    """Whom the record is about in the Bundle: its patient, or the record alone if it was
    saved before visits were linked."""
    return f"patient:{intake.patient}" if intake.patient else f"record:{intake.id}"


def patient_reference(intake: Intake) -> dict[str, str]:
    """The ``subject`` of the record's QuestionnaireResponse and Flags."""
    return {"reference": full_url("Patient", patient_key(intake))}


def patient_resource(records: Iterable[tuple[Intake, Questionnaire]]) -> Resource:
    """The Patient of one patient's records (all with the same :func:`patient_key`)."""
    newest_first = sorted(records, key=lambda pair: submitted(pair[0]), reverse=True)
    if not newest_first:
        raise ValueError("a Patient needs at least one record")
    first = newest_first[0][0]
    name = birth_date = telephone = None
    for intake, questionnaire in newest_first:
        given_name, given_birth_date = identity(questionnaire, intake.answers)
        name = name or given_name
        birth_date = birth_date or given_birth_date
        telephone = telephone or phone(questionnaire, intake.answers)
    resource: Resource = {"resourceType": "Patient"}
    if first.patient:
        resource["id"] = first.patient
        resource["identifier"] = [{"system": PATIENT_SYSTEM, "value": first.patient}]
    else:  # a record saved before linking: the Patient is known only through that record
        resource["id"] = f"record-{first.id}"
        resource["identifier"] = [{"system": RECORD_SYSTEM, "value": first.id}]
    if name:
        resource["name"] = [{"text": name}]
    if telephone:
        resource["telecom"] = [{"system": "phone", "value": telephone}]
    if birth_date:
        resource["birthDate"] = birth_date
    return resource


__all__ = ["patient_key", "patient_reference", "patient_resource"]
