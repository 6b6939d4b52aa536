"""Where each body-map region sits on screen, and which region is next in a direction.

Both views of :mod:`kiosk.questionnaire.body_map`'s shared grid side by side, each grid cell two
characters wide (terminal cells are about twice as tall as wide). Pure geometry,
no Textual, so the widget's drawing, tapping and arrow keys agree.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Literal

from kiosk.questionnaire.body_map import GRID_HEIGHT, GRID_WIDTH, REGIONS, BodyRegion, View

CELL_WIDTH = 2
VIEW_WIDTH = GRID_WIDTH * CELL_WIDTH  # 32 columns
VIEW_GAP = 4
FIGURE_WIDTH = 2 * VIEW_WIDTH + VIEW_GAP  # 68 columns: fits an 80-column screen
VIEWS: tuple[View, View] = ("front", "back")

Direction = Literal["up", "down", "left", "right"]


@dataclass(frozen=True)
class BodyLayout:
    """The regions a patient may choose, placed on the two views drawn side by side."""

    regions: tuple[BodyRegion, ...]

    @classmethod
    def for_regions(cls, region_ids: Iterable[str] | None) -> BodyLayout:
        """The layout for an item's ``regions`` (all regions when ``None``)."""
        wanted = None if region_ids is None else set(region_ids)
        return cls(tuple(r for r in REGIONS if wanted is None or r.id in wanted))

    @cached_property
    def cells(self) -> dict[tuple[View, int, int], BodyRegion]:
        """Each grid cell (view, column, row) covered by a region."""
        return {(r.view, x, y): r for r in self.regions
                for y in range(r.y, r.y + r.h) for x in range(r.x, r.x + r.w)}

    @cached_property
    def outline(self) -> frozenset[tuple[View, int, int]]:
        """Every cell of the whole figure, offered or not (the body's silhouette)."""
        return frozenset((r.view, x, y) for r in REGIONS
                         for y in range(r.y, r.y + r.h) for x in range(r.x, r.x + r.w))

    def view_left(self, view: View, views: Sequence[View] = VIEWS) -> int:
        """The screen column where ``view`` starts, when ``views`` are drawn left to right."""
        return views.index(view) * (VIEW_WIDTH + VIEW_GAP)

    def region_at(self, column: int, row: int,
                  views: Sequence[View] = VIEWS) -> BodyRegion | None:
        """The region drawn at (column, row) of the figure's body rows, if any."""
        if not 0 <= row < GRID_HEIGHT:
            return None
        for view in views:
            x = column - self.view_left(view, views)
            if 0 <= x < VIEW_WIDTH:
                return self.cells.get((view, x // CELL_WIDTH, row))
        return None

    def screen_box(self, region: BodyRegion,
                   views: Sequence[View] = VIEWS) -> tuple[int, int, int, int]:
        """(column, row, width, height) of the region in the figure's body rows."""
        return (self.view_left(region.view, views) + region.x * CELL_WIDTH, region.y,
                region.w * CELL_WIDTH, region.h)

    def _centre(self, region: BodyRegion) -> tuple[float, float]:
        column, row, width, height = self.screen_box(region)
        return column / CELL_WIDTH + width / CELL_WIDTH / 2, row + height / 2

    def next_region(self, region: BodyRegion, direction: Direction) -> BodyRegion:
        """The nearest region in ``direction`` (across to the other view too), else ``region``."""
        cx, cy = self._centre(region)
        best: tuple[float, BodyRegion] | None = None
        for other in self.regions:
            ox, oy = self._centre(other)
            along, across = {"up": (cy - oy, ox - cx), "down": (oy - cy, ox - cx),
                             "left": (cx - ox, oy - cy), "right": (ox - cx, oy - cy)}[direction]
            if other is region or along <= 0:
                continue
            # Prefer staying in line: a step sideways costs twice a step ahead.
            score = along + 2 * abs(across)
            if best is None or score < best[0]:
                best = (score, other)
        return best[1] if best else region

    @cached_property
    def tones(self) -> dict[str, int]:
        """A shade number (0-3) per region, different from every touching region's shade.

        Neighbouring regions in different shades show where one ends and the next begins.
        """
        cells = self.cells
        touching: dict[str, set[str]] = {r.id: set() for r in self.regions}
        for (view, x, y), region in cells.items():
            for nx, ny in ((x + 1, y), (x, y + 1), (x + 1, y + 1), (x - 1, y + 1)):
                other = cells.get((view, nx, ny))
                if other is not None and other.id != region.id:
                    touching[region.id].add(other.id)
                    touching[other.id].add(region.id)
        tones: dict[str, int] = {}
        for region in self.regions:
            taken = {tones[n] for n in touching[region.id] if n in tones}
            tones[region.id] = next(t for t in range(len(touching) + 1) if t not in taken)
        return tones
