"""Options in a column of tiles (radio or checkbox marks), one stop for Tab."""

from __future__ import annotations

from collections.abc import Iterable

from textual.app import ComposeResult

from screens.widgets.choice_group import ChoiceGroup
from screens.widgets.choice_tile import ChoiceTile
from screens.widgets.plain import stylesheet


class ChoiceList(ChoiceGroup):
    """A column of :class:`ChoiceTile` widgets: option labels can be long and wrap.

    (A row of short choices, a scale or Yes/No, is a :class:`ChoiceRow`, drawn as
    one widget.)
    """

    DEFAULT_CSS = stylesheet(__file__, "choice_list.tcss")
    SCOPED_CSS = False  # so the stylesheet can restyle it in the App's -accessible mode

    def __init__(self, labels: Iterable[str], marks: tuple[str, str] | None = None,
                 **kwargs: object) -> None:
        super().__init__(labels, **kwargs)
        self._marks = marks

    def compose(self) -> ComposeResult:
        for label in self.labels:
            yield ChoiceTile(label, self._marks)

    @property
    def tiles(self) -> list[ChoiceTile]:
        return list(self.query_children(ChoiceTile))

    def show_chosen(self, indices: Iterable[int]) -> None:
        wanted = set(indices)
        for index, tile in enumerate(self.tiles):
            tile.chosen = index in wanted

    def watch_cursor(self, cursor: int) -> None:
        for index, tile in enumerate(self.tiles):
            tile.at_cursor = index == cursor

    def on_mount(self) -> None:
        self.watch_cursor(self.cursor)

    def on_choice_tile_pressed(self, event: ChoiceTile.Pressed) -> None:
        event.stop()
        self.press(self.tiles.index(event.tile))
