"""End to end in a real browser: Debian's chromium, driven by Playwright, as a clinic phone.

Scan the QR link, log in, see the stop flag and the marked body-map regions, mark reviewed.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from kiosk.intake import Intake
from kiosk.store import Store
from viewer.conftest import STAFF_NAME, STAFF_PASSWORD, ViewerServer

PHONE = {"width": 390, "height": 844}


def test_a_clinician_opens_the_qr_link_logs_in_and_marks_reviewed(
        chromium: Any, server: ViewerServer, intake: Intake, store: Store,
        tmp_path: Path) -> None:
    context = chromium.new_context(viewport=PHONE, device_scale_factor=2, is_mobile=True)
    page = context.new_page()
    blocked: list[str] = []
    page.on("console", lambda message: blocked.append(message.text)
            if "Content Security Policy" in message.text else None)
    qr_link = f"http://127.0.0.1:{server.port}/i/{intake.id}"

    page.goto(qr_link)
    assert page.url.startswith(f"http://127.0.0.1:{server.port}/login?next=")
    page.fill("#username", STAFF_NAME)
    page.fill("#password", STAFF_PASSWORD)
    page.click("button:has-text('Log in')")
    page.wait_for_url(qr_link)

    stop = page.locator(".flag-stop")
    assert stop.is_visible()
    assert "Needle phobia" in stop.inner_text()
    # The stylesheet loaded under the CSP: the stop group is drawn in red.
    assert stop.evaluate("e => getComputedStyle(e).borderLeftColor") == "rgb(179, 20, 27)"
    chosen = page.locator("rect.chosen")
    assert chosen.count() == 2
    assert {chosen.nth(i).get_attribute("data-region") for i in range(2)} == \
        {"back.low_back.right", "back.buttock.right"}
    assert chosen.first.evaluate("e => getComputedStyle(e).fill") == "rgb(214, 40, 31)"
    assert page.locator("rect.region:not(.chosen)").first.evaluate(
        "e => getComputedStyle(e).fill") == "rgb(233, 236, 239)"
    page.screenshot(path=str(tmp_path / "record-before-review.png"), full_page=True)

    page.click("button:has-text('Mark reviewed')")
    page.wait_for_url(qr_link)
    assert page.locator(".reviewed").inner_text().startswith(f"Reviewed by {STAFF_NAME} at ")
    assert page.locator("button:has-text('Mark reviewed')").count() == 0
    screenshot = tmp_path / "record-reviewed.png"
    page.screenshot(path=str(screenshot), full_page=True)
    assert screenshot.stat().st_size > 10_000

    assert store.get_intake(intake.id).status == "reviewed"
    assert not blocked, blocked  # nothing on the page needed inline script or style
    context.close()
