"""The staff door: the PIN first, then the kiosk's status (no patient data) and Exit.

Patients cannot quit the kiosk; staff open this with F12 or Ctrl+K. The
status lists what staff need to fix the kiosk, such as why an edited
questionnaire file was not taken up.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Static

from kiosk.pins import pin_matches
from screens.strings import staff_text
from screens.widgets.plain import plain

MAX_WRONG_PINS = 5
LOCKOUT_SECONDS = 60.0


@dataclass(frozen=True)
class StaffStatus:
    """What the staff panel shows: the kiosk's own state, never anything a patient typed."""

    station: str
    questionnaire: str
    viewer: str
    notice: str | None
    notice_title: str | None = None  # what the notice is about (else: a broken edit)
    sealed: bool = True  # whether the clinic has keys (else staff are told to set them up)


@dataclass
class PinGuard:
    """Wrong PINs in a row; after too many, the PIN is not even checked for a while."""

    wrong: int = 0
    locked_until: float = 0.0

    def seconds_locked(self) -> int:
        return max(0, round(self.locked_until - time.monotonic()))

    def failed(self) -> None:
        self.wrong += 1
        if self.wrong >= MAX_WRONG_PINS:
            self.wrong = 0
            self.locked_until = time.monotonic() + LOCKOUT_SECONDS


class StaffScreen(ModalScreen[bool]):
    """Dismissed with True when staff chose to exit the kiosk, else False."""

    BINDINGS = [Binding("escape", "cancel", "Cancel", show=False)]

    def __init__(self, pin_hash: str | None, status: StaffStatus, guard: PinGuard,
                 unlocked: bool = False) -> None:
        super().__init__(classes="staff-screen")
        self.pin_hash = pin_hash
        self.status = status
        self.guard = guard
        self.unlocked = unlocked

    def compose(self) -> ComposeResult:
        with Vertical(id="staff-box"):
            yield Static(staff_text("pin_title"), id="staff-title")
            if self.unlocked:
                yield from self._status()
            elif self.pin_hash is None:
                yield Static(staff_text("pin_missing"), id="staff-message")
                yield Button(staff_text("back_to_kiosk"), id="cancel")
            else:
                yield Static(staff_text("pin_prompt"), id="staff-prompt")
                yield Input(password=True, id="pin", max_length=64)
                yield Static("", id="staff-message")
                with Horizontal(id="staff-buttons"):
                    yield Button(staff_text("unlock"), id="unlock", variant="primary")
                    yield Button(staff_text("cancel"), id="cancel")

    def _status(self) -> ComposeResult:
        status = self.status
        with VerticalScroll(id="staff-status"):
            yield Static(plain(staff_text("status_station", station=status.station)))
            yield Static(plain(status.questionnaire, multiline=True))
            yield Static(plain(staff_text("status_viewer", viewer=status.viewer)))
            if status.notice:
                yield Static(status.notice_title or staff_text("reload_failed"),
                             id="staff-notice-title")
                yield Static(plain(status.notice, multiline=True), id="staff-notice")
            else:
                yield Static(staff_text("status_no_notice"), id="staff-notice-title")
            # Below the notice: a broken file is what staff must see first.
            yield Static(staff_text("status_sealed" if status.sealed else "status_not_sealed"),
                         id="staff-sealed")
        with Horizontal(id="staff-buttons"):
            yield Button(staff_text("exit_kiosk"), id="exit", variant="error")
            yield Button(staff_text("back_to_kiosk"), id="cancel")

    def on_mount(self) -> None:
        focus = "#pin" if not self.unlocked and self.pin_hash else "#cancel"
        self.query_one(focus).focus()

    async def _try_pin(self) -> None:
        field = self.query_one("#pin", Input)
        pin, field.value = field.value, ""
        message = self.query_one("#staff-message", Static)
        locked = self.guard.seconds_locked()
        if locked:
            message.update(staff_text("pin_locked", seconds=locked))
            return
        if not pin_matches(pin, self.pin_hash):
            self.guard.failed()
            message.update(staff_text("pin_wrong"))
            return
        self.guard.wrong = 0
        self.unlocked = True
        await self.recompose()
        self.query_one("#cancel").focus()

    async def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        await self._try_pin()

    async def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == "unlock":
            await self._try_pin()
        elif event.button.id == "exit" and self.unlocked:
            self.dismiss(True)
        else:
            self.dismiss(False)

    def action_cancel(self) -> None:
        self.dismiss(False)
