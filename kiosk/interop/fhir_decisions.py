"""The clinician's decisions in FHIR R4: on each ``Flag``, and consent confirmed in person
as a ``Consent``.

- A flag cleared, referred or decided "not today" is ``inactive``; its ``period.end`` is
  the time of the decision, ``author`` the clinician (a display-only reference), and the
  extension ``urn:intake-kiosk:fhir:flag-decision`` carries the decision, its note, who
  and when. A note marked "noted" stays ``active`` with the same extension.
- Consent confirmed in person is a ``Consent`` (scope treatment) about the record's
  Patient, whose source is the signed consent in the QuestionnaireResponse and whose
  ``verification`` says it was verified with the patient, when, and (extension
  ``urn:intake-kiosk:fhir:confirmed-by``) by whom.
"""

from __future__ import annotations

from typing import Any

from kiosk.decisions import FlagDecision
from kiosk.intake import Intake
from kiosk.interop.fhir_patient import patient_reference
from kiosk.interop.fhir_values import BASE, full_url, instant

FLAG_DECISION_EXTENSION = f"{BASE}:fhir:flag-decision"
CONFIRMED_BY_EXTENSION = f"{BASE}:fhir:confirmed-by"
DECISION_SYSTEM = f"{BASE}:flag-decision"
CONSENT_SCOPE = "http://terminology.hl7.org/CodeSystem/consentscope"
LOINC = "http://loinc.org"

Resource = dict[str, Any]


def with_decision(flag: Resource, decision: FlagDecision) -> Resource:
    """The ``Flag`` resource with the clinician's current decision on it."""
    parts: list[Resource] = [
        {"url": "decision", "valueCode": decision.decision},
        {"url": "decidedBy", "valueString": decision.by},
        {"url": "decidedAt", "valueDateTime": instant(decision.at)}]
    if decision.note:
        parts.insert(1, {"url": "note", "valueString": decision.note})
    flag["extension"] = [*flag["extension"],
                         {"url": FLAG_DECISION_EXTENSION, "extension": parts}]
    flag["author"] = {"display": decision.by}
    if decision.decision != "noted":
        flag["status"] = "inactive"
        flag["period"] = {**flag.get("period", {}), "end": instant(decision.at)}
    return flag


def consent_resource(intake: Intake) -> Resource | None:
    """The record's consent confirmed in person, or None while it is not."""
    confirmation = intake.consent_confirmation
    if confirmation is None:
        return None
    return {
        "resourceType": "Consent",
        "id": f"{intake.id}-consent",
        "status": "active",
        "scope": {"coding": [{"system": CONSENT_SCOPE, "code": "treatment",
                              "display": "Treatment"}]},
        "category": [{"coding": [{"system": LOINC, "code": "59284-0",
                                  "display": "Patient Consent"}]}],
        "patient": patient_reference(intake),
        "dateTime": instant(confirmation.at),
        "sourceReference": {"reference": full_url("QuestionnaireResponse", intake.id)},
        "policyRule": {"text": "Consent to dry needling, signed in the intake and confirmed "
                               "in person by the clinician"},
        "verification": [{
            "extension": [{"url": CONFIRMED_BY_EXTENSION, "valueString": confirmation.by}],
            "verified": True, "verifiedWith": patient_reference(intake),
            "verificationDate": instant(confirmation.at)}],
    }
