"""The Patient-Specific Functional Scale: up to ``max_rows`` activities, each rated 0-10."""

from __future__ import annotations

from typing import Any

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.content import Content
from textual.widgets import Button

from kiosk.questionnaire.model import ActivitiesItem
from kiosk.questionnaire.text import strip_controls
from screens.widgets.activity_row import ActivityEntry, ActivityRow
from screens.widgets.item_widget import ItemWidget
from screens.widgets.plain import stylesheet
from screens.widgets.wording import word


class ActivitiesItemWidget(ItemWidget):
    """Answer shape: ``list[{"activity": str, "rating": int | None}]`` of the rows written in
    (``None`` if none); a missing rating is reported by the core."""

    DEFAULT_CSS = stylesheet(__file__, "activities_item.tcss")
    item: ActivitiesItem

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.entries = [self._entry(row) for row in self._initial_rows()]
        while len(self.entries) < min(max(self.item.min_rows, 1), self.item.max_rows):
            self.entries.append(ActivityEntry())

    def _initial_rows(self) -> list[dict[str, Any]]:
        rows = self._initial if isinstance(self._initial, list) else []
        return [row for row in rows if isinstance(row, dict)][: self.item.max_rows]

    def _entry(self, row: dict[str, Any]) -> ActivityEntry:
        activity = row.get("activity")
        rating = row.get("rating")
        return ActivityEntry(
            strip_controls(activity)[: self.item.max_length] if isinstance(activity, str) else "",
            rating if isinstance(rating, int) and not isinstance(rating, bool)
            and 0 <= rating <= 10 else None)

    def compose_answer(self) -> ComposeResult:
        with Vertical(classes="activity-rows"):
            for entry in self.entries:
                yield self._row(entry)
        yield Button(Content(word("add_activity", self.language)), classes="add")

    def _row(self, entry: ActivityEntry) -> ActivityRow:
        return ActivityRow(entry, self.item, self.language, self.text(self.item.rating_min_label),
                           self.text(self.item.rating_max_label))

    def on_mount(self) -> None:
        self._renumber()

    @property
    def rows(self) -> list[ActivityRow]:
        return list(self.query(ActivityRow))

    def _renumber(self) -> None:
        rows = self.rows
        for number, row in enumerate(rows, start=1):
            row.show_number(number, removable=len(rows) > 1)
        # query, not query_one: a kiosk stopping as the section mounts has no button left
        for add in self.query(".add").results(Button):
            add.display = len(rows) < self.item.max_rows

    @property
    def value(self) -> list[dict[str, Any]] | None:
        rows = [{"activity": e.activity, "rating": e.rating}
                for e in self.entries if not e.blank]
        return rows or None

    def focus_input(self) -> None:
        self.focus_control(self.rows[0].text_box if self.rows else None)

    async def add_row(self) -> None:
        """Add an empty row (up to ``max_rows``) and put the cursor in it."""
        if len(self.entries) >= self.item.max_rows:
            return
        entry = ActivityEntry()
        self.entries.append(entry)
        row = self._row(entry)
        await self.query_one(".activity-rows", Vertical).mount(row)
        self._renumber()
        row.text_box.focus(scroll_visible=False)
        self.call_after_refresh(row.scroll_visible, animate=False)  # once it has a size
        self.announce_change()

    async def remove_row(self, row: ActivityRow) -> None:
        """Take a row away (never the last one)."""
        if len(self.entries) <= 1:
            return
        self.entries.remove(row.entry)
        await row.remove()
        self._renumber()
        self.rows[0].text_box.focus()
        self.announce_change()

    async def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.has_class("add"):
            event.stop()
            await self.add_row()

    def on_activity_row_changed(self, event: ActivityRow.Changed) -> None:
        event.stop()
        self.announce_change()

    async def on_activity_row_remove_requested(self, event: ActivityRow.RemoveRequested) -> None:
        event.stop()
        await self.remove_row(event.row)
