"""A row of numbered tiles (0-10, or -7 to +7) with the end labels under its ends; digit keys
(after a minus on a scale below zero) choose."""

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

from kiosk.questionnaire import scale_point
from screens.widgets.choice_group import ChoiceGroup
from screens.widgets.choice_row import ChoiceRow
from screens.widgets.plain import plain, stylesheet

# A second digit typed this soon after the first makes a two-digit number ("1", "0" = 10),
# and a digit this soon after a minus a number below zero ("-", "3" = -3).
_TWO_DIGIT_SECONDS = 1.0
_DIGITS = "0123456789"


class RatingStrip(ChoiceRow):
    """One rating on a whole-number scale, chosen by tapping a tile, arrows + Space, or digits
    (a minus first for a point below zero; points above zero read "+3" on such a scale).

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
        super().__init__([scale_point(n, low) for n in range(low, high + 1)], **kwargs)
        self.low = low
        self.high = high
        self.value = value if isinstance(value, int) and low <= value <= high else None
        low_end, high_end = scale_point(low, low), scale_point(high, low)
        self._ends = (plain(f"{low_end} = {low_label}" if low_label else "").plain,
                      plain(f"{high_label} = {high_end}" if high_label else "").plain)
        self._end_lines: dict[int, list[str]] = {}
        self._ends_style: RichStyle | None = None
        self._typed: tuple[str, float] | None = None  # what was typed so far, and when
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
        return self.tiles_height(width) + len(self.end_lines(width))

    def notify_style_update(self) -> None:
        self._ends_style = None
        super().notify_style_update()

    def render_line(self, y: int) -> Strip:
        width = self.content_size.width
        tiles_height = self.tiles_height(width)
        if y < tiles_height:
            return super().render_line(y)
        lines = self.end_lines(width)
        if y - tiles_height >= len(lines):
            return Strip.blank(width, self._plain_style())
        if self._ends_style is None:
            self._ends_style = self.component_text_style(
                self.get_component_styles("rating-strip--ends"), self.background_colors[1])
        return Strip([Segment(lines[y - tiles_height], self._ends_style)], width)

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
        character = event.character
        signs = "-+" if self.low < 0 else ""
        if character is None or len(character) != 1 or character not in _DIGITS + signs:
            return
        event.stop()
        now = time.monotonic()
        typed = character
        if character in _DIGITS and self._typed is not None \
                and now - self._typed[1] < _TWO_DIGIT_SECONDS:
            joined = self._typed[0] + character
            if self._point(joined) is not None:
                typed = joined
        self._typed = (typed, now)
        number = self._point(typed)
        if number is not None:
            self.choose(number)

    def _point(self, typed: str) -> int | None:
        """The point ``typed`` names ("7", "10", "-3", "+2"), if the scale has it."""
        if typed in ("-", "+"):
            return None  # a sign waits for its digit
        number = int(typed)
        return number if self.low <= number <= self.high else None


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
