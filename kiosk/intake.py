"""The intake record: a patient's answers with their flags, scores and questionnaire pin."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from kiosk.decisions import (
    STATUSES,
    ConsentConfirmation,
    FlagDecision,
    Status,
    open_flags,
    record_status,
)
from kiosk.ids import new_record_id, new_short_code
from kiosk.questionnaire.logic import Flag, evaluate
from kiosk.questionnaire.model import Questionnaire

__all__ = ["STATUSES", "ConsentConfirmation", "Flag", "FlagDecision", "Intake", "InvalidAnswers",
           "QuestionnairePin", "Status", "build_intake"]


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class QuestionnairePin(BaseModel):
    """Which questionnaire, exactly, a record was taken with."""

    model_config = ConfigDict(frozen=True)

    id: str
    version: int
    content_hash: str

    @classmethod
    def of(cls, questionnaire: Questionnaire) -> QuestionnairePin:
        return cls(id=questionnaire.id, version=questionnaire.version,
                   content_hash=questionnaire.content_hash)


class Intake(BaseModel):
    id: str = Field(default_factory=new_record_id)
    short_code: str = Field(default_factory=new_short_code)
    status: Status = "draft"
    created_at: dt.datetime = Field(default_factory=utc_now)
    submitted_at: dt.datetime | None = None
    reviewed_at: dt.datetime | None = None
    reviewed_by: str | None = None
    questionnaire: QuestionnairePin
    language: str
    station: str = "kiosk"
    answers: dict[str, Any] = {}
    flags: list[Flag] = []
    scores: dict[str, float | None] = {}
    patient: str | None = None  # the linked patient's id (one person's visits share it)
    # The clinician's decisions on the flags, oldest first (see kiosk.decisions), and the
    # consent confirmation: record content, sealed with it. The status and open-flag count
    # follow from them (settle()) and stay in clear, so day lists can filter on them.
    decisions: list[FlagDecision] = []
    consent_confirmation: ConsentConfirmation | None = None
    open_flags: int = 0

    def flags_at(self, level: str) -> list[Flag]:
        return [flag for flag in self.flags if flag.level == level]

    def settle(self) -> None:
        """Set the status and open-flag count from the review, decisions and consent."""
        self.open_flags = open_flags(self.flags, self.decisions)
        self.status = record_status(self.flags, self.decisions, self.consent_confirmation,
                                    submitted=self.status != "draft",
                                    reviewed=self.reviewed_at is not None
                                    or self.status == "reviewed")


class InvalidAnswers(ValueError):
    """Answers that cannot be submitted; ``problems`` maps item id to the patient's message."""

    def __init__(self, problems: Mapping[str, str]):
        self.problems = dict(problems)
        super().__init__("; ".join(f"{item}: {text}" for item, text in self.problems.items()))


def build_intake(questionnaire: Questionnaire, raw_answers: Mapping[str, Any], *,
                 language: str | None = None, station: str = "kiosk",
                 created_at: dt.datetime | None = None) -> Intake:
    """A submitted intake from raw answers, checked exactly as the kiosk checks them.

    Hidden items' answers are dropped; any problem raises :class:`InvalidAnswers`.
    """
    language = language if language in questionnaire.languages else \
        questionnaire.default_language
    result = evaluate(questionnaire, raw_answers, language)
    if not result.ok:
        raise InvalidAnswers(result.problems)
    now = utc_now()
    intake = Intake(
        status="submitted", created_at=created_at or now, submitted_at=now,
        questionnaire=QuestionnairePin.of(questionnaire), language=language or "en",
        station=station, answers=result.answers, flags=result.flags, scores=result.scores,
    )
    intake.settle()
    return intake
