"""A multi-line text answer with a visible "n / max" length counter."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.widgets import TextArea

from kiosk.questionnaire.model import LongTextItem
from screens.widgets.counted_text import CountedTextWidget
from screens.widgets.patient_input import PatientTextArea
from screens.widgets.plain import stylesheet


class LongTextItemWidget(CountedTextWidget):
    """Answer shape: ``str`` (``None`` while empty); typing and pasting stop at ``max_length``."""

    DEFAULT_CSS = stylesheet(__file__, "long_text_item.tcss")
    item: LongTextItem
    MULTILINE = True

    def compose_answer(self) -> ComposeResult:
        yield PatientTextArea(self._text, max_length=self.item.max_length)
        yield self.counter()

    def focus_input(self) -> None:
        self.focus_control(self.query_one(PatientTextArea))

    def on_text_area_changed(self, event: TextArea.Changed) -> None:
        event.stop()
        self.take_text(event.text_area.text)
