"""A multi-line text answer with a visible "n / max" length counter."""

from __future__ import annotations

from typing import Any

from textual.app import ComposeResult
from textual.widgets import Static, TextArea

from kiosk.questionnaire import LongTextItem
from kiosk.text import strip_controls
from screens.widgets.item_widget import ItemWidget
from screens.widgets.patient_input import PatientTextArea
from screens.widgets.plain import plain, stylesheet
from screens.widgets.wording import word


class LongTextItemWidget(ItemWidget):
    """Answer shape: ``str`` (``None`` while empty); typing and pasting stop at ``max_length``."""

    DEFAULT_CSS = stylesheet(__file__, "long_text_item.tcss")
    item: LongTextItem

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        initial = self._initial if isinstance(self._initial, str) else ""
        self._text = strip_controls(initial, multiline=True)[: self.item.max_length]

    def compose_answer(self) -> ComposeResult:
        yield PatientTextArea(self._text, max_length=self.item.max_length)
        yield Static(self._counter(len(self._text)), classes="length-counter")

    def _counter(self, count: int) -> str:
        return word("length", self.language, count=count, limit=self.item.max_length)

    @property
    def value(self) -> str | None:
        return self._text or None

    def focus_input(self) -> None:
        self.focus_control(self.query_one(PatientTextArea))

    def on_text_area_changed(self, event: TextArea.Changed) -> None:
        event.stop()
        if event.text_area.text == self._text:
            return
        self._text = event.text_area.text
        self.query_one(".length-counter", Static).update(plain(self._counter(len(self._text))))
        self.announce_change()
