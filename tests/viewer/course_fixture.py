"""A short course of dry needling for viewer tests: a first visit and two follow-ups.

Two small questionnaires, shaped like the bundled pair: both ask name and birth date
(``role``), pain now (coded LOINC 72514-3) and the PSFS; the follow-up also asks the
GROC (-7..+7), whether the pain got worse after the last session, and fever today again.

The patient (Ana María López, born 1979-05-14):

- visit 1, 2 Nov: heart valve (caution), latex allergy (caution), fever today (stop),
  prefers another language (note); pain 7, PSFS 2, 3 (mean 2.5);
- visit 2, 9 Nov: no fever today; pain got worse after the session (stop); pain 5,
  PSFS 4, 5 (4.5), GROC -2;
- visit 3, 16 Nov: pain got worse again (stop, not new), a new blood thinner (caution,
  new); pain 3, PSFS 6, 7, 8 (7.0), GROC +4.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from kiosk.intake import Intake, build_intake
from kiosk.questionnaire.model import Questionnaire
from kiosk.store import Store

PATIENT = "Ana María López"
BORN = "1979-05-14"

PAIN = {"id": "pain_now", "type": "scale", "label": "Pain right now?", "min": 0, "max": 10,
        "required": True,
        "code": {"system": "http://loinc.org", "code": "72514-3"}}
PSFS = {"id": "activities", "type": "activities", "label": "Hard activities"}
IDENTITY = [
    {"id": "full_name", "type": "text", "label": "Full name", "role": "name", "required": True},
    {"id": "date_of_birth", "type": "date", "label": "Date of birth", "role": "birth_date",
     "required": True},
]
FEVER = {"id": "fever_today", "type": "yes_no", "label": "Fever today?",
         "flags": [{"when": "fever_today == true", "level": "stop",
                    "message": "Fever today - do not needle."}]}
SCORES = [{"id": "psfs_mean", "label": "PSFS mean", "method": "mean", "items": ["activities"]}]


def _yes_no_flag(item_id: str, level: str, message: str) -> dict[str, Any]:
    return {"id": item_id, "type": "yes_no", "label": f"{item_id.replace('_', ' ')}?",
            "flags": [{"when": f"{item_id} == true", "level": level, "message": message}]}


FIRST_VISIT = Questionnaire.model_validate({
    "id": "first-visit", "version": 1, "title": "Dry needling intake",
    "sections": [
        {"id": "about", "title": "About you", "items": [
            *IDENTITY,
            {"id": "language", "type": "single_choice", "label": "Language",
             "options": [{"value": "en", "label": "English"},
                         {"value": "other", "label": "Another",
                          "flag": {"level": "note", "message": "Needs an interpreter."}}]},
        ]},
        {"id": "pain", "title": "Your pain", "items": [PAIN]},
        {"id": "safety", "title": "Safety", "items": [
            FEVER,
            _yes_no_flag("heart_valve", "caution", "Heart valve disease - infection risk."),
            _yes_no_flag("latex_allergy", "caution", "Latex allergy - use latex-free gloves."),
        ]},
        {"id": "goals", "title": "Goals", "items": [PSFS]},
    ],
    "scores": SCORES,
})

FOLLOW_UP = Questionnaire.model_validate({
    "id": "follow-up", "version": 1, "title": "Follow-up visit",
    "sections": [
        {"id": "about", "title": "About you", "items": IDENTITY},
        {"id": "response", "title": "Since last time", "items": [
            _yes_no_flag("pain_worse", "stop", "Pain worse or spreading since last session."),
            _yes_no_flag("new_blood_thinner", "caution", "New blood thinner since last visit."),
        ]},
        {"id": "today", "title": "Today", "items": [FEVER]},
        {"id": "progress", "title": "Progress", "items": [
            PAIN,
            {"id": "groc", "type": "scale", "label": "Change since the first session",
             "min": -7, "max": 7},
            PSFS,
        ]},
    ],
    "scores": SCORES,
})


def _ratings(*ratings: int) -> list[dict[str, Any]]:
    return [{"activity": f"Activity {n}", "rating": rating}
            for n, rating in enumerate(ratings, start=1)]


COURSE: list[tuple[Questionnaire, dt.date, dict[str, Any]]] = [
    (FIRST_VISIT, dt.date(2026, 11, 2), {
        "language": "other", "pain_now": 7, "fever_today": True, "heart_valve": True,
        "latex_allergy": True, "activities": _ratings(2, 3)}),
    (FOLLOW_UP, dt.date(2026, 11, 9), {
        "pain_worse": True, "new_blood_thinner": False, "fever_today": False,
        "pain_now": 5, "groc": -2, "activities": _ratings(4, 5)}),
    (FOLLOW_UP, dt.date(2026, 11, 16), {
        "pain_worse": True, "new_blood_thinner": True, "fever_today": False,
        "pain_now": 3, "groc": 4, "activities": _ratings(6, 7, 8)}),
]


def visit_intake(questionnaire: Questionnaire, day: dt.date, answers: dict[str, Any],
                 name: str = PATIENT, born: str = BORN) -> Intake:
    """One visit's record as the kiosk builds it, submitted at 10:00 local time on ``day``."""
    intake = build_intake(questionnaire, {"full_name": name, "date_of_birth": born, **answers})
    moment = dt.datetime.combine(day, dt.time(10, 0)).astimezone().astimezone(dt.UTC)
    intake.created_at = intake.submitted_at = moment
    return intake


def save_course(store: Store, name: str = PATIENT, born: str = BORN) -> list[Intake]:
    """The three visits saved as the kiosk saves them, oldest first, as stored."""
    saved = []
    for questionnaire, day, answers in COURSE:
        intake = visit_intake(questionnaire, day, answers, name, born)
        store.save_intake(intake, questionnaire)
        saved.append(store.get_intake(intake.id))
    return saved
