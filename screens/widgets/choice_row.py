"""Short choices side by side (Yes/No, the points of a scale), sharing the width equally."""

from __future__ import annotations

from rich.cells import cell_len, set_cell_size
from textual.geometry import Region

from screens.widgets.choice_group import ChoiceGroup, Tile

TILE_HEIGHT = 3  # a border row, the label, a border row: a finger-sized target


class ChoiceRow(ChoiceGroup):
    """Equal tiles across the full width, each label centred on one line."""

    def lay_out(self, width: int) -> list[Tile]:
        count = len(self.labels)
        edges = [index * width // count for index in range(count + 1)]  # as 1fr would share
        tiles = []
        for index, label in enumerate(self.labels):
            left, right = edges[index], edges[index + 1]
            inside = max(0, right - left - 2)
            tiles.append(Tile(Region(left, 0, right - left, TILE_HEIGHT),
                              (_centred(label, inside),)))
        return tiles


def _centred(label: str, width: int) -> str:
    """``label`` centred in ``width`` cells (as ``text-align: center`` does), cut if too long."""
    excess = width - cell_len(label)
    if excess < 0:
        return set_cell_size(label, width)
    return " " * (excess // 2) + label + " " * (excess - excess // 2)
