"""Who may continue a check-in after a restart: whoever gives the draft's date of birth.

A kiosk that stopped mid check-in keeps the answers so far as a draft. The next person
at the kiosk may be someone else, so the draft is continued only by giving the date of
birth it holds (the answer to the item with ``role: birth_date``), with a few tries.
A draft without one cannot be checked, so it is never offered.
"""

from __future__ import annotations

from kiosk.questionnaire.model import DateItem, Questionnaire
from kiosk.store import Draft

MAX_TRIES = 3


class BirthDateCheck:
    """A few tries at the draft's date of birth; once they are used up, nobody may continue."""

    def __init__(self, item: DateItem, birth_date: str, tries: int = MAX_TRIES) -> None:
        self.item = item
        self._birth_date = birth_date
        self.tries_left = tries
        self.passed = False

    @classmethod
    def for_draft(cls, draft: Draft, questionnaire: Questionnaire) -> BirthDateCheck | None:
        """The check for ``draft``, or None when it holds no date of birth to check against."""
        item = questionnaire.item_with_role("birth_date")  # a date item (the checks see to it)
        if not isinstance(item, DateItem):
            return None
        given = draft.answers.get(item.id)
        return cls(item, given) if isinstance(given, str) and given else None

    def attempt(self, birth_date: str) -> bool:
        """Whether ``birth_date`` (as ``kiosk.questionnaire.answers`` cleans a date:
        YYYY-MM-DD) is the draft's; a wrong one uses up a try, and no answer is right once
        none are left."""
        if self.tries_left <= 0:
            return False
        if birth_date == self._birth_date:
            self.passed = True
            return True
        self.tries_left -= 1
        return False

    @property
    def used_up(self) -> bool:
        return not self.passed and self.tries_left <= 0
