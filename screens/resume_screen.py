"""After a restart: continue an interrupted check-in by giving its date of birth, or start over."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Button, Input, Static

from kiosk.questionnaire.model import Questionnaire
from kiosk.resume_check import BirthDateCheck
from screens.strings import text
from screens.widgets.date_item import DateItemWidget


class ResumeScreen(Screen[None]):
    """Shows nothing of the draft, only the offer: whoever stands here may be someone else,
    so the check-in continues only once ``check`` accepts the date of birth typed here."""

    class Chosen(Message):
        """``resume`` is True once the date of birth was right; False to start over (asked
        for, or every try used up)."""

        def __init__(self, resume: bool) -> None:
            super().__init__()
            self.resume = resume

    def __init__(self, check: BirthDateCheck, questionnaire: Questionnaire,
                 language: str) -> None:
        super().__init__(classes="resume-screen")
        self.check = check
        self.questionnaire = questionnaire
        self.language = language

    def compose(self) -> ComposeResult:
        with Vertical(id="resume-box"):
            yield Static(text("resume_title", self.language), id="resume-title")
            yield Static(text("resume_intro", self.language), id="resume-intro")
            # The kiosk's own date box, empty: the draft's answer is never put in it.
            yield DateItemWidget(self.check.item, self.questionnaire, self.language)
            with Horizontal(id="resume-choices"):
                yield Button(text("resume_continue", self.language), id="resume",
                             variant="primary")
                yield Button(text("resume_start_over", self.language), id="start-over")

    @property
    def birth_date_box(self) -> DateItemWidget:
        return self.query_one(DateItemWidget)

    def on_mount(self) -> None:
        self.birth_date_box.focus_input()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == "resume":
            self._try_birth_date()
        else:
            self.post_message(self.Chosen(False))

    def on_input_submitted(self, event: Input.Submitted) -> None:
        """Enter in the date box is the same as Continue."""
        event.stop()
        self._try_birth_date()

    def _try_birth_date(self) -> None:
        box = self.birth_date_box
        birth_date, problem = box.read()
        if birth_date is None:
            problem = text("resume_birth_date_missing", self.language)
        elif problem is None:  # a date (one that is no date uses up no try)
            if self.check.attempt(birth_date):
                self.post_message(self.Chosen(True))
                return
            if self.check.used_up:
                self.post_message(self.Chosen(False))
                return
            problem = text("resume_birth_date_wrong", self.language,
                           tries=self.check.tries_left)
        box.show_problem(problem)
        box.focus_input()  # back in the box, to correct it
