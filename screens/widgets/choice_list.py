"""Options one under another (radio or checkbox marks); long labels wrap inside their tile."""

from __future__ import annotations

from collections.abc import Iterable

from rich.cells import set_cell_size
from textual.content import Content
from textual.geometry import Region

from screens.widgets.choice_group import ChoiceGroup, Tile

_PADDING = 1  # a blank column inside the border either side of the label


class ChoiceList(ChoiceGroup):
    """Full-width tiles in a column; a chosen tile's mark shows it (``(•)``, ``[x]``) as
    well as its fill, so the choice does not rest on colour alone."""

    def __init__(self, labels: Iterable[str], marks: tuple[str, str] | None = None,
                 **kwargs: object) -> None:
        super().__init__(labels, **kwargs)
        self.marks = marks  # what precedes a label when not chosen / chosen: "( )", "(•)"

    def lay_out(self, width: int) -> list[Tile]:
        inside = max(1, width - 2 - 2 * _PADDING)
        tiles = []
        top = 0
        for label in self.labels:
            if self.marks is None:
                lines, chosen_lines = self._lines(label, inside), None
            else:  # marks of one width, so choosing never rewraps the label
                lines = self._lines(f"{self.marks[0]} {label}", inside)
                chosen_lines = self._lines(f"{self.marks[1]} {label}", inside)
            tiles.append(Tile(Region(0, top, width, len(lines) + 2), lines, chosen_lines))
            top += len(lines) + 2
        return tiles

    @staticmethod
    def _lines(text: str, inside: int) -> tuple[str, ...]:
        """``text`` wrapped as Textual wraps a widget's text, padded to the tile's inside."""
        pad = " " * _PADDING
        wrapped = Content(text).wrap(inside) or [Content("")]
        return tuple(pad + set_cell_size(line.plain, inside) + pad for line in wrapped)
