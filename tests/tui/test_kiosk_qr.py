"""The QR code on the kiosk's last screen decodes, with a real decoder, to the record's link."""

from __future__ import annotations

from typing import Any

import pytest
import zxingcpp
from kiosk_patient import Patient
from kiosk_setup import EVERY_TYPE, PUBLIC_URL, RECORD_ID, every_type_answers, seed_draft
from PIL import Image
from rich.color import Color
from rich.style import Style

from kiosk.link import clinician_link
from screens.app import KioskApp
from screens.done_screen import DoneScreen
from screens.widgets.qr_code import QRCode

PIXELS_PER_MODULE = 6
REVIEW = 3


def screen_cells(app: KioskApp) -> list[list[tuple[str, Style]]]:
    """Each cell on screen: its character and its style, as the terminal would draw them."""
    rows = []
    for strip in app.screen._compositor.render_strips():
        row: list[tuple[str, Style]] = []
        for segment in strip:
            row += [(character, segment.style or Style()) for character in segment.text]
        rows.append(row)
    return rows


def is_dark(color: Color | None) -> bool:
    red, green, blue = color.get_truecolor() if color else (0, 0, 0)
    return 0.299 * red + 0.587 * green + 0.114 * blue < 128


def modules_of(cells: list[list[tuple[str, Style]]]) -> list[list[bool]]:
    """Two modules per cell (upper and lower half), dark where the half is drawn dark."""
    modules: list[list[bool]] = []
    for line in cells:
        upper, lower = [], []
        for character, style in line:
            fore, back = is_dark(style.color), is_dark(style.bgcolor)
            top, bottom = {"█": (fore, fore), "▀": (fore, back), "▄": (back, fore),
                           " ": (back, back)}[character]
            upper.append(top)
            lower.append(bottom)
        modules += [upper, lower]
    return modules


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
async def test_the_code_on_screen_is_the_clinician_link(make_kiosk: Any,
                                                         size: tuple[int, int]) -> None:
    seed_draft(make_kiosk.store, EVERY_TYPE, every_type_answers(), section_index=REVIEW)
    app = make_kiosk(EVERY_TYPE)
    async with app.run_test(size=size) as pilot:
        patient = Patient(pilot)
        await patient.resume()
        await patient.tap("#submit")
        await patient.wait_until(lambda: isinstance(app.screen, DoneScreen))  # once saved
        region = app.screen.query_one(QRCode).region
        assert region.right <= size[0] and region.bottom <= size[1]  # all of it on screen
        cells = [row[region.x:region.right] for row in screen_cells(app)[region.y:region.bottom]]
    modules = modules_of(cells)
    image = Image.new("L", (len(modules[0]), len(modules)))
    image.putdata([0 if dark else 255 for row in modules for dark in row])
    image = image.resize((image.width * PIXELS_PER_MODULE, image.height * PIXELS_PER_MODULE),
                         Image.Resampling.NEAREST)
    found = zxingcpp.read_barcodes(image)
    assert [code.text for code in found] == [clinician_link(PUBLIC_URL, RECORD_ID)]
