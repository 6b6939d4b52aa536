"""Choices drawn as large bordered tiles by one widget: one stop for Tab, arrows move,
Space or Enter chooses, a tap chooses the tile under the finger.

A tile per widget cost Textual a layout, style and paint pass per tile at each new
page (a safety section of Yes/No questions had dozens); one widget drawing them all
costs one.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from rich.segment import Segment
from rich.style import Style as RichStyle
from textual import events
from textual._border import get_box  # the pieces Textual draws a widget's border with
from textual.binding import Binding
from textual.color import Color
from textual.css.styles import RenderStyles
from textual.geometry import Offset, Region, Size
from textual.message import Message
from textual.reactive import reactive
from textual.strip import Strip
from textual.style import Style
from textual.widget import Widget

from screens.widgets.plain import plain, stylesheet


@dataclass(frozen=True)
class Tile:
    """Where one choice is drawn (relative to the group's content) and its label's lines,
    each already as wide as the inside of the tile's border (``chosen_lines`` when the
    label changes as it is chosen: a ticked mark)."""

    region: Region
    lines: tuple[str, ...]
    chosen_lines: tuple[str, ...] | None = None


@dataclass(frozen=True)
class _TileLook:
    """How a tile in one state is drawn: its border pieces (top, middle, bottom rows)
    and its label's style."""

    box: tuple[tuple[Segment, Segment, Segment], ...]
    label_style: RichStyle


class ChoiceGroup(Widget, can_focus=True):
    """Choices in a fixed order; what is chosen is the owner's call.

    The group only reports which choice was pressed (``Toggled``); the question widget
    decides what that means (choose one, toggle, clear the others) and calls
    :meth:`show_chosen`. Subclasses say where the tiles go (:meth:`lay_out`).

    Tiles are styled by component classes: ``choice--tile`` for each, with
    ``--hover`` under the pointer, ``--chosen`` when chosen and ``--cursor`` for the
    keyboard cursor while the group has focus (the App's ``-accessible`` mode
    restyles each).
    """

    DEFAULT_CSS = stylesheet(__file__, "choice_group.tcss")
    SCOPED_CSS = False  # so the stylesheet can restyle it in the App's -accessible mode
    COMPONENT_CLASSES = {"choice--tile", "choice--hover", "choice--chosen", "choice--cursor"}

    BINDINGS = [
        Binding("up,left", "move(-1)", "Previous", show=False),
        Binding("down,right", "move(1)", "Next", show=False),
        Binding("space,enter", "press", "Choose", show=False),
    ]

    cursor: reactive[int] = reactive(0)

    class Toggled(Message):
        """The patient pressed the choice at ``index`` (by tap, click, Space or Enter)."""

        def __init__(self, group: ChoiceGroup, index: int) -> None:
            super().__init__()
            self.group = group
            self.index = index

        @property
        def control(self) -> ChoiceGroup:
            return self.group

    def __init__(self, labels: Iterable[str], **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.labels = [plain(label).plain for label in labels]  # shown as typed, no escapes
        self._chosen: frozenset[int] = frozenset()
        self._pointing: int | None = None
        self._layouts: dict[int, list[Tile]] = {}
        self._looks: dict[tuple[bool, bool, bool], _TileLook] = {}
        self._base_style: RichStyle | None = None  # the group's own, between tiles

    # -- what is chosen -----------------------------------------------------------------

    @property
    def chosen(self) -> frozenset[int]:
        """The indices shown as chosen."""
        return self._chosen

    def show_chosen(self, indices: Iterable[int]) -> None:
        """Mark exactly the choices at ``indices`` as chosen."""
        chosen = frozenset(indices)
        if chosen != self._chosen:
            self._chosen = chosen
            self.refresh()

    def action_move(self, step: int) -> None:
        if self.labels:
            self.cursor = max(0, min(len(self.labels) - 1, self.cursor + step))

    def action_press(self) -> None:
        self.post_message(self.Toggled(self, self.cursor))

    def press(self, index: int) -> None:
        """Move the cursor to ``index`` and report it pressed (for keys and taps that name one)."""
        self.cursor = index
        self.post_message(self.Toggled(self, index))

    # -- where the tiles are ------------------------------------------------------------

    def lay_out(self, width: int) -> list[Tile]:
        """The tiles, in label order, for a content ``width``."""
        raise NotImplementedError

    def tiles(self, width: int | None = None) -> list[Tile]:
        """The tiles as laid out for ``width`` (the current content width by default)."""
        width = self.content_size.width if width is None else width
        tiles = self._layouts.get(width)
        if tiles is None:
            tiles = self._layouts[width] = self.lay_out(width)
        return tiles

    def tile_region(self, index: int) -> Region:
        """Where tile ``index`` is drawn, relative to this widget's content."""
        return self.tiles()[index].region

    def index_at(self, offset: Offset) -> int | None:
        """The tile drawn at ``offset`` in this widget's content, if any."""
        for index, tile in enumerate(self.tiles()):
            if tile.region.contains_point(offset):
                return index
        return None

    def get_content_width(self, container: Size, viewport: Size) -> int:
        return container.width

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        tiles = self.tiles(width)
        return max((tile.region.bottom for tile in tiles), default=0)

    # -- drawing ------------------------------------------------------------------------

    def notify_style_update(self) -> None:
        self._looks.clear()  # the theme, the accessible mode or the focus changed
        self._base_style = None
        super().notify_style_update()

    def _plain_style(self) -> RichStyle:
        # Textual works the widget's style out from its ancestors at every call.
        if self._base_style is None:
            self._base_style = self.rich_style
        return self._base_style

    def _look(self, chosen: bool, cursor: bool, pointing: bool) -> _TileLook:
        key = (chosen, cursor, pointing)
        look = self._looks.get(key)
        if look is None:
            # Later names override earlier ones, as later CSS rules did for tile widgets.
            names = ("choice--tile",
                     *(("choice--hover",) if pointing and not chosen else ()),
                     *(("choice--chosen",) if chosen else ()),
                     *(("choice--cursor",) if cursor else ()))
            styles = self.get_component_styles(*names)
            outer = self.background_colors[1]  # the group's own background, as painted
            inner = outer + styles.background
            edge, edge_colour = styles.border_top
            box = get_box(edge or "blank", Style(background=inner), Style(background=outer),
                          Style(foreground=outer + edge_colour))
            look = self._looks[key] = _TileLook(box, self.component_text_style(styles, inner))
        return look

    def component_text_style(self, styles: RenderStyles, background: Color) -> RichStyle:
        """The style of text styled by (component) ``styles`` on ``background``.

        Worked out here: Textual's rich style for several components takes its colours
        from the last one only (a tile's cursor, which sets none).
        """
        colour = background + (background.get_contrast_text(styles.color.a)
                               if styles.auto_color else styles.color)
        return self._plain_style() + styles.text_style + RichStyle.from_color(
            colour.rich_color, background.rich_color)

    def render_line(self, y: int) -> Strip:
        width = self.content_size.width
        cursor = self.cursor if self.has_focus else None
        base = self._plain_style()
        segments: list[Segment] = []
        x = 0
        for index, tile in enumerate(self.tiles()):
            region = tile.region
            if not region.y <= y < region.bottom:
                continue
            if region.x > x:
                segments.append(Segment(" " * (region.x - x), base))
            x = region.right
            chosen = index in self._chosen
            look = self._look(chosen, index == cursor, index == self._pointing)
            lines = tile.chosen_lines if chosen and tile.chosen_lines else tile.lines
            row = y - region.y
            left, fill, right = look.box[0 if row == 0 else 2 if row == region.height - 1 else 1]
            if row == 0 or row == region.height - 1:
                segments += [left, Segment(fill.text * (region.width - 2), fill.style), right]
            else:
                segments += [left, Segment(lines[row - 1], look.label_style), right]
        strip = Strip(segments)
        return strip if strip.cell_length == width else strip.crop_extend(0, width, base)

    # -- the patient's finger -----------------------------------------------------------

    def _index_under(self, event: events.MouseEvent) -> int | None:
        offset = event.get_content_offset(self)
        return None if offset is None else self.index_at(offset)

    def on_click(self, event: events.Click) -> None:
        index = self._index_under(event)
        if index is not None:
            event.stop()
            self.press(index)

    def on_mouse_move(self, event: events.MouseMove) -> None:
        self._point_at(self._index_under(event))

    def on_enter(self, event: events.Enter) -> None:
        # Also sent when the page scrolls this group under a pointer that did not move.
        self._point_at(self.index_at(self.app.mouse_position - self.content_region.offset))

    def on_leave(self, event: events.Leave) -> None:
        self._point_at(None)

    def _point_at(self, index: int | None) -> None:
        if index != self._pointing:
            self._pointing = index
            self.refresh()

    def watch_cursor(self) -> None:
        self.refresh()
