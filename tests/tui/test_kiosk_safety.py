"""The kiosk keeps itself safe: idle reset, draft resume, staff-only exit, errors, file edits."""

from __future__ import annotations

import logging
import os
from pathlib import Path
from typing import Any

import pytest
from kiosk_patient import Patient
from kiosk_setup import (
    EVERY_TYPE,
    STAFF_PIN,
    STATION,
    every_type_answers,
    screen_text,
    seed_draft,
    what_the_terminal_shows,
)
from textual.command import CommandPalette
from textual.pilot import Pilot
from textual.widgets import Input, TextArea

from kiosk.commands.run import keep_running
from screens.app import KioskApp
from screens.live_questionnaire import LiveQuestionnaire, QuestionnaireFileError
from screens.notice_screen import NoticeScreen
from screens.resume_screen import ResumeScreen
from screens.section_page import SectionPage
from screens.section_screen import SectionScreen
from screens.staff_screen import StaffScreen
from screens.still_there_screen import StillThereScreen
from screens.welcome_screen import WelcomeScreen

# A draft after the first questions: continuing it asks for this date of birth.
ANA_SO_FAR = {"full_name": "Ana", "birthday": "1979-05-14"}
ERASE_DATE = ("end", *["backspace"] * 10)


def typed_anywhere(app: KioskApp) -> list[str]:
    """Every text box's content on every screen the app holds."""
    return [box.text if isinstance(box, TextArea) else box.value
            for screen in app.screen_stack for box in screen.query("Input, TextArea")
            if (box.text if isinstance(box, TextArea) else box.value)]


async def answer_first_section(patient: Patient) -> None:
    await patient.start()
    await patient.answer_section(every_type_answers())
    await patient.next()
    await patient.app.store_settled()


async def test_nobody_answers_still_there_so_everything_is_cleared(make_kiosk: Any) -> None:
    seed_draft(make_kiosk.store, EVERY_TYPE, every_type_answers(), section_index=1)
    app = make_kiosk(EVERY_TYPE, idle_timeout=2.0, still_there_seconds=1)
    async with app.run_test(size=(80, 24)) as pilot:
        patient = Patient(pilot)
        await patient.resume()
        await patient.back()  # the patient's name is on screen again
        assert "Ana María López" in typed_anywhere(app)
        await patient.sees("Are you still there?", "answers will be cleared in 1 s")
        assert isinstance(app.screen, StillThereScreen)
        # The question covers the answers: none of them shows around it.
        shown = what_the_terminal_shows(app)
        assert "Are you still there?" in shown and "López" not in shown
        await patient.wait_until(lambda: isinstance(app.screen, WelcomeScreen))
        await app.store_settled()
        assert app.check_in is None
        assert not any(isinstance(screen, SectionScreen) for screen in app.screen_stack)
        assert typed_anywhere(app) == []
        shown = await patient.sees("Start check-in")
        assert "Ana" not in shown and "Warfarin" not in shown
        assert make_kiosk.store.load_draft(STATION) is None


async def test_i_am_here_keeps_the_answers(make_kiosk: Any) -> None:
    seed_draft(make_kiosk.store, EVERY_TYPE, dict(ANA_SO_FAR), section_index=0)
    app = make_kiosk(EVERY_TYPE, idle_timeout=0.5, still_there_seconds=30)
    async with app.run_test(size=(80, 24)) as pilot:
        patient = Patient(pilot)
        await patient.resume()
        await patient.wait_until(lambda: isinstance(app.screen, StillThereScreen))
        await patient.tap("#im-here")
        assert isinstance(app.screen, SectionScreen)
        assert app.screen.query_one("#item-full_name Input", Input).value == "Ana"
        assert app.check_in.answers["full_name"] == "Ana"
        assert make_kiosk.store.load_draft(STATION) is not None
        await patient.wait_until(lambda: isinstance(app.screen, StillThereScreen))  # again


async def test_a_restarted_kiosk_offers_to_continue_a_recent_check_in(make_kiosk: Any) -> None:
    first = make_kiosk(EVERY_TYPE)
    async with first.run_test(size=(80, 24)) as pilot:
        await answer_first_section(Patient(pilot))
        assert first.screen.index == 1
    # The kiosk stopped (power cut, crash); a new one starts on the same data.
    second = make_kiosk(EVERY_TYPE)
    async with second.run_test(size=(80, 24)) as pilot:
        patient = Patient(pilot)
        assert isinstance(second.screen, ResumeScreen)
        shown = await patient.sees("Continue where you left off", "Start over",
                                   "please type your date of birth", "YYYY-MM-DD")
        for of_the_draft in ("Ana", "1979", "46", "Warfarin", "About you", "Your pain", "Step"):
            assert of_the_draft not in shown  # the offer reveals nothing, not even the section
        assert not second.screen.query(SectionScreen)
        await patient.resume("1979-05-14")
        assert isinstance(second.screen, SectionScreen) and second.screen.index == 1
        await patient.back()
        assert second.screen.query_one("#item-full_name Input", Input).value == "Ana María López"


async def test_three_wrong_dates_of_birth_start_over_and_delete_the_draft(
        make_kiosk: Any) -> None:
    seed_draft(make_kiosk.store, EVERY_TYPE, every_type_answers(), section_index=1,
               language="es")
    app = make_kiosk(EVERY_TYPE)
    async with app.run_test(size=(80, 24)) as pilot:
        patient = Patient(pilot)
        await patient.sees("escriba su fecha de nacimiento")
        await patient.tap("#resume")  # nothing typed yet: no try is used up
        await patient.sees("Escriba su fecha de nacimiento para continuar.")
        await patient.resume("1979-02-30")  # not a date: said so, no try used up
        await patient.sees("1979-02-30")
        assert app.screen.check.tries_left == 3
        for tries_left in (2, 1):
            box = app.screen.query_one("#resume-box Input", Input)
            await patient.press(*ERASE_DATE)
            await patient.type_into(box, "1980-05-14")
            await patient.press("enter")  # Enter works as Continue
            shown = await patient.sees(f"restantes: {tries_left}.")
            assert isinstance(app.screen, ResumeScreen) and "Ana" not in shown
        await patient.press(*ERASE_DATE)
        await patient.resume("1979-05-15")
        await patient.wait_until(lambda: isinstance(app.screen, WelcomeScreen))
        await app.store_settled()
        assert app.check_in is None
        assert make_kiosk.store.load_draft(STATION) is None


async def test_a_draft_without_a_date_of_birth_is_not_offered_and_is_deleted(
        make_kiosk: Any) -> None:
    seed_draft(make_kiosk.store, EVERY_TYPE, {"full_name": "Ana"}, section_index=1)
    app = make_kiosk(EVERY_TYPE)
    async with app.run_test(size=(80, 24)) as pilot:
        shown = await Patient(pilot).sees("Start check-in")
        assert isinstance(app.screen, WelcomeScreen) and "Ana" not in shown
        await app.store_settled()
    assert make_kiosk.store.load_draft(STATION) is None


async def test_start_over_deletes_the_draft(make_kiosk: Any) -> None:
    seed_draft(make_kiosk.store, EVERY_TYPE, dict(ANA_SO_FAR), section_index=1)
    app = make_kiosk(EVERY_TYPE)
    async with app.run_test(size=(80, 24)) as pilot:
        await Patient(pilot).tap("#start-over")
        await app.store_settled()
        assert isinstance(app.screen, WelcomeScreen)
    assert make_kiosk.store.load_draft(STATION) is None


async def test_a_draft_older_than_30_minutes_is_deleted_not_offered(make_kiosk: Any) -> None:
    seed_draft(make_kiosk.store, EVERY_TYPE, dict(ANA_SO_FAR), section_index=1,
               minutes_ago=31)
    app = make_kiosk(EVERY_TYPE)
    async with app.run_test(size=(80, 24)):
        assert isinstance(app.screen, WelcomeScreen)
        await app.store_settled()
    assert make_kiosk.store.load_draft(STATION) is None


async def test_stale_drafts_of_other_stations_go_too(make_kiosk: Any) -> None:
    """A browser tab's kiosk killed outright leaves its draft: the next kiosk to start,
    or to come back to Welcome, deletes it once it is too old to be offered."""
    orphan = seed_draft(make_kiosk.store, EVERY_TYPE, {"full_name": "Ana"}, section_index=1,
                        minutes_ago=95)
    make_kiosk.store.delete_draft(STATION)
    make_kiosk.store.save_draft(orphan.model_copy(update={"station": "web-0a1b2c3d"}))
    recent = seed_draft(make_kiosk.store, EVERY_TYPE, {"full_name": "Eva"}, section_index=1,
                        minutes_ago=2)
    make_kiosk.store.save_draft(recent.model_copy(update={"station": "web-9f8e7d6c"}))
    make_kiosk.store.delete_draft(STATION)
    app = make_kiosk(EVERY_TYPE)
    async with app.run_test(size=(80, 24)) as pilot:
        await app.store_settled()
        assert make_kiosk.store.load_draft("web-0a1b2c3d") is None
        assert make_kiosk.store.load_draft("web-9f8e7d6c") is not None  # its tab may be alive
        make_kiosk.store.save_draft(orphan.model_copy(update={"station": "web-11223344"}))
        patient, welcome = Patient(pilot), app.screen
        await patient.start()
        await patient.wait_until(lambda: isinstance(app.screen, SectionScreen)
                                 and not welcome.is_attached)  # the first Welcome is gone
        await app.show_welcome()  # as after the QR screen, or the idle reset
        await app.store_settled()
        assert make_kiosk.store.load_draft("web-11223344") is None


async def test_ctrl_c_ctrl_q_and_the_command_palette_do_nothing_for_patients(
        make_kiosk: Any) -> None:
    app = make_kiosk(EVERY_TYPE)
    async with app.run_test(size=(80, 24)) as pilot:
        await Patient(pilot).start()
        await pilot.press("ctrl+c", "ctrl+q", "ctrl+p")
        await pilot.pause()
        assert app.is_running
        assert isinstance(app.screen, SectionScreen)
        assert not any(isinstance(screen, CommandPalette) for screen in app.screen_stack)


async def test_only_the_staff_pin_lets_anyone_leave_the_kiosk(make_kiosk: Any) -> None:
    app = make_kiosk(EVERY_TYPE)
    async with app.run_test(size=(80, 24)) as pilot:
        patient = Patient(pilot)
        await patient.press("f12")
        assert isinstance(app.screen, StaffScreen)
        assert "Exit kiosk" not in await patient.sees("Enter the staff PIN.")
        await patient.press(*"1111", "enter")
        await patient.sees("That PIN is not right.")
        await patient.press("escape")
        assert isinstance(app.screen, WelcomeScreen)
        await patient.press("ctrl+k", *STAFF_PIN, "enter")
        await patient.sees("Exit kiosk", "NOT protected")  # no keys here
        await patient.tap("#exit")
        await pilot.pause()
        assert not app.is_running


async def test_without_a_staff_pin_the_kiosk_cannot_be_left_from_the_screen(
        make_kiosk: Any) -> None:
    app = make_kiosk(EVERY_TYPE, pin=None)
    async with app.run_test(size=(80, 24)) as pilot:
        await Patient(pilot).press("f12")
        await Patient(pilot).sees("No staff PIN is set")
        assert not app.screen.query("#exit")
        await Patient(pilot).press("escape")
        assert app.is_running


async def test_an_unexpected_error_shows_a_calm_notice_and_the_flow_restarts(
        make_kiosk: Any, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture,
        unexpected_errors: list[BaseException]) -> None:
    async def broken(self: SectionPage, message: Any) -> None:
        raise RuntimeError(f"cannot handle {message.value!r} for Ana López")

    monkeypatch.setattr(SectionPage, "on_item_widget_changed", broken)
    app = make_kiosk(EVERY_TYPE)
    del app.report_error  # the kiosk's own logging, as in production
    caplog.set_level(logging.ERROR, logger="kiosk")
    async with app.run_test(size=(80, 24)) as pilot:
        patient = Patient(pilot)
        await patient.start()
        await patient.type_into(app.screen.query_one("#item-full_name Input", Input), "A")
        assert isinstance(app.screen, NoticeScreen)
        shown = await patient.sees("Sorry, something went wrong")
        assert "Traceback" not in shown and "RuntimeError" not in shown and "Ana" not in shown
        assert app.check_in is None
        await patient.tap("#notice-ok")
        assert isinstance(app.screen, WelcomeScreen)
        monkeypatch.undo()
        await patient.start()
        assert isinstance(app.screen, SectionScreen)
    logged = [record.getMessage() for record in caplog.records]
    assert logged == ["unexpected error in the kiosk screens: RuntimeError"]
    assert unexpected_errors == []


async def _start_then_crash(pilot: Pilot[Any]) -> None:
    await pilot.press("enter")  # Start check-in: the App itself fails and stops


async def _leave_with_the_pin(pilot: Pilot[Any]) -> None:
    assert isinstance(pilot.app.screen, WelcomeScreen)
    await pilot.press("f12", *STAFF_PIN, "enter")
    await pilot.pause()
    await pilot.press("shift+tab", "enter")


def test_a_kiosk_that_stops_on_an_error_is_started_again(
        make_kiosk: Any, monkeypatch: pytest.MonkeyPatch,
        unexpected_errors: list[BaseException]) -> None:
    def broken(self: KioskApp, message: Any) -> None:
        raise RuntimeError("the start handler failed")

    kiosks: list[KioskApp] = []

    def make_app() -> KioskApp:
        app = make_kiosk(EVERY_TYPE)
        if not kiosks:
            monkeypatch.setattr(KioskApp, "on_welcome_screen_start", broken)
        else:
            monkeypatch.undo()
        kiosks.append(app)
        return app

    def run_app(app: KioskApp) -> None:
        script = _start_then_crash if len(kiosks) == 1 else _leave_with_the_pin
        app.run(headless=True, size=(80, 24), auto_pilot=script)

    assert keep_running(make_app, run_app) == 0
    assert len(kiosks) == 2 and kiosks[0].crashed and not kiosks[1].crashed
    assert [type(error) for error in unexpected_errors] == [RuntimeError]
    unexpected_errors.clear()


def _edit(path: Path, old: str, new: str) -> None:
    status = path.stat()
    path.write_text(path.read_text(encoding="utf-8").replace(old, new), encoding="utf-8")
    os.utime(path, ns=(status.st_atime_ns, status.st_mtime_ns + 2_000_000_000))


async def test_an_edited_file_is_used_from_the_next_welcome(make_kiosk: Any) -> None:
    path = make_kiosk.questionnaire_copy()
    seed_draft(make_kiosk.store, path, {"birthday": "1979-05-14"}, section_index=0)
    app = make_kiosk(path)
    async with app.run_test(size=(80, 24)) as pilot:
        patient = Patient(pilot)
        _edit(path, "{en: About you, es: Sobre usted}", "{en: About you today, es: Hoy}")
        await patient.tap("#start-over")
        assert "Staff" not in await patient.sees("Start check-in")
        await patient.start()
        await patient.sees("About you today")


async def test_a_broken_edit_keeps_the_last_good_file_and_tells_only_staff(
        make_kiosk: Any) -> None:
    path = make_kiosk.questionnaire_copy()
    seed_draft(make_kiosk.store, path, {"birthday": "1979-05-14"}, section_index=0)
    app = make_kiosk(path)
    async with app.run_test(size=(100, 30)) as pilot:
        patient = Patient(pilot)
        _edit(path, "show_if: blood_thinners == true", "show_if: blood_thiners == true")
        await patient.tap("#start-over")
        welcome = await patient.sees("Staff: a notice is waiting (F12)")
        assert "blood_thiners" not in welcome  # the reason is for staff, not patients
        await patient.start()
        await patient.sees("About you")  # the last good questionnaire
        await patient.press("f12", *STAFF_PIN, "enter")
        await patient.sees("keeps the last good version", f"{path.name}:", "blood_thiners")


async def test_a_welcome_screen_left_alone_notices_a_broken_edit_by_itself(
        make_kiosk: Any) -> None:
    path = make_kiosk.questionnaire_copy()
    app = make_kiosk(path, file_check_seconds=0.2)
    async with app.run_test(size=(80, 24)) as pilot:
        patient = Patient(pilot)
        assert "Staff" not in await patient.sees("Start check-in")
        _edit(path, "version: 1", "version: one")
        await patient.sees("Staff: a notice is waiting (F12)")
        _edit(path, "version: one", "version: 2")  # fixed: the notice goes
        await patient.wait_until(lambda: "Staff" not in screen_text(app))
        assert app.live.current.version == 2


def panel_text(app: KioskApp) -> str:
    """The words inside the staff panel's frame, its wrapped lines joined again."""
    inside = [line.split("█")[1].strip() for line in screen_text(app).splitlines()
              if line.count("█") >= 2]
    return " ".join(part for part in inside if part)


EVERY_TYPE_CASES = """\
cases:
  - name: on a blood thinner
    answers: {blood_thinners: true}
    flags: {caution: blood_thinners}
"""


async def test_an_edit_whose_test_cases_fail_is_not_taken_up(make_kiosk: Any) -> None:
    path = make_kiosk.questionnaire_copy()
    cases = path.with_name("every_type.cases.yaml")
    cases.write_text(EVERY_TYPE_CASES, encoding="utf-8")
    app = make_kiosk(path, file_check_seconds=0.2)
    async with app.run_test(size=(100, 30)) as pilot:
        patient = Patient(pilot)
        assert "Staff" not in await patient.sees("Start check-in")
        # A valid file that under-warns: the blood-thinner flag lowered to a note.
        _edit(path, "level: caution", "level: note")
        await patient.sees("Staff: a notice is waiting (F12)")
        assert app.live.current.items_by_id["blood_thinners"].flags[0].level == "caution"
        await patient.press("f12", *STAFF_PIN, "enter")
        await patient.sees("keeps the last good version")
        # The notice names the cases file (a long path here), so it wraps inside the panel.
        await patient.wait_until(lambda: "case 'on a blood thinner': expected a caution flag "
                                 "from blood_thinners, got a note" in panel_text(app))
        await patient.press("escape")
        # Staff agree the case was wrong and change it: the edit is taken up by itself.
        _edit(cases, "caution: blood_thinners", "note: blood_thinners")
        await patient.wait_until(lambda: "Staff" not in screen_text(app))
        assert app.live.current.items_by_id["blood_thinners"].flags[0].level == "note"


def test_a_kept_questionnaire_is_checked_again_when_its_cases_change(tmp_path: Path) -> None:
    """Start-up reads a checked questionnaire from the cache; a changed cases file is not
    covered by the old entry, so a failing case still stops the kiosk."""
    path = tmp_path / EVERY_TYPE.name
    path.write_bytes(EVERY_TYPE.read_bytes())
    cases = path.with_name("every_type.cases.yaml")
    cases.write_text(EVERY_TYPE_CASES, encoding="utf-8")
    LiveQuestionnaire.load(path, cache_dir=tmp_path)
    assert list((tmp_path / "cache").glob("questionnaire-*.json"))
    cases.write_text(EVERY_TYPE_CASES.replace("caution:", "note:"), encoding="utf-8")
    with pytest.raises(QuestionnaireFileError) as refused:
        LiveQuestionnaire.load(path, cache_dir=tmp_path)
    assert "case 'on a blood thinner': expected a note flag from blood_thinners, got a " \
           "caution" in str(refused.value)
