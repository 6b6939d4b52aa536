"""What the one-line and the multi-line text answers share: the kept text and its counter."""

from __future__ import annotations

from typing import Any

from textual.widgets import Static

from kiosk.questionnaire.model import LongTextItem, TextItem
from kiosk.questionnaire.text import strip_controls
from screens.widgets.item_widget import ItemWidget
from screens.widgets.plain import plain
from screens.widgets.wording import word


class CountedTextWidget(ItemWidget):
    """A text answer kept as typed (controls stripped) with a visible "n / max" counter."""

    item: TextItem | LongTextItem
    MULTILINE = False

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        initial = self._initial if isinstance(self._initial, str) else ""
        self._text = strip_controls(initial, multiline=self.MULTILINE)[: self.item.max_length]

    def counter(self) -> Static:
        return Static(self._counter(len(self._text)), classes="length-counter")

    def _counter(self, count: int) -> str:
        return word("length", self.language, count=count, limit=self.item.max_length)

    @property
    def value(self) -> str | None:
        return self._text or None

    def take_text(self, text: str) -> None:
        """The control now holds ``text``: keep it, update the counter, tell the screen."""
        if text == self._text:
            return  # the control reporting the kept answer it was built with
        self._text = text
        self.query_one(".length-counter", Static).update(plain(self._counter(len(text))))
        self.announce_change()
