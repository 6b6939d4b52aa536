"""Where it hurts: the body figure to tap, and the chosen regions listed by name under it."""

from __future__ import annotations

from typing import Any

from textual.app import ComposeResult
from textual.content import Content
from textual.widgets import Button, Static

from kiosk.questionnaire.body_map import REGIONS_BY_ID, View
from kiosk.questionnaire.model import BodyMapItem
from screens.widgets.body_figure import BodyFigure
from screens.widgets.body_map_layout import FIGURE_WIDTH, BodyLayout
from screens.widgets.item_widget import ItemWidget
from screens.widgets.plain import plain, stylesheet
from screens.widgets.wording import word


class BodyMapItemWidget(ItemWidget):
    """Answer shape: ``list[str]`` of region ids in
    :data:`kiosk.questionnaire.body_map.REGIONS` order."""

    DEFAULT_CSS = stylesheet(__file__, "body_map_item.tcss")
    item: BodyMapItem

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.body_layout = BodyLayout.for_regions(self.item.regions)
        allowed = {region.id for region in self.body_layout.regions}
        initial = self._initial if isinstance(self._initial, list) else []
        self._chosen: set[str] = {r for r in initial if r in allowed}

    def compose_answer(self) -> ComposeResult:
        yield Button(classes="flip-view")
        yield BodyFigure(self.body_layout, self.language)
        yield Static(classes="chosen-areas")

    def on_mount(self) -> None:
        self._show()
        self._fit(self.content_size.width)

    def on_resize(self) -> None:
        self._fit(self.content_size.width)

    def _fit(self, width: int) -> None:
        """Both views side by side when they fit, else one at a time with a button to turn."""
        figure = self.query_one(BodyFigure)
        figure.single = 0 < width < FIGURE_WIDTH
        self.query_one(".flip-view", Button).display = figure.single
        self._label_flip(figure.shown_view)

    def _label_flip(self, shown: View) -> None:
        self.query_one(".flip-view", Button).label = Content(
            word("show_back" if shown == "front" else "show_front", self.language))

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.has_class("flip-view"):
            event.stop()
            figure = self.query_one(BodyFigure)
            figure.show_view("back" if figure.shown_view == "front" else "front")

    def on_body_figure_view_shown(self, event: BodyFigure.ViewShown) -> None:
        event.stop()
        self._label_flip(event.view)

    @property
    def value(self) -> list[str] | None:
        return [r.id for r in self.body_layout.regions if r.id in self._chosen] or None

    @property
    def chosen_names(self) -> list[str]:
        """The chosen regions' names in the patient's language, in figure order."""
        return [REGIONS_BY_ID[r].name(self.language) for r in self.value or []]

    def focus_input(self) -> None:
        self.focus_control(self.query_one(BodyFigure))

    def toggle(self, region_id: str) -> None:
        """Add the region to the chosen ones, or take it away if it was chosen."""
        self._chosen ^= {region_id}
        self._show()
        self.announce_change()

    def _show(self) -> None:
        self.query_one(BodyFigure).show_chosen(self._chosen)
        names = self.chosen_names
        listing = (word("chosen_areas", self.language, names="; ".join(names)) if names
                   else word("no_areas", self.language))
        self.query_one(".chosen-areas", Static).update(plain(listing))

    def on_body_figure_toggled(self, event: BodyFigure.Toggled) -> None:
        event.stop()
        self.toggle(event.region_id)
