"""A returning patient checks in on the bundled follow-up, through the screen, and the store
holds what they gave: worse or spreading pain as a stop flag, a negative GROC as a negative
whole number whether tapped or typed."""

from __future__ import annotations

from typing import Any

import pytest
from follow_up_fixture import FOLLOW_UP, nothing_to_report
from kiosk_patient import Patient
from kiosk_setup import SHORT_CODE

from kiosk.questionnaire.logic import raised_flags
from screens.review_screen import ReviewScreen
from screens.widgets.rating_strip import RatingStrip


async def test_a_whole_follow_up_check_in_is_saved_as_given(make_kiosk: Any) -> None:
    app = make_kiosk(FOLLOW_UP)
    answers = {**nothing_to_report(), "soreness": "more_than_2_days", "groc": -2,
               "questions_for_therapist": "Can we try the other side?"}
    async with app.run_test(size=(80, 24)) as pilot:
        patient = Patient(pilot)
        await patient.check_in(answers)
        await patient.sees(SHORT_CODE)

    intake = make_kiosk.store.get_intake(SHORT_CODE)
    assert intake.answers == answers
    assert intake.questionnaire.id == "dry-needling-follow-up"
    assert [(flag.item_id, flag.level) for flag in intake.flags] == [("soreness", "note")]
    assert intake.flags == raised_flags(app.live.current, answers)
    assert intake.scores == {"psfs_mean": 5.0}


async def test_pain_worse_or_spreading_since_last_session_is_a_stop_in_the_record(
        make_kiosk: Any) -> None:
    app = make_kiosk(FOLLOW_UP)
    answers = {**nothing_to_report(), "pain_worse_or_spread": True,
               "last_session_details": "It spread down my leg"}
    async with app.run_test(size=(80, 24)) as pilot:
        patient = Patient(pilot)
        await patient.start("es")
        await patient.answer_section(answers)
        await patient.next()
        await patient.sees("Desde su última sesión, ¿el dolor está peor o se ha extendido?")
        assert not app.screen.query_one("#item-last_session_details").display
        await patient.answer_section(answers)  # "Sí" opens the question asking for more
        assert app.screen.query_one("#item-last_session_details").display
        await patient.next()
        while not isinstance(app.screen, ReviewScreen):
            await patient.answer_section(answers)
            await patient.next()
        await patient.submit()

    intake = make_kiosk.store.get_intake(SHORT_CODE)
    assert intake.language == "es"
    assert intake.answers == answers
    stop = intake.flags[0]
    assert (stop.item_id, stop.level) == ("pain_worse_or_spread", "stop")
    assert stop.message == "Pain worse or spreading since last session - review before needling."


async def reach_progress(patient: Patient, answers: dict[str, Any]) -> None:
    """Answer the four pages before the progress page, and stop on it."""
    await patient.start()
    for _ in range(4):
        await patient.answer_section(answers)
        await patient.next()
    await patient.wait_until(lambda: bool(patient.app.screen.query("#item-groc")))


@pytest.mark.parametrize(("way", "expected"), [("taps", -6), ("keys", -4)])
async def test_a_negative_groc_by_taps_and_by_keys_is_stored_as_a_negative_number(
        make_kiosk: Any, way: str, expected: int) -> None:
    answers = nothing_to_report()
    app = make_kiosk(FOLLOW_UP)
    async with app.run_test(size=(80, 24)) as pilot:
        patient = Patient(pilot)
        await reach_progress(patient, answers)
        groc = app.screen.query_one("#item-groc")
        strip = groc.query_one(RatingStrip)
        await patient.sees("-7 = A very great deal worse", "A very great deal better = +7")
        if way == "taps":
            await patient.choose(groc, 0)  # -7 first, then the patient changes their mind
            await patient.choose(groc, 1)
        else:
            await patient.answer_section({"pain_now": answers["pain_now"]})
            await patient.press("tab")  # from the pain scale to the GROC
            assert app.focused is strip
            await patient.press("minus", "4")
        assert app.check_in.answers["groc"] == expected
        assert [strip.labels[index] for index in strip.chosen] == [f"{expected}"]
        await patient.answer_section({key: value for key, value in answers.items()
                                      if key != "groc"})
        await patient.next()
        await patient.wait_until(lambda: bool(app.screen.query("#answer-groc")))  # the review
        app.screen.query_one("#answer-groc").scroll_visible(animate=False)
        await patient.sees(f"{expected} (from -7 to +7)")
        await patient.submit()
    stored = make_kiosk.store.get_intake(SHORT_CODE).answers["groc"]
    assert stored == expected and type(stored) is int
