"""The body-map regions (after the CHOIR body map): stable ids, names, and a shared layout.

Each region sits on a coarse grid (16 columns x 21 rows per view) so the terminal
widget and the clinician's SVG draw the same figure. Left and right are the
patient's own: on the front view the patient's right is on the viewer's left.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

View = Literal["front", "back"]
GRID_WIDTH = 16
GRID_HEIGHT = 21


@dataclass(frozen=True)
class BodyRegion:
    id: str
    view: View
    name_en: str
    name_es: str
    x: int
    y: int
    w: int
    h: int

    def name(self, language: str = "en") -> str:
        return self.name_es if language == "es" else self.name_en


# (part, English, Spanish, x, y, w, h) for the patient's right side; the left side
# mirrors it across the figure's centre line. Midline parts have side None.
_Part = tuple[str, str, str, int, int, int, int]

_FRONT_PAIRED: list[_Part] = [
    ("temple", "temple", "sien", 5, 1, 2, 1),
    ("jaw", "jaw (TMJ)", "mandíbula (ATM)", 5, 2, 3, 1),
    ("shoulder", "shoulder, front", "hombro, delante", 2, 4, 3, 2),
    ("chest", "chest", "pecho", 5, 4, 3, 3),
    ("upper_arm", "upper arm, front", "brazo, delante", 1, 6, 3, 3),
    ("elbow", "elbow, inner side", "codo, lado interno", 1, 9, 3, 1),
    ("forearm", "forearm", "antebrazo", 0, 10, 3, 2),
    ("wrist_hand", "wrist and hand", "muñeca y mano", 0, 12, 3, 2),
    ("hip_groin", "hip and groin", "cadera e ingle", 5, 10, 3, 2),
    ("thigh", "thigh, front", "muslo, delante", 4, 12, 4, 3),
    ("knee", "knee, front", "rodilla, delante", 4, 15, 4, 1),
    ("shin", "shin", "espinilla", 4, 16, 4, 3),
    ("ankle_foot", "ankle and foot", "tobillo y pie", 3, 19, 5, 2),
]
_FRONT_MIDLINE: list[_Part] = [
    ("forehead", "forehead", "frente", 6, 0, 4, 1),
    ("neck", "neck, front", "cuello, delante", 6, 3, 4, 1),
    ("abdomen", "abdomen (belly)", "abdomen (barriga)", 5, 7, 6, 3),
]
# On the back view the patient's left is on the viewer's left, so these
# coordinates describe the left side and the right side mirrors them.
_BACK_PAIRED: list[_Part] = [
    ("neck", "neck, back", "cuello, detrás", 6, 3, 2, 1),
    ("shoulder_top", "top of shoulder (trapezius)", "parte alta del hombro (trapecio)",
     3, 4, 4, 1),
    ("shoulder_blade", "shoulder blade", "omóplato", 4, 5, 3, 2),
    ("mid_back", "mid back", "espalda media", 5, 7, 3, 2),
    ("low_back", "low back", "espalda baja", 5, 9, 3, 2),
    ("buttock", "buttock", "glúteo", 4, 11, 4, 2),
    ("upper_arm", "upper arm, back", "brazo, detrás", 1, 5, 3, 4),
    ("elbow", "elbow, outer side", "codo, lado externo", 1, 9, 3, 1),
    ("thigh", "thigh, back", "muslo, detrás", 4, 13, 4, 2),
    ("knee", "knee, back", "rodilla, detrás", 4, 15, 4, 1),
    ("calf", "calf", "pantorrilla", 4, 16, 4, 3),
    ("heel", "heel", "talón", 4, 19, 4, 1),
]
_BACK_MIDLINE: list[_Part] = [
    ("head", "back of head", "nuca y parte trasera de la cabeza", 5, 0, 6, 3),
]

_SIDE_NAMES = {"right": ("Right", "derecho/a"), "left": ("Left", "izquierdo/a")}


def _first_upper(text: str) -> str:
    """Capitalize the first letter only: "mandíbula (ATM)" keeps its ATM."""
    return text[:1].upper() + text[1:]


def _mirror(x: int, w: int) -> int:
    return GRID_WIDTH - x - w


def _build() -> tuple[BodyRegion, ...]:
    regions: list[BodyRegion] = []
    for view, paired, midline, near_side in (
        ("front", _FRONT_PAIRED, _FRONT_MIDLINE, "right"),
        ("back", _BACK_PAIRED, _BACK_MIDLINE, "left"),
    ):
        far_side = "left" if near_side == "right" else "right"
        for part, en, es, x, y, w, h in midline:
            regions.append(BodyRegion(f"{view}.{part}", view, _first_upper(en),  # type: ignore[arg-type]
                                      _first_upper(es), x, y, w, h))
        for part, en, es, x, y, w, h in paired:
            for side, sx in ((near_side, x), (far_side, _mirror(x, w))):
                side_en, side_es = _SIDE_NAMES[side]
                regions.append(BodyRegion(
                    f"{view}.{part}.{side}", view,  # type: ignore[arg-type]
                    f"{side_en} {en}", f"{_first_upper(es)} ({side_es})", sx, y, w, h,
                ))
    return tuple(regions)


REGIONS: tuple[BodyRegion, ...] = _build()
REGIONS_BY_ID: dict[str, BodyRegion] = {region.id: region for region in REGIONS}


def region_label(region_id: str, language: str = "en") -> str:
    """The region's name for people, or the raw id if the region is unknown."""
    region = REGIONS_BY_ID.get(region_id)
    return region.name(language) if region else region_id
