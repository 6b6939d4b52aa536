"""The body-map drawing: front and back side by side; tap a region, or arrows and Space."""

from __future__ import annotations

import textwrap
from collections.abc import Iterable

from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.binding import Binding
from textual.geometry import Region, Size
from textual.message import Message
from textual.reactive import reactive
from textual.strip import Strip
from textual.widget import Widget

from kiosk.questionnaire.body_map import GRID_HEIGHT, GRID_WIDTH, REGIONS_BY_ID, BodyRegion, View
from screens.widgets.body_map_layout import (
    CELL_WIDTH,
    FIGURE_WIDTH,
    VIEW_GAP,
    VIEW_WIDTH,
    VIEWS,
    BodyLayout,
    Direction,
)
from screens.widgets.plain import stylesheet
from screens.widgets.wording import word

TONES = 4
CHOSEN_CELL = "▓" * CELL_WIDTH  # a pattern as well as a colour, for colour-blind patients
EMPTY_CELL = " " * CELL_WIDTH
# Which of the patient's sides is at the viewer's left and right, per view.
SIDES: dict[View, tuple[str, str]] = {"front": ("right_side", "left_side"),
                                      "back": ("left_side", "right_side")}


class BodyFigure(Widget, can_focus=True):
    """Draws the regions in alternating shades, chosen ones patterned; reports taps and keys.

    The figure only says which region was pressed (``Toggled``); the question widget
    keeps the chosen set and calls :meth:`show_chosen`.
    """

    DEFAULT_CSS = stylesheet(__file__, "body_figure.tcss")
    SCOPED_CSS = False  # so the stylesheet can restyle it in the App's -accessible mode
    COMPONENT_CLASSES = {
        "body-figure--caption", "body-figure--chosen", "body-figure--cursor",
        "body-figure--pointing", "body-figure--here", "body-figure--side",
        "body-figure--unavailable",
        *(f"body-figure--tone-{tone}" for tone in range(TONES)),
    }
    BINDINGS = [
        Binding("up", "move('up')", "Up", show=False),
        Binding("down", "move('down')", "Down", show=False),
        Binding("left", "move('left')", "Left", show=False),
        Binding("right", "move('right')", "Right", show=False),
        Binding("space,enter", "choose", "Choose", show=False),
    ]

    cursor: reactive[str] = reactive("")
    pointing: reactive[str | None] = reactive(None)  # under the mouse, if any
    # Narrower than both views side by side (a big font on a tablet): one view at a time.
    single: reactive[bool] = reactive(False, layout=True)
    shown_view: reactive[View] = reactive[View]("front")

    class ViewShown(Message):
        """In one-view mode, the figure now shows ``view`` (by a flip or by the arrows)."""

        def __init__(self, figure: BodyFigure, view: View) -> None:
            super().__init__()
            self.figure = figure
            self.view = view

    class Toggled(Message):
        """The patient pressed the region ``region_id`` (tap, click, Space or Enter)."""

        def __init__(self, figure: BodyFigure, region_id: str) -> None:
            super().__init__()
            self.figure = figure
            self.region_id = region_id

        @property
        def control(self) -> BodyFigure:
            return self.figure

    def __init__(self, layout: BodyLayout, language: str, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.layout_ = layout
        self.language = language
        self._chosen: frozenset[str] = frozenset()
        self._captions = [[line for part in word(f"{view}_caption", language).split("\n")
                           for line in textwrap.wrap(part, VIEW_WIDTH)] for view in VIEWS]
        self.caption_rows = max(len(lines) for lines in self._captions)
        first = layout.regions[0] if layout.regions else None
        self.set_reactive(BodyFigure.cursor, first.id if first else "")
        self.set_reactive(BodyFigure.shown_view, first.view if first else "front")

    @property
    def views(self) -> tuple[View, ...]:
        """The views drawn now, left to right."""
        return (self.shown_view,) if self.single else VIEWS

    def show_view(self, view: View) -> None:
        """Show ``view`` (in one-view mode), moving the keyboard cursor onto it."""
        self.shown_view = view
        current = REGIONS_BY_ID.get(self.cursor)
        if current is None or current.view != view:
            self.cursor = next((r.id for r in self.layout_.regions if r.view == view),
                               self.cursor)

    # -- what is chosen (owned by the question widget) -------------------------------

    def show_chosen(self, region_ids: Iterable[str]) -> None:
        self._chosen = frozenset(region_ids)
        self.refresh()

    # -- size and drawing -------------------------------------------------------------

    def get_content_width(self, container: Size, viewport: Size) -> int:
        return VIEW_WIDTH if self.single else FIGURE_WIDTH

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        return self.caption_rows + GRID_HEIGHT + 1

    def render_line(self, y: int) -> Strip:
        base = self.rich_style
        if y < self.caption_rows:
            return self._caption_line(y, base)
        row = y - self.caption_rows
        if row < GRID_HEIGHT:
            return self._body_line(row, base)
        if row == GRID_HEIGHT:
            return self._here_line(base)
        return Strip.blank(self.size.width, base)

    def _style(self, name: str, partial: bool = True) -> Style:
        # Shades are translucent over the widget's background, so they need the full
        # (blended) style; the overlays only change what they set.
        return self.get_component_rich_style(f"body-figure--{name}", partial=partial)

    def _caption_line(self, y: int, base: Style) -> Strip:
        style = base + self._style("caption")
        texts = [lines[y] if y < len(lines) else ""
                 for view, lines in zip(VIEWS, self._captions, strict=True) if view in self.views]
        text = (" " * VIEW_GAP).join(text.ljust(VIEW_WIDTH) for text in texts)
        return Strip([Segment(text, style)]).crop_extend(0, self.size.width, base)

    def _body_line(self, row: int, base: Style) -> Strip:
        segments: list[Segment] = []
        for view in self.views:
            if view != self.views[0]:
                segments.append(Segment(" " * VIEW_GAP, base))
            cells = [self._cell(view, column, row, base) for column in range(GRID_WIDTH)]
            if row == 0:
                cells = self._with_sides(view, cells, base)
            segments += cells
        return Strip(segments).crop_extend(0, self.size.width, base)

    def _with_sides(self, view: View, cells: list[Segment], base: Style) -> list[Segment]:
        """The top row with the patient's sides named in the empty corners beside the head."""
        left, right = (word(key, self.language) for key in SIDES[view])
        characters = [(char, cell.style) for cell in cells for char in cell.text]
        right_start = len(characters) - len(right)
        covered = [*range(len(left)), *range(right_start, len(characters))]
        if any((view, i // CELL_WIDTH, 0) in self.layout_.outline for i in covered):
            return cells  # a label would cover part of the figure: leave it out
        side = base + self._style("side")
        for i, char in enumerate(left):
            characters[i] = (char, side)
        for i, char in enumerate(right):
            characters[right_start + i] = (char, side)
        return [Segment(char, style) for char, style in characters]

    def _cell(self, view: View, column: int, row: int, base: Style) -> Segment:
        region = self.layout_.cells.get((view, column, row))
        if region is None:
            if (view, column, row) in self.layout_.outline:  # a part this item does not ask about
                return Segment(EMPTY_CELL, self._style("unavailable", partial=False))
            return Segment(EMPTY_CELL, base)
        style = self._style(f"tone-{self.layout_.tones[region.id] % TONES}", partial=False)
        text = EMPTY_CELL
        if region.id in self._chosen:
            style += self._style("chosen")
            text = CHOSEN_CELL
        if region.id == self.cursor and self.has_focus:
            style += self._style("cursor")
        elif region.id == self.pointing:
            style += self._style("pointing")
        return Segment(text, style)

    def _here_line(self, base: Style) -> Strip:
        shown = self.pointing or (self.cursor if self.has_focus else None)
        text = ""
        if shown in REGIONS_BY_ID:
            text = word("pointing_at", self.language, name=REGIONS_BY_ID[shown].name(self.language))
        return Strip([Segment(text, base + self._style("here"))]).crop_extend(
            0, self.size.width, base)

    # -- keys and pointer ---------------------------------------------------------------

    def action_move(self, direction: Direction) -> None:
        current = REGIONS_BY_ID.get(self.cursor)
        if current is not None:
            self.cursor = self.layout_.next_region(current, direction).id

    def action_choose(self) -> None:
        if self.cursor:
            self.post_message(self.Toggled(self, self.cursor))

    def region_under(self, event: events.MouseEvent) -> BodyRegion | None:
        offset = event.get_content_offset(self)
        if offset is None:
            return None
        return self.layout_.region_at(offset.x, offset.y - self.caption_rows, self.views)

    def on_click(self, event: events.Click) -> None:
        region = self.region_under(event)
        if region is not None:
            event.stop()
            self.cursor = region.id
            self.post_message(self.Toggled(self, region.id))

    def on_mouse_move(self, event: events.MouseMove) -> None:
        region = self.region_under(event)
        self.pointing = region.id if region else None

    def on_leave(self, event: events.Leave) -> None:
        self.pointing = None

    def on_focus(self) -> None:
        self.refresh()

    def on_blur(self) -> None:
        self.refresh()

    def watch_cursor(self, cursor: str) -> None:
        region = REGIONS_BY_ID.get(cursor)
        if region is not None:
            self.shown_view = region.view  # in one-view mode the arrows can turn the figure
        self.refresh()
        self._scroll_cursor_visible()

    def watch_shown_view(self, view: View) -> None:
        self.refresh()
        self.post_message(self.ViewShown(self, view))

    def watch_pointing(self) -> None:
        self.refresh()

    def region_box(self, region_id: str) -> Region:
        """Where a region is drawn (as now shown), relative to this widget's content."""
        column, row, width, height = self.layout_.screen_box(REGIONS_BY_ID[region_id],
                                                             self.views)
        return Region(column, row + self.caption_rows, width, height)

    def cursor_box(self) -> Region:
        """Where the cursor region is drawn, relative to this widget's content."""
        return self.region_box(self.cursor)

    def _scroll_cursor_visible(self) -> None:
        # The figure is taller than a 24-line screen's scroll area: keep the
        # keyboard cursor (not just the figure's top) in view.
        if not self.cursor or not self.region:
            return
        for ancestor in self.ancestors_with_self[1:]:
            if isinstance(ancestor, Widget) and ancestor.allow_vertical_scroll:
                box = self.cursor_box().translate(self.content_region.offset)
                viewport = ancestor.scrollable_content_region
                virtual = box.translate(-viewport.offset + ancestor.scroll_offset)
                ancestor.scroll_to_region(virtual.grow((1, 0, 1, 0)), animate=False)
                return
