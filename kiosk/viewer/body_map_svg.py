"""The body map as the clinician sees it: front and back views on kiosk.body_map's shared grid.

This module only lays the figure out; ``templates/_body_map.html`` draws it as inline SVG,
so the phone shows the same regions the patient touched on the kiosk.
"""

from __future__ import annotations

import functools
from collections.abc import Collection
from dataclasses import dataclass

from markupsafe import Markup, escape

from kiosk.body_map import GRID_HEIGHT, GRID_WIDTH, REGIONS, BodyRegion

MARGIN = 2  # grid units around each figure for its side letters


@dataclass(frozen=True)
class DrawnRegion:
    region: BodyRegion
    chosen: bool
    name: str


@dataclass(frozen=True)
class BodyMapView:
    """One view of the figure, with the patient's sides labelled on the viewer's left/right."""

    title: str
    on_viewers_left: str
    on_viewers_right: str
    regions: tuple[DrawnRegion, ...]

    width: int = GRID_WIDTH + 2 * MARGIN
    height: int = GRID_HEIGHT + MARGIN
    margin: int = MARGIN

    @property
    def chosen_count(self) -> int:
        return sum(1 for drawn in self.regions if drawn.chosen)

    @property
    def rects(self) -> Markup:
        """The regions as SVG rectangles, each drawn once per language and state, then reused."""
        return Markup("").join(_rect(drawn.region, drawn.chosen, drawn.name)
                               for drawn in self.regions)


@functools.cache
def _rect(region: BodyRegion, chosen: bool, name: str) -> Markup:
    # 54 regions x 2 states x 2 languages: rendering them afresh for every record was
    # most of the escaping work of a record's first view.
    css = "region chosen" if chosen else "region"
    return Markup(
        f'\n    <rect class="{css}" data-region="{escape(region.id)}"\n'
        f'          x="{region.x}" y="{region.y}" width="{region.w}" height="{region.h}">'
        f"<title>{escape(name)}</title></rect>")


def body_map_views(chosen: Collection[str], language: str = "en") -> list[BodyMapView]:
    """Front and back views with ``chosen`` region ids marked.

    On the front the patient faces us, so their right is on our left; on the back
    view we see them from behind, so their left is on our left.
    """
    views = []
    for view, title, left, right in (("front", "Front", "R", "L"), ("back", "Back", "L", "R")):
        regions = tuple(DrawnRegion(region, region.id in chosen, region.name(language))
                        for region in REGIONS if region.view == view)
        views.append(BodyMapView(title, left, right, regions))
    return views
