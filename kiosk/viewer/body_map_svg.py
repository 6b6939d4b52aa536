"""The body map as the clinician sees it: front and back views on the shared grid of
kiosk.questionnaire.body_map.

This module only lays the figure out; ``templates/_body_map.html`` draws it as inline SVG,
so the phone shows the same regions the patient touched on the kiosk.
"""

from __future__ import annotations

import functools
from collections.abc import Collection
from dataclasses import dataclass

from markupsafe import Markup, escape

from kiosk.questionnaire.body_map import GRID_HEIGHT, GRID_WIDTH, REGIONS, BodyRegion

MARGIN = 2  # grid units around each figure for its side letters


@dataclass(frozen=True)
class DrawnRegion:
    """One region of a view as SVG, drawn both ways once: marked by the patient or not."""

    id: str
    plain: Markup
    chosen: Markup


@dataclass(frozen=True)
class BodyMapView:
    """One view of the figure, with the patient's sides labelled on the viewer's left/right."""

    title: str
    on_viewers_left: str
    on_viewers_right: str
    rects: Markup  # the view's regions as SVG rectangles, the chosen ones marked
    chosen_count: int

    width: int = GRID_WIDTH + 2 * MARGIN
    height: int = GRID_HEIGHT + MARGIN
    margin: int = MARGIN


# The colours as SVG attributes too, the same as viewer.css: the PDF renderer (WeasyPrint)
# does not style inline SVG from the page's stylesheet; on screen the stylesheet wins.
_PAINT = {False: 'fill="#e9ecef" stroke="#8a939c" stroke-width="0.06"',
          True: 'fill="#d6281f" stroke="#7a0d08" stroke-width="0.12"'}


def _rect(region: BodyRegion, chosen: bool, name: str) -> Markup:
    css = "region chosen" if chosen else "region"
    return Markup(
        f'\n    <rect class="{css}" data-region="{escape(region.id)}" {_PAINT[chosen]}\n'
        f'          x="{region.x}" y="{region.y}" width="{region.w}" height="{region.h}">'
        f"<title>{escape(name)}</title></rect>")


@functools.lru_cache(maxsize=8)
def _drawn_regions(view: str, language: str) -> tuple[DrawnRegion, ...]:
    # Per view and language (4 in all): drawing and escaping the 54 rectangles afresh for
    # every record was most of the escaping work of a record's first view.
    return tuple(DrawnRegion(region.id, _rect(region, False, region.name(language)),
                             _rect(region, True, region.name(language)))
                 for region in REGIONS if region.view == view)


def body_map_views(chosen: Collection[str], language: str = "en") -> list[BodyMapView]:
    """Front and back views with ``chosen`` region ids marked.

    On the front the patient faces us, so their right is on our left; on the back
    view we see them from behind, so their left is on our left.
    """
    views = []
    for view, title, left, right in (("front", "Front", "R", "L"), ("back", "Back", "L", "R")):
        drawn = _drawn_regions(view, language)
        marked = [region.id in chosen for region in drawn]
        rects = Markup("".join([region.chosen if is_chosen else region.plain
                                for region, is_chosen in zip(drawn, marked, strict=True)]))
        views.append(BodyMapView(title, left, right, rects, sum(marked)))
    return views
