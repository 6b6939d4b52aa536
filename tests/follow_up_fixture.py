"""The bundled follow-up check-in and a returning patient's answers to it, for any test.

The patient (the same Ana María López as in ``answers_fixture``) comes back a week
after a session: some soreness for a day or two, nothing else to report, a little
better. Tests change what they need on a fresh copy: ``answers = nothing_to_report()``.
"""

from __future__ import annotations

from typing import Any

from answers_fixture import PATIENT_NAME

from kiosk.paths import REPO_ROOT

FOLLOW_UP = REPO_ROOT / "questionnaires" / "follow-up.yaml"

# Every yes/no the follow-up asks of everyone, answered "no" by a patient with nothing to report.
FOLLOW_UP_NO: dict[str, bool] = {
    # since the last session
    "pain_worse_or_spread": False,
    "bruising": False,
    "felt_faint": False,
    "breathless_chest_pain": False,
    "new_numbness": False,
    "needle_site_infection": False,
    # what changed
    "new_medicines": False,
    # today
    "feeling_unwell": False,
    "not_eaten_today": False,
    "alcohol_drugs_today": False,
}


def nothing_to_report() -> dict[str, Any]:
    """Answers to every question a patient with nothing to report is shown (but the
    optional note at the end); a new dict."""
    return {
        "full_name": PATIENT_NAME,
        "date_of_birth": "1979-05-14",
        **FOLLOW_UP_NO,
        "soreness": "day_or_two",
        "health_changes": ["none"],
        "pain_now": 4,
        "groc": 2,  # a little better
        # PSFS ratings 5, 4 and 6: mean 5.0
        "psfs_activities": [
            {"activity": "Sitting through a work meeting", "rating": 5},
            {"activity": "Lifting the laundry basket", "rating": 4},
            {"activity": "Gardening", "rating": 6},
        ],
        # and nothing for the optional "anything else to tell your therapist?"
    }
