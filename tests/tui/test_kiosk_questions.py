"""Answering on the section screens: follow-ups, messages and focus, Back, Edit, hostile text."""

from __future__ import annotations

from typing import Any

from kiosk_patient import Patient
from kiosk_setup import EVERY_TYPE, RECORD_ID, every_type_answers, seed_draft
from textual.widgets import Input

from screens.review_screen import ReviewScreen
from screens.section_screen import SectionScreen

REVIEW = 3  # the every-type questionnaire has three sections; index 3 is the review


def is_shown(app: Any, item_id: str) -> bool:
    return bool(app.screen.query_one(f"#item-{item_id}").display)


def problem_of(app: Any, item_id: str) -> str | None:
    return app.screen.query_one(f"#item-{item_id}").problem  # type: ignore[no-any-return]


def focused_item(app: Any) -> str | None:
    """The id of the question holding the focus."""
    node = app.focused
    while node is not None and not (node.id or "").startswith("item-"):
        node = node.parent
    return None if node is None else node.id.removeprefix("item-")


async def test_a_follow_up_appears_at_once_and_takes_its_answer_when_it_goes(
        make_kiosk: Any) -> None:
    app = make_kiosk(EVERY_TYPE)
    async with app.run_test(size=(80, 24)) as pilot:
        patient = Patient(pilot)
        await patient.start()
        assert not is_shown(app, "blood_thinner_name")
        thinners = app.screen.query_one("#item-blood_thinners")
        await patient.choose(thinners, 0)  # Yes
        assert is_shown(app, "blood_thinner_name")
        page = app.screen.page
        place = page.children.index(app.screen.query_one("#item-blood_thinner_name"))
        await patient.type_into(app.screen.query_one("#item-blood_thinner_name Input", Input),
                                "Warfarin")
        assert app.check_in.answers["blood_thinner_name"] == "Warfarin"

        await patient.choose(thinners, 1)  # No: the follow-up goes, and its answer with it
        assert not is_shown(app, "blood_thinner_name")
        assert "blood_thinner_name" not in app.check_in.answers
        assert "Warfarin" not in await patient.sees("Do you take a blood thinner?")

        await patient.choose(thinners, 0)  # Yes again: an empty question, not the old answer
        assert is_shown(app, "blood_thinner_name")
        assert app.screen.query_one("#item-blood_thinner_name Input", Input).value == ""
        assert page.children.index(app.screen.query_one("#item-blood_thinner_name")) == place


async def test_next_on_an_incomplete_section_says_what_is_missing_and_focuses_it(
        make_kiosk: Any) -> None:
    app = make_kiosk(EVERY_TYPE)
    async with app.run_test(size=(80, 24)) as pilot:
        patient = Patient(pilot)
        await patient.start()
        await patient.next()
        assert isinstance(app.screen, SectionScreen) and app.screen.index == 0
        assert problem_of(app, "full_name") == "Please answer this question."
        assert problem_of(app, "age") == "Please answer this question."
        assert problem_of(app, "blood_thinners") == "Please answer this question."
        assert problem_of(app, "birthday") is None  # optional
        await patient.wait_until(lambda: focused_item(app) == "full_name")
        await patient.sees("Please check the highlighted questions.")

        await patient.type_into(app.screen.query_one("#item-full_name Input", Input), "Ana")
        await patient.type_into(app.screen.query_one("#item-age Input", Input), "130")
        await patient.choose(app.screen.query_one("#item-blood_thinners"), 1)
        await patient.press("ctrl+n")  # the Next key
        assert app.screen.index == 0
        assert problem_of(app, "full_name") is None
        assert problem_of(app, "age") == "Please enter 120 or less."
        await patient.wait_until(lambda: focused_item(app) == "age")
        await patient.sees("Please enter 120 or less.")

        box = app.screen.query_one("#item-age Input", Input)
        await patient.type_into(box, "")
        await patient.press("backspace", "backspace")  # "130" -> "1"
        await patient.next()
        assert app.screen.index == 1


async def test_back_keeps_every_answer_even_on_a_page_built_again(make_kiosk: Any) -> None:
    app = make_kiosk(EVERY_TYPE)
    answers = every_type_answers()
    async with app.run_test(size=(80, 24)) as pilot:
        patient = Patient(pilot)
        await patient.start()
        await patient.answer_section(answers)
        await patient.next()
        await patient.answer_section(answers)
        await patient.next()
        assert app.screen.index == 2
        await patient.press("ctrl+b")
        await patient.back()
        assert app.screen.index == 0
        assert app.screen.query_one("#item-full_name Input", Input).value == "Ana María López"
        assert app.screen.query_one("#item-age Input", Input).value == "46"
        assert app.screen.query_one("#item-blood_thinners").value is True
        assert app.screen.query_one("#item-blood_thinner_name").value == "Warfarin"
        await patient.next()
        assert app.screen.index == 1
        assert app.screen.query_one("#item-pain_now").value == 8
        assert app.screen.query_one("#item-pain_areas").value == answers["pain_areas"]
        assert app.screen.query_one("#item-worse_with").value == answers["worse_with"]


async def test_edit_from_review_returns_to_review_with_the_other_answers_intact(
        make_kiosk: Any) -> None:
    answers = every_type_answers()
    seed_draft(make_kiosk.store, EVERY_TYPE, answers, section_index=REVIEW)
    app = make_kiosk(EVERY_TYPE)
    async with app.run_test(size=(120, 40)) as pilot:
        patient = Patient(pilot)
        await patient.resume()
        assert isinstance(app.screen, ReviewScreen)
        await patient.sees("8 of 10")
        await patient.tap("#edit-1")  # "Your pain"
        assert isinstance(app.screen, SectionScreen) and app.screen.index == 1
        assert "Review" in str(app.screen.query_one("#next").label)
        await patient.choose(app.screen.query_one("#item-pain_now"), 3)
        await patient.next()
        assert isinstance(app.screen, ReviewScreen)
        shown = await patient.sees("3 of 10")
        assert "8 of 10" not in shown
        assert "Ana María López" in shown and "Warfarin" in shown
        await patient.tap("#back")
        assert isinstance(app.screen, SectionScreen) and app.screen.index == 2
        await patient.next()
        await patient.submit()
    assert make_kiosk.store.get_intake(RECORD_ID).answers == {**answers, "pain_now": 3}


async def test_patient_text_is_shown_as_typed_and_never_as_markup(make_kiosk: Any) -> None:
    hostile = "[bold]Eve[/] [@click=app.quit]x[/] [link=http://evil]y"
    answers = {**every_type_answers(), "full_name": hostile,
               "consent": {"agreed": True, "name": hostile, "signed_on": "2025-01-01"}}
    app = make_kiosk(EVERY_TYPE, clinic_name="[red]Riverside[/red] [b")
    async with app.run_test(size=(120, 40)) as pilot:
        patient = Patient(pilot)
        await patient.sees("[red]Riverside[/red] [b")
        await patient.start()
        box = app.screen.query_one("#item-full_name Input", Input)
        await patient.type_into(box, "\x1b[31m" + hostile + "\x07")
        assert box.value == hostile  # the escape sequence and the bell never got in
        for _ in range(3):
            await patient.answer_section({k: v for k, v in answers.items()
                                          if k != "full_name"})
            await patient.next()
        assert isinstance(app.screen, ReviewScreen)
        await patient.sees(hostile)
        await patient.tap("#submit")
        await app.store_settled()
        assert app.is_running
    assert make_kiosk.store.get_intake(RECORD_ID).answers["full_name"] == hostile
