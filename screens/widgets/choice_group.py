"""What every group of choices shares: one stop for Tab, arrows move, Space or Enter chooses."""

from __future__ import annotations

from collections.abc import Iterable

from textual.binding import Binding
from textual.message import Message
from textual.reactive import reactive
from textual.widget import Widget


class ChoiceGroup(Widget, can_focus=True):
    """Choices in a fixed order; what is chosen is the owner's call.

    The group only reports which choice was pressed (``Toggled``); the question widget
    decides what that means (choose one, toggle, clear the others) and calls
    :meth:`show_chosen`. Subclasses draw the choices.
    """

    BINDINGS = [
        Binding("up,left", "move(-1)", "Previous", show=False),
        Binding("down,right", "move(1)", "Next", show=False),
        Binding("space,enter", "press", "Choose", show=False),
    ]

    cursor: reactive[int] = reactive(0)

    class Toggled(Message):
        """The patient pressed the choice at ``index`` (by tap, click, Space or Enter)."""

        def __init__(self, group: ChoiceGroup, index: int) -> None:
            super().__init__()
            self.group = group
            self.index = index

        @property
        def control(self) -> ChoiceGroup:
            return self.group

    def __init__(self, labels: Iterable[str], **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.labels = list(labels)

    def show_chosen(self, indices: Iterable[int]) -> None:
        """Mark exactly the choices at ``indices`` as chosen."""
        raise NotImplementedError

    def action_move(self, step: int) -> None:
        if self.labels:
            self.cursor = max(0, min(len(self.labels) - 1, self.cursor + step))

    def action_press(self) -> None:
        self.post_message(self.Toggled(self, self.cursor))

    def press(self, index: int) -> None:
        """Move the cursor to ``index`` and report it pressed (for keys and taps that name one)."""
        self.cursor = index
        self.post_message(self.Toggled(self, index))
