"""A one-line text answer with a visible "n / max" length counter."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.widgets import Input

from kiosk.questionnaire.model import TextItem
from screens.widgets.counted_text import CountedTextWidget
from screens.widgets.patient_input import PatientInput
from screens.widgets.plain import stylesheet


class TextItemWidget(CountedTextWidget):
    """Answer shape: ``str`` (``None`` while empty); typing stops at the item's ``max_length``."""

    DEFAULT_CSS = stylesheet(__file__, "text_item.tcss")
    item: TextItem

    def compose_answer(self) -> ComposeResult:
        yield PatientInput(self._text, max_length=self.item.max_length, select_on_focus=False)
        yield self.counter()

    def focus_input(self) -> None:
        self.focus_control(self.query_one(PatientInput))

    def on_input_changed(self, event: Input.Changed) -> None:
        event.stop()
        self.take_text(event.value)
