"""A scale that runs below zero (the Global Rating of Change, -7 to +7): fifteen tiles with
signed labels, both ends labelled, chosen by tap, by arrows and by a minus then a digit."""

from __future__ import annotations

import pytest
from widget_harness import find_text, screen_lines, tile_centre, tile_text

from screens.widgets.choice_row import ChoiceRow

GROC = {"id": "groc", "type": "scale", "label": "How is your problem now?", "min": -7, "max": 7,
        "min_label": {"en": "A very great deal worse", "es": "Muchísimo peor"},
        "max_label": {"en": "A very great deal better", "es": "Muchísimo mejor"}}
POINTS = ["-7", "-6", "-5", "-4", "-3", "-2", "-1", "0",
          "+1", "+2", "+3", "+4", "+5", "+6", "+7"]


@pytest.mark.parametrize(("columns", "rows"), [(80, 1), (60, 2), (30, 3)])
async def test_fifteen_signed_tiles_and_both_ends_fit_the_screen(harness, columns: int,
                                                                 rows: int) -> None:
    app = harness(GROC)
    async with app.run_test(size=(columns, 40)):
        row = app.widget("groc").query_one(ChoiceRow)
        assert row.labels == POINTS
        assert [tile_text(app, row, index) for index in range(15)] == POINTS  # none cut short
        regions = [row.tile_region(index) for index in range(15)]
        assert len({region.y for region in regions}) == rows  # a second row only when narrow
        for region in regions:
            assert region.width >= 4  # a border each side and two signs wide
            assert region.translate(row.content_region.offset).right <= columns
        _, y = find_text(app, "-7 = A very")  # the ends under the tiles, wrapped when narrow
        assert y == row.content_region.y + 3 * rows
        assert any(line.rstrip().endswith("+7") for line in screen_lines(app)[y:y + 3])


async def test_a_point_below_zero_by_tap_by_keys_and_by_arrows(harness) -> None:
    app = harness(GROC)
    async with app.run_test(size=(80, 24)) as pilot:
        row = app.widget("groc").query_one(ChoiceRow)
        find_text(app, "-7 = A very great deal worse")  # whole, at 80 columns
        find_text(app, "A very great deal better = +7")
        await pilot.click(row, offset=tile_centre(row, 0))
        assert app.widget("groc").value == -7
        await pilot.click(row, offset=tile_centre(row, 9))
        assert app.widget("groc").value == 2
        await pilot.press("minus", "3")  # a minus, then the digit: minus three
        assert app.widget("groc").value == -3
        assert [row.labels[index] for index in row.chosen] == ["-3"]
        await pilot.press("5")  # a digit alone: above zero
        assert app.widget("groc").value == 5
        await pilot.press("plus", "1")
        assert app.widget("groc").value == 1
        await pilot.press("9")  # not on this scale: nothing changes
        assert app.widget("groc").value == 1
        await pilot.press("left", "left", "space")
        assert app.widget("groc").value == -1
    assert app.changes == [("groc", -7), ("groc", 2), ("groc", -3), ("groc", 5), ("groc", 1),
                           ("groc", -1)]


async def test_a_scale_from_zero_takes_no_sign(harness) -> None:
    pain = {**GROC, "id": "pain", "min": 0, "max": 10}
    app = harness(pain)
    async with app.run_test(size=(80, 24)) as pilot:
        row = app.widget("pain").query_one(ChoiceRow)
        assert row.labels == [str(n) for n in range(11)]
        await pilot.click(row, offset=tile_centre(row, 4))
        await pilot.press("minus", "2")
        assert app.widget("pain").value == 2


async def test_a_signed_scale_reads_in_spanish(harness) -> None:
    app = harness(GROC, language="es")
    async with app.run_test(size=(80, 24)):
        find_text(app, "-7 = Muchísimo peor")
        find_text(app, "Muchísimo mejor = +7")
