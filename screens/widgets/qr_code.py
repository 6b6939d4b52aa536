"""The clinician link's QR code, drawn in half blocks: dark modules on white, whatever the theme."""

from __future__ import annotations

from rich.segment import Segment
from rich.style import Style
from textual.geometry import Size
from textual.strip import Strip
from textual.widget import Widget

from kiosk.qr import qr_half_blocks, qr_matrix
from screens.widgets.plain import stylesheet

# Fixed true colours, not theme colours: a phone's camera needs dark on light,
# and a dark theme (or high-contrast mode) must not invert the code.
DARK_ON_LIGHT = Style(color="#000000", bgcolor="#ffffff")


class QRCode(Widget):
    """Shows only the code for ``link`` (41 x 21 cells for a 60-character link)."""

    DEFAULT_CSS = stylesheet(__file__, "qr_code.tcss")

    def __init__(self, link: str, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self._lines = qr_half_blocks(qr_matrix(link))

    def get_content_width(self, container: Size, viewport: Size) -> int:
        return len(self._lines[0]) if self._lines else 0

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        return len(self._lines)

    def render_line(self, y: int) -> Strip:
        if 0 <= y < len(self._lines):
            return Strip([Segment(self._lines[y], DARK_ON_LIGHT)]).crop_extend(
                0, self.size.width, self.rich_style)
        return Strip.blank(self.size.width, self.rich_style)
