"""A patient checks in from Welcome to the QR code, and the store holds exactly what they gave."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from answers_fixture import complete_answers
from kiosk_patient import Patient
from kiosk_setup import (
    EVERY_TYPE,
    PUBLIC_URL,
    RECORD_ID,
    SHORT_CODE,
    every_type_answers,
    seed_draft,
)

from kiosk.intake import Flag
from kiosk.link import clinician_link
from kiosk.paths import BUNDLED_QUESTIONNAIRE
from kiosk.questionnaire.logic import raised_flags
from kiosk.store import StoreError
from screens.done_screen import DoneScreen
from screens.review_screen import ReviewScreen
from screens.welcome_screen import WelcomeScreen
from screens.widgets.qr_code import QRCode

REVIEW = 3  # the every-type questionnaire has three sections; index 3 is the review


@pytest.mark.parametrize(("size", "language"), [((80, 24), "en"), ((120, 40), "es")])
async def test_a_patient_answers_every_item_type_and_the_record_is_exactly_that(
        make_kiosk: Any, size: tuple[int, int], language: str) -> None:
    app = make_kiosk(EVERY_TYPE)
    answers = every_type_answers()
    async with app.run_test(size=size) as pilot:
        await Patient(pilot).check_in(answers, language)
        assert isinstance(app.screen, DoneScreen)
        take_a_seat = "Please take a seat" if language == "en" else "Por favor, tome asiento"
        await Patient(pilot).sees(SHORT_CODE, take_a_seat)
        assert app.screen.link == clinician_link(PUBLIC_URL, RECORD_ID)
        assert app.screen.query_one(QRCode).display
        assert app.check_in is None  # the answers are in the store, nowhere in the kiosk

    intake = make_kiosk.store.get_intake(RECORD_ID)
    assert intake.answers == answers
    assert intake.language == language
    assert intake.station == "front-desk"
    assert intake.flags == [
        Flag(item_id="blood_thinners", level="caution",
             message="Anticoagulated - check bleeding risk before needling."),
        Flag(item_id="pain_now", level="note", message="Severe pain today."),
    ]
    assert make_kiosk.store.load_draft("front-desk") is None


@pytest.mark.parametrize(("size", "knows_the_date"), [((80, 24), True), ((120, 40), False)])
async def test_the_bundled_intake_from_welcome_to_the_qr_code(
        make_kiosk: Any, size: tuple[int, int], knows_the_date: bool) -> None:
    app = make_kiosk(BUNDLED_QUESTIONNAIRE)
    answers = complete_answers()
    answers["consent"]["signed_on"] = dt.date.today().isoformat()
    answers["blood_thinners"] = True  # one safety answer the clinician must see first
    answers["blood_thinner_name"] = ["warfarin"]
    if not knows_the_date:  # then the kiosk asks for weeks instead: the number item
        del answers["pain_start_date"]
        answers["pain_weeks"] = 9
    async with app.run_test(size=size) as pilot:
        await Patient(pilot).check_in(answers)
        assert isinstance(app.screen, DoneScreen)
        await Patient(pilot).sees(SHORT_CODE)

    intake = make_kiosk.store.get_intake(SHORT_CODE)
    assert intake.answers == answers
    questionnaire = app.live.current
    assert intake.flags == raised_flags(questionnaire, answers)
    assert [(flag.item_id, flag.level) for flag in intake.flags] == [
        ("blood_thinners", "caution"), ("blood_thinner_name", "note")]
    assert intake.scores == {"psfs_mean": 3.0}


async def submit_a_resumed_check_in(patient: Patient) -> None:
    """The quick way to the QR screen: a check-in resumed at its review, then Submit."""
    await patient.resume()
    await patient.tap("#submit")
    await patient.app.store_settled()


async def test_done_goes_back_to_a_clean_welcome(make_kiosk: Any) -> None:
    seed_draft(make_kiosk.store, EVERY_TYPE, every_type_answers(), section_index=REVIEW)
    app = make_kiosk(EVERY_TYPE)
    async with app.run_test(size=(80, 24)) as pilot:
        patient = Patient(pilot)
        await submit_a_resumed_check_in(patient)
        await patient.tap("#done")
        assert isinstance(app.screen, WelcomeScreen)
        assert "Ana" not in await patient.sees("Start check-in")
        assert len(app.screen_stack) == 2


async def test_the_qr_screen_returns_to_welcome_by_itself(make_kiosk: Any) -> None:
    seed_draft(make_kiosk.store, EVERY_TYPE, every_type_answers(), section_index=REVIEW)
    app = make_kiosk(EVERY_TYPE, qr_timeout=2.0)
    async with app.run_test(size=(80, 24)) as pilot:
        patient = Patient(pilot)
        await submit_a_resumed_check_in(patient)
        # (the QR screen follows the save: wait for it rather than race it)
        await patient.wait_until(lambda: isinstance(app.screen, DoneScreen))
        await patient.wait_until(lambda: isinstance(app.screen, WelcomeScreen))


async def test_large_text_stays_on_for_this_patient_only(make_kiosk: Any) -> None:
    app = make_kiosk(EVERY_TYPE)
    async with app.run_test(size=(80, 24)) as pilot:
        patient = Patient(pilot)
        await patient.tap("#accessible")
        assert app.has_class("-accessible")
        await patient.start()
        await patient.answer_section(every_type_answers())
        await patient.next()
        assert app.has_class("-accessible")  # every screen of this check-in
        assert app.screen.query_one("#next").outer_size.height == 5  # bigger targets
        await patient.press("f12", *"1111", "escape")  # (staff modals keep it too)
        assert app.has_class("-accessible")
        await app.show_welcome()  # the next patient starts with the usual display
        assert not app.has_class("-accessible")


async def test_a_failed_save_says_so_calmly_and_submit_can_be_tapped_again(
        make_kiosk: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    def disk_full(intake: Any, questionnaire: Any) -> None:
        raise StoreError("no space left on the device")

    seed_draft(make_kiosk.store, EVERY_TYPE, every_type_answers(), section_index=REVIEW)
    app = make_kiosk(EVERY_TYPE)
    monkeypatch.setattr(make_kiosk.store, "save_intake", disk_full)
    async with app.run_test(size=(80, 24)) as pilot:
        patient = Patient(pilot)
        await patient.resume()
        await patient.tap("#submit")
        await patient.sees("We could not save your answers just now.")
        assert isinstance(app.screen, ReviewScreen)
        assert not app.screen.query_one("#submit").disabled
        monkeypatch.undo()
        await patient.tap("#submit")
        await patient.sees(SHORT_CODE)
    assert make_kiosk.store.get_intake(RECORD_ID).answers == every_type_answers()
