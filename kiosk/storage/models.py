"""The store's own records besides intakes: a station's draft and an audit event."""

from __future__ import annotations

import datetime as dt
from typing import Any

from pydantic import BaseModel, Field

from kiosk.intake import QuestionnairePin


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class Draft(BaseModel):
    """The answers so far on one kiosk station, saved after each section."""

    station: str
    questionnaire: QuestionnairePin
    language: str
    answers: dict[str, Any]
    section_index: int  # the section the patient was on
    updated_at: dt.datetime = Field(default_factory=utc_now)  # UTC


class AuditEvent(BaseModel):
    """Who did what to which record, and when (append-only)."""

    at: dt.datetime = Field(default_factory=utc_now)  # UTC
    actor: str  # staff user name, or "kiosk:<station>"
    action: str  # "view", "review", "export", "login", ...
    record_id: str | None = None
    address: str | None = None  # client address for viewer events
    detail: str | None = None  # e.g. "patient <old id> -> <new id>" for a split or merge
