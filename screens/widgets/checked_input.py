"""A one-line answer the core can check as soon as the patient leaves the box (number, date)."""

from __future__ import annotations

from typing import Any

from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Input, Static

from kiosk.questionnaire.answers import AnswerProblem, normalize_answer
from kiosk.questionnaire.text import strip_controls
from screens.widgets.item_widget import ItemWidget
from screens.widgets.patient_input import PatientInput
from screens.widgets.plain import plain, stylesheet


class CheckedInputWidget(ItemWidget):
    """A box whose text ``kiosk.questionnaire.answers`` reads; its message shows when the
    patient moves on.

    ``value`` is the answer the core made of the text, or the text itself when the
    core cannot read it (so the section's check reports the same message).
    """

    DEFAULT_CSS = stylesheet(__file__, "checked_input.tcss")
    restrict: str | None = None
    max_length = 0

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._text = self._initial_text()

    def compose_answer(self) -> ComposeResult:
        with Horizontal(classes="input-row"):
            yield PatientInput(self._text, placeholder=self.placeholder(),
                               restrict=self.restrict, max_length=self.max_length,
                               select_on_focus=False)
            after = self.after_input()
            if after:
                yield Static(plain(after), classes="after-input")
        hint = self.hint()
        if hint:
            yield Static(plain(hint), classes="input-hint")

    def _initial_text(self) -> str:
        if self._initial is None or isinstance(self._initial, bool):
            return ""
        return strip_controls(str(self._initial))

    def placeholder(self) -> str:
        """Grey text in the empty box showing the expected form."""
        return ""

    def after_input(self) -> str:
        """Text right of the box (a unit)."""
        return ""

    def hint(self) -> str:
        """A line under the box saying how to write the answer."""
        return ""

    @property
    def text_typed(self) -> str:
        return self._text.strip()

    def read(self) -> tuple[Any, str | None]:
        """The core's reading of the text: (answer, None) or (the text, the core's message)."""
        text = self.text_typed
        if not text:
            return None, None
        try:
            return normalize_answer(self.item, text, {}, self.language), None
        except AnswerProblem as problem:
            return text, str(problem)

    @property
    def value(self) -> Any:
        return self.read()[0]

    def focus_input(self) -> None:
        self.focus_control(self.query_one(PatientInput))

    def on_input_changed(self, event: Input.Changed) -> None:
        event.stop()
        if event.value == self._text:
            return  # the box reporting the kept answer it was built with
        self._text = event.value
        if self.problem is not None and self.read()[1] is None:
            self.show_problem(None)  # fixed: stop telling the patient it is wrong
        self.announce_change()

    def on_input_blurred(self, event: Input.Blurred) -> None:
        if self.text_typed:  # an empty box keeps whatever the section's check said
            self.show_problem(self.read()[1])

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self.show_problem(self.read()[1])
