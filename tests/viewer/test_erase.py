"""Erasing a record from its page: login, CSRF token and a ticked box; audited; the
viewer's kept copy is not served afterwards (404), and the day list says it was erased."""

from __future__ import annotations

import pytest

from kiosk.intake import Intake
from kiosk.store import RecordNotFound, Store
from viewer.conftest import STAFF_NAME, Browser, ViewerServer
from viewer.course_fixture import save_course


@pytest.fixture
def course(store: Store) -> list[Intake]:
    return save_course(store)


def test_an_erase_needs_login_token_and_confirmation(server: ViewerServer, staff: Browser,
                                                     browser: Browser, store: Store,
                                                     course: list[Intake]) -> None:
    last = course[2]
    assert 'action="/i/' + last.id + '/erase"' in staff.get(f"/i/{last.id}").text
    for form in ({"confirm": "yes"}, {"csrf": "forged", "confirm": "yes"}):
        assert staff.post(f"/i/{last.id}/erase", form).status == 403
    unconfirmed = staff.post(f"/i/{last.id}/erase", {"csrf": staff.get("/").csrf()})
    assert unconfirmed.status == 400 and "Tick the box to confirm" in unconfirmed.text
    logged_out = browser.post(f"/i/{last.id}/erase", {"csrf": "x", "confirm": "yes"})
    assert logged_out.status == 303
    assert (logged_out.location or "").startswith("/login?next=")
    assert store.get_intake(last.id).id == last.id
    assert not [e for e in store.audit_events(last.id) if e.action == "erase"]


def test_an_erased_record_is_gone_from_the_viewer_and_audited(staff: Browser, store: Store,
                                                             course: list[Intake]) -> None:
    first, _, last = course
    assert staff.get(f"/i/{last.short_code}").status == 200  # kept by the viewer now
    token = staff.get(f"/i/{last.id}").csrf()
    reply = staff.post(f"/i/{last.id}/erase", {"csrf": token, "confirm": "yes"})
    assert reply.status == 303 and reply.location == "/?notice=erased"
    assert "The record was erased." in staff.get("/?notice=erased").text
    for path in (f"/i/{last.id}", f"/i/{last.short_code}", f"/i/{last.id}.json",
                 f"/i/{last.id}.pdf"):
        assert staff.get(path).status == 404, path
    with pytest.raises(RecordNotFound):
        store.get_intake(last.id)
    erase = [e for e in store.audit_events(last.id) if e.action == "erase"]
    assert [(e.actor, e.detail) for e in erase] == [(STAFF_NAME, None)]
    assert erase[0].address is not None
    assert "visit 1 of 2" in staff.get(f"/i/{first.id}").text
