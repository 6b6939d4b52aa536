"""Short choices side by side (Yes/No, the points of a scale), sharing the width equally;
in a second row (or more) when one row is too narrow for every label."""

from __future__ import annotations

from math import ceil

from rich.cells import cell_len, set_cell_size
from textual.geometry import Region

from screens.widgets.choice_group import ChoiceGroup, Tile

TILE_HEIGHT = 3  # a border row, the label, a border row: a finger-sized target


class ChoiceRow(ChoiceGroup):
    """Equal tiles across the full width, each label centred on one line.

    The fifteen points of a -7 to +7 scale on a phone-narrow screen would cut "-7" to
    "-": rather than cut a label, the tiles go on as many rows as it takes.
    """

    def lay_out(self, width: int) -> list[Tile]:
        count = len(self.labels)
        per_row = _per_row(count, max((cell_len(label) for label in self.labels), default=0),
                           width)
        edges = [index * width // per_row for index in range(per_row + 1)]  # as 1fr would share
        tiles = []
        for index, label in enumerate(self.labels):
            row, column = divmod(index, per_row)
            left, right = edges[column], edges[column + 1]
            inside = max(0, right - left - 2)
            tiles.append(Tile(Region(left, row * TILE_HEIGHT, right - left, TILE_HEIGHT),
                              (_centred(label, inside),)))
        return tiles

    def tiles_height(self, width: int) -> int:
        """How many lines the tiles take at ``width``."""
        return max((tile.region.bottom for tile in self.tiles(width)), default=0)


def _per_row(count: int, widest: int, width: int) -> int:
    """How many tiles go on a row: all of them, unless the widest label would not fit its
    tile's inside; then the fewest rows of equal length where it does (one tile a row at worst).
    """
    rows = 1
    while rows < count and width // ceil(count / rows) - 2 < widest:
        rows += 1
    return ceil(count / rows)


def _centred(label: str, width: int) -> str:
    """``label`` centred in ``width`` cells (as ``text-align: center`` does), cut if too long."""
    excess = width - cell_len(label)
    if excess < 0:
        return set_cell_size(label, width)
    return " " * (excess // 2) + label + " " * (excess - excess // 2)
