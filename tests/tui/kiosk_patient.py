"""A patient at the kiosk, for Pilot tests: taps and types the way a person would.

Every answer goes through the screen (clicks on tiles, regions and buttons, keys
typed into boxes), never by setting a widget's value.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from kiosk_setup import screen_text
from textual import events
from textual.containers import VerticalScroll
from textual.geometry import Region
from textual.pilot import Pilot
from textual.widget import Widget
from textual.widgets import Button, Input, TextArea

from kiosk.questionnaire.body_map import REGIONS_BY_ID
from kiosk.questionnaire.model import (
    ActivitiesItem,
    BodyMapItem,
    ConsentItem,
    DateItem,
    InfoItem,
    Item,
    LongTextItem,
    MultiChoiceItem,
    NumberItem,
    Questionnaire,
    ScaleItem,
    SingleChoiceItem,
    TextItem,
    YesNoItem,
)
from screens.app import KioskApp
from screens.widgets.body_figure import BodyFigure
from screens.widgets.choice_group import ChoiceGroup

TYPED_LIMIT = 6  # longer texts arrive as a paste (an on-screen keyboard's suggestion)


class Patient:
    """Drives a running :class:`KioskApp` through its Pilot."""

    def __init__(self, pilot: Pilot[Any]) -> None:
        self.pilot = pilot
        self.app: KioskApp = pilot.app  # type: ignore[assignment]

    # -- moving around ------------------------------------------------------------------

    async def tap(self, target: str | Widget) -> None:
        """Touch the middle of a widget (scrolled into view first if it is not on screen)."""
        if isinstance(target, str):  # the screen it is on may still be on its way
            await self.wait_until(lambda: bool(self.app.screen.query(target)))
        widget = self.app.screen.query_one(target) if isinstance(target, str) else target
        await self.wait_until(lambda: bool(widget.region))  # laid out (a screen just shown)
        # A button ignores a second press while it still shows the first (a fifth of a
        # second): a person's second tap comes later than that.
        await self.wait_until(lambda: not widget.has_class("-active"))
        await self._into_view(widget)
        region = widget.region
        await self.tap_at(region.x + region.width // 2, region.y + region.height // 2, widget)

    async def tap_at(self, x: int, y: int, expected: Widget | None = None) -> None:
        """A finger down and up at (x, y), as the terminal reports it; the App makes the Click."""
        under, _ = self.app.get_widget_at(x, y)
        if expected is not None:
            assert under is expected or expected in under.ancestors, \
                f"{expected!r} is covered by {under!r} at {x},{y}"
        for event in (events.MouseDown, events.MouseUp):
            self.app.post_message(event(None, x, y, 0, 0, 1, False, False, False,
                                        screen_x=x, screen_y=y))
        await self.pilot.pause()

    async def choose(self, holder: Widget, index: int) -> None:
        """Tap choice ``index`` (a tile, a Yes/No, a scale point) of the one group in ``holder``."""
        group = holder.query_one(ChoiceGroup)
        tile = group.tile_region(index)
        await self._into_view(group, tile)
        tile = tile.translate(group.content_region.offset)
        await self.tap_at(tile.x + tile.width // 2, tile.y + tile.height // 2, group)

    async def start(self, language: str = "en") -> None:
        if language != self.app.live.current.default_language:
            await self.tap(f"#language-{language}")
        await self.tap("#start")

    async def resume(self, birth_date: str = "1979-05-14") -> None:
        """Continue the check-in a restarted kiosk offers: type the date of birth, Continue."""
        await self.wait_until(lambda: bool(self.app.screen.query("#resume-box Input")))
        await self.type_into(self.app.screen.query_one("#resume-box Input", Input), birth_date)
        await self.tap("#resume")

    async def next(self) -> None:
        await self.tap("#next")

    async def check_in(self, answers: dict[str, Any], language: str = "en") -> None:
        """Welcome -> every section -> Review -> Submit, answering through the screen."""
        from screens.review_screen import ReviewScreen

        await self.start(language)
        while not isinstance(self.app.screen, ReviewScreen):
            await self.answer_section(answers)
            await self.next()
        await self.submit()

    async def submit(self) -> None:
        """Submit on the review, and wait for the QR code (shown just after the save)."""
        from screens.done_screen import DoneScreen

        await self.tap("#submit")
        await self.app.store_settled()
        await self.wait_until(lambda: isinstance(self.app.screen, DoneScreen))

    async def back(self) -> None:
        await self.tap("#back")

    async def wait_until(self, condition: Callable[[], bool], seconds: float = 10.0) -> None:
        """Let the kiosk run (its timers too) until ``condition`` holds."""
        end = time.monotonic() + seconds
        while not condition():
            assert time.monotonic() < end, "the kiosk never got there"
            await self.pilot.pause(0.05)

    async def sees(self, *texts: str) -> str:
        """Wait until every one of ``texts`` is drawn on the screen; the screen's text."""
        await self.wait_until(lambda: all(text in screen_text(self.app) for text in texts))
        return screen_text(self.app)

    async def press(self, *keys: str) -> None:
        await self.pilot.press(*keys)
        await self.pilot.pause()

    async def _into_view(self, widget: Widget, part: Region | None = None) -> None:
        """Scroll ``widget`` (or ``part`` of it, relative to its content) onto the screen."""
        scroller = next((a for a in widget.ancestors if isinstance(a, VerticalScroll)), None)
        if scroller is None:
            return
        target = widget.region if part is None else part.translate(widget.content_region.offset)
        visible = scroller.content_region
        if visible.contains_region(target) or (target.height > visible.height
                                               and visible.overlaps(target)):
            return
        if part is None:
            scroller.scroll_to_widget(widget, animate=False, top=True)
        else:
            scroller.scroll_to(y=scroller.scroll_y + target.y - visible.y, animate=False)
        await self.pilot.pause()

    # -- answering ----------------------------------------------------------------------

    def item_widget(self, item_id: str) -> Widget:
        return self.app.screen.query_one(f"#item-{item_id}")

    async def answer(self, item: Item, value: Any) -> None:
        """Give ``value`` (an answer in the stored shape) to ``item`` through the screen."""
        widget = self.item_widget(item.id)
        if isinstance(item, TextItem | NumberItem | DateItem):
            await self.type_into(widget.query_one(Input), str(value))
        elif isinstance(item, LongTextItem):
            await self.type_into(widget.query_one(TextArea), value)
        elif isinstance(item, YesNoItem):
            await self.choose(widget, 0 if value else 1)
        elif isinstance(item, SingleChoiceItem):
            values = [option.value for option in item.options]
            await self.choose(widget, values.index(value))
        elif isinstance(item, MultiChoiceItem):
            values = [option.value for option in item.options]
            for chosen in value:
                await self.choose(widget, values.index(chosen))
        elif isinstance(item, ScaleItem):
            await self.choose(widget, value - item.min)
        elif isinstance(item, BodyMapItem):
            for region_id in value:
                await self.tap_region(widget.query_one(BodyFigure), region_id)
        elif isinstance(item, ActivitiesItem):
            await self.write_activities(widget, value)
        elif isinstance(item, ConsentItem):
            await self.choose(widget, 0)  # "I agree"
            await self.type_into(widget.query_one(Input), value["name"])
        elif not isinstance(item, InfoItem):
            raise AssertionError(f"no way to answer a {item.type} item")

    async def type_into(self, box: Input | TextArea, text: str) -> None:
        await self.tap(box)
        if len(text) <= TYPED_LIMIT and "\n" not in text:
            await self.pilot.press(*[_key(character) for character in text])
        else:
            self.app.post_message(events.Paste(text))
        await self.pilot.pause()

    async def tap_region(self, figure: BodyFigure, region_id: str) -> None:
        """Tap the middle of a body-map region, scrolling the figure so it is on screen."""
        column, row, width, height = figure.layout_.screen_box(REGIONS_BY_ID[region_id])
        row += figure.caption_rows + height // 2
        column += width // 2
        scroller = next(a for a in figure.ancestors if isinstance(a, VerticalScroll))
        top = figure.content_region.y + row - scroller.content_region.y
        if not 0 <= top < scroller.content_region.height:
            scroller.scroll_to(y=scroller.scroll_y + top - scroller.content_region.height // 2,
                               animate=False)
            await self.pilot.pause()
        await self.tap_at(figure.content_region.x + column, figure.content_region.y + row,
                          figure)

    async def write_activities(self, widget: Widget, rows: list[dict[str, Any]]) -> None:
        for number, row in enumerate(rows):
            if number > 0:
                await self.tap(widget.query_one(".add", Button))
            line = widget.query(".activity-row")[number]
            await self.type_into(line.query_one(Input), row["activity"])
            await self.choose(line, row["rating"])

    async def answer_section(self, answers: dict[str, Any]) -> None:
        """Answer every shown item of the current section that ``answers`` has a value for."""
        check_in = self.app.check_in
        assert check_in is not None
        questionnaire: Questionnaire = check_in.questionnaire
        for item in check_in.section.items:
            slot = self.app.screen.query_one(f"#item-{item.id}")
            if item.id in answers and slot.display:
                await self.answer(questionnaire.items_by_id[item.id], answers[item.id])


def _key(character: str) -> str:
    names = {" ": "space", "-": "minus", ".": "full_stop", ",": "comma", "'": "apostrophe",
             "(": "left_parenthesis", ")": "right_parenthesis", "/": "slash", "?": "question_mark",
             "[": "left_square_bracket", "]": "right_square_bracket"}
    return names.get(character, character)
