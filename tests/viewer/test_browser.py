"""End to end in a real browser: Debian's chromium, driven by Playwright, as a clinic phone.

Scan the QR link, log in, see the stop flag and the marked body-map regions, mark reviewed;
open a follow-up and see the patient, the standing and new flags, and the trend.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from kiosk.intake import Intake
from kiosk.store import Store
from viewer.conftest import STAFF_NAME, STAFF_PASSWORD, ViewerServer
from viewer.course_fixture import save_course

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


def point_values(page: Any, measure: str) -> dict[int, float]:
    """Each point of a trend figure read back as a value, from where it is drawn.

    The figure's lowest and highest gridlines say which height means which value.
    """
    figure = page.locator(f'svg.trend[data-measure="{measure}"]')
    ticks = figure.locator("line.grid")
    heights = {float(ticks.nth(i).get_attribute("data-tick") or "nan"):
               float(ticks.nth(i).get_attribute("y1") or "nan") for i in range(ticks.count())}
    low, high = min(heights), max(heights)
    points = figure.locator("circle.point")
    values = {}
    for i in range(points.count()):
        y = float(points.nth(i).get_attribute("cy") or "nan")
        share = (heights[low] - y) / (heights[low] - heights[high])
        values[int(points.nth(i).get_attribute("data-visit") or 0)] = low + share * (high - low)
    return values


def test_a_follow_up_on_a_phone_shows_who_what_stands_what_is_new_and_the_trend(
        chromium: Any, server: ViewerServer, store: Store, tmp_path: Path) -> None:
    course = save_course(store)
    context = chromium.new_context(viewport=PHONE, device_scale_factor=2, is_mobile=True)
    page = context.new_page()
    blocked: list[str] = []
    page.on("console", lambda message: blocked.append(message.text)
            if "Content Security Policy" in message.text else None)
    link = f"http://127.0.0.1:{server.port}/i/{course[2].id}"
    page.goto(link)
    page.fill("#username", STAFF_NAME)
    page.fill("#password", STAFF_PASSWORD)
    page.click("button:has-text('Log in')")
    page.wait_for_url(link)

    # The banner comes first: who this is, before any flag.
    banner = page.locator(".banner")
    assert banner.bounding_box()["y"] < page.locator(".flags").bounding_box()["y"]
    assert banner.locator(".patient-name").inner_text() == "Ana María López"
    facts = banner.locator(".patient-facts").inner_text()
    assert "born 1979-05-14" in facts and "visit 3 of 3" in facts and "47 years" in facts

    # Today's stop (not new: visit 2 raised it too), then the new blood thinner, marked.
    today = page.locator(".flags > .flag-group")
    assert [today.nth(i).get_attribute("class") for i in range(today.count())] == \
        ["flag-group flag-stop", "flag-group flag-caution"]
    new = page.locator(".new-flag")
    assert new.count() == 1
    assert "New blood thinner" in new.locator("xpath=..").inner_text()
    standing = page.locator(".standing")
    assert standing.is_visible()
    lines = standing.locator("li")
    assert [lines.nth(i).locator("strong").inner_text() for i in range(lines.count())] == \
        ["Heart valve disease - infection risk.", "Latex allergy - use latex-free gloves."]
    assert all(lines.nth(i).locator(".since").inner_text() == "from visit 1, 2 Nov"
               for i in range(lines.count()))

    # Each visit links to its page; this one is marked as the current page.
    visits = page.locator(".visit-list a")
    assert [visits.nth(i).get_attribute("href") for i in range(3)] == \
        [f"/i/{visit.id}" for visit in course]
    assert visits.nth(2).get_attribute("aria-current") == "page"

    # The figures' points sit where the stored scores put them, GROC below zero included.
    stored = [store.get_intake(visit.id) for visit in course]
    assert point_values(page, "pain") == pytest.approx(
        {n: visit.answers["pain_now"] for n, visit in enumerate(stored, start=1)}, abs=0.06)
    assert point_values(page, "psfs") == pytest.approx(
        {n: visit.scores["psfs_mean"] for n, visit in enumerate(stored, start=1)}, abs=0.06)
    assert point_values(page, "groc") == pytest.approx(
        {2: stored[1].answers["groc"], 3: stored[2].answers["groc"]}, abs=0.06)
    # Readable on the phone: the figures fit the screen and their figures are not tiny.
    chart = page.locator('svg.trend[data-measure="groc"]')
    assert chart.bounding_box()["width"] <= PHONE["width"]
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    assert chart.locator("text.value").first.bounding_box()["height"] >= 10
    # The same figures as a table, for screen readers.
    rows = page.locator(".trend-table tbody tr")
    assert [rows.nth(i).inner_text().split("\t")[1:] for i in range(3)] == \
        [["7", "2.5", "not recorded"], ["5", "4.5", "-2"], ["3", "7", "+4"]]
    page.screenshot(path=str(tmp_path / "follow-up.png"), full_page=True)
    assert not blocked, blocked
    context.close()
