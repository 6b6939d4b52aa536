"""Choose one option: a radio-like column of large tiles."""

from __future__ import annotations

from typing import Any

from textual.app import ComposeResult

from kiosk.questionnaire.model import SingleChoiceItem
from screens.widgets.choice_group import ChoiceGroup
from screens.widgets.choice_list import ChoiceList
from screens.widgets.item_widget import ItemWidget

RADIO_MARKS = ("( )", "(•)")


class SingleChoiceItemWidget(ItemWidget):
    """Answer shape: the chosen option's ``value`` (``None`` until chosen)."""

    item: SingleChoiceItem

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        values = [option.value for option in self.item.options]
        self._answer: str | None = self._initial if self._initial in values else None

    def compose_answer(self) -> ComposeResult:
        yield ChoiceList([self.text(option.label) for option in self.item.options], RADIO_MARKS)

    def on_mount(self) -> None:
        if self._answer is not None:
            choices = self.query_one(ChoiceList)
            choices.cursor = self._index(self._answer)
            choices.show_chosen([choices.cursor])

    def _index(self, value: str) -> int:
        return [option.value for option in self.item.options].index(value)

    @property
    def value(self) -> str | None:
        return self._answer

    def focus_input(self) -> None:
        self.focus_control(self.query_one(ChoiceList))

    def on_choice_group_toggled(self, event: ChoiceGroup.Toggled) -> None:
        event.stop()
        self._answer = self.item.options[event.index].value
        event.group.show_chosen([event.index])
        self.announce_change()
