"""An intake as the clinician reads it: flags first, then pain, then every section in order.

Labels come from the questionnaire version the record was taken with, in that
questionnaire's first language (the clinic's); patient text stays exactly as typed
and is escaped by the templates.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from kiosk.body_map import region_label
from kiosk.intake import Intake
from kiosk.logic import visible_items
from kiosk.questionnaire import (
    FLAG_LEVELS,
    ActivitiesItem,
    BodyMapItem,
    ChoiceItemBase,
    ConsentItem,
    DateItem,
    Item,
    LongTextItem,
    MultiChoiceItem,
    NumberItem,
    Questionnaire,
    ScaleItem,
    Section,
    YesNoItem,
)
from kiosk.viewer.body_map_svg import BodyMapView, body_map_views

FLAG_HEADINGS = {
    "stop": "Stop: do not needle",
    "caution": "Caution: needle with care",
    "refer": "Refer: red flags",
    "note": "Notes",
}


@dataclass(frozen=True)
class FlagLine:
    message: str
    question: str


@dataclass(frozen=True)
class FlagGroup:
    level: str
    heading: str
    flags: list[FlagLine]


@dataclass(frozen=True)
class ActivityRow:
    activity: str
    rating: int


@dataclass(frozen=True)
class AnswerLine:
    """One question and its answer; ``kind`` tells the template how to lay it out."""

    label: str
    kind: str  # "text", "long_text", "list", "activities", "consent", "missing"
    text: str = ""
    entries: list[str] = field(default_factory=list)
    activities: list[ActivityRow] = field(default_factory=list)
    mean: float | None = None


@dataclass(frozen=True)
class SectionView:
    title: str
    answers: list[AnswerLine]


@dataclass(frozen=True)
class PainView:
    maps: list[BodyMapView]
    areas: list[str]
    details: list[AnswerLine]


@dataclass(frozen=True)
class ScoreLine:
    label: str
    value: float | None


@dataclass(frozen=True)
class RecordView:
    intake: Intake
    title: str
    version: int
    flag_groups: list[FlagGroup]
    pain: PainView | None
    sections: list[SectionView]
    scores: list[ScoreLine]
    submitted: str
    reviewed: str


def local_time(moment: dt.datetime | None) -> str:
    """A UTC timestamp as the clinic's local wall-clock time, to the minute."""
    if moment is None:
        return ""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    return moment.astimezone().strftime("%Y-%m-%d %H:%M")


def flag_groups(intake: Intake, questionnaire: Questionnaire) -> list[FlagGroup]:
    """Raised flags by level, most serious first; levels without flags are left out."""
    language = questionnaire.default_language
    groups = []
    for level in FLAG_LEVELS:
        lines = []
        for flag in intake.flags_at(level):
            item = questionnaire.items_by_id.get(flag.item_id)
            question = questionnaire.text(item.label, language) if item else flag.item_id
            lines.append(FlagLine(flag.message, question))
        if lines:
            groups.append(FlagGroup(level, FLAG_HEADINGS[level], lines))
    return groups


def _time_before(day: str, reference: dt.datetime | None) -> str:
    """How long before the intake a date was: days, weeks (acute/chronic reads in weeks), years."""
    try:
        then = dt.date.fromisoformat(day)
    except ValueError:
        return ""
    if reference is None or then > reference.date():
        return ""
    days = (reference.date() - then).days
    if days < 14:
        return f"{days} day{'s' if days != 1 else ''} before the intake"
    if days < 2 * 365:
        return f"{days // 7} weeks before the intake"
    return f"{int(days // 365.25)} years before the intake"


def answer_line(item: Item, value: Any, questionnaire: Questionnaire,
                intake: Intake) -> AnswerLine:
    """How one answer reads to a clinician; a missing answer says so."""
    language = questionnaire.default_language
    label = questionnaire.text(item.label, language)
    if value is None:
        return AnswerLine(label, "missing", "not answered")
    if isinstance(item, YesNoItem):
        return AnswerLine(label, "text", "Yes" if value is True else "No")
    if isinstance(item, ScaleItem):
        return AnswerLine(label, "text", f"{value} / {item.max}")
    if isinstance(item, NumberItem):
        unit = questionnaire.text(item.unit, language) if item.unit else ""
        return AnswerLine(label, "text", f"{value} {unit}".strip())
    if isinstance(item, MultiChoiceItem):
        return AnswerLine(label, "list", entries=[_option_label(item, v, questionnaire)
                                                  for v in value])
    if isinstance(item, ChoiceItemBase):
        return AnswerLine(label, "text", _option_label(item, value, questionnaire))
    if isinstance(item, DateItem):
        ago = _time_before(str(value), intake.submitted_at or intake.created_at)
        return AnswerLine(label, "text", f"{value} ({ago})" if ago else str(value))
    if isinstance(item, BodyMapItem):
        return AnswerLine(label, "list", entries=[region_label(r) for r in value])
    if isinstance(item, ConsentItem):
        return AnswerLine(label, "consent", _consent_text(value, intake))
    if isinstance(item, ActivitiesItem):
        return _activities_line(label, value)
    if isinstance(item, LongTextItem):
        return AnswerLine(label, "long_text", str(value))
    return AnswerLine(label, "text", str(value))


def _option_label(item: ChoiceItemBase, value: str, questionnaire: Questionnaire) -> str:
    option = item.option(value)
    return questionnaire.text(option.label, questionnaire.default_language) if option else value


def _consent_text(value: Any, intake: Intake) -> str:
    if not isinstance(value, dict) or value.get("agreed") is not True:
        return "not given"
    signed = f"Agreed, signed by {value.get('name', '')} on {value.get('signed_on', '')}"
    submitted = local_time(intake.submitted_at)
    return f"{signed}; submitted {submitted}" if submitted else signed


def _activities_line(label: str, value: Any) -> AnswerLine:
    rows = [ActivityRow(str(row.get("activity", "")), int(row.get("rating", 0)))
            for row in value if isinstance(row, dict)]
    mean = round(sum(r.rating for r in rows) / len(rows), 1) if rows else None
    return AnswerLine(label, "activities", activities=rows, mean=mean)


def _pain_sections(questionnaire: Questionnaire) -> list[Section]:
    """Sections holding the body map or a 0-10 scale: where, how bad, since when, how."""
    return [section for section in questionnaire.sections
            if any(isinstance(item, BodyMapItem | ScaleItem) for item in section.items)]


def pain_view(intake: Intake, questionnaire: Questionnaire,
              shown: list[Item]) -> PainView | None:
    """The body map, then the short answers beside it: the 0-10 scores, onset, pattern.

    Free text and the activity list are left to their sections below, to keep this short.
    """
    sections = _pain_sections(questionnaire)
    if not sections:
        return None
    shown_ids = {item.id for item in shown}
    chosen: list[str] = []
    details = []
    for section in sections:
        for item in section.items:
            if item.id not in shown_ids or not item.answerable:
                continue
            value = intake.answers.get(item.id)
            if isinstance(item, BodyMapItem):
                chosen += [region for region in value or [] if region not in chosen]
            elif value is not None and not isinstance(item, LongTextItem | ActivitiesItem):
                details.append(answer_line(item, value, questionnaire, intake))
    language = questionnaire.default_language
    return PainView(body_map_views(chosen, language),
                    [region_label(region, language) for region in chosen], details)


def record_view(intake: Intake, questionnaire: Questionnaire) -> RecordView:
    """Everything the record page shows, in the order a clinician needs it."""
    shown = visible_items(questionnaire, intake.answers)
    shown_ids = {item.id for item in shown}
    sections = []
    for section in questionnaire.sections:
        answers = [answer_line(item, intake.answers.get(item.id), questionnaire, intake)
                   for item in section.items if item.id in shown_ids and item.answerable]
        if answers:
            sections.append(SectionView(questionnaire.text(section.title,
                                                           questionnaire.default_language),
                                        answers))
    scores = [ScoreLine(questionnaire.text(score.label, questionnaire.default_language),
                        intake.scores.get(score.id)) for score in questionnaire.scores]
    return RecordView(
        intake=intake, title=questionnaire.text(questionnaire.title,
                                                questionnaire.default_language),
        version=questionnaire.version, flag_groups=flag_groups(intake, questionnaire),
        pain=pain_view(intake, questionnaire, shown), sections=sections, scores=scores,
        submitted=local_time(intake.submitted_at or intake.created_at),
        reviewed=reviewed_line(intake),
    )


def reviewed_line(intake: Intake) -> str:
    """Who reviewed the record and when; empty while it is not reviewed."""
    if intake.status != "reviewed":
        return ""
    return f"Reviewed by {intake.reviewed_by or 'staff'} at {local_time(intake.reviewed_at)}"
