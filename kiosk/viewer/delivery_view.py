"""What the record page says about the record's delivery to the clinic's FHIR server."""

from __future__ import annotations

from dataclasses import dataclass

from kiosk.storage import outbox
from kiosk.store import Store
from kiosk.viewer.answer_html import local_time


@dataclass(frozen=True)
class DeliveryView:
    state: str  # "sent", "pending", "failed", "not queued"
    line: str  # one sentence for the clinician
    issues: list[outbox.Issue]
    server_words: str  # the server's diagnostics on a refusal (escaped by the template)


def delivery_view(store: Store, record_id: str) -> DeliveryView | None:
    """None when no FHIR server was ever set (nothing to say)."""
    state, entry = outbox.delivery_state(store.root, record_id)
    if state == "off":
        return None
    if isinstance(entry, outbox.Sent):
        return DeliveryView(state, f"Sent to the clinic's FHIR server at "
                                   f"{local_time(entry.at)}.", [], "")
    if isinstance(entry, outbox.Owed) and entry.failed:
        return DeliveryView(
            state, f"The FHIR server refused this record (HTTP {entry.status}). Fix the cause, "
                   f"then send it again (or run 'kiosk push --retry "
                   f"{entry.short_code or record_id}').",
            entry.issues, store.open_text(entry.error) if entry.error else "")
    if isinstance(entry, outbox.Owed):
        when = f" Next try at {local_time(entry.next_try)}." if entry.next_try else ""
        return DeliveryView(state, "Waiting to be sent to the clinic's FHIR server (after a "
                                   "restart, sealed records wait for the first staff login)."
                                   + when, [], "")
    return DeliveryView(state, "Not queued for the FHIR server (saved before it was set).",
                        [], "")
