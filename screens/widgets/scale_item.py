"""A 0-10 style rating: eleven large numbered tiles with the end labels; digit keys choose."""

from __future__ import annotations

from typing import Any

from textual.app import ComposeResult

from kiosk.questionnaire.model import ScaleItem
from screens.widgets.item_widget import ItemWidget
from screens.widgets.rating_strip import RatingStrip


class ScaleItemWidget(ItemWidget):
    """Answer shape: ``int`` between the item's ``min`` and ``max`` (``None`` until chosen)."""

    item: ScaleItem

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        initial = self._initial
        in_range = isinstance(initial, int) and not isinstance(initial, bool) \
            and self.item.min <= initial <= self.item.max
        self._answer: int | None = initial if in_range else None

    def compose_answer(self) -> ComposeResult:
        yield RatingStrip(self.item.min, self.item.max, self.text(self.item.min_label),
                          self.text(self.item.max_label), value=self._answer)

    @property
    def value(self) -> int | None:
        return self._answer

    def focus_input(self) -> None:
        self.focus_control(self.query_one(RatingStrip))

    def on_rating_strip_changed(self, event: RatingStrip.Changed) -> None:
        event.stop()
        self._answer = event.value
        self.announce_change()
