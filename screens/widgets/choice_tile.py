"""A large tappable choice (an option, a scale point, Yes or No), shown as plain text."""

from __future__ import annotations

from textual import events
from textual.content import Content
from textual.message import Message
from textual.reactive import reactive
from textual.widget import Widget

from screens.widgets.plain import plain, stylesheet


class ChoiceTile(Widget):
    """One choice a finger can hit: a bordered box with a label, marked when chosen.

    Tiles are not focusable themselves; the :class:`~screens.widgets.choice_list.ChoiceList`
    holding them takes focus and the keys, so a question is one stop for Tab.
    """

    DEFAULT_CSS = stylesheet(__file__, "choice_tile.tcss")
    SCOPED_CSS = False  # so the stylesheet can restyle it in the App's -accessible mode

    chosen: reactive[bool] = reactive(False, toggle_class="-chosen")
    at_cursor: reactive[bool] = reactive(False, toggle_class="-cursor")

    class Pressed(Message):
        """The patient tapped or clicked this tile."""

        def __init__(self, tile: ChoiceTile) -> None:
            super().__init__()
            self.tile = tile

    def __init__(self, label: str, marks: tuple[str, str] | None = None, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.label = label
        self.marks = marks  # what precedes the label when not chosen / chosen, e.g. "( )", "(•)"

    def render(self) -> Content:
        label = plain(self.label)
        if self.marks is None:
            return label
        return Content(self.marks[1] if self.chosen else self.marks[0]) + Content(" ") + label

    def on_click(self, event: events.Click) -> None:
        event.stop()
        self.post_message(self.Pressed(self))
