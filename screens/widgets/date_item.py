"""A date answer typed as YYYY-MM-DD, with a hint; the core says what is wrong with it."""

from __future__ import annotations

from kiosk.questionnaire.model import DateItem
from screens.widgets.checked_input import CheckedInputWidget
from screens.widgets.wording import word


class DateItemWidget(CheckedInputWidget):
    """Answer shape: ``'YYYY-MM-DD'`` (the typed text while the core cannot read it)."""

    item: DateItem
    restrict = r"[0-9-]*"  # "19800423" is read too; the core says if it is no date
    max_length = 10

    def placeholder(self) -> str:
        return word("date_placeholder", self.language)

    def hint(self) -> str:
        return word("date_hint", self.language)
