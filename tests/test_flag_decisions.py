"""Deciding flags and confirming consent: the rules of where a record stands, kept by the
store and audited (kiosk.decisions, Store.decide_flag, Store.confirm_consent)."""

from __future__ import annotations

from pathlib import Path

import pytest
from decisions_fixture import CAUTION, NOTE, REFER, STOP, answers_with_every_level

from kiosk.decisions import DecisionRefused, flag_keys
from kiosk.intake import Intake, build_intake
from kiosk.questionnaire.model import Questionnaire
from kiosk.store import Store


@pytest.fixture
def store(tmp_path: Path) -> Store:
    return Store(tmp_path / "data")


@pytest.fixture
def intake(store: Store, questionnaire: Questionnaire) -> Intake:
    record = build_intake(questionnaire, answers_with_every_level())
    store.save_intake(record, questionnaire)
    return record


def test_a_new_intake_has_its_stop_refer_and_caution_flags_open(intake: Intake) -> None:
    assert flag_keys(intake.flags)[:3] == [STOP, CAUTION, REFER]
    assert (intake.status, intake.open_flags) == ("submitted", 3)


def test_every_flag_decided_and_consent_confirmed_clears_for_needling(
        store: Store, intake: Intake) -> None:
    store.decide_flag(intake.id, STOP, "cleared", "Talked it through; happy to go ahead", "ana")
    assert store.get_intake(intake.id).status == "reviewed"
    store.decide_flag(intake.id, REFER, "referred", "GP the same day", "ana")
    store.decide_flag(intake.id, CAUTION, "cleared", "", "ana")  # a note is optional here
    after = store.get_intake(intake.id)
    assert (after.status, after.open_flags) == ("reviewed", 0)  # consent not yet confirmed
    store.confirm_consent(intake.short_code, "Ana Ruiz", "ana")
    after = store.get_intake(intake.id)
    assert after.status == "cleared_for_needling"
    assert after.consent_confirmation is not None and after.consent_confirmation.by == "Ana Ruiz"
    assert [event.action for event in store.audit_events(intake.id)] == \
        ["decide", "decide", "decide", "consent"]
    assert store.audit_events(intake.id)[-1].detail == \
        "confirmed in person; status cleared_for_needling"


def test_consent_alone_does_not_clear_while_a_flag_is_open(store: Store, intake: Intake) -> None:
    store.confirm_consent(intake.id, "Ana Ruiz", "ana")
    assert store.get_intake(intake.id).status == "reviewed"


def test_a_stop_flag_decided_not_today_sets_the_record_to_not_today(
        store: Store, intake: Intake) -> None:
    store.confirm_consent(intake.id, "Ana Ruiz", "ana")
    store.decide_flag(intake.id, STOP, "not_today", "", "ana")
    assert store.get_intake(intake.id).status == "not_today"


def test_a_changed_decision_is_appended_and_the_latest_counts(
        store: Store, intake: Intake) -> None:
    store.decide_flag(intake.id, STOP, "not_today", "", "ana")
    changed = store.decide_flag(intake.id, STOP, "cleared", "Desensitised over 3 sessions",
                                "bo")
    assert [(d.decision, d.by) for d in changed.decisions] == [("not_today", "ana"),
                                                               ("cleared", "bo")]
    assert changed.status == "reviewed"  # no longer not today; other flags still open
    events = store.audit_events(intake.id)
    # The flag by its number: its key names the item it was raised on (health data).
    number = flag_keys(intake.flags).index(STOP) + 1
    assert [(e.actor, e.detail) for e in events] == [
        ("ana", f"flag {number} of {len(intake.flags)}: not today; status not_today"),
        ("bo", f"flag {number} of {len(intake.flags)}: cleared; status reviewed")]
    assert all("Desensitised" not in (e.detail or "") and "needle" not in (e.detail or "")
               for e in events)  # notes and flag names stay out


@pytest.mark.parametrize(("flag", "decision", "note", "message"), [
    (STOP, "cleared", "  ", "A stop flag can only be cleared with a note saying why."),
    (REFER, "cleared", "", "A refer flag can only be cleared with a note saying why."),
    (REFER, "referred", "", "Say where the patient was referred to (for example: GP today)."),
    (STOP, "referred", "GP", 'A stop flag can be decided "cleared" or "not today" only.'),
    (NOTE, "cleared", "x", 'A note flag can be decided "noted" only.'),
    ("nothing:stop:1", "cleared", "x", "This record has no such flag; reload the page."),
    (CAUTION, "cleared", "x" * 501, "Keep the note under 500 characters."),
])
def test_a_decision_the_rules_do_not_allow_is_refused_and_nothing_is_kept(
        store: Store, intake: Intake, flag: str, decision: str, note: str,
        message: str) -> None:
    with pytest.raises(DecisionRefused, match=message.replace("(", r"\(").replace(")", r"\)")):
        store.decide_flag(intake.id, flag, decision, note, "ana")
    assert store.get_intake(intake.id).decisions == []
    assert store.audit_events(intake.id) == []


def test_consent_needs_the_clinicians_name(store: Store, intake: Intake) -> None:
    with pytest.raises(DecisionRefused, match="Type your name"):
        store.confirm_consent(intake.id, "   ", "ana")
    assert store.get_intake(intake.id).consent_confirmation is None


def test_mark_reviewed_still_works_and_a_decided_record_keeps_its_status(
        store: Store, intake: Intake) -> None:
    assert store.mark_reviewed(intake.id, "ana").status == "reviewed"
    store.decide_flag(intake.id, STOP, "not_today", "", "ana")
    assert store.mark_reviewed(intake.id, "bo").status == "not_today"
    assert store.get_intake(intake.id).reviewed_by == "ana"


def test_the_list_filters_by_status_and_open_flags(store: Store, intake: Intake,
                                                   questionnaire: Questionnaire) -> None:
    quiet = build_intake(questionnaire, answers_with_every_level() | {
        "needle_fear": False, "blood_thinners": False, "bladder_bowel": False,
        "treatment_reaction": False})
    store.save_intake(quiet, questionnaire)
    assert [r.id for r in store.list_intakes(open_flags=True)] == [intake.id]
    assert [r.id for r in store.list_intakes(open_flags=False)] == [quiet.id]
    store.decide_flag(intake.id, STOP, "not_today", "", "ana")
    assert [r.id for r in store.list_intakes(status="not_today")] == [intake.id]
    assert [r.id for r in store.list_intakes(status="submitted")] == [quiet.id]
