"""A tiny app that shows question widgets the way a section screen does, and reads the screen."""

from __future__ import annotations

from typing import Any

from rich.segment import Segment
from rich.style import Style
from textual.app import App, ComposeResult
from textual.containers import VerticalScroll
from textual.geometry import Offset, Region

from kiosk.questionnaire.model import Questionnaire
from screens.widgets.choice_group import ChoiceGroup
from screens.widgets.item_factory import widget_for
from screens.widgets.item_widget import ItemWidget

Cell = tuple[str, Style]


def questionnaire_of(*items: dict[str, Any], languages: tuple[str, ...] = ("en", "es"),
                     ) -> Questionnaire:
    """A one-section questionnaire holding ``items`` (plain dicts, as in a YAML file)."""
    return Questionnaire.model_validate({
        "id": "widget-test", "version": 1, "title": "Widget test",
        "languages": list(languages),
        "sections": [{"id": "only", "title": "Only section", "items": list(items)}],
    })


class WidgetHarness(App[None]):
    """Mounts the widgets for every item of a questionnaire in one scrolling column."""

    def __init__(self, questionnaire: Questionnaire, language: str = "en",
                 values: dict[str, Any] | None = None) -> None:
        super().__init__()
        self.questionnaire = questionnaire
        self.language = language
        self.values = values or {}
        self.changes: list[tuple[str, Any]] = []

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="section"):
            for item in self.questionnaire.items():
                yield widget_for(item, self.questionnaire, self.language,
                                 self.values.get(item.id))

    def widget(self, item_id: str) -> ItemWidget:
        return self.query_one(f"#item-{item_id}", ItemWidget)

    def on_item_widget_changed(self, event: ItemWidget.Changed) -> None:
        self.changes.append((event.item_id, event.value))


def screen_cells(app: App[Any], region: Region | None = None) -> list[list[Cell]]:
    """What the terminal shows: one (character, style) per cell, row by row (optionally cropped).

    Read from the same compositor output that is written to the terminal.
    """
    update = app.screen._compositor.render_update(full=True)
    rows: list[list[Cell]] = []
    for line in update.strips:  # type: ignore[attr-defined]
        cells: list[Cell] = []
        for strip in line:
            for segment in Segment.filter_control(strip):
                for character in segment.text:
                    cells.append((character, segment.style or Style()))
        rows.append(cells)
    if region is None:
        return rows
    return [row[region.x:region.right] for row in rows[region.y:region.bottom]]


def screen_lines(app: App[Any], region: Region | None = None) -> list[str]:
    """The text on screen, one string per row."""
    return ["".join(character for character, _ in row) for row in screen_cells(app, region)]


def find_text(app: App[Any], text: str) -> tuple[int, int]:
    """(column, row) where ``text`` first appears on screen; AssertionError if it does not."""
    for y, line in enumerate(screen_lines(app)):
        x = line.find(text)
        if x >= 0:
            return x, y
    raise AssertionError(f"{text!r} is not on screen")


def tile_centre(group: ChoiceGroup, index: int) -> Offset:
    """The middle of tile ``index``, as an offset from the group's corner (for a click)."""
    tile = group.tile_region(index).translate(group.content_region.offset - group.region.offset)
    return Offset(tile.x + tile.width // 2, tile.y + tile.height // 2)


def tile_cells(app: App[Any], group: ChoiceGroup, index: int) -> list[list[Cell]]:
    """The cells tile ``index`` is painted with, border included."""
    return screen_cells(app, group.tile_region(index).translate(group.content_region.offset))


def tile_text(app: App[Any], group: ChoiceGroup, index: int) -> str:
    """The text painted inside tile ``index``'s border, its lines joined by spaces."""
    lines = ["".join(character for character, _ in row[1:-1])
             for row in tile_cells(app, group, index)[1:-1]]
    return " ".join(" ".join(lines).split())
