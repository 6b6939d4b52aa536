"""One FHIR ``transaction`` Bundle per delivery of a record, built from the export's
resources (:mod:`kiosk.interop.fhir`), so the EHR receives what ``kiosk export`` writes.

- the ``Questionnaire``, only until the server has it: created if none has its url and
  version;
- the ``Patient``, created if none has its identifier (``ifNoneExist``);
- the ``QuestionnaireResponse``: created if none has the record's identifier on the first
  delivery (so a delivery cut short and sent again makes no duplicate), then updated by
  that identifier when the record changes (a split or merge moves its subject);
- each ``Flag`` and the ``Consent``: created or updated by their own identifiers, so a
  cleared flag turns ``inactive`` on the server.

Resources refer to each other through the entries' ``urn:uuid`` fullUrls; the server
swaps in its own ids. An erased record's response is replaced by a stub marked
``entered-in-error`` (no answers left on it) and its flags and consent are deleted; one
the server never confirmed having is deleted outright, if it is there at all.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from kiosk.intake import Intake, QuestionnairePin
from kiosk.interop.fhir import flag_resources, response_resource
from kiosk.interop.fhir_decisions import consent_resource
from kiosk.interop.fhir_patient import patient_key, patient_resource
from kiosk.interop.fhir_questionnaire import questionnaire_resource
from kiosk.interop.fhir_values import (
    BASE,
    RECORD_SYSTEM,
    Resource,
    canonical,
    full_url,
    questionnaire_url,
    questionnaire_version,
)
from kiosk.questionnaire.model import Questionnaire
from kiosk.storage.outbox import Erasure

FLAG_SYSTEM = f"{BASE}:flag"
CONSENT_SYSTEM = f"{BASE}:consent"


def _search(system: str, value: str) -> str:
    return urlencode({"identifier": f"{system}|{value}"})


def _entry(full: str, resource: Resource, method: str, url: str,
           if_none_exist: str | None = None) -> dict[str, Any]:
    request: dict[str, str] = {"method": method, "url": url}
    if if_none_exist is not None:
        request["ifNoneExist"] = if_none_exist
    body = {key: value for key, value in resource.items() if key != "id"}  # the server names
    return {"fullUrl": full, "resource": body, "request": request}


def _by_identifier(full: str, resource: Resource, system: str, value: str) -> dict[str, Any]:
    """Created or updated in place, found by its identifier (a conditional update)."""
    kind = resource["resourceType"]
    identifier = {"system": system, "value": value}
    # A QuestionnaireResponse has one identifier in R4; Flag and Consent have a list.
    resource = {**resource, "identifier": identifier if kind == "QuestionnaireResponse"
                else [identifier]}
    return _entry(full, resource, "PUT", f"{kind}?{_search(system, value)}")


def delivery_bundle(intake: Intake, questionnaire: Questionnaire, *, first: bool,
                    with_questionnaire: bool) -> Resource:
    """The transaction that gives the server the record's current state."""
    entries = []
    if with_questionnaire:
        pin = QuestionnairePin.of(questionnaire)
        entries.append(_entry(
            full_url("Questionnaire", canonical(pin)), questionnaire_resource(questionnaire),
            "POST", "Questionnaire", urlencode({"url": questionnaire_url(pin.id),
                                                "version": questionnaire_version(pin)})))
    patient = patient_resource([(intake, questionnaire)])
    system, value = patient["identifier"][0]["system"], patient["identifier"][0]["value"]
    entries.append(_entry(full_url("Patient", patient_key(intake)), patient, "POST", "Patient",
                          _search(system, value)))
    response = response_resource(intake, questionnaire)
    response_url = full_url("QuestionnaireResponse", intake.id)
    if first:
        entries.append(_entry(response_url, response, "POST", "QuestionnaireResponse",
                              _search(RECORD_SYSTEM, intake.id)))
    else:
        entries.append(_by_identifier(response_url, response, RECORD_SYSTEM, intake.id))
    for flag in flag_resources(intake):
        entries.append(_by_identifier(full_url("Flag", flag["id"]), flag, FLAG_SYSTEM,
                                      flag["id"]))
    consent = consent_resource(intake)
    if consent is not None:
        entries.append(_by_identifier(full_url("Consent", consent["id"]), consent,
                                      CONSENT_SYSTEM, consent["id"]))
    return {"resourceType": "Bundle", "type": "transaction", "entry": entries}


def erasure_bundle(record_id: str, erasure: Erasure) -> Resource:
    """The transaction that takes an erased record back: no patient data in it."""
    if erasure.delivered:
        stub: Resource = {"resourceType": "QuestionnaireResponse",
                          "status": "entered-in-error"}
        entries = [_by_identifier(full_url("QuestionnaireResponse", record_id), stub,
                                  RECORD_SYSTEM, record_id)]
    else:  # the server may never have had it: delete whatever a cut-short delivery left
        entries = [{"request": {"method": "DELETE", "url": "QuestionnaireResponse?"
                                + _search(RECORD_SYSTEM, record_id)}}]
    for number in range(1, erasure.flags + 1):
        flag_id = f"{record_id}-flag-{number}"
        entries.append({"request": {"method": "DELETE",
                                    "url": f"Flag?{_search(FLAG_SYSTEM, flag_id)}"}})
    if erasure.consent:
        consent_id = f"{record_id}-consent"
        entries.append({"request": {"method": "DELETE",
                                    "url": f"Consent?{_search(CONSENT_SYSTEM, consent_id)}"}})
    return {"resourceType": "Bundle", "type": "transaction", "entry": entries}


def server_ids(bundle: Resource, answer: Resource) -> dict[str, list[str]]:
    """The server's id of each resource sent, by type, from its transaction-response."""
    ids: dict[str, list[str]] = {}
    for sent, got in zip(bundle.get("entry", []), answer.get("entry", []), strict=False):
        # "Patient/7/_history/1", maybe with the server's base in front
        parts = str(got.get("response", {}).get("location", "")).split("/")
        kind = sent.get("resource", {}).get("resourceType")
        if kind is None or len(parts) < 2:
            continue  # a deletion: nothing kept
        server_id = parts[parts.index("_history") - 1] if "_history" in parts else parts[-1]
        if server_id:
            ids.setdefault(kind, []).append(server_id)
    return ids
