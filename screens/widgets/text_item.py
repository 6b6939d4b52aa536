"""A one-line text answer with a visible "n / max" length counter."""

from __future__ import annotations

from typing import Any

from textual.app import ComposeResult
from textual.widgets import Input, Static

from kiosk.questionnaire import TextItem
from kiosk.text import strip_controls
from screens.widgets.item_widget import ItemWidget
from screens.widgets.patient_input import PatientInput
from screens.widgets.plain import plain, stylesheet
from screens.widgets.wording import word


class TextItemWidget(ItemWidget):
    """Answer shape: ``str`` (``None`` while empty); typing stops at the item's ``max_length``."""

    DEFAULT_CSS = stylesheet(__file__, "text_item.tcss")
    item: TextItem

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        initial = self._initial if isinstance(self._initial, str) else ""
        self._text = strip_controls(initial)[: self.item.max_length]

    def compose_answer(self) -> ComposeResult:
        yield PatientInput(self._text, max_length=self.item.max_length, select_on_focus=False)
        yield Static(self._counter(len(self._text)), classes="length-counter")

    def _counter(self, count: int) -> str:
        return word("length", self.language, count=count, limit=self.item.max_length)

    @property
    def value(self) -> str | None:
        return self._text or None

    def focus_input(self) -> None:
        self.focus_control(self.query_one(PatientInput))

    def on_input_changed(self, event: Input.Changed) -> None:
        event.stop()
        if event.value == self._text:
            return  # the box reporting the kept answer it was built with
        self._text = event.value
        self.query_one(".length-counter", Static).update(plain(self._counter(len(self._text))))
        self.announce_change()
