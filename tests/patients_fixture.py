"""A small questionnaire whose items say who the patient is (roles), and visits of it.

Holds no tests itself; shared by the patient store, CLI and FHIR tests.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from test_store_helpers import SMALL_QUESTIONNAIRE, answers

from kiosk.intake import Intake, build_intake
from kiosk.questionnaire.loader import load_questionnaire
from kiosk.questionnaire.model import Questionnaire

ROLES_QUESTIONNAIRE = SMALL_QUESTIONNAIRE.replace("id: small-intake", "id: small-visit").replace(
    """        label: Your full name
        required: true
""", """        label: Your full name
        required: true
        role: name
      - id: birth_date
        type: date
        label: Your date of birth
        past_only: true
        role: birth_date
      - id: phone
        type: text
        label: Your phone number
        role: phone
""")
assert ROLES_QUESTIONNAIRE.count("role:") == 3


def roles_questionnaire(folder: Path) -> Questionnaire:
    path = folder / "visit.yaml"
    path.write_text(ROLES_QUESTIONNAIRE, encoding="utf-8")
    return load_questionnaire(path)


def visit(questionnaire: Questionnaire, name: str = "José Núñez-García",
          born: str | None = "1980-04-02", *, phone: str | None = None,
          days_ago: float = 0, pain: int = 4, **options: Any) -> Intake:
    """A submitted visit, ``days_ago`` days before now."""
    given = answers(name, pain=pain, **options)
    if born is not None:
        given["birth_date"] = born
    if phone is not None:
        given["phone"] = phone
    intake = build_intake(questionnaire, given)
    moment = dt.datetime.now(dt.UTC) - dt.timedelta(days=days_ago)
    intake.created_at = moment - dt.timedelta(minutes=10)
    intake.submitted_at = moment
    return intake
