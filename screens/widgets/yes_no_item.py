"""A yes/no answer: two large tiles; arrows and Space/Enter, or the Y and N keys."""

from __future__ import annotations

from typing import Any

from textual import events
from textual.app import ComposeResult

from kiosk.questionnaire.model import YesNoItem
from screens.widgets.choice_group import ChoiceGroup
from screens.widgets.choice_row import ChoiceRow
from screens.widgets.item_widget import ItemWidget
from screens.widgets.wording import word

_ANSWERS = (True, False)  # tile order: Yes, then No


class YesNoItemWidget(ItemWidget):
    """Answer shape: ``bool`` (``None`` until chosen)."""

    item: YesNoItem

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._answer: bool | None = self._initial if isinstance(self._initial, bool) else None

    def compose_answer(self) -> ComposeResult:
        yield ChoiceRow([word("yes", self.language), word("no", self.language)])

    def on_mount(self) -> None:
        if self._answer is not None:
            choices = self.query_one(ChoiceRow)
            choices.cursor = _ANSWERS.index(self._answer)
            choices.show_chosen([choices.cursor])

    @property
    def value(self) -> bool | None:
        return self._answer

    def focus_input(self) -> None:
        self.focus_control(self.query_one(ChoiceRow))

    def on_choice_group_toggled(self, event: ChoiceGroup.Toggled) -> None:
        event.stop()
        self._answer = _ANSWERS[event.index]
        event.group.show_chosen([event.index])
        self.announce_change()

    def on_key(self, event: events.Key) -> None:
        keys = (word("yes_key", self.language), word("no_key", self.language))
        if event.character is not None and event.character.lower() in keys:
            event.stop()
            self.query_one(ChoiceRow).press(keys.index(event.character.lower()))
