"""The contract every question widget follows, whatever its item type.

A section screen builds one widget per item with :func:`screens.widgets.item_factory.widget_for`,
reads ``value`` when it needs the answer, listens for :class:`ItemWidget.Changed`
(to re-evaluate ``show_if``), and calls ``show_problem`` after a failed Next.

Each widget shows the item's label, its help, a place for a problem message, then
the controls of its type (``compose_answer``). All text is shown as plain text.
"""

from __future__ import annotations

from typing import Any

from textual import events
from textual.app import App, ComposeResult
from textual.color import Color
from textual.message import Message
from textual.widget import Widget
from textual.widgets import Static

from kiosk.questionnaire.model import Item, Questionnaire
from screens.widgets.plain import plain, stylesheet


class ItemWidget(Widget):
    """One question: its label, help, input controls and the place for a problem message."""

    DEFAULT_CSS = stylesheet(__file__, "item_widget.tcss")

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
        self._problem: str | None = None
        self._answering = False  # the focus is on one of this question's controls

    def compose(self) -> ComposeResult:
        yield Static(plain(self.text(self.item.label), multiline=True), classes="item-label")
        help_text = self.text(self.item.help)
        if help_text:
            yield Static(plain(help_text, multiline=True), classes="item-help")
        yield Static(classes="item-problem")
        yield from self.compose_answer()

    def compose_answer(self) -> ComposeResult:
        """The controls of this item type, below the label, help and problem message."""
        yield from ()

    def on_mount(self) -> None:
        # Textual runs each class's on_mount along the MRO: subclasses do not call super().
        self._show_problem_now()

    @property
    def value(self) -> Any:
        """The current raw answer (``None`` when unanswered); checked by
        ``kiosk.questionnaire.logic``."""
        raise NotImplementedError

    def show_problem(self, message: str | None) -> None:
        """Show (or clear, with ``None``) the message beside this question."""
        self._problem = message
        if self.is_mounted:
            self._show_problem_now()

    def _show_problem_now(self) -> None:
        problem = self.query_one(".item-problem", Static)
        problem.update(plain(self._problem))
        problem.display = bool(self._problem)
        self.set_class(bool(self._problem), "-problem")
        self._show_answering_bar()

    def on_descendant_focus(self, event: events.DescendantFocus) -> None:
        self._answering = True
        self._show_answering_bar()

    def on_descendant_blur(self, event: events.DescendantBlur) -> None:
        self._answering = False
        self._show_answering_bar()

    def _show_answering_bar(self) -> None:
        """The accent bar beside the question being answered (a problem's bar wins).

        Set on this widget's own style, not by a ``:focus-within`` rule: such a rule makes
        Textual re-apply the stylesheet to every widget inside the question (a choice's
        tiles, a PSFS row's inputs) at each focus change, a sixth of a Next's time.
        """
        if self._answering and not self._problem:
            self.styles.border_left = ("thick", theme_color(self.app, "accent"))
        elif self.styles.clear_rule("border_left"):  # back to the stylesheet's
            self.refresh()

    @property
    def problem(self) -> str | None:
        """The message shown beside the question now, if any."""
        return self._problem

    def focus_input(self) -> None:
        """Move focus to this question's first control (after a failed Next)."""
        raise NotImplementedError

    def focus_control(self, control: Widget | None) -> None:
        """Focus ``control`` and bring the whole question (label, message, control) into view."""
        if control is not None:
            control.focus(scroll_visible=False)
        self.scroll_visible(animate=False)

    def text(self, text: Any) -> str:
        return self.questionnaire.text(text, self.language)

    def announce_change(self) -> None:
        self.post_message(self.Changed(self, self.item.id, self.value))


_theme_colors: dict[tuple[str, str], Color] = {}


def theme_color(app: App[Any], name: str) -> Color:
    """The colour ``$name`` of the app's theme, looked up once per theme."""
    key = (app.theme, name)
    if key not in _theme_colors:
        _theme_colors[key] = Color.parse(app.get_css_variables()[name])
    return _theme_colors[key]
