"""Choose any options: a checkbox column where an ``exclusive`` option ("none of these")
clears the others, and choosing another clears it."""

from __future__ import annotations

from typing import Any

from textual.app import ComposeResult

from kiosk.questionnaire.model import MultiChoiceItem
from screens.widgets.choice_group import ChoiceGroup
from screens.widgets.choice_list import ChoiceList
from screens.widgets.item_widget import ItemWidget

CHECKBOX_MARKS = ("[ ]", "[x]")


class MultiChoiceItemWidget(ItemWidget):
    """Answer shape: ``list[str]`` of option values in the file's order (``None`` if none)."""

    item: MultiChoiceItem

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        initial = self._initial if isinstance(self._initial, list) else []
        self._chosen: set[str] = {o.value for o in self.item.options if o.value in initial}

    def compose_answer(self) -> ComposeResult:
        yield ChoiceList([self.text(option.label) for option in self.item.options],
                         CHECKBOX_MARKS)

    def on_mount(self) -> None:
        self._show()

    def _show(self) -> None:
        self.query_one(ChoiceList).show_chosen(
            index for index, option in enumerate(self.item.options)
            if option.value in self._chosen)

    @property
    def value(self) -> list[str] | None:
        chosen = [option.value for option in self.item.options if option.value in self._chosen]
        return chosen or None

    def focus_input(self) -> None:
        self.focus_control(self.query_one(ChoiceList))

    def toggle(self, index: int) -> None:
        """Tick or untick option ``index``, keeping an exclusive option on its own."""
        option = self.item.options[index]
        if option.value in self._chosen:
            self._chosen.discard(option.value)
        elif option.exclusive:
            self._chosen = {option.value}
        else:
            exclusive = {o.value for o in self.item.options if o.exclusive}
            self._chosen = (self._chosen - exclusive) | {option.value}
        self._show()
        self.announce_change()

    def on_choice_group_toggled(self, event: ChoiceGroup.Toggled) -> None:
        event.stop()
        self.toggle(event.index)
