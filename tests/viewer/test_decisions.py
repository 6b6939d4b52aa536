"""Deciding flags and confirming consent over HTTP: login and CSRF on every POST, refusals
shown on the page, decisions and status on the record page and the day list."""

from __future__ import annotations

import html

import pytest
from decisions_fixture import CAUTION, NOTE, REFER, STOP, answers_with_every_level

from kiosk.intake import Intake
from kiosk.questionnaire.model import Questionnaire
from kiosk.store import Store
from viewer.conftest import Browser, ViewerServer, save_intake

POSTS = {"decide": {"flag": STOP, "decision": "not_today", "note": ""},
         "consent": {"confirm": "yes", "clinician": "Ana Ruiz"}}


@pytest.fixture
def every_level(store: Store, questionnaire: Questionnaire) -> Intake:
    return save_intake(store, questionnaire, answers_with_every_level())


@pytest.mark.parametrize("action", sorted(POSTS))
def test_every_decision_post_needs_the_sessions_token(
        server: ViewerServer, staff: Browser, every_level: Intake, store: Store,
        action: str) -> None:
    other = server.browser()
    other.log_in()
    someone_elses = other.get(f"/i/{every_level.id}").csrf()
    for token in ({}, {"csrf": ""}, {"csrf": "forged"}, {"csrf": someone_elses}):
        reply = staff.post(f"/i/{every_level.id}/{action}", {**POSTS[action], **token})
        assert reply.status == 403
    stored = store.get_intake(every_level.id)
    assert (stored.decisions, stored.consent_confirmation, stored.status) == \
        ([], None, "submitted")
    assert store.audit_events(every_level.id) == [
        event for event in store.audit_events(every_level.id) if event.action == "view"]


@pytest.mark.parametrize("action", sorted(POSTS))
def test_every_decision_post_without_a_session_goes_to_login(
        browser: Browser, every_level: Intake, store: Store, action: str) -> None:
    reply = browser.post(f"/i/{every_level.id}/{action}", {**POSTS[action], "csrf": "x"})
    assert reply.status == 303 and (reply.location or "").startswith("/login?next=")
    assert store.get_intake(every_level.id).decisions == []


def test_a_stop_flag_cleared_without_a_note_is_refused_and_nothing_changes(
        staff: Browser, every_level: Intake, store: Store) -> None:
    token = staff.get(f"/i/{every_level.id}").csrf()
    reply = staff.post(f"/i/{every_level.id}/decide",
                       {"csrf": token, "flag": STOP, "decision": "cleared", "note": " "})
    assert reply.status == 422
    assert '<p class="problem" role="alert">A stop flag can only be cleared with a note ' \
           'saying why.</p>' in reply.text
    assert store.get_intake(every_level.id).decisions == []
    reply = staff.post(f"/i/{every_level.id}/consent",
                       {"csrf": token, "clinician": "Ana Ruiz"})  # the box left unticked
    assert reply.status == 422 and "Tick that you went through the consent" in reply.text
    assert store.get_intake(every_level.id).consent_confirmation is None
    # Each refusal showed the record again, so each is a view in the audit.
    assert [e.action for e in store.audit_events(every_level.id)] == ["view"] * 3


def test_decisions_show_beside_their_flags_with_history_and_the_status_moves(
        staff: Browser, every_level: Intake, store: Store) -> None:
    page = staff.get(f"/i/{every_level.id}")
    assert "3 open flags" in page.text and ">submitted</strong>" in page.text
    token = page.csrf()
    for flag, decision, note in [(STOP, "not_today", ""), (STOP, "cleared", "INR <2.3> ok"),
                                 (REFER, "referred", "GP the same day"),
                                 (CAUTION, "cleared", ""), (NOTE, "noted", "")]:
        reply = staff.post(f"/i/{every_level.id}/decide",
                           {"csrf": token, "flag": flag, "decision": decision, "note": note})
        assert reply.status == 303, reply.text
    # The page is read right after the change: the record cache must not serve the old one.
    page = staff.get(f"/i/{every_level.id}").text
    assert "0 open flags" in page and ">reviewed</strong>" in page
    assert "cleared by ana at " in page and ": INR &lt;2.3&gt; ok" in page  # escaped
    assert "Earlier decisions (1)" in page and "not today by ana at " in page
    assert "referred by ana at " in page and ": GP the same day" in page
    assert staff.post(f"/i/{every_level.id}/consent",
                      {"csrf": token, "confirm": "yes", "clinician": "Ana Ruiz"}).status == 303
    page = staff.get(f"/i/{every_level.id}").text
    assert ">cleared for needling</strong>" in page
    assert "Consent confirmed in person by Ana Ruiz at " in page
    events = [(e.action, e.address) for e in store.audit_events(every_level.id)
              if e.action != "view"]
    assert events == [("decide", "127.0.0.1")] * 5 + [("consent", "127.0.0.1")]


def test_the_day_list_shows_and_filters_by_status_and_open_flags(
        staff: Browser, every_level: Intake, store: Store, questionnaire: Questionnaire,
        intake: Intake) -> None:
    store.decide_flag(every_level.id, STOP, "not_today", "", "ana")
    listed = staff.get("/").text
    assert "not today" in listed and "2 open" in listed  # stop decided; refer, caution open

    def codes(query: str) -> set[str]:
        page = staff.get(f"/?{query}").text
        return {code for code in (every_level.short_code, intake.short_code)
                if f'<span class="code">{code}</span>' in html.unescape(page)}

    assert codes("status=not_today") == {every_level.short_code}
    assert codes("status=submitted") == {intake.short_code}
    assert codes("open=yes") == {every_level.short_code, intake.short_code}
    assert codes("open=no&status=") == set()
    assert codes("status=bogus") == {every_level.short_code, intake.short_code}
    assert "with these filters" in staff.get("/?open=no").text
