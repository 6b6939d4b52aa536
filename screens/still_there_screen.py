"""The "Are you still there?" question after a quiet spell, with a countdown to clearing."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Static

from screens.strings import text


class StillThereScreen(ModalScreen[bool]):
    """Dismissed with True for "I'm here", with False when the countdown runs out.

    Opaque (modal_screens.tcss): nothing of the answers below shows while it waits."""

    BINDINGS = [Binding("escape", "here", "I'm here", show=False)]

    def __init__(self, language: str, seconds: int) -> None:
        super().__init__(classes="still-there-screen")
        self.language = language
        self.seconds_left = seconds

    def compose(self) -> ComposeResult:
        with Vertical(id="still-there-box"):
            yield Static(text("still_there", self.language), id="still-there-title")
            yield Static(self._countdown_text(), id="countdown")
            yield Button(text("im_here", self.language), id="im-here", variant="primary")

    def _countdown_text(self) -> str:
        return text("still_there_countdown", self.language, seconds=self.seconds_left)

    def on_mount(self) -> None:
        self.query_one("#im-here", Button).focus()
        self._ticker = self.set_interval(1.0, self._tick)

    def _tick(self) -> None:
        self.seconds_left = max(self.seconds_left - 1, 0)
        self.query_one("#countdown", Static).update(self._countdown_text())
        if self.seconds_left == 0 and self.is_current:  # (staff may have opened F12 on top)
            self._ticker.stop()
            self.dismiss(False)

    def action_here(self) -> None:
        self._ticker.stop()
        self.dismiss(True)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.action_here()
