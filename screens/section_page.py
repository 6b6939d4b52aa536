"""The questions of one section, as one page of the section screen.

A page holds one widget per item (in a slot it can hide) and keeps the check-in's
answers in step with them: ``show_if`` is re-read when a deciding answer changes,
a follow-up that disappears takes its answer with it, and Next asks
``kiosk.questionnaire.logic`` what is wrong.
"""

from __future__ import annotations

from typing import Any

from textual.app import ComposeResult
from textual.containers import VerticalScroll

from kiosk.questionnaire.answers import is_empty
from kiosk.questionnaire.expressions import parse_expression
from kiosk.questionnaire.model import Item, Section
from screens.check_in import CheckIn
from screens.widgets.item_factory import widget_for
from screens.widgets.item_widget import ItemWidget


class SectionPage(VerticalScroll, can_focus=False):
    """One section's questions, mounted in one go (one layout pass for the whole page).

    The page itself takes no focus: focus goes to a question, and restyling a whole page
    on every focus change would make Next slow.
    """

    def __init__(self, check_in: CheckIn, index: int) -> None:
        super().__init__(id=f"page-{index}", classes="section-page")
        self.check_in = check_in
        self.index = index
        self.section: Section = check_in.questionnaire.sections[index]
        self.widgets: dict[str, ItemWidget] = {}  # shown or not (``display``) by show_if
        # Items whose answer decides whether another item of this section is shown.
        self.decisive: set[str] = set()
        for item in self.section.items:
            if item.show_if:
                self.decisive |= parse_expression(item.show_if).names

    def compose(self) -> ComposeResult:
        shown = {item.id for item in self.check_in.shown_items(self.section)}
        for item in self.section.items:
            widget = self._new_widget(item, self.check_in.answers.get(item.id))
            widget.display = item.id in shown
            yield widget

    def _new_widget(self, item: Item, value: Any) -> ItemWidget:
        widget = widget_for(item, self.check_in.questionnaire, self.check_in.language, value)
        self.widgets[item.id] = widget
        return widget

    def shown(self) -> list[Item]:
        return [item for item in self.section.items if self.widgets[item.id].display]

    def remember(self, item_id: str, value: Any) -> None:
        self.check_in.set_answer(item_id, value)

    async def on_item_widget_changed(self, message: ItemWidget.Changed) -> None:
        message.stop()
        self.remember(message.item_id, message.value)
        if message.item_id in self.decisive:
            await self.apply_show_if()

    async def apply_show_if(self, checked: dict[str, Any] | None = None) -> None:
        """Show follow-ups whose condition now holds; hide the others and drop their answers."""
        shown = {item.id for item in self.check_in.shown_items(self.section, checked)}
        for item in self.section.items:
            widget = self.widgets[item.id]
            visible = item.id in shown
            if widget.display == visible:
                continue
            if not visible:
                self.check_in.drop_answer(item.id)
                widget.show_problem(None)
                if not is_empty(widget.value):
                    # A fresh, empty widget in its place: the hidden answer is gone from
                    # the screen too.
                    following = self.children[self.children.index(widget) + 1:]
                    await widget.remove()
                    widget = self._new_widget(item, None)
                    widget.display = False
                    await self.mount(widget, before=following[0] if following else None)
            widget.display = visible

    def collect(self) -> None:
        """Read every shown widget once more, in case a change was not announced."""
        for item in self.shown():
            if item.answerable:
                self.remember(item.id, self.widgets[item.id].value)

    def problems(self) -> dict[str, str]:
        """What ``kiosk.questionnaire.logic`` finds wrong with this section, in question order."""
        self.collect()
        return self.check_in.section_problems(self.section)

    def show_problems(self, problems: dict[str, str]) -> None:
        """Each message beside its question; focus (and scroll to) the first one."""
        for item_id, widget in self.widgets.items():
            if widget.problem or item_id in problems:
                widget.show_problem(problems.get(item_id))
        first = next((item_id for item_id in problems if item_id in self.widgets), None)
        if first is not None:
            widget = self.widgets[first]
            self.scroll_to_widget(widget, animate=False, top=True)
            self.call_after_refresh(widget.focus_input)  # once its controls are laid out

    def focus_first(self) -> None:
        self.scroll_home(animate=False)
        first = next((item for item in self.shown() if item.answerable), None)
        if first is not None:
            # Focus now, so the page and its focused question reach the screen in one frame;
            # the scroll that brings the question into view waits for the layout by itself.
            self.widgets[first.id].focus_input()
