"""A row of numbered tiles (e.g. 0-10) with the end labels under its ends; digit keys choose."""

from __future__ import annotations

import time

from rich.cells import cell_len, set_cell_size
from rich.segment import Segment
from rich.style import Style as RichStyle
from textual import events
from textual.content import Content
from textual.geometry import Size
from textual.message import Message
from textual.strip import Strip

from screens.widgets.choice_group import ChoiceGroup
from screens.widgets.choice_row import TILE_HEIGHT, ChoiceRow
from screens.widgets.plain import plain, stylesheet

# A second digit typed this soon after the first makes a two-digit number ("1", "0" = 10).
_TWO_DIGIT_SECONDS = 1.0


class RatingStrip(ChoiceRow):
    """One rating on a whole-number scale, chosen by tapping a tile, arrows + Space, or digits.

    The end labels ("0 = No pain", "Worst pain imaginable = 10") are drawn under the
    tiles by the strip itself, each in half the width, in ``rating-strip--ends``.
    """

    DEFAULT_CSS = stylesheet(__file__, "rating_strip.tcss")
    COMPONENT_CLASSES = {"rating-strip--ends"}

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
        super().__init__([str(n) for n in range(low, high + 1)], **kwargs)
        self.low = low
        self.high = high
        self.value = value if isinstance(value, int) and low <= value <= high else None
        self._ends = (plain(f"{low} = {low_label}" if low_label else "").plain,
                      plain(f"{high_label} = {high}" if high_label else "").plain)
        self._end_lines: dict[int, list[str]] = {}
        self._ends_style: RichStyle | None = None
        self._last_digit: tuple[int, float] | None = None
        if self.value is not None:
            self.cursor = self.value - low
            self.show_chosen([self.value - low])
        else:
            self.cursor = (high - low) // 2

    # -- the end labels -----------------------------------------------------------------

    def end_lines(self, width: int) -> list[str]:
        """The lines under the tiles: the low label wrapped in the left half, the high
        label wrapped and right-aligned in the right half (none if neither is given)."""
        if width not in self._end_lines:
            self._end_lines[width] = _end_lines(*self._ends, width) if any(self._ends) else []
        return self._end_lines[width]

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        return TILE_HEIGHT + len(self.end_lines(width))

    def notify_style_update(self) -> None:
        self._ends_style = None
        super().notify_style_update()

    def render_line(self, y: int) -> Strip:
        if y < TILE_HEIGHT:
            return super().render_line(y)
        width = self.content_size.width
        lines = self.end_lines(width)
        if y - TILE_HEIGHT >= len(lines):
            return Strip.blank(width, self._plain_style())
        if self._ends_style is None:
            self._ends_style = self.component_text_style(
                self.get_component_styles("rating-strip--ends"), self.background_colors[1])
        return Strip([Segment(lines[y - TILE_HEIGHT], self._ends_style)], width)

    # -- choosing -----------------------------------------------------------------------

    def choose(self, value: int) -> None:
        """Choose ``value`` as if the patient tapped it."""
        self.press(value - self.low)

    def on_choice_group_toggled(self, event: ChoiceGroup.Toggled) -> None:
        event.stop()
        self.value = self.low + event.index
        self.show_chosen([event.index])
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


def _end_lines(low: str, high: str, width: int) -> list[str]:
    # Two halves as two 1fr columns would share the width; text wrapped as Textual wraps it.
    left_width = width // 2
    right_width = width - left_width
    lefts = [line.plain for line in Content(low).wrap(left_width)] if left_width else []
    rights = [line.plain for line in Content(high).wrap(right_width)] if right_width else []
    count = max(len(lefts), len(rights), 1)
    lefts += [""] * (count - len(lefts))
    rights += [""] * (count - len(rights))
    return [set_cell_size(left, left_width) + " " * max(0, right_width - cell_len(right)) + right
            for left, right in zip(lefts, rights, strict=True)]
