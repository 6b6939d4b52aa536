"""One patient's check-in at the kiosk: language, display choice, answers so far, where they are.

The screens keep every answer here (and nowhere else), so clearing a check-in
is one assignment. The rules (what is shown, what is valid) are asked of
``kiosk.questionnaire.logic``; nothing here re-implements them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from kiosk.intake import QuestionnairePin
from kiosk.questionnaire.answers import is_empty
from kiosk.questionnaire.logic import Evaluation, evaluate, visible_items
from kiosk.questionnaire.model import Item, Questionnaire, Section
from kiosk.store import Draft

DRAFT_MAX_AGE = dt.timedelta(minutes=30)


@dataclass
class CheckIn:
    """What one patient has chosen and answered; ``answers`` hold the widgets' raw values."""

    questionnaire: Questionnaire
    language: str
    accessible: bool = False  # large text and high contrast, on for this patient only
    answers: dict[str, Any] = field(default_factory=dict)  # changed by set/drop_answer only
    section_index: int = 0  # len(sections) means the review
    editing_from_review: bool = False
    _checked: Evaluation | None = field(default=None, init=False, repr=False, compare=False)

    def set_answer(self, item_id: str, value: Any) -> None:
        """Keep ``value`` as the answer (``None`` or empty: no answer)."""
        if is_empty(value):
            self.drop_answer(item_id)
        else:
            self.answers[item_id] = value
            self._checked = None

    def drop_answer(self, item_id: str) -> None:
        if self.answers.pop(item_id, None) is not None:
            self._checked = None

    @property
    def steps(self) -> int:
        """Every section, then the review."""
        return len(self.questionnaire.sections) + 1

    @property
    def section(self) -> Section:
        return self.questionnaire.sections[self.section_index]

    def checked(self) -> Evaluation:
        """The answers as ``kiosk.questionnaire.logic`` reads them: normalized, hidden ones dropped.

        Kept until an answer changes, so a Next evaluates the answers once, not once
        per question it asks (what is shown, what comes next, what the draft holds).
        """
        if self._checked is None:
            self._checked = evaluate(self.questionnaire, self.answers, self.language)
        return self._checked

    def section_problems(self, section: Section) -> dict[str, str]:
        """What is wrong with the shown items of ``section``, in question order (as
        ``kiosk.questionnaire.logic.section_problems`` finds, from the evaluation a Next
        goes on with)."""
        ids = {item.id for item in section.items}
        return {item_id: problem for item_id, problem in self.checked().problems.items()
                if item_id in ids}

    def shown_items(self, section: Section, checked: dict[str, Any] | None = None) -> list[Item]:
        """The items of ``section`` shown for the answers so far."""
        answers = self.checked().answers if checked is None else checked
        return visible_items(self.questionnaire, answers, section)

    def next_section(self, after: int, checked: dict[str, Any] | None = None) -> int | None:
        """The index of the next section with anything to show, or ``None`` for the review.

        ``checked`` are the answers as :meth:`checked` gives them, if already at hand.
        """
        checked = self.checked().answers if checked is None else checked
        for index in range(after + 1, len(self.questionnaire.sections)):
            if self.shown_items(self.questionnaire.sections[index], checked):
                return index
        return None

    def previous_section(self, before: int,
                         checked: dict[str, Any] | None = None) -> int | None:
        """The index of the previous section with anything to show, or ``None`` at the start."""
        checked = self.checked().answers if checked is None else checked
        for index in range(before - 1, -1, -1):
            if self.shown_items(self.questionnaire.sections[index], checked):
                return index
        return None

    def keep_checked(self, section: Section, evaluation: Evaluation) -> None:
        """After a valid Next: keep the section's cleaned answers and drop its hidden ones."""
        for item in section.items:
            if item.id in evaluation.answers:
                self.set_answer(item.id, evaluation.answers[item.id])
            else:
                self.drop_answer(item.id)

    def to_draft(self, station: str, checked: dict[str, Any] | None = None,
                 now: dt.datetime | None = None) -> Draft:
        """The draft saved after each section: cleaned answers only, never raw typing."""
        return Draft(station=station, questionnaire=QuestionnairePin.of(self.questionnaire),
                     language=self.language,
                     answers=self.checked().answers if checked is None else checked,
                     section_index=self.section_index,
                     updated_at=now or dt.datetime.now(dt.UTC))

    @classmethod
    def from_draft(cls, draft: Draft, questionnaire: Questionnaire) -> CheckIn:
        language = draft.language if draft.language in questionnaire.languages \
            else questionnaire.default_language
        index = min(max(draft.section_index, 0), len(questionnaire.sections))  # last = review
        return cls(questionnaire, language, answers=dict(draft.answers), section_index=index)


def draft_is_resumable(draft: Draft, questionnaire: Questionnaire,
                       now: dt.datetime | None = None) -> bool:
    """A draft is offered again only if it is recent and was taken with this exact questionnaire."""
    now = now or dt.datetime.now(dt.UTC)
    updated = draft.updated_at if draft.updated_at.tzinfo else \
        draft.updated_at.replace(tzinfo=dt.UTC)
    fresh = dt.timedelta(0) <= now - updated <= DRAFT_MAX_AGE
    return fresh and draft.questionnaire == QuestionnairePin.of(questionnaire)
