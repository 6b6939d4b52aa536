"""What the clinician decided about each flag, consent confirmed in person, and where a
record stands because of them.

The rules live here once; the store, the viewer, the CLI and the FHIR export all ask.

- A flag is named by its key: ``item id:level:n``, the n-th flag (from 1) that item
  raised at that level. Flags never change once a record is submitted, so the key holds.
- Decisions are kept as a history: a changed decision is appended, the latest per flag
  is current.
- What each level allows: a stop flag is cleared (with a note saying why) or "not today";
  a refer flag is referred (saying where to), cleared (with a note) or "not today"; a
  caution flag is cleared (a note optional) or "not today"; a note may be marked noted.
- A flag is *open* while a stop, refer or caution flag has no decision. Notes never are.
- The status: "not today" once any flag is decided "not today"; "cleared for needling"
  when no flag is open and consent was confirmed in person; "reviewed" once reviewed, or
  once anything was decided; else "submitted".
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from kiosk.questionnaire.logic import Flag

DecisionKind = Literal["cleared", "not_today", "referred", "noted"]
DECISION_LABELS: dict[str, str] = {"cleared": "cleared", "not_today": "not today",
                                   "referred": "referred", "noted": "noted"}
ALLOWED: dict[str, tuple[DecisionKind, ...]] = {
    "stop": ("cleared", "not_today"),
    "refer": ("referred", "cleared", "not_today"),
    "caution": ("cleared", "not_today"),
    "note": ("noted",),
}
DECIDED_LEVELS = frozenset({"stop", "refer", "caution"})  # a note is never open
NOTE_LIMIT = 500  # a short note, as on a paper chart

Status = Literal["draft", "submitted", "reviewed", "cleared_for_needling", "not_today"]
STATUSES: tuple[Status, ...] = ("draft", "submitted", "reviewed", "cleared_for_needling",
                                "not_today")
STATUS_LABELS: dict[str, str] = {"draft": "draft", "submitted": "submitted",
                                 "reviewed": "reviewed",
                                 "cleared_for_needling": "cleared for needling",
                                 "not_today": "not today"}


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class FlagDecision(BaseModel):
    """One decision on one flag, by whom and when (the latest per flag is current)."""

    model_config = ConfigDict(frozen=True)

    flag: str  # the flag's key, see flag_key
    decision: DecisionKind
    note: str = ""  # why it was cleared, or where the patient was referred to
    by: str
    at: dt.datetime = Field(default_factory=utc_now)


class ConsentConfirmation(BaseModel):
    """The clinician confirmed consent with the patient in person."""

    model_config = ConfigDict(frozen=True)

    by: str  # the clinician's name as they typed it
    staff_user: str  # the logged-in account that ticked it
    at: dt.datetime = Field(default_factory=utc_now)


class DecisionRefused(ValueError):
    """A decision that cannot be kept; the message says what to do instead."""


def flag_keys(flags: Sequence[Flag]) -> list[str]:
    """Each flag's key, in the flags' order."""
    seen: dict[tuple[str, str], int] = {}
    keys = []
    for flag in flags:
        number = seen[flag.item_id, flag.level] = seen.get((flag.item_id, flag.level), 0) + 1
        keys.append(f"{flag.item_id}:{flag.level}:{number}")
    return keys


def current_decisions(decisions: Sequence[FlagDecision]) -> dict[str, FlagDecision]:
    """The latest decision on each flag key."""
    latest: dict[str, FlagDecision] = {}
    for decision in decisions:
        latest[decision.flag] = decision
    return latest


def checked_decision(flags: Sequence[Flag], key: str, decision: str, note: str,
                     by: str, at: dt.datetime | None = None) -> FlagDecision:
    """The decision if the rules allow it, else :class:`DecisionRefused` saying why."""
    by_key = dict(zip(flag_keys(flags), flags, strict=True))
    flag = by_key.get(key)
    if flag is None:
        raise DecisionRefused("This record has no such flag; reload the page.")
    note = " ".join(note.split())
    allowed = ALLOWED[flag.level]
    if decision not in allowed:
        choices = " or ".join(f'"{DECISION_LABELS[kind]}"' for kind in allowed)
        raise DecisionRefused(f"A {flag.level} flag can be decided {choices} only.")
    if len(note) > NOTE_LIMIT:
        raise DecisionRefused(f"Keep the note under {NOTE_LIMIT} characters.")
    if decision == "cleared" and flag.level in ("stop", "refer") and not note:
        raise DecisionRefused(f"A {flag.level} flag can only be cleared with a note saying why.")
    if decision == "referred" and not note:
        raise DecisionRefused("Say where the patient was referred to (for example: GP today).")
    kind: DecisionKind = decision  # type: ignore[assignment]  # checked against ALLOWED
    return FlagDecision(flag=key, decision=kind, note=note, by=by, at=at or utc_now())


def open_flags(flags: Sequence[Flag], decisions: Sequence[FlagDecision]) -> int:
    """How many stop, refer and caution flags have no decision yet."""
    latest = current_decisions(decisions)
    return sum(1 for flag, key in zip(flags, flag_keys(flags), strict=True)
               if flag.level in DECIDED_LEVELS and key not in latest)


def record_status(flags: Sequence[Flag], decisions: Sequence[FlagDecision],
                  consent: ConsentConfirmation | None, *, submitted: bool,
                  reviewed: bool) -> Status:
    """Where the record stands (the rule is in the module doc)."""
    if not submitted:
        return "draft"
    keys = set(flag_keys(flags))
    latest = [decision for key, decision in current_decisions(decisions).items()
              if key in keys]
    if any(decision.decision == "not_today" for decision in latest):
        return "not_today"
    if consent is not None and open_flags(flags, decisions) == 0:
        return "cleared_for_needling"
    if reviewed or latest or consent is not None:
        return "reviewed"
    return "submitted"
