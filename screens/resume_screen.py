"""After a restart: offer to continue an interrupted check-in, or to start over."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Button, Static

from screens.strings import text


class ResumeScreen(Screen[None]):
    """Shows no answers, only the offer: whoever stands here chooses, nothing is revealed."""

    class Chosen(Message):
        def __init__(self, resume: bool) -> None:
            super().__init__()
            self.resume = resume

    def __init__(self, language: str) -> None:
        super().__init__(classes="resume-screen")
        self.language = language

    def compose(self) -> ComposeResult:
        with Vertical(id="resume-box"):
            yield Static(text("resume_title", self.language), id="resume-title")
            yield Static(text("resume_intro", self.language), id="resume-intro")
            yield Button(text("resume_continue", self.language), id="resume",
                         variant="primary")
            yield Button(text("resume_start_over", self.language), id="start-over")

    def on_mount(self) -> None:
        self.query_one("#resume", Button).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.post_message(self.Chosen(event.button.id == "resume"))
