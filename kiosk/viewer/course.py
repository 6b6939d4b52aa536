"""A patient's course of visits as the clinician reads it: who, what stands, what is new.

Pure functions over the patient's visits (oldest first) and the one being read:

- the **banner**: name, age on the day of the visit, date of birth, "visit 3 of 3". Name
  and birth date are the answers to the items with ``role: name`` and
  ``role: birth_date`` in the visit's own questionnaire (the nearest other visit's if
  this one has none);
- **today's flags**, most urgent first (:data:`kiosk.viewer.urgency.URGENCY`), each
  marked *new* when the previous visit did not raise it (same item, same message). A
  first visit has no previous one, so nothing on it is marked;
- **standing flags**: what an earlier visit raised that still holds today. The rule, in
  full: a stop, refer or caution flag of an earlier visit stands when the item that
  raised it is not asked by today's questionnaire (a follow-up does not ask again
  about the heart valve, the pacemaker, the latex allergy or the blood thinner of
  visit 1) and today did not raise the same flag itself. An item today's questionnaire
  asks again ("fever today?") has today's answer, which wins. Notes never stand. A flag
  raised on several earlier visits is listed once, from the first visit that raised it;
- the **visits panel**: each visit's day, questionnaire and flag counts.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from kiosk.decisions import current_decisions, flag_keys
from kiosk.intake import Flag, Intake
from kiosk.questionnaire.model import FlagLevel, Role
from kiosk.viewer.decision_view import decision_line
from kiosk.viewer.questionnaire_layout import QuestionnaireLayout
from kiosk.viewer.urgency import FLAG_HEADINGS, URGENCY

# Levels an earlier visit's flag can stand at; a note is worth knowing on its day only.
STANDING_LEVELS: frozenset[FlagLevel] = frozenset({"stop", "refer", "caution"})


@dataclass(frozen=True)
class Visit:
    """One visit of the course: its record and the layout of the questionnaire it took."""

    intake: Intake
    layout: QuestionnaireLayout

    @property
    def day(self) -> dt.date:
        """The visit's local day (when the patient submitted, else when they started)."""
        moment = self.intake.submitted_at or self.intake.created_at
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=dt.UTC)
        return moment.astimezone().date()


@dataclass(frozen=True)
class Banner:
    name: str
    birth_date: str  # as answered (ISO), empty if no visit says
    age: int | None  # on the day of the visit
    visit_number: int
    visit_count: int


@dataclass(frozen=True)
class FlagLine:
    message: str
    question: str
    new: bool = False  # today's flag that the previous visit did not raise
    since: str = ""  # a standing flag's first visit: "visit 1, 2 Nov"
    decision: str = ""  # today's flag's current decision: "cleared by ana at ...: INR 2.3"


@dataclass(frozen=True)
class FlagGroup:
    level: FlagLevel
    heading: str
    flags: list[FlagLine]


@dataclass(frozen=True)
class VisitLine:
    number: int
    record_id: str
    short_code: str
    day: str  # "2 Nov 2026"
    title: str
    badges: list[tuple[FlagLevel, int]]  # levels with flags, most urgent first
    current: bool


def short_day(day: dt.date) -> str:
    """"2 Nov": the day as a clinician says it."""
    return f"{day.day} {day:%b}"


def long_day(day: dt.date) -> str:
    return f"{day.day} {day:%b %Y}"


def answer_with_role(visit: Visit, role: Role) -> str:
    """The visit's answer to the item holding ``role``, as text; empty if none."""
    item = visit.layout.questionnaire.item_with_role(role)
    value = visit.intake.answers.get(item.id) if item is not None else None
    return str(value).strip() if value not in (None, "") else ""


def _nearest_answer(visits: Sequence[Visit], index: int, role: Role) -> str:
    """This visit's answer for ``role``, else the nearest earlier, else the nearest later."""
    order = [index, *range(index - 1, -1, -1), *range(index + 1, len(visits))]
    for position in order:
        found = answer_with_role(visits[position], role)
        if found:
            return found
    return ""


def age_on(birth_date: str, day: dt.date) -> int | None:
    """Whole years from ``birth_date`` (ISO) to ``day``; None if it is not a date."""
    try:
        born = dt.date.fromisoformat(birth_date[:10])
    except ValueError:
        return None
    years = day.year - born.year - ((day.month, day.day) < (born.month, born.day))
    return years if years >= 0 else None


def banner(visits: Sequence[Visit], index: int) -> Banner:
    """Who this is, so the clinician confirms the patient before reading on."""
    birth_date = _nearest_answer(visits, index, "birth_date")
    return Banner(name=_nearest_answer(visits, index, "name"), birth_date=birth_date,
                  age=age_on(birth_date, visits[index].day) if birth_date else None,
                  visit_number=index + 1, visit_count=len(visits))


def _key(flag: Flag) -> tuple[str, str]:
    return flag.item_id, flag.message


def _grouped(lines: Sequence[tuple[FlagLevel, FlagLine]]) -> list[FlagGroup]:
    """Flag lines by level, most urgent first; levels without flags left out."""
    groups = []
    for level in URGENCY:
        flags = [line for line_level, line in lines if line_level == level]
        if flags:
            groups.append(FlagGroup(level, FLAG_HEADINGS[level], flags))
    return groups


def todays_flags(visits: Sequence[Visit], index: int) -> list[FlagGroup]:
    """The visit's own flags, most urgent first, those the previous visit lacked marked new."""
    visit = visits[index]
    before = {_key(flag) for flag in visits[index - 1].intake.flags} if index > 0 else None
    questions = visit.layout.questions
    latest = current_decisions(visit.intake.decisions)
    return _grouped([(flag.level, FlagLine(flag.message, questions.get(flag.item_id, flag.item_id),
                                           new=before is not None and _key(flag) not in before,
                                           decision=decision_line(latest[key])
                                           if key in latest else ""))
                     for flag, key in zip(visit.intake.flags, flag_keys(visit.intake.flags),
                                          strict=True)])


def standing_flags(visits: Sequence[Visit], index: int) -> list[FlagGroup]:
    """Earlier visits' flags that still hold on this visit (the rule is in the module doc)."""
    today = visits[index]
    asked_today = today.layout.questionnaire.items_by_id
    seen = {_key(flag) for flag in today.intake.flags}
    lines: list[tuple[FlagLevel, FlagLine]] = []
    for number, earlier in enumerate(visits[:index], start=1):
        for flag in earlier.intake.flags:
            if flag.level not in STANDING_LEVELS or flag.item_id in asked_today \
                    or _key(flag) in seen:
                continue
            seen.add(_key(flag))
            question = earlier.layout.questions.get(flag.item_id, flag.item_id)
            lines.append((flag.level, FlagLine(
                flag.message, question, since=f"visit {number}, {short_day(earlier.day)}")))
    return _grouped(lines)


def badges(intake: Intake) -> list[tuple[FlagLevel, int]]:
    """How many flags of each level a record raised, most urgent first, zeros left out."""
    counts = [(level, len(intake.flags_at(level))) for level in URGENCY]
    return [(level, count) for level, count in counts if count]


def visit_lines(visits: Sequence[Visit], index: int) -> list[VisitLine]:
    """The visits panel: every visit of the course, oldest first, this one marked."""
    return [VisitLine(number, visit.intake.id, visit.intake.short_code, long_day(visit.day),
                      visit.layout.title, badges(visit.intake), number - 1 == index)
            for number, visit in enumerate(visits, start=1)]


@dataclass(frozen=True)
class CourseView:
    """The top of a record page: everything on it that depends on the patient's other visits."""

    intake: Intake
    banner: Banner
    flag_groups: list[FlagGroup]
    standing: list[FlagGroup]
    visits: list[VisitLine]


def course_view(visits: Sequence[Visit], index: int) -> CourseView:
    """Banner, today's flags, standing flags and the visits panel of ``visits[index]``."""
    return CourseView(intake=visits[index].intake, banner=banner(visits, index),
                      flag_groups=todays_flags(visits, index),
                      standing=standing_flags(visits, index),
                      visits=visit_lines(visits, index))
