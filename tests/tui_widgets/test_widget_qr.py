"""The QR code on the kiosk screen is the clinician link, readable by a real decoder."""

from __future__ import annotations

import pytest
import zxingcpp
from PIL import Image
from rich.color import Color
from rich.style import Style
from textual.app import App, ComposeResult
from textual.containers import Center
from widget_harness import Cell, screen_cells

from kiosk.link import clinician_link
from kiosk.qr import QUIET_ZONE, qr_half_blocks, qr_matrix
from screens.widgets.qr_code import QRCode

# A real clinician link: 31-character public URL + "/i/" + a 26-character record id.
LINK_60 = clinician_link("https://kiosk.exampleclinic.org", "7hq2mzx9k4c8r3tvp6wy5nbd2f")
SCALE = 6  # image pixels per module, so the decoder sees crisp squares


class QRApp(App[None]):
    def __init__(self, link: str, theme: str) -> None:
        super().__init__()
        self.link = link
        self.theme = theme

    def compose(self) -> ComposeResult:
        with Center():
            yield QRCode(self.link)


def _dark(color: Color | None) -> bool:
    red, green, blue = color.get_truecolor() if color else (0, 0, 0)
    return 0.299 * red + 0.587 * green + 0.114 * blue < 128


def _modules(cells: list[list[Cell]]) -> list[list[bool]]:
    """Each cell is two modules (top, bottom): which half shows the foreground comes from
    the block character, and what colour each half really is from the cell's colours."""
    rows: list[list[bool]] = []
    for line in cells:
        top: list[bool] = []
        bottom: list[bool] = []
        for character, style in line:
            fore, back = _dark(style.color), _dark(style.bgcolor)
            upper, lower = {"█": (fore, fore), "▀": (fore, back), "▄": (back, fore),
                            " ": (back, back)}[character]
            top.append(upper)
            bottom.append(lower)
        rows += [top, bottom]
    return rows


def _image(modules: list[list[bool]]) -> Image.Image:
    image = Image.new("L", (len(modules[0]), len(modules)))
    image.putdata([0 if dark else 255 for row in modules for dark in row])
    return image.resize((image.width * SCALE, image.height * SCALE), Image.Resampling.NEAREST)


def test_a_60_character_link_is_a_41_module_code_with_its_quiet_zone() -> None:
    assert len(LINK_60) == 60
    matrix = qr_matrix(LINK_60)
    assert len(matrix) == len(matrix[0]) == 33 + 2 * QUIET_ZONE  # version 4 at ECC M
    border = matrix[:QUIET_ZONE] + matrix[-QUIET_ZONE:] + [
        row[:QUIET_ZONE] + row[-QUIET_ZONE:] for row in matrix]
    assert not any(any(row) for row in border)
    lines = qr_half_blocks(matrix)
    assert (len(lines), {len(line) for line in lines}) == (21, {41})
    assert set("".join(lines)) <= set("█▀▄ ")


@pytest.mark.parametrize("theme", ["textual-dark", "textual-light"])
async def test_the_code_drawn_on_an_80x24_screen_decodes_to_the_exact_link(theme: str) -> None:
    app = QRApp(LINK_60, theme)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        code = app.query_one(QRCode)
        assert code.region.width == 41 and code.region.height == 21
        assert app.screen.region.contains_region(code.region)  # the whole code is on screen
        modules = _modules(screen_cells(app, code.region))
    # Dark modules on a light quiet zone whatever the theme: the top rows are all light.
    assert not any(any(row) for row in modules[:QUIET_ZONE])
    assert modules[QUIET_ZONE][QUIET_ZONE]  # the finder pattern's dark corner
    found = zxingcpp.read_barcodes(_image(modules), try_invert=False)
    assert [barcode.text for barcode in found] == [LINK_60]


def test_cells_read_as_light_when_the_colours_say_so() -> None:
    """The reader of cells itself: an all-space row on white is light, a full block black."""
    white = Style(color="#000000", bgcolor="#ffffff")
    assert _modules([[(" ", white), ("█", white), ("▀", white)]]) == [
        [False, True, True], [False, True, False]]
