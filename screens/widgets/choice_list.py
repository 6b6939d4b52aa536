"""A group of choice tiles that is one stop for Tab: arrows move, Space or Enter chooses."""

from __future__ import annotations

from collections.abc import Iterable

from textual.app import ComposeResult
from textual.binding import Binding
from textual.message import Message
from textual.reactive import reactive
from textual.widget import Widget

from screens.widgets.choice_tile import ChoiceTile
from screens.widgets.plain import stylesheet


class ChoiceList(Widget, can_focus=True):
    """Tiles in a column (options) or a row (a scale, Yes/No); what is chosen is the owner's call.

    The list only reports which tile was pressed (``Toggled``); the question widget
    decides what that means (choose one, toggle, clear the others) and calls
    :meth:`show_chosen`.
    """

    DEFAULT_CSS = stylesheet(__file__, "choice_list.tcss")
    SCOPED_CSS = False  # so the stylesheet can restyle it in the App's -accessible mode

    BINDINGS = [
        Binding("up,left", "move(-1)", "Previous", show=False),
        Binding("down,right", "move(1)", "Next", show=False),
        Binding("space,enter", "press", "Choose", show=False),
    ]

    cursor: reactive[int] = reactive(0)

    class Toggled(Message):
        """The patient pressed the tile at ``index`` (by tap, click, Space or Enter)."""

        def __init__(self, choice_list: ChoiceList, index: int) -> None:
            super().__init__()
            self.choice_list = choice_list
            self.index = index

        @property
        def control(self) -> ChoiceList:
            return self.choice_list

    def __init__(self, labels: Iterable[str], marks: tuple[str, str] | None = None,
                 row: bool = False, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self._labels = list(labels)
        self._marks = marks
        self.set_class(row, "-row")

    def compose(self) -> ComposeResult:
        for label in self._labels:
            yield ChoiceTile(label, self._marks)

    @property
    def tiles(self) -> list[ChoiceTile]:
        return list(self.query_children(ChoiceTile))

    def show_chosen(self, indices: Iterable[int]) -> None:
        """Mark exactly the tiles at ``indices`` as chosen."""
        wanted = set(indices)
        for index, tile in enumerate(self.tiles):
            tile.chosen = index in wanted

    def watch_cursor(self, cursor: int) -> None:
        for index, tile in enumerate(self.tiles):
            tile.at_cursor = index == cursor

    def on_mount(self) -> None:
        self.watch_cursor(self.cursor)

    def action_move(self, step: int) -> None:
        count = len(self._labels)
        if count:
            self.cursor = max(0, min(count - 1, self.cursor + step))

    def action_press(self) -> None:
        self.post_message(self.Toggled(self, self.cursor))

    def press(self, index: int) -> None:
        """Move the cursor to ``index`` and report it pressed (for keys that name a tile)."""
        self.cursor = index
        self.post_message(self.Toggled(self, index))

    def on_choice_tile_pressed(self, event: ChoiceTile.Pressed) -> None:
        event.stop()
        self.press(self.tiles.index(event.tile))
