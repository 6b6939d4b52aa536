"""Consent: the text to read (scrollable), an "I agree" tick, and the full name typed to sign."""

from __future__ import annotations

import datetime as dt
from typing import Any

from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Input, Static

from kiosk.questionnaire.model import ConsentItem
from kiosk.questionnaire.text import strip_controls
from screens.widgets.choice_group import ChoiceGroup
from screens.widgets.choice_list import ChoiceList
from screens.widgets.item_widget import ItemWidget
from screens.widgets.multi_choice_item import CHECKBOX_MARKS
from screens.widgets.patient_input import PatientInput
from screens.widgets.plain import plain, stylesheet
from screens.widgets.wording import word

NAME_MAX_LENGTH = 200  # what kiosk.questionnaire.answers accepts for a signature


class ConsentItemWidget(ItemWidget):
    """Answer shape: ``{"agreed": bool, "name": str, "signed_on": "YYYY-MM-DD"}``, or ``None``
    while untouched; whether the name matches the one given earlier is the core's check."""

    DEFAULT_CSS = stylesheet(__file__, "consent_item.tcss")
    item: ConsentItem

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        initial = self._initial if isinstance(self._initial, dict) else {}
        self._agreed = initial.get("agreed") is True
        name = initial.get("name")
        self._signature = strip_controls(name)[:NAME_MAX_LENGTH] if isinstance(name, str) else ""

    def compose_answer(self) -> ComposeResult:
        with VerticalScroll(classes="consent-text"):
            yield Static(plain(self.text(self.item.text), multiline=True))
        yield ChoiceList([word("agree", self.language)], CHECKBOX_MARKS, classes="agree")
        yield Static(plain(word("full_name", self.language)), classes="name-label")
        yield PatientInput(self._signature, max_length=NAME_MAX_LENGTH, select_on_focus=False)

    def on_mount(self) -> None:
        self.query_one(ChoiceList).show_chosen([0] if self._agreed else [])

    @property
    def value(self) -> dict[str, Any] | None:
        if not self._agreed and not self._signature.strip():
            return None
        return {"agreed": self._agreed, "name": self._signature,
                "signed_on": dt.date.today().isoformat()}

    def focus_input(self) -> None:
        """Focus what still needs doing: the "I agree" tick, else the name box."""
        self.focus_control(self.query_one(PatientInput) if self._agreed
                           else self.query_one(ChoiceList))

    def on_choice_group_toggled(self, event: ChoiceGroup.Toggled) -> None:
        event.stop()
        self._agreed = not self._agreed
        event.group.show_chosen([0] if self._agreed else [])
        self.announce_change()

    def on_input_changed(self, event: Input.Changed) -> None:
        event.stop()
        if event.value == self._signature:
            return  # the box reporting the kept name it was built with
        self._signature = event.value
        self.announce_change()
