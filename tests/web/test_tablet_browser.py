"""Tablets in a browser: Debian's chromium with touch, on a real ``kiosk web``.

A patient taps Start, answers the first section by taps, and the draft is in the
store; types on the on-screen keyboard, submits, and the record is there. Two
tablets at once (one held upright) are two stations with two drafts and two records.
"""

from __future__ import annotations

from collections.abc import Callable

import zxingcpp
from PIL import Image

from web.conftest import PUBLIC_URL, TABLET, KioskWeb, eventually, stop_kiosk_web
from web.tablet import Tablet

FIRST_SECTION = {"blood_thinners": True, "visit": "follow_up", "pain_now": 7}


def answer_first_section(tablet: Tablet, blood_thinners: str, visit: str, pain: int) -> None:
    tablet.tap("Start check-in")
    tablet.wait_for("Step 1 of 3")
    tablet.choose(blood_thinners, below="Do you take a blood thinner?")
    tablet.choose(visit, below="Is this your first visit?")
    tablet.choose(f" {pain} ", below="Your pain right now")
    tablet.tap("Next ▸")
    tablet.wait_for("What brings you in today?")


def type_reason(tablet: Tablet, reason: str) -> None:
    """Tap the text box and type on the on-screen keyboard."""
    label_row, _ = tablet.wait_for("What brings you in today?")
    tablet.tap_cell(label_row + 2, 10)  # inside the box drawn under the label
    assert tablet.focused_element() == "xterm-helper-textarea", \
        "the tap must focus the page's text field, which is what opens a tablet's keyboard"
    tablet.type_on_screen_keyboard(reason)
    tablet.wait_for(reason)


def submit(tablet: Tablet) -> None:
    tablet.tap("Next ▸")
    tablet.wait_for("Please check your answers")
    tablet.tap("Submit ▸")
    tablet.wait_for("Please take a seat")


def test_a_patient_taps_through_on_a_tablet_and_the_store_has_the_draft_then_the_record(
        kiosk_web: Callable[..., KioskWeb], new_tablet: Callable[..., Tablet]) -> None:
    server = kiosk_web("--no-serve")
    tablet = new_tablet("tablet")
    tablet.page.goto(server.url)
    tablet.wait_for("Start check-in")
    tablet.shoot("welcome")
    assert tablet.focused_element() != "xterm-helper-textarea", \
        "nothing should ask for the keyboard before the patient touches the screen"

    answer_first_section(tablet, "Yes", "Follow-up", 7)
    tablet.shoot("second-section")
    assert eventually(lambda: len(server.drafts()) == 1)  # saved just after the Next
    (station, draft), = server.drafts().items()
    assert station.startswith("web-")
    assert draft.answers == FIRST_SECTION
    assert draft.section_index == 1

    # The on-screen keyboard takes half the screen; the page shrinks above it and the
    # kiosk lays itself out again in fewer rows, the box and Next still in sight.
    rows_before = tablet.screen.lines if tablet.screen else 0
    tablet.resize(1024, 430)
    assert tablet.screen is not None and tablet.screen.lines < rows_before
    tablet.wait_for("What brings you in today?")
    tablet.wait_for("Next ▸")
    tablet.shoot("keyboard-open")
    type_reason(tablet, "Knee hurts on stairs")
    tablet.resize(TABLET["width"], TABLET["height"])  # the patient closes the keyboard
    submit(tablet)
    qr_picture = tablet.shoot("qr")

    (record,) = server.store.list_intakes()
    assert record.station == station
    assert record.answers == {**FIRST_SECTION, "reason": "Knee hurts on stairs"}
    assert [flag.level for flag in record.flags] == ["caution"]
    assert eventually(lambda: server.drafts() == {}), "a submitted check-in leaves no draft"
    assert tablet.find(record.short_code) is not None, "the short code is on the QR screen"
    # The QR code as the browser draws it opens this record for the clinician.
    (code,) = zxingcpp.read_barcodes(Image.open(qr_picture))
    assert code.text == f"{PUBLIC_URL}/i/{record.id}"


def test_two_tablets_at_once_are_two_stations_with_their_own_drafts_and_records(
        kiosk_web: Callable[..., KioskWeb], new_tablet: Callable[..., Tablet]) -> None:
    server = kiosk_web("--viewer-port", "0")
    first, second = new_tablet("first"), new_tablet("second", portrait=True)
    first.page.goto(server.url)
    second.page.goto(server.url)
    first.wait_for("Start check-in")
    second.wait_for("Start check-in")
    assert second.screen is not None and second.screen.columns >= 80, \
        "upright, the page makes its text smaller rather than cut the kiosk off"

    answer_first_section(first, "Yes", "Follow-up", 7)
    answer_first_section(second, "No", "First visit", 2)
    assert eventually(lambda: len(server.drafts()) == 2)
    drafts = server.drafts()
    assert len(drafts) == 2
    assert sorted(draft.answers["pain_now"] for draft in drafts.values()) == [2, 7]
    assert all(station.startswith("web-") for station in drafts)

    type_reason(second, "Stiff neck")
    type_reason(first, "Sore shoulder")
    submit(first)
    submit(second)
    pictures = [first.shoot("qr"), second.shoot("qr")]
    records = {record.answers["reason"]: record for record in server.store.list_intakes()}
    assert set(records) == {"Sore shoulder", "Stiff neck"}
    assert records["Sore shoulder"].answers["pain_now"] == 7
    assert records["Stiff neck"].answers["blood_thinners"] is False
    assert records["Sore shoulder"].station != records["Stiff neck"].station
    assert {record.station for record in records.values()} == set(drafts)
    links = [code.text for picture in pictures
             for code in zxingcpp.read_barcodes(Image.open(picture))]
    assert links == [f"{PUBLIC_URL}/i/{records[reason].id}"
                     for reason in ("Sore shoulder", "Stiff neck")]


def test_closing_a_tab_mid_check_in_deletes_its_draft_and_stops_its_kiosk(
        kiosk_web: Callable[..., KioskWeb], new_tablet: Callable[..., Tablet]) -> None:
    server = kiosk_web("--no-serve")
    leaving, staying = new_tablet("leaving"), new_tablet("staying")
    for tablet in (leaving, staying):
        tablet.page.goto(server.url)
        tablet.wait_for("Start check-in")
        answer_first_section(tablet, "No", "First visit", 3)
    assert eventually(lambda: len(server.drafts()) == 2)
    assert len(server.kiosk_processes()) == 2

    leaving.page.close()
    assert eventually(lambda: len(server.drafts()) == 1), \
        "the closed tab's half-done intake must not stay on disk"
    assert eventually(lambda: len(server.kiosk_processes()) == 1)
    (draft,) = server.drafts().values()
    assert draft.answers["pain_now"] == 3
    staying.tap("◂ Back")
    staying.wait_for("Do you take a blood thinner?")

    # Staff stop the server: the tablet left open says so and offers to start again.
    assert stop_kiosk_web(server) == 0
    staying.page.locator(".ended button").wait_for(state="visible", timeout=10_000)
    assert staying.page.locator(".ended button").inner_text() == \
        "Start again · Empezar de nuevo"
    assert server.left_behind == [] and server.drafts() == {}

