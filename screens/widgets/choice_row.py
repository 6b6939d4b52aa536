"""A row of short choices (Yes/No, the points of a scale) drawn as one widget.

A row of tile widgets cost Textual a layout, style and paint pass per tile at each
new page; a safety section of Yes/No questions had dozens. This widget draws the
same bordered tiles itself and tells them apart by where a finger lands.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from rich.cells import cell_len, set_cell_size
from rich.segment import Segment
from rich.style import Style as RichStyle
from textual import events
from textual._border import get_box
from textual.geometry import Region, Size
from textual.strip import Strip
from textual.style import Style

from screens.widgets.choice_group import ChoiceGroup
from screens.widgets.plain import plain, stylesheet

TILE_HEIGHT = 3  # a border row, the label, a border row: a finger-sized target


@dataclass(frozen=True)
class _TileLook:
    """How one tile in one state is drawn: its border pieces row by row, and its label."""

    box: tuple[tuple[Segment, Segment, Segment], ...]
    label_style: RichStyle


class ChoiceRow(ChoiceGroup):
    """Equal tiles side by side across the full width; a tap chooses the tile under it.

    The tiles look as :class:`ChoiceTile` does: ``choice-row--tile`` for each, with
    ``--hover`` under the pointer, ``--chosen`` when chosen and ``--cursor`` for the
    keyboard cursor while the row has focus (the App's ``-accessible`` mode restyles
    each).
    """

    DEFAULT_CSS = stylesheet(__file__, "choice_row.tcss")
    SCOPED_CSS = False  # so the stylesheet can restyle it in the App's -accessible mode
    COMPONENT_CLASSES = {
        "choice-row--tile",
        "choice-row--hover",
        "choice-row--chosen",
        "choice-row--cursor",
    }

    def __init__(self, labels: Iterable[str], **kwargs: object) -> None:
        super().__init__([plain(label).plain for label in labels], **kwargs)
        self._chosen: frozenset[int] = frozenset()
        self._pointing: int | None = None
        self._looks: dict[tuple[bool, bool, bool], _TileLook] = {}

    @property
    def chosen(self) -> frozenset[int]:
        """The indices shown as chosen."""
        return self._chosen

    def show_chosen(self, indices: Iterable[int]) -> None:
        chosen = frozenset(indices)
        if chosen != self._chosen:
            self._chosen = chosen
            self.refresh()

    # -- where the tiles are ------------------------------------------------------------

    def _edges(self) -> list[int]:
        """Tile boundaries across the content width, spread as Textual spreads ``1fr``."""
        width, count = self.content_size.width, len(self.labels)
        return [index * width // count for index in range(count + 1)]

    def tile_region(self, index: int) -> Region:
        """Where tile ``index`` is drawn, relative to this widget's content."""
        edges = self._edges()
        return Region(edges[index], 0, edges[index + 1] - edges[index], TILE_HEIGHT)

    def index_at(self, x: int) -> int | None:
        """The tile drawn at content column ``x``, if any."""
        edges = self._edges()
        for index in range(len(self.labels)):
            if edges[index] <= x < edges[index + 1]:
                return index
        return None

    def _index_under(self, event: events.MouseEvent) -> int | None:
        offset = event.get_content_offset(self)
        return None if offset is None else self.index_at(offset.x)

    # -- drawing ------------------------------------------------------------------------

    def get_content_width(self, container: Size, viewport: Size) -> int:
        return container.width

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        return TILE_HEIGHT

    def notify_style_update(self) -> None:
        self._looks.clear()  # the theme, the accessible mode or the focus changed
        super().notify_style_update()

    def _look(self, chosen: bool, cursor: bool, pointing: bool) -> _TileLook:
        key = (chosen, cursor, pointing)
        look = self._looks.get(key)
        if look is None:
            # Later names override earlier ones, as later CSS rules do for a tile widget.
            names = ("choice-row--tile",
                     *(("choice-row--hover",) if pointing and not chosen else ()),
                     *(("choice-row--chosen",) if chosen else ()),
                     *(("choice-row--cursor",) if cursor else ()))
            styles = self.get_component_styles(*names)
            outer = self.background_colors[1]  # the row's own background, as painted
            inner = outer + styles.background
            edge, colour = styles.border_top
            box = get_box(edge or "blank", Style(background=inner), Style(background=outer),
                          Style(foreground=outer + colour))
            # Worked out here: Textual's rich style for several components takes its
            # colours from the last one only (the cursor's, which sets none).
            colour = inner + (inner.get_contrast_text(styles.color.a) if styles.auto_color
                              else styles.color)
            label_style = self.rich_style + styles.text_style + RichStyle.from_color(
                colour.rich_color, inner.rich_color)
            look = _TileLook(box, label_style)
            self._looks[key] = look
        return look

    def render_line(self, y: int) -> Strip:
        width = self.content_size.width
        if y >= TILE_HEIGHT or not self.labels:
            return Strip.blank(width, self.rich_style)
        edges = self._edges()
        cursor = self.cursor if self.has_focus else None
        segments: list[Segment] = []
        for index, label in enumerate(self.labels):
            look = self._look(index in self._chosen, index == cursor, index == self._pointing)
            left, fill, right = look.box[y]
            inside = edges[index + 1] - edges[index] - 2
            if inside < 0:
                segments.append(Segment(" " * (inside + 2), self.rich_style))
                continue
            segments.append(left)
            if y == 1:
                segments.append(Segment(_centred(label, inside), look.label_style))
            else:
                segments.append(Segment(fill.text * inside, fill.style))
            segments.append(right)
        return Strip(segments, width)

    # -- the patient's finger and the keyboard ------------------------------------------

    def watch_cursor(self) -> None:
        self.refresh()

    def on_focus(self) -> None:
        self.refresh()

    def on_blur(self) -> None:
        self.refresh()

    def on_click(self, event: events.Click) -> None:
        index = self._index_under(event)
        if index is not None:
            event.stop()
            self.press(index)

    def on_mouse_move(self, event: events.MouseMove) -> None:
        self._point_at(self._index_under(event))

    def on_leave(self, event: events.Leave) -> None:
        self._point_at(None)

    def _point_at(self, index: int | None) -> None:
        if index != self._pointing:
            self._pointing = index
            self.refresh()


def _centred(label: str, width: int) -> str:
    """``label`` centred in ``width`` cells (as ``text-align: center`` does), cut if too long."""
    excess = width - cell_len(label)
    if excess < 0:
        return set_cell_size(label, width)
    return " " * (excess // 2) + label + " " * (excess - excess // 2)
