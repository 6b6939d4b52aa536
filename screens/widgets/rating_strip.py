"""A row of numbered tiles (e.g. 0-10) with the end labels under its ends; digit keys choose."""

from __future__ import annotations

import time

from textual import events
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.message import Message
from textual.widget import Widget
from textual.widgets import Static

from screens.widgets.choice_group import ChoiceGroup
from screens.widgets.choice_row import ChoiceRow
from screens.widgets.plain import plain, stylesheet

# A second digit typed this soon after the first makes a two-digit number ("1", "0" = 10).
_TWO_DIGIT_SECONDS = 1.0


class RatingStrip(Widget):
    """One rating on a whole-number scale, chosen by tapping a tile, arrows + Space, or digits."""

    DEFAULT_CSS = stylesheet(__file__, "rating_strip.tcss")

    class Changed(Message):
        """The patient chose ``value`` on this strip."""

        def __init__(self, strip: RatingStrip, value: int) -> None:
            super().__init__()
            self.strip = strip
            self.value = value

        @property
        def control(self) -> RatingStrip:
            return self.strip

    def __init__(self, low: int, high: int, low_label: str = "", high_label: str = "",
                 value: int | None = None, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.low = low
        self.high = high
        self._labels = (low_label, high_label)
        self.value = value if isinstance(value, int) and low <= value <= high else None
        self._last_digit: tuple[int, float] | None = None

    def compose(self) -> ComposeResult:
        yield ChoiceRow([str(n) for n in range(self.low, self.high + 1)])
        low_label, high_label = self._labels
        if low_label or high_label:
            with Horizontal(classes="end-labels"):
                yield Static(plain(f"{self.low} = {low_label}" if low_label else ""),
                             classes="low-label")
                yield Static(plain(f"{high_label} = {self.high}" if high_label else ""),
                             classes="high-label")

    def on_mount(self) -> None:
        choices = self.query_one(ChoiceRow)
        if self.value is not None:
            choices.cursor = self.value - self.low
            choices.show_chosen([self.value - self.low])
        else:
            choices.cursor = (self.high - self.low) // 2

    @property
    def choices(self) -> ChoiceRow:
        """The focusable row of numbered tiles."""
        return self.query_one(ChoiceRow)

    def choose(self, value: int) -> None:
        """Choose ``value`` as if the patient tapped it."""
        self.query_one(ChoiceRow).press(value - self.low)

    def on_choice_group_toggled(self, event: ChoiceGroup.Toggled) -> None:
        event.stop()
        self.value = self.low + event.index
        event.group.show_chosen([event.index])
        self.post_message(self.Changed(self, self.value))

    def on_key(self, event: events.Key) -> None:
        if event.character is None or not event.character.isdigit():
            return
        event.stop()
        digit = int(event.character)
        now = time.monotonic()
        number = digit
        if self._last_digit is not None and now - self._last_digit[1] < _TWO_DIGIT_SECONDS:
            combined = self._last_digit[0] * 10 + digit
            if combined <= self.high:
                number = combined
        self._last_digit = (number, now)
        if self.low <= number <= self.high:
            self.choose(number)
