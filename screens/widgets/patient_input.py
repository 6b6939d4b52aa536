"""Text boxes that never take in control characters or escape sequences, even when pasted."""

from __future__ import annotations

from textual.widgets import Input, TextArea
from textual.widgets.text_area import EditResult, Location

from kiosk.questionnaire.text import strip_controls


class PatientInput(Input):
    """A one-line box for what a patient types; pasted escape sequences are dropped."""

    def replace(self, text: str, start: int, end: int) -> None:
        super().replace(strip_controls(text), start, end)

    def restricted(self) -> None:
        """Refuse silently: a beep at a waiting-room kiosk only startles."""


class PatientTextArea(TextArea):
    """A multi-line box with a hard length limit; pasted escape sequences are dropped."""

    def __init__(self, text: str = "", max_length: int = 2000, **kwargs: object) -> None:
        super().__init__(strip_controls(text, multiline=True)[:max_length],
                         soft_wrap=True, tab_behavior="focus", **kwargs)  # type: ignore[arg-type]
        self.max_length = max_length

    def _replace_via_keyboard(self, insert: str, start: Location,
                              end: Location) -> EditResult | None:
        # Every typed or pasted edit passes here: trim it to what still fits.
        insert = strip_controls(insert, multiline=True)
        replaced = len(self.get_text_range(start, end))
        room = self.max_length - (len(self.text) - replaced)
        insert = insert[:max(room, 0)]
        if not insert and start == end:
            return None
        return super()._replace_via_keyboard(insert, start, end)
