"""A kiosk offering several questionnaires: Welcome asks which applies; each file lives alone."""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Any

import pytest
from kiosk_patient import Patient
from kiosk_setup import EVERY_TYPE, FIXTURES, SHORT_CODE, STAFF_PIN, STATION, screen_text
from textual.widgets import Button

from screens.app import KioskApp
from screens.done_screen import DoneScreen
from screens.live_questionnaire import QuestionnaireFileError
from screens.offered_questionnaires import OfferedQuestionnaires
from screens.resume_screen import ResumeScreen
from screens.review_screen import ReviewScreen
from screens.section_screen import SectionScreen
from screens.welcome_screen import WelcomeScreen

FIRST_VISIT = FIXTURES / "first_visit.yaml"
COMING_BACK = FIXTURES / "coming_back.yaml"
PATIENT = {"full_name": "José Núñez-García", "birth_date": "1971-03-09",
           "reason": "Neck pain after a fall", "worse": False}


def copies(tmp_path: Path, *sources: Path) -> list[Path]:
    """Copies staff may edit during the test."""
    folder = tmp_path / "questionnaires"
    folder.mkdir(exist_ok=True)
    return [Path(shutil.copy(source, folder / source.name)) for source in sources]


def edit(path: Path, old: str, new: str) -> None:
    """Staff save an edit (a later modification time, as a real save a moment later has)."""
    status = path.stat()
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")
    os.utime(path, ns=(status.st_atime_ns, status.st_mtime_ns + 2_000_000_000))


def choice_labels(app: KioskApp) -> list[str]:
    return [str(button.label) for button in app.screen.query(".choice").results(Button)]


async def answer_to_review(patient: Patient) -> None:
    while not isinstance(patient.app.screen, ReviewScreen):
        await patient.answer_section(PATIENT)
        await patient.next()


async def test_a_tapped_choice_leads_into_its_questionnaire_and_the_record_pins_it(
        make_kiosk: Any) -> None:
    app = make_kiosk([COMING_BACK, FIRST_VISIT])  # shown by start_choice.order, not as given
    async with app.run_test(size=(80, 24)) as pilot:
        patient = Patient(pilot)
        await patient.sees("Which applies to you today?")
        assert choice_labels(app) == ["First visit here", "Coming back for another session"]
        assert not app.screen.query("#start")
        await patient.tap("#accessible-label")  # large text, for this patient
        await patient.tap("#choice-1")
        await patient.sees("About you", "Step 1 of 3")
        assert app.check_in is not None and app.check_in.questionnaire.id == "coming-back"
        assert app.check_in.accessible and app.has_class("-accessible")
        await answer_to_review(patient)
        assert "Is the pain worse since your last session?" in screen_text(app)
        await patient.tap("#submit")
        await app.store_settled()
        await patient.wait_until(lambda: isinstance(app.screen, DoneScreen))
    record = make_kiosk.store.get_intake(SHORT_CODE)
    assert record.questionnaire.id == "coming-back"
    assert record.answers == {"full_name": PATIENT["full_name"],
                              "birth_date": PATIENT["birth_date"], "worse": False}


async def test_the_choice_by_keys_in_spanish_and_a_resumed_draft_keeps_its_questionnaire(
        make_kiosk: Any) -> None:
    app = make_kiosk([FIRST_VISIT, COMING_BACK])
    async with app.run_test(size=(80, 24)) as pilot:
        patient = Patient(pilot)
        await patient.tap("#language-es")
        await patient.sees("¿Qué le corresponde hoy?")
        assert choice_labels(app) == ["Primera vez aquí", "Vuelvo para otra sesión"]
        assert app.screen.focused is not None and app.screen.focused.id == "choice-0"
        await patient.press("down", "enter")  # the second choice, by keys
        await patient.sees("Sobre usted")
        check_in = app.check_in
        assert check_in is not None
        assert (check_in.questionnaire.id, check_in.language) == ("coming-back", "es")
        await patient.answer_section(PATIENT)
        await patient.next()
        await patient.sees("Desde la última vez")
        await app.store_settled()
    draft = make_kiosk.store.load_draft(STATION)
    assert draft is not None and draft.questionnaire.id == "coming-back"

    again = make_kiosk([FIRST_VISIT, COMING_BACK])  # the kiosk restarted: the draft is offered
    async with again.run_test(size=(80, 24)) as pilot:
        patient = Patient(pilot)
        await patient.wait_until(lambda: isinstance(again.screen, ResumeScreen))
        await patient.resume(PATIENT["birth_date"])
        await patient.sees("¿Le duele más desde la última sesión?")
        assert again.check_in is not None
        assert again.check_in.questionnaire.id == "coming-back"  # not the first one offered


async def test_a_kiosk_with_one_questionnaire_asks_nothing(make_kiosk: Any) -> None:
    app = make_kiosk([FIRST_VISIT])
    async with app.run_test(size=(80, 24)) as pilot:
        patient = Patient(pilot)
        text = await patient.sees("Start check-in", "It takes about 10 minutes.")
        assert "Which applies" not in text and not app.screen.query(".choice")
        await patient.start()
        await patient.sees("About you")


async def test_a_broken_second_file_is_left_out_and_only_staff_are_told(
        make_kiosk: Any, tmp_path: Path) -> None:
    first, broken = copies(tmp_path, FIRST_VISIT, COMING_BACK)
    edit(broken, "type: yes_no", "type: yes_or_no")
    app = make_kiosk([first, broken])
    async with app.run_test(size=(100, 30)) as pilot:
        patient = Patient(pilot)
        welcome = await patient.sees("Start check-in", "Staff: a notice is waiting (F12)")
        assert "yes_or_no" not in welcome and "coming_back" not in welcome
        await patient.press("f12", *STAFF_PIN, "enter")
        await patient.sees("needs attention", "Left out (not offered to patients)")
        notice = app.staff_status().notice
        assert notice is not None and f"{broken} cannot be used" in notice
        assert "yes_or_no" in notice and str(first) not in notice
        await patient.press("escape")
        await patient.start()
        await patient.sees("About you")
        assert app.check_in is not None and app.check_in.questionnaire.id == "first-visit"


async def test_a_file_without_roles_is_refused_when_the_kiosk_offers_several(
        make_kiosk: Any) -> None:
    app = make_kiosk([FIRST_VISIT, EVERY_TYPE])
    async with app.run_test(size=(100, 30)) as pilot:
        patient = Patient(pilot)
        await patient.sees("Start check-in", "Staff: a notice is waiting (F12)")
        assert app.live.offered == [app.live.current] and app.live.current.id == "first-visit"
        await patient.press("f12", *STAFF_PIN, "enter")
        await patient.sees("Left out (not offered to patients)")
        notice = app.staff_status().notice
        assert notice is not None and f"{EVERY_TYPE} cannot be offered" in notice
        assert "no item has role: name" in notice  # its birth date is marked, its name not


async def test_each_file_is_reloaded_on_its_own_and_a_broken_edit_keeps_its_last_good_version(
        make_kiosk: Any, tmp_path: Path) -> None:
    first, follow_up = copies(tmp_path, FIRST_VISIT, COMING_BACK)
    app = make_kiosk([first, follow_up], file_check_seconds=0.2)
    async with app.run_test(size=(80, 24)) as pilot:
        patient = Patient(pilot)
        await patient.sees("Coming back for another session")
        edit(follow_up, "Coming back for another session", "Here again for a session")
        await patient.sees("Here again for a session")  # the left-alone Welcome redraws
        edit(first, "type: text", "type: texte")  # broken: its last good version stays
        await patient.sees("Staff: a notice is waiting (F12)")
        assert choice_labels(app) == ["First visit here", "Here again for a session"]
        edit(follow_up, "order: 2", "order: 0")  # still reloaded while the other is broken
        await patient.wait_until(lambda: choice_labels(app)[:1] == ["Here again for a session"])
        edit(first, "type: texte", "type: text")  # fixed: the notice goes
        await patient.wait_until(lambda: "Staff" not in screen_text(app))
        await patient.wait_until(lambda: getattr(app.screen.focused, "id", None) == "choice-0")
        await patient.tap("#choice-1")  # (once the redrawn Welcome is up, focus and all)
        await patient.sees("About you")
        assert app.check_in is not None and app.check_in.questionnaire.id == "first-visit"


async def test_a_returning_patient_sees_exactly_what_a_new_one_sees(make_kiosk: Any) -> None:
    """The kiosk reveals nothing: the same name and birth date twice, the same screens."""
    app = make_kiosk([FIRST_VISIT, COMING_BACK])
    app.record_ids = None  # two records: ids of their own
    seen: list[list[str]] = []
    async with app.run_test(size=(80, 24)) as pilot:
        patient = Patient(pilot)
        for _visit in range(2):
            screens = [await patient.sees("Which applies to you today?")]
            await patient.tap("#choice-0")
            while not isinstance(app.screen, ReviewScreen):
                await patient.wait_until(lambda: isinstance(app.screen, SectionScreen))
                await patient.answer_section(PATIENT)
                screens.append(screen_text(app))
                await patient.next()
            screens.append(screen_text(app))
            await patient.tap("#submit")
            await patient.wait_until(lambda: isinstance(app.screen, DoneScreen))
            done = app.screen
            assert isinstance(done, DoneScreen)
            words = screen_text(app).replace(done.short_code, "CODE")  # the QR's link differs
            screens.append("\n".join(line for line in words.splitlines() if "▀" not in line
                                      and "▄" not in line and "█" not in line))
            seen.append(screens)
            await patient.tap("#done")
            await patient.wait_until(lambda: isinstance(app.screen, WelcomeScreen))
    assert seen[0] == seen[1]
    assert len(make_kiosk.store.list_intakes()) == 2


def test_a_test_cases_file_is_never_offered_and_nothing_to_offer_stops_the_start(
        tmp_path: Path) -> None:
    cases = tmp_path / "coming_back.cases.yaml"
    shutil.copy(COMING_BACK, cases)  # even one that would load as a questionnaire
    offered = OfferedQuestionnaires.load([FIRST_VISIT, cases])
    assert [questionnaire.id for questionnaire in offered.offered] == ["first-visit"]
    assert offered.problem is not None and "holds questionnaire test cases" in offered.problem
    edit(cases, "version: 1", "version: 2")
    assert not offered.refresh() and len(offered.offered) == 1  # never read, even when edited
    broken = tmp_path / "broken.yaml"
    broken.write_text("id: [\n", encoding="utf-8")
    with pytest.raises(QuestionnaireFileError) as stopped:
        OfferedQuestionnaires.load([broken, EVERY_TYPE])
    assert f"{broken} cannot be used" in str(stopped.value)
    assert f"{EVERY_TYPE} cannot be offered" in str(stopped.value)
