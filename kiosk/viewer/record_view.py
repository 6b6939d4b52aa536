"""An intake as the clinician reads it: flags first, then pain, then every section in order.

Labels come from the questionnaire version the record was taken with, in that
questionnaire's first language (the clinic's), through its layout, worked out once per
questionnaire (:mod:`kiosk.viewer.questionnaire_layout`); patient text stays exactly as
typed and is escaped (:mod:`kiosk.viewer.answer_html` and the templates).
"""

from __future__ import annotations

from dataclasses import dataclass

from markupsafe import Markup

from kiosk.body_map import region_label
from kiosk.intake import Intake
from kiosk.logic import visible_items
from kiosk.questionnaire import FLAG_LEVELS
from kiosk.viewer.answer_html import answer, local_time
from kiosk.viewer.body_map_svg import BodyMapView, body_map_views
from kiosk.viewer.questionnaire_layout import QuestionnaireLayout, is_pain_detail

__all__ = ["RecordView", "local_time", "record_view", "reviewed_line"]

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
class SectionView:
    title: str
    answers: Markup  # its questions and answers as <dt>/<dd> pairs


@dataclass(frozen=True)
class PainView:
    maps: list[BodyMapView]
    areas: list[str]
    details: Markup  # the short answers beside the body map, as <dt>/<dd> pairs


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


def flag_groups(intake: Intake, layout: QuestionnaireLayout) -> list[FlagGroup]:
    """Raised flags by level, most serious first; levels without flags are left out."""
    groups = []
    for level in FLAG_LEVELS:
        lines = [FlagLine(flag.message, layout.questions.get(flag.item_id, flag.item_id))
                 for flag in intake.flags_at(level)]
        if lines:
            groups.append(FlagGroup(level, FLAG_HEADINGS[level], lines))
    return groups


def pain_view(intake: Intake, layout: QuestionnaireLayout,
              shown_ids: set[str]) -> PainView | None:
    """The body map, then the short answers beside it: the 0-10 scores, onset, pattern.

    Free text and the activity list are left to their sections below, to keep this short.
    """
    if layout.pain_items is None:
        return None
    chosen: list[str] = []
    details = []
    for question in layout.pain_items:
        if question.item.id not in shown_ids:
            continue
        value = intake.answers.get(question.item.id)
        if question.item.type == "body_map":
            chosen += [region for region in value or [] if region not in chosen]
        elif value is not None and is_pain_detail(question.item):
            details.append(answer(question, value, intake))
    # A questionnaire without a body map (a follow-up check-in) draws no empty figures.
    has_map = any(question.item.type == "body_map" for question in layout.pain_items)
    return PainView(body_map_views(chosen, layout.language) if has_map else [],
                    [region_label(region, layout.language) for region in chosen],
                    Markup("".join(details)))


def record_view(intake: Intake, layout: QuestionnaireLayout) -> RecordView:
    """Everything the record page shows, in the order a clinician needs it."""
    shown_ids = {item.id for item in visible_items(layout.questionnaire, intake.answers)}
    answers = intake.answers
    sections = []
    for section in layout.sections:
        lines = [answer(question, answers.get(question.item.id), intake)
                 for question in section.items if question.item.id in shown_ids]
        if lines:
            sections.append(SectionView(section.title, Markup("".join(lines))))
    scores = [ScoreLine(label, intake.scores.get(score_id)) for score_id, label in layout.scores]
    return RecordView(
        intake=intake, title=layout.title, version=layout.questionnaire.version,
        flag_groups=flag_groups(intake, layout), pain=pain_view(intake, layout, shown_ids),
        sections=sections, scores=scores,
        submitted=local_time(intake.submitted_at or intake.created_at),
        reviewed=reviewed_line(intake),
    )


def reviewed_line(intake: Intake) -> str:
    """Who reviewed the record and when; empty while it is not reviewed."""
    if intake.status != "reviewed":
        return ""
    return f"Reviewed by {intake.reviewed_by or 'staff'} at {local_time(intake.reviewed_at)}"
