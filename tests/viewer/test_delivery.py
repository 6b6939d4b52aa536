"""The record page says how far the record got to the clinic's FHIR server, and shows a
refusal's OperationOutcome (escaped) so staff can fix the cause."""

from __future__ import annotations

from kiosk.questionnaire.model import Questionnaire
from kiosk.storage import outbox
from kiosk.store import Store
from viewer.conftest import Browser, save_intake


def test_the_record_page_shows_a_refusal_then_the_delivery(store: Store, staff: Browser,
                                                            questionnaire: Questionnaire) -> None:
    plain = save_intake(store, questionnaire)
    assert "FHIR server" not in staff.get(f"/i/{plain.id}").text  # none was ever set

    outbox.switch_on_outbox(store.root)
    record = save_intake(store, questionnaire)
    assert "Waiting to be sent" in staff.get(f"/i/{record.id}").text
    with store.locked():
        outbox.settle_unsent(
            store.root, record.id, 1, failed=True, next_try=None, status=422,
            issues=[outbox.Issue(severity="error", code="business-rule",
                                 expression=["Patient.birthDate"])],
            error=store.seal_text("birthDate <b>in the future</b>"))
    page = staff.get(f"/i/{record.id}").text
    assert "refused this record (HTTP 422)" in page
    assert f"kiosk push --retry {record.short_code}" in page
    assert "error: business-rule at Patient.birthDate" in page
    assert "The server said: birthDate &lt;b&gt;in the future&lt;/b&gt;" in page
    assert staff.post(f"/i/{record.id}/send-again", {"csrf": "forged"}).status == 403
    sent_again = staff.post(f"/i/{record.id}/send-again", {"csrf": staff.get("/").csrf()})
    assert sent_again.status == 303
    assert outbox.delivery_state(store.root, record.id)[0] == "pending"
    assert [e.actor for e in store.audit_events(record.id) if e.action == "push-retry"] == \
        ["ana"]

    with store.locked():
        outbox.settle_sent(store.root, record.id, 1, {"QuestionnaireResponse": ["9"]})
    assert "Sent to the clinic&#39;s FHIR server at" in staff.get(f"/i/{record.id}").text
