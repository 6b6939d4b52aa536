"""Welcome: the clinic's name, one big Start button, the language and the large-text switch.

A kiosk offering several questionnaires asks instead which applies ("First visit
here", "Coming back for another session"): one big button per questionnaire, in the
chosen language, reached by taps, Tab or the arrow keys.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Center, Horizontal, Vertical
from textual.events import Click
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Button, Static, Switch

from screens.strings import language_name, text
from screens.welcome_card import Choice
from screens.widgets.plain import plain


class WelcomeScreen(Screen[None]):
    """The screen every patient starts from; it holds nothing of the previous patient."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("down", "move(1)", show=False),
        Binding("up", "move(-1)", show=False),
    ]

    class Start(Message):
        """The patient pressed Start (or chose the questionnaire ``choice``), in ``language``."""

        def __init__(self, language: str, accessible: bool, choice: str | None = None) -> None:
            super().__init__()
            self.language = language
            self.accessible = accessible
            self.choice = choice  # a Choice's key; None: the kiosk's only questionnaire

    class AccessibleChanged(Message):
        """The large-text / high-contrast switch was flipped."""

        def __init__(self, on: bool) -> None:
            super().__init__()
            self.on = on

    def __init__(self, clinic_name: str, languages: list[str], language: str,
                 accessible: bool = False, staff_notice: bool = False,
                 choices: Sequence[Choice] = ()) -> None:
        super().__init__(id="welcome")
        self.clinic_name = clinic_name
        self.languages = languages
        self.language = language
        self.accessible = accessible
        self.staff_notice = staff_notice
        self.choices = tuple(choices)

    def compose(self) -> ComposeResult:
        with Vertical(id="welcome-box", classes="-choices" if self.choices else ""):
            yield Static(plain(self.clinic_name), id="clinic-name")
            yield Static(text("welcome", self.language), id="welcome-title")
            if self.choices:
                yield Static(text("which_applies", self.language), id="welcome-intro")
                with Vertical(id="choices"):
                    for index, choice in enumerate(self.choices):
                        with Center():
                            yield Button(plain(choice.label(self.language)),
                                         id=f"choice-{index}", classes="choice",
                                         variant="primary")
            else:
                yield Static(text("welcome_intro", self.language), id="welcome-intro")
                with Center():
                    yield Button(text("start", self.language), id="start", variant="primary")
            if len(self.languages) > 1:
                with Horizontal(id="languages"):
                    for code in self.languages:
                        yield Button(plain(language_name(code)), id=f"language-{code}",
                                     classes="language" + (" -chosen"
                                                           if code == self.language else ""))
            with Horizontal(id="accessible-row"):
                yield Switch(self.accessible, id="accessible")
                yield Static(text("accessible", self.language), id="accessible-label")
        if self.staff_notice:
            yield Static(text("staff_notice_marker", self.language), id="staff-marker")

    def on_mount(self) -> None:
        self._focus_start()

    async def redraw(self, clinic_name: str, languages: list[str], default_language: str,
                     staff_notice: bool, choices: Sequence[Choice] = ()) -> None:
        """A questionnaire file or the settings changed while this screen was up."""
        self.clinic_name = clinic_name
        self.languages = languages
        if self.language not in languages:
            self.language = default_language
        self.staff_notice = staff_notice
        self.choices = tuple(choices)
        await self.recompose()
        self.call_after_refresh(self._focus_start)

    def _focus_start(self) -> None:
        for start in self.query("#start, #choice-0"):
            start.focus()

    def action_move(self, step: int) -> None:
        """Up and down go through the choices (and on to the language buttons)."""
        if step > 0:
            self.focus_next()
        else:
            self.focus_previous()

    async def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        button_id = event.button.id or ""
        if button_id == "start":
            self.post_message(self.Start(self.language, self.accessible))
        elif button_id.startswith("choice-"):
            choice = self.choices[int(button_id.removeprefix("choice-"))]
            self.post_message(self.Start(self.language, self.accessible, choice.key))
        elif button_id.startswith("language-"):
            self.language = button_id.removeprefix("language-")
            await self.recompose()
            self.call_after_refresh(self._focus_start)

    def on_switch_changed(self, event: Switch.Changed) -> None:
        event.stop()
        self.accessible = event.value
        self.post_message(self.AccessibleChanged(event.value))

    def on_click(self, event: Click) -> None:
        """Tapping the switch's words flips it too: a bigger target on a tablet."""
        if event.widget is not None and event.widget.id == "accessible-label":
            self.query_one("#accessible", Switch).toggle()
