"""Review: every answer, grouped by section, each section with an Edit button; then Submit."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Button, ProgressBar, Static

from screens.answer_text import answer_text
from screens.check_in import CheckIn
from screens.strings import text
from screens.widgets.plain import plain


class ReviewScreen(Screen[None]):
    """The patient's answers read back in their words, before anything is submitted."""

    BINDINGS = [
        Binding("ctrl+n", "submit", "Submit", show=False, priority=True),
        Binding("ctrl+b", "back", "Back", show=False, priority=True),
    ]

    class Edit(Message):
        def __init__(self, index: int) -> None:
            super().__init__()
            self.index = index

    class WentBack(Message):
        """Back to the last section."""

    class Submit(Message):
        """The patient confirmed the answers."""

    def __init__(self, check_in: CheckIn) -> None:
        super().__init__(classes="review-screen")
        self.check_in = check_in

    def compose(self) -> ComposeResult:
        check_in, language = self.check_in, self.check_in.language
        questionnaire = check_in.questionnaire
        answers = check_in.checked().answers
        with Vertical(id="review-head"):
            yield Static(text("review_title", language), id="review-title")
            yield Static(text("review_intro", language), id="review-intro")
            yield Static("", id="review-problem")
        with VerticalScroll(id="review-list"):
            for index, section in enumerate(questionnaire.sections):
                items = [item for item in check_in.shown_items(section, answers)
                         if item.answerable]
                if not items:
                    continue
                with Vertical(classes="review-section", id=f"review-{section.id}"):
                    with Horizontal(classes="review-section-head"):
                        yield Static(plain(questionnaire.text(section.title, language)),
                                     classes="review-section-title")
                        yield Button(text("edit", language), id=f"edit-{index}",
                                     classes="edit")
                    for item in items:
                        yield Static(plain(questionnaire.text(item.label, language)),
                                     classes="review-label")
                        yield Static(plain(answer_text(item, answers.get(item.id),
                                                       questionnaire, language), multiline=True),
                                     classes="review-answer", id=f"answer-{item.id}")
        with Horizontal(id="nav"):
            yield Button(text("back", language), id="back")
            with Vertical(id="progress-box"):
                yield Static(text("step", language, step=check_in.steps, total=check_in.steps),
                             id="step")
                yield ProgressBar(total=check_in.steps, show_eta=False, show_percentage=False,
                                  id="progress")
                yield Static(text("keys_hint_review", language), id="keys-hint")
            yield Button(text("submit", language), id="submit", variant="success")

    def on_mount(self) -> None:
        self.query_one(ProgressBar).update(progress=self.check_in.steps)
        self.query_one("#submit", Button).focus()

    def show_save_failed(self) -> None:
        """Saving did not work: say so calmly and let the patient try again."""
        problem = self.query_one("#review-problem", Static)
        problem.update(text("save_failed", self.check_in.language))
        problem.display = True
        self.query_one("#submit", Button).disabled = False

    def action_submit(self) -> None:
        submit = self.query_one("#submit", Button)
        if submit.disabled:
            return
        submit.disabled = True  # one record per tap, however impatient the tap
        self.post_message(self.Submit())

    def action_back(self) -> None:
        self.post_message(self.WentBack())

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        button_id = event.button.id or ""
        if button_id == "submit":
            self.action_submit()
        elif button_id == "back":
            self.action_back()
        elif button_id.startswith("edit-"):
            self.post_message(self.Edit(int(button_id.removeprefix("edit-"))))
