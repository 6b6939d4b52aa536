"""In a real browser on a phone: decide each kind of flag, have a stop flag without a note
refused, confirm consent, watch the status move, then filter the day list at 390 px."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from axe_playwright_python.sync_playwright import Axe
from decisions_fixture import answers_with_every_level

from kiosk.intake import Intake
from kiosk.questionnaire.model import Questionnaire
from kiosk.store import Store
from viewer.conftest import STAFF_NAME, STAFF_PASSWORD, ViewerServer, save_intake

PHONE = {"width": 390, "height": 844}


def no_axe_violations(page: Any) -> None:
    """axe-core (bundled by axe-playwright-python) finds nothing on the page as shown."""
    results = Axe().run(page)
    assert results.violations_count == 0, results.generate_report()


def decide(page: Any, level: str, decision: str, note: str | None = None) -> None:
    form = page.locator(f"form.decide-{level}").first
    form.locator(f"input[name=decision][value={decision}]").check()
    if note is not None:
        form.locator("input[name=note]").fill(note)
    form.locator("button.save-decision").click()
    page.wait_for_load_state()


def test_a_clinician_decides_every_flag_confirms_consent_and_filters_the_day(
        chromium: Any, server: ViewerServer, store: Store, questionnaire: Questionnaire,
        intake: Intake, tmp_path: Path) -> None:
    record = save_intake(store, questionnaire, answers_with_every_level())
    # bypass_csp lets axe's script run; the viewer's own pages carry none
    context = chromium.new_context(viewport=PHONE, device_scale_factor=2, is_mobile=True,
                                   bypass_csp=True)
    page = context.new_page()
    link = f"http://127.0.0.1:{server.port}/i/{record.id}"
    page.goto(link)
    page.fill("#username", STAFF_NAME)
    page.fill("#password", STAFF_PASSWORD)
    page.click("button:has-text('Log in')")
    page.wait_for_url(link)
    status = page.locator(".decisions .standing-now")
    assert "3 open flags" in status.inner_text()

    no_axe_violations(page)  # every flag still open, every form empty
    decide(page, "stop", "cleared", "")  # no note: refused, said plainly
    assert page.locator(".decisions .problem").inner_text() == \
        "A stop flag can only be cleared with a note saying why."
    assert store.get_intake(record.id).decisions == []

    decide(page, "stop", "cleared", "Talked it through; happy to go ahead")
    assert "cleared by ana at " in page.locator("form.decide-stop .decision-now").inner_text()
    assert "Decision: cleared by ana" in page.locator(".flags .flag-stop").inner_text()
    decide(page, "refer", "referred", "GP the same day")
    decide(page, "caution", "cleared", "INR 2.3 checked")
    decide(page, "note", "noted")
    assert "0 open flags" in status.inner_text()
    assert status.locator(".status").inner_text().lower() == "reviewed"

    page.check(".consent-confirmation input[name=confirm]")
    page.click("button.confirm-consent")
    page.wait_for_load_state()
    assert page.locator(".consent-confirmed").inner_text().startswith(
        f"Consent confirmed in person by {STAFF_NAME} at ")
    assert status.locator(".status").inner_text().lower() == "cleared for needling"
    page.screenshot(path=str(tmp_path / "decided.png"), full_page=True)
    no_axe_violations(page)  # decided, with the history and the confirmation shown
    assert [event.action for event in store.audit_events(record.id)
            if event.action != "view"] == ["decide"] * 4 + ["consent"]
    assert store.get_intake(record.id).status == "cleared_for_needling"

    page.goto(f"http://127.0.0.1:{server.port}/")
    assert page.locator("ul.intakes li").count() == 2
    no_axe_violations(page)
    page.select_option("#status-filter", "cleared_for_needling")
    page.click("form.day-picker button")
    page.wait_for_load_state()
    rows = page.locator("ul.intakes li")
    assert rows.count() == 1 and record.short_code in rows.inner_text()
    assert "0 open" in rows.inner_text()
    page.select_option("#status-filter", "")
    page.select_option("#open-filter", "yes")
    page.click("form.day-picker button")
    page.wait_for_load_state()
    assert rows.count() == 1 and intake.short_code in rows.inner_text()
    assert "2 open" in rows.inner_text()
    # At 390 px the filters fit the screen: nothing scrolls sideways.
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    context.close()
