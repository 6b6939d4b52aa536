"""The contract every question widget follows, whatever its item type.

A section screen builds one widget per item with :func:`screens.widgets.item_factory.widget_for`,
reads ``value`` when it needs the answer, listens for :class:`ItemWidget.Changed`
(to re-evaluate ``show_if``), and calls ``show_problem`` after a failed Next.
"""

from __future__ import annotations

from typing import Any

from textual.message import Message
from textual.widget import Widget

from kiosk.questionnaire import Item, Questionnaire


class ItemWidget(Widget):
    """One question: its label, help, input controls and the place for a problem message."""

    class Changed(Message):
        """The patient changed this item's answer (``value`` is the raw, unchecked answer)."""

        def __init__(self, widget: ItemWidget, item_id: str, value: Any) -> None:
            super().__init__()
            self.widget = widget
            self.item_id = item_id
            self.value = value

    def __init__(self, item: Item, questionnaire: Questionnaire, language: str,
                 value: Any = None, **kwargs: Any) -> None:
        super().__init__(id=f"item-{item.id}", **kwargs)
        self.item = item
        self.questionnaire = questionnaire
        self.language = language
        self._initial = value

    @property
    def value(self) -> Any:
        """The current raw answer (``None`` when unanswered); checked by ``kiosk.logic``."""
        raise NotImplementedError

    def show_problem(self, message: str | None) -> None:
        """Show (or clear, with ``None``) the message beside this question."""
        raise NotImplementedError

    def focus_input(self) -> None:
        """Move focus to this question's first control (after a failed Next)."""
        raise NotImplementedError

    def text(self, text: Any) -> str:
        return self.questionnaire.text(text, self.language)

    def announce_change(self) -> None:
        self.post_message(self.Changed(self, self.item.id, self.value))
