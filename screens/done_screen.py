"""Done: the QR code of the clinician link, the short code under it, and where to go now."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Button, Static

from screens.strings import text
from screens.widgets.qr_code import QRCode


class DoneScreen(Screen[None]):
    """Shown after the record is saved; it holds only the link and the short code, no answers."""

    BINDINGS = [Binding("ctrl+n", "finish", "Done", show=False, priority=True)]

    class Finished(Message):
        """Done was pressed, or the QR code has been up long enough."""

    def __init__(self, link: str, short_code: str, language: str, timeout: float) -> None:
        super().__init__(classes="done-screen")
        self.link = link
        self.short_code = short_code
        self.language = language
        self.timeout = timeout
        self._reported = False

    def compose(self) -> ComposeResult:
        with Horizontal(id="done-box"):
            with Vertical(id="qr-box"):
                yield QRCode(self.link, id="qr")
            with Vertical(id="done-text"):
                yield Static(text("thank_you", self.language), id="thank-you")
                yield Static(text("take_a_seat", self.language), id="take-a-seat")
                yield Static(text("short_code", self.language), id="short-code-label")
                yield Static(self.short_code, id="short-code", markup=False)
                yield Button(text("done", self.language), id="done", variant="primary")

    def on_mount(self) -> None:
        self.query_one("#done", Button).focus()
        self.set_timer(self.timeout, self.action_finish)

    def action_finish(self) -> None:
        if not self._reported:  # the timer and a tap may both come
            self._reported = True
            self.post_message(self.Finished())

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.action_finish()
