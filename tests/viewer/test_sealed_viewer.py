"""A viewer over sealed records starts locked: every page goes by the login form, and the
first staff login opens the clinic's key in the viewer's memory (in chromium, as a phone)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from answers_fixture import PATIENT_NAME
from sealed_fixture import PASSWORD, STAFF, SealedFolder, set_up_keys

from kiosk.intake import Intake
from kiosk.questionnaire.model import Questionnaire
from kiosk.store import Store
from viewer.conftest import Clock, ViewerServer, save_intake

LOCKED = "The viewer is locked until a staff member logs in"


@pytest.fixture
def sealed(tmp_path: Path) -> SealedFolder:
    return set_up_keys(tmp_path / "sealed")


@pytest.fixture
def saved(sealed: SealedFolder, questionnaire: Questionnaire) -> Intake:
    """Saved by a kiosk: sealed, and not linked to a patient yet."""
    return save_intake(sealed.kiosk_store(), questionnaire, {"needle_fear": True})


@pytest.fixture
def locked_viewer(sealed: SealedFolder, clock: Clock) -> Iterator[ViewerServer]:
    running = ViewerServer(Store(sealed.root), clock)  # a fresh start: no key in memory
    yield running
    running.stop()


def test_every_page_waits_for_a_login_and_a_session_from_before_a_restart_too(
        sealed: SealedFolder, saved: Intake, locked_viewer: ViewerServer, clock: Clock) -> None:
    browser = locked_viewer.browser()
    reply = browser.get(f"/i/{saved.short_code}")
    assert reply.status == 303 and reply.location and reply.location.startswith("/login?next=")
    form = browser.get(reply.location)
    assert LOCKED in form.text
    wrong = browser.log_in(STAFF, PASSWORD + "x", next_path=f"/i/{saved.short_code}")
    assert wrong.status == 200 and "do not match" in wrong.text and LOCKED in wrong.text
    assert not locked_viewer.store.unlocked
    opened = browser.log_in(STAFF, PASSWORD, next_path=f"/i/{saved.short_code}")
    assert opened.status == 303
    page = browser.get(f"/i/{saved.short_code}")
    assert page.status == 200 and PATIENT_NAME in page.text
    day = browser.get("/")
    assert day.status == 200 and saved.short_code in day.text
    assert locked_viewer.store.get_intake(saved.id).patient is not None  # linked at unlock
    actions = [event.action for event in locked_viewer.store.audit_events()]
    assert "unlock" in actions and "login_failed" in actions

    # A restart: the session cookie is still good, but the key is gone from memory.
    restarted = ViewerServer(Store(sealed.root), clock)
    try:
        again = restarted.browser()
        again.cookies = dict(browser.cookies)
        assert again.get(f"/i/{saved.short_code}").status == 303
        assert LOCKED in again.get("/login").text
    finally:
        restarted.stop()


def test_a_clinician_unlocks_the_viewer_from_the_login_form_in_chromium(
        chromium: Any, saved: Intake, locked_viewer: ViewerServer) -> None:
    context = chromium.new_context(viewport={"width": 390, "height": 844}, is_mobile=True)
    page = context.new_page()
    link = f"http://127.0.0.1:{locked_viewer.port}/i/{saved.id}"
    page.goto(link)
    assert LOCKED in page.locator("main").inner_text()
    page.fill("#username", STAFF)
    page.fill("#password", PASSWORD)
    page.click("button:has-text('Log in')")
    page.wait_for_url(link)
    assert PATIENT_NAME in page.locator("main").inner_text()
    assert page.locator(".flag-stop").is_visible()
    context.close()
