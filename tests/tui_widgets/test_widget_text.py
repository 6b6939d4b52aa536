"""Typed answers: length limits with their counter, numbers and dates checked by the core."""

from __future__ import annotations

from textual import events
from widget_harness import find_text

from kiosk.questionnaire.messages import message
from screens.widgets.patient_input import PatientInput, PatientTextArea

NAME = {"id": "name", "type": "text", "label": "Your full name", "max_length": 12}
STORY = {"id": "story", "type": "long_text", "label": "How did it start?", "max_length": 20}
WEIGHT = {"id": "weight", "type": "number", "label": "Your weight", "unit": "kg",
          "min": 20, "max": 300}
BORN = {"id": "born", "type": "date", "label": "Date of birth", "past_only": True}


async def test_text_counts_up_to_its_limit_and_stops_there(harness) -> None:
    app = harness(NAME)
    async with app.run_test(size=(80, 24)) as pilot:
        widget = app.widget("name")
        find_text(app, "0 / 12")
        await pilot.click(PatientInput)
        await pilot.press(*"Ana Lucía")
        assert widget.value == "Ana Lucía"
        find_text(app, "9 / 12")
        await pilot.press(*" Torres")  # 16 characters wanted, 12 allowed
        assert widget.value == "Ana Lucía To"
        find_text(app, "12 / 12")
    assert app.changes[0] == ("name", "A")
    assert app.changes[-1] == ("name", "Ana Lucía To")


async def test_long_text_keeps_lines_and_trims_a_paste_to_the_limit(harness) -> None:
    app = harness(STORY)
    async with app.run_test(size=(80, 24)) as pilot:
        widget = app.widget("story")
        widget.focus_input()
        await pilot.press(*"Fell", "enter", *"skiing")
        assert widget.value == "Fell\nskiing"
        find_text(app, "11 / 20")
        app.query_one(PatientTextArea).post_message(events.Paste(" in March, on ice, badly"))
        await pilot.pause()
        assert widget.value == "Fell\nskiing in March"  # 9 of the 24 fit
        find_text(app, "20 / 20")


async def test_number_with_unit_and_the_cores_message_when_out_of_range(harness) -> None:
    app = harness(WEIGHT, NAME)
    async with app.run_test(size=(80, 24)) as pilot:
        widget = app.widget("weight")
        find_text(app, "kg")
        widget.focus_input()
        await pilot.press(*"7x2.5")  # the letter is refused
        assert widget.value == 72.5
        await pilot.press("ctrl+u", *"500", "tab")  # leave the box
        assert widget.value == "500"  # not a valid answer: the section check will say why
        assert widget.problem == message("above_max", "en", max="300")
        find_text(app, "Please enter 300 or less.")
        widget.focus_input()
        await pilot.press("ctrl+u", *"80")
        assert widget.value == 80
        assert widget.problem is None


async def test_date_with_hint_and_the_cores_message_for_a_future_date(harness) -> None:
    app = harness(BORN, NAME, language="es")
    async with app.run_test(size=(80, 24)) as pilot:
        widget = app.widget("born")
        find_text(app, "por ejemplo 1980-04-23")
        widget.focus_input()
        await pilot.press(*"2999-01-01", "enter")
        assert widget.problem == message("future_date", "es")
        await pilot.press("ctrl+u", *"1980/04")  # only digits and dashes go in
        assert widget.value == "198004"
        await pilot.press("ctrl+u", *"1980-04-23", "tab")
        assert widget.value == "1980-04-23"
        assert widget.problem is None


async def test_a_date_typed_without_dashes_is_read_as_a_date(harness) -> None:
    app = harness(BORN)
    async with app.run_test(size=(80, 24)) as pilot:
        app.widget("born").focus_input()
        await pilot.press(*"19800423")
        assert app.widget("born").value == "1980-04-23"
