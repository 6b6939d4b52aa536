"""Consent (read, tick, sign) and the activities list (PSFS): rows added, rated, removed."""

from __future__ import annotations

import datetime as dt

from textual.widgets import Button
from widget_harness import find_text, tile_centre

from kiosk.questionnaire.logic import evaluate
from kiosk.questionnaire.messages import message
from screens.widgets.activity_row import ActivityRow
from screens.widgets.choice_list import ChoiceList
from screens.widgets.choice_row import ChoiceRow
from screens.widgets.patient_input import PatientInput

NAME = {"id": "full_name", "type": "text", "label": "Your full name"}
CONSENT = {"id": "consent", "type": "consent", "label": "Consent to dry needling",
           "text": "Dry needling uses thin needles.\nBruising and soreness can follow.\n"
                   + "\n".join(f"Point {n}." for n in range(1, 20)),
           "name_item": "full_name", "required": True}
ACTIVITIES = {"id": "psfs", "type": "activities", "label": "Activities that are hard now",
              "max_rows": 3, "rating_min_label": "Unable", "rating_max_label": "As before"}


async def test_consent_is_agreed_and_signed_and_the_core_checks_the_name(harness) -> None:
    app = harness(NAME, CONSENT, values={"full_name": "Ana Pérez"})
    async with app.run_test(size=(80, 40)) as pilot:
        widget = app.widget("consent")
        find_text(app, "Dry needling uses thin needles.")
        assert widget.value is None
        widget.focus_input()  # nothing done yet: the "I agree" tick comes first
        await pilot.press("space")
        name_box = widget.query_one(PatientInput)
        await pilot.click(name_box)
        await pilot.press(*"Ana Peres")
        today = dt.date.today().isoformat()
        assert widget.value == {"agreed": True, "name": "Ana Peres", "signed_on": today}
        answers = {"full_name": "Ana Pérez", "consent": widget.value}
        problems = evaluate(app.questionnaire, answers).problems
        assert problems == {"consent": message("consent_name_match", "en", name="Ana Pérez")}
        await pilot.press("backspace", "z")
        assert evaluate(app.questionnaire, {**answers, "consent": widget.value}).ok
        agree = widget.query_one(ChoiceList)
        await pilot.click(agree, offset=tile_centre(agree, 0))  # untick
        assert widget.value == {"agreed": False, "name": "Ana Perez", "signed_on": today}


async def test_consent_text_scrolls_when_long(harness) -> None:
    app = harness(CONSENT)
    async with app.run_test(size=(80, 24)) as pilot:
        text_box = app.widget("consent").query_one(".consent-text")
        assert text_box.max_scroll_y > 0  # 21 lines in a 10-line box
        await pilot.click(text_box)
        await pilot.press("end")
        assert text_box.scroll_y == text_box.max_scroll_y


async def test_activities_rows_are_written_rated_added_and_removed(harness) -> None:
    app = harness(ACTIVITIES)
    async with app.run_test(size=(80, 40)) as pilot:
        widget = app.widget("psfs")
        assert widget.value is None
        assert len(widget.query(ActivityRow)) == 1
        widget.focus_input()
        await pilot.press(*"Lifting my son")
        first = widget.query_one(ActivityRow)
        rating = first.query_one(ChoiceRow)
        await pilot.click(rating, offset=tile_centre(rating, 3))
        assert widget.value == [{"activity": "Lifting my son", "rating": 3}]
        find_text(app, "0 = Unable")

        add = widget.query_one(".add", Button)
        await pilot.click(add)
        await pilot.press(*"Running")  # the new row's box has the cursor
        await pilot.press("tab", "7")  # to its rating, then a digit
        await pilot.click(add)
        assert len(widget.query(ActivityRow)) == 3
        assert not add.display  # three is this item's maximum
        find_text(app, "Activity 3")
        assert widget.value == [{"activity": "Lifting my son", "rating": 3},
                                {"activity": "Running", "rating": 7}]

        await pilot.click(first.query_one(".remove", Button))
        assert widget.value == [{"activity": "Running", "rating": 7}]
        assert add.display
        await pilot.pause()
        find_text(app, "Activity 2")  # renumbered: the two rows left are 1 and 2
        assert "Activity 3" not in "".join(app.export_screenshot())
    assert app.changes[-1] == ("psfs", [{"activity": "Running", "rating": 7}])


async def test_activities_restore_kept_rows(harness) -> None:
    kept = [{"activity": "Gardening", "rating": 2}, {"activity": "Stairs", "rating": 5}]
    app = harness(ACTIVITIES, values={"psfs": kept})
    async with app.run_test(size=(80, 40)):
        widget = app.widget("psfs")
        assert widget.value == kept
        assert [row.query_one(PatientInput).value for row in widget.query(ActivityRow)] == [
            "Gardening", "Stairs"]
        assert app.changes == []
