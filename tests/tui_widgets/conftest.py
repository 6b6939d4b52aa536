"""A tiny app that shows question widgets the way a section screen does, and records Changed."""

from __future__ import annotations

from typing import Any

import pytest
from textual.app import App, ComposeResult
from textual.containers import VerticalScroll

from kiosk.questionnaire import Questionnaire
from screens.widgets.item_factory import widget_for
from screens.widgets.item_widget import ItemWidget


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


@pytest.fixture
def harness():
    """Build a :class:`WidgetHarness` for the given items: ``harness(item, ...)``."""

    def build(*items: dict[str, Any], language: str = "en",
              values: dict[str, Any] | None = None) -> WidgetHarness:
        return WidgetHarness(questionnaire_of(*items), language, values)

    return build
