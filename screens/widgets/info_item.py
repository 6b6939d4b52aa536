"""Information only (no answer): a heading and its text, e.g. what dry needling involves."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.widgets import Static

from kiosk.questionnaire.model import InfoItem
from screens.widgets.item_widget import ItemWidget
from screens.widgets.plain import plain


class InfoItemWidget(ItemWidget):
    """Shows the item's text; there is nothing to answer, so ``value`` is always ``None``."""

    item: InfoItem

    def compose_answer(self) -> ComposeResult:
        text = self.text(self.item.text)
        if text:
            yield Static(plain(text, multiline=True), classes="info-text")

    @property
    def value(self) -> None:
        return None

    def focus_input(self) -> None:
        self.focus_control(None)
