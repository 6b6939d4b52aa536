"""Today's flags with the clinician's decisions, consent and status, as the record page shows
them beside the decision forms.

Decisions apply to the visit's own flags only; standing flags from earlier visits were
decided on their own visit's page.
"""

from __future__ import annotations

from dataclasses import dataclass

from kiosk.decisions import (
    ALLOWED,
    DECISION_LABELS,
    STATUS_LABELS,
    FlagDecision,
    current_decisions,
    flag_keys,
)
from kiosk.intake import Intake
from kiosk.viewer.answer_html import local_time
from kiosk.viewer.urgency import URGENCY


@dataclass(frozen=True)
class FlagToDecide:
    key: str
    level: str
    message: str
    current: str  # "cleared by ana at 2026-12-06 09:12: INR 2.3 checked"; empty if undecided
    history: list[str]  # earlier decisions on this flag, oldest first
    choices: list[tuple[str, str]]  # (decision, label) this level allows


@dataclass(frozen=True)
class DecisionsView:
    status: str  # as the clinic says it: "cleared for needling"
    status_code: str
    open_flags: int
    flags: list[FlagToDecide]
    consent: str  # "Consent confirmed in person by Dr Ana Ruiz at ..."; empty if not yet


def decision_line(decision: FlagDecision) -> str:
    """"cleared by ana at 2026-12-06 09:12: INR 2.3 checked"."""
    line = f"{DECISION_LABELS[decision.decision]} by {decision.by} at {local_time(decision.at)}"
    return f"{line}: {decision.note}" if decision.note else line


def decisions_view(intake: Intake) -> DecisionsView:
    """The record's flags, most urgent first, each with its decision and history."""
    latest = current_decisions(intake.decisions)
    rows = []
    for flag, key in sorted(zip(intake.flags, flag_keys(intake.flags), strict=True),
                            key=lambda pair: URGENCY.index(pair[0].level)):
        earlier = [decision_line(decision) for decision in intake.decisions
                   if decision.flag == key]
        rows.append(FlagToDecide(
            key=key, level=flag.level, message=flag.message,
            current=decision_line(latest[key]) if key in latest else "",
            history=earlier[:-1],
            choices=[(kind, DECISION_LABELS[kind]) for kind in ALLOWED[flag.level]]))
    consent = intake.consent_confirmation
    return DecisionsView(
        status=STATUS_LABELS[intake.status], status_code=intake.status,
        open_flags=intake.open_flags, flags=rows,
        consent=f"Consent confirmed in person by {consent.by} at {local_time(consent.at)}"
        if consent else "")
