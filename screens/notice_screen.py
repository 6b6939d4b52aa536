"""The calm notice after an unexpected error: no details, then the flow starts again."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Button, Static

from screens.strings import text

NOTICE_SECONDS = 15.0


class NoticeScreen(Screen[None]):
    """"Sorry, something went wrong": never a traceback, never the error's text."""

    class Closed(Message):
        """OK was pressed, or the notice has been up long enough."""

    def __init__(self, language: str, timeout: float = NOTICE_SECONDS) -> None:
        super().__init__(classes="notice-screen")
        self.language = language
        self.timeout = timeout
        self._reported = False

    def compose(self) -> ComposeResult:
        with Vertical(id="notice-box"):
            yield Static(text("sorry_title", self.language), id="notice-title")
            yield Static(text("sorry_text", self.language), id="notice-text")
            yield Button(text("ok", self.language), id="notice-ok", variant="primary")

    def on_mount(self) -> None:
        self.query_one("#notice-ok", Button).focus()
        self.set_timer(self.timeout, self._close)

    def _close(self) -> None:
        if not self._reported:  # the timer and a tap may both come
            self._reported = True
            self.post_message(self.Closed())

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self._close()
