"""Progress across a course of visits: pain now, PSFS mean and GROC, as inline SVG.

Which answer is which, in any questionnaire (first visit or follow-up), by rule:

- **pain now**: the first item coded LOINC 72514-3 (pain severity 0-10, reported);
- **PSFS mean**: the first ``mean`` score taken over an activities item (the
  Patient-Specific Functional Scale), as the record scored it;
- **GROC**: the first scale item running from -7 to +7 (the Global Rating of Change;
  nothing else a clinic asks uses that range).

A visit whose questionnaire lacks one (the first visit has no GROC) or whose patient
left it blank has no point there; lines join only neighbouring visits that both have one.
The figures are drawn on the server, with classes for the stylesheet and no inline style
or script, so the viewer's Content-Security-Policy holds; the page repeats the same
figures as a table for screen readers.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from markupsafe import Markup, escape

from kiosk.questionnaire.model import ActivitiesItem, Questionnaire, ScaleItem
from kiosk.viewer.course import Visit, short_day

PAIN_CODE = ("http://loinc.org", "72514-3")
GROC_RANGE = (-7, 7)

# Drawing units: the figure fills a 390-pixel phone's column (about 340 px), so one unit
# is about a pixel and the 11-unit labels read at arm's length.
WIDTH, HEIGHT = 340, 124
# The outer visits' day labels ("16 Nov", centred on their point) need room at both ends.
LEFT, RIGHT, TOP, BOTTOM = 42, 28, 18, 100
LABEL_Y = 118


@dataclass(frozen=True)
class Measure:
    id: str
    label: str
    low: int
    high: int
    ticks: tuple[int, ...]
    better: str  # which way is better, said under the figure


MEASURES = (
    Measure("pain", "Pain now (0-10)", 0, 10, (0, 5, 10), "lower is better"),
    Measure("psfs", "PSFS mean (0-10)", 0, 10, (0, 5, 10), "higher is better"),
    Measure("groc", "GROC (-7 to +7)", -7, 7, (-7, 0, 7), "above 0 is better"),
)


@dataclass(frozen=True)
class TrendRow:
    number: int
    day: str  # "2 Nov"
    values: dict[str, float | None]  # measure id -> value, None where not asked or blank


def _pain_item_id(questionnaire: Questionnaire) -> str | None:
    for item in questionnaire.items():
        if item.code is not None and (item.code.system, item.code.code) == PAIN_CODE:
            return item.id
    return None


def _psfs_score_id(questionnaire: Questionnaire) -> str | None:
    items = questionnaire.items_by_id
    for score in questionnaire.scores:
        if score.method == "mean" and any(isinstance(items.get(item_id), ActivitiesItem)
                                          for item_id in score.items):
            return score.id
    return None


def _groc_item_id(questionnaire: Questionnaire) -> str | None:
    for item in questionnaire.items():
        if isinstance(item, ScaleItem) and (item.min, item.max) == GROC_RANGE:
            return item.id
    return None


def _number(value: object) -> float | None:
    if isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    return None


# Where each questionnaire version keeps the three figures, by content hash: a store
# holds few versions, and finding them walks every item.
_FOUND: dict[str, tuple[str | None, str | None, str | None]] = {}


def _figure_ids(questionnaire: Questionnaire) -> tuple[str | None, str | None, str | None]:
    """The pain-now item, PSFS-mean score and GROC item of a questionnaire (None if none)."""
    found = _FOUND.get(questionnaire.content_hash)
    if found is None:
        if len(_FOUND) >= 64:
            _FOUND.clear()
        found = _FOUND[questionnaire.content_hash] = (
            _pain_item_id(questionnaire), _psfs_score_id(questionnaire),
            _groc_item_id(questionnaire))
    return found


def measures_of(visit: Visit) -> dict[str, float | None]:
    """Pain now, PSFS mean and GROC of one visit, found by the rules above."""
    intake = visit.intake
    pain, psfs, groc = _figure_ids(visit.layout.questionnaire)
    return {
        "pain": _number(intake.answers.get(pain)) if pain else None,
        "psfs": _number(intake.scores.get(psfs)) if psfs else None,
        "groc": _number(intake.answers.get(groc)) if groc else None,
    }


def trend_rows(visits: Sequence[Visit]) -> list[TrendRow]:
    """One row per visit, oldest first: the figures the chart and its table show."""
    return [TrendRow(number, short_day(visit.day), measures_of(visit))
            for number, visit in enumerate(visits, start=1)]


def shown(value: float | None, measure: Measure) -> str:
    """A figure as the clinician reads it: "6", "4.33", "+3"; empty when missing."""
    if value is None:
        return ""
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return f"+{text}" if measure.low < 0 and value > 0 else text


def _x(position: int, count: int) -> float:
    if count == 1:
        return (LEFT + WIDTH - RIGHT) / 2
    return LEFT + position * (WIDTH - RIGHT - LEFT) / (count - 1)


def _y(value: float, measure: Measure) -> float:
    share = (value - measure.low) / (measure.high - measure.low)
    return BOTTOM - share * (BOTTOM - TOP)


def _fmt(number: float) -> str:
    return f"{number:.1f}".removesuffix(".0")


def _label_y(y: float, value: float) -> str:
    """Above its point, or below it for a value under zero: clear of the zero line."""
    return _fmt(y + 17 if value < 0 else y - 8)


def trend_chart(rows: Sequence[TrendRow], measure: Measure) -> Markup:
    """One measure across the visits as an SVG figure; empty if no visit has it."""
    if all(row.values.get(measure.id) is None for row in rows):
        return Markup("")
    parts = [f'<svg class="trend" viewBox="0 0 {WIDTH} {HEIGHT}" aria-hidden="true" '
             f'focusable="false" data-measure="{measure.id}">']
    for tick in measure.ticks:
        line_y = _fmt(_y(tick, measure))
        css = "grid zero" if tick == 0 and measure.low < 0 else "grid"
        parts.append(f'<line class="{css}" data-tick="{tick}" x1="{LEFT - 4}" y1="{line_y}" '
                     f'x2="{WIDTH - RIGHT + 8}" y2="{line_y}"/>'
                     f'<text class="tick" x="{LEFT - 8}" y="{line_y}">'
                     f'{escape(shown(tick, measure))}</text>')
    points: list[tuple[float, float, float] | None] = []  # (x, y, value) of each visit
    for position, row in enumerate(rows):
        x = _x(position, len(rows))
        parts.append(f'<text class="visit-label" x="{_fmt(x)}" y="{LABEL_Y}">'
                     f'{escape(row.day)}</text>')
        value = row.values.get(measure.id)
        points.append(None if value is None else (x, _y(value, measure), value))
    for before, after in zip(points, points[1:], strict=False):
        if before and after:
            parts.append(f'<line class="trend-line" x1="{_fmt(before[0])}" y1="{_fmt(before[1])}"'
                         f' x2="{_fmt(after[0])}" y2="{_fmt(after[1])}"/>')
    for row, point in zip(rows, points, strict=True):
        if point is None:
            continue
        x, y, value = point
        figure = escape(shown(value, measure))
        cx, cy = _fmt(x), _fmt(y)
        parts.append(f'<circle class="point" data-visit="{row.number}" cx="{cx}" cy="{cy}" r="4">'
                     f'<title>Visit {row.number}, {escape(row.day)}: {figure}</title>'
                     f'</circle><text class="value" x="{cx}" y="{_label_y(y, value)}">'
                     f'{figure}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))
