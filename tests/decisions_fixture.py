"""An intake with one flag of every level: stop, caution, refer and note (two notes)."""

from __future__ import annotations

from typing import Any

from answers_fixture import complete_answers

EVERY_LEVEL: dict[str, Any] = {
    "needle_fear": True,  # stop
    "blood_thinners": True, "blood_thinner_name": ["warfarin"],  # caution, and a note
    "bladder_bowel": True,  # refer
    "treatment_reaction": True, "treatment_reaction_details": "felt faint",  # note
}
STOP, CAUTION, REFER = "needle_fear:stop:1", "blood_thinners:caution:1", "bladder_bowel:refer:1"
NOTE = "treatment_reaction:note:1"


def answers_with_every_level() -> dict[str, Any]:
    return complete_answers() | EVERY_LEVEL
