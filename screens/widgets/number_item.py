"""A number answer with its unit (kg, years...); the core says what is wrong with it."""

from __future__ import annotations

from kiosk.questionnaire.model import NumberItem
from screens.widgets.checked_input import CheckedInputWidget


class NumberItemWidget(CheckedInputWidget):
    """Answer shape: ``int`` or ``float`` (the typed text while the core cannot read it)."""

    item: NumberItem
    restrict = r"[-+]?[0-9]*([.,][0-9]*)?"
    max_length = 16

    def after_input(self) -> str:
        return self.text(self.item.unit)
