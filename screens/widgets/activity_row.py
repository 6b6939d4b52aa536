"""One row of the Patient-Specific Functional Scale: an activity and how well it goes, 0-10."""

from __future__ import annotations

from dataclasses import dataclass

from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.content import Content
from textual.message import Message
from textual.widget import Widget
from textual.widgets import Button, Input, Static

from kiosk.questionnaire.model import ActivitiesItem
from screens.widgets.patient_input import PatientInput
from screens.widgets.plain import plain, stylesheet
from screens.widgets.rating_strip import RatingStrip
from screens.widgets.wording import word


@dataclass
class ActivityEntry:
    """What the patient wrote in one row so far."""

    activity: str = ""
    rating: int | None = None

    @property
    def blank(self) -> bool:
        return not self.activity.strip() and self.rating is None


class ActivityRow(Widget):
    """Edits one :class:`ActivityEntry` in place and says so; the Remove button asks to go."""

    DEFAULT_CSS = stylesheet(__file__, "activity_row.tcss")

    class Changed(Message):
        """The patient changed this row's activity or rating."""

        def __init__(self, row: ActivityRow) -> None:
            super().__init__()
            self.row = row

    class RemoveRequested(Message):
        """The patient pressed this row's Remove button."""

        def __init__(self, row: ActivityRow) -> None:
            super().__init__()
            self.row = row

    def __init__(self, entry: ActivityEntry, item: ActivitiesItem, language: str,
                 low_label: str, high_label: str) -> None:
        super().__init__(classes="activity-row")
        self.entry = entry
        self.item = item
        self.language = language
        self._end_labels = (low_label, high_label)

    def compose(self) -> ComposeResult:
        with Horizontal(classes="row-head"):
            yield Static(classes="row-title")
            yield Button(Content(word("remove_activity", self.language)), classes="remove")
        # Box then rating, so Tab goes from what the activity is to how well it goes.
        yield PatientInput(self.entry.activity, max_length=self.item.max_length,
                           placeholder=word("activity_placeholder", self.language),
                           select_on_focus=False)
        yield RatingStrip(0, 10, *self._end_labels, value=self.entry.rating)

    def show_number(self, number: int, removable: bool) -> None:
        """Title the row "Activity N"; hide Remove when it is the last row left."""
        self.query_one(".row-title", Static).update(
            plain(word("activity", self.language, number=number)))
        self.query_one(".remove", Button).display = removable

    @property
    def text_box(self) -> PatientInput:
        """Where the activity is typed."""
        return self.query_one(PatientInput)

    def on_input_changed(self, event: Input.Changed) -> None:
        event.stop()
        if event.value == self.entry.activity:
            return  # the box reporting the kept activity it was built with
        self.entry.activity = event.value
        self.post_message(self.Changed(self))

    def on_rating_strip_changed(self, event: RatingStrip.Changed) -> None:
        event.stop()
        self.entry.rating = event.value
        self.post_message(self.Changed(self))

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.post_message(self.RemoveRequested(self))
