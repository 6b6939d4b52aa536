"""The order a clinician reads flags in: stop, refer, caution, note.

The questionnaire format lists levels as ``stop, caution, refer, note``
(:data:`kiosk.questionnaire.FLAG_LEVELS`); that is the file format's order and stays.
On the clinician's page an urgent referral (a possible red flag) outranks needling
with care (clinical reference, section 9), so every list of levels the viewer shows
goes through :data:`URGENCY`.
"""

from __future__ import annotations

from kiosk.questionnaire.model import FlagLevel

URGENCY: tuple[FlagLevel, ...] = ("stop", "refer", "caution", "note")

FLAG_HEADINGS: dict[FlagLevel, str] = {
    "stop": "Stop: do not needle",
    "refer": "Refer: red flags",
    "caution": "Caution: needle with care",
    "note": "Notes",
}
