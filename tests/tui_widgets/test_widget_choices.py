"""Scale, yes/no and choice questions: taps, keys, what is highlighted, what is reported."""

from __future__ import annotations

from rich.style import Style
from textual.color import Color
from widget_harness import find_text, screen_lines, tile_cells, tile_centre, tile_text

from screens.widgets.choice_group import ChoiceGroup
from screens.widgets.choice_list import ChoiceList
from screens.widgets.choice_row import ChoiceRow

PAIN = {"id": "pain", "type": "scale", "label": "Pain right now",
        "min_label": "No pain", "max_label": "Worst pain imaginable"}
THINNERS = {"id": "thinners", "type": "yes_no", "label": "Do you take a blood thinner?"}
SEX = {"id": "sex", "type": "single_choice", "label": "Sex",
       "options": ["Female", "Male", {"value": "other", "label": "Another answer"}]}
CONDITIONS = {"id": "conditions", "type": "multi_choice", "label": "Do you have any of these?",
              "options": [{"value": "diabetes", "label": "Diabetes"},
                          {"value": "epilepsy", "label": "Epilepsy"},
                          {"value": "none", "label": "None of these", "exclusive": True}]}


def chosen_labels(app, item_id: str) -> list[str]:
    group = app.widget(item_id).query_one(ChoiceGroup)
    return [group.labels[index] for index in sorted(group.chosen)]


def label_style(app, group: ChoiceGroup, index: int) -> Style:
    """The style a tile's label is painted in (its first letter, inside the border)."""
    inside = tile_cells(app, group, index)[1][1:-1]
    return next(style for character, style in inside if character.strip())


def rgb(color) -> tuple[int, int, int]:
    return tuple(color.triplet)


async def test_pain_scale_taps_and_digit_keys(harness) -> None:
    app = harness(PAIN)
    async with app.run_test(size=(80, 24)) as pilot:
        row = app.widget("pain").query_one(ChoiceRow)
        assert row.labels == [str(n) for n in range(11)]
        for index, label in enumerate(row.labels):  # eleven finger-sized tiles, all on screen
            top, middle, bottom = ("".join(c for c, _ in line)
                                   for line in tile_cells(app, row, index))
            assert (top[0], top[-1], middle.strip("▊▎ "), bottom[0]) == ("▊", "▎", label, "▊")
            assert row.tile_region(index).translate(row.content_region.offset).right <= 80
        find_text(app, "0 = No pain")
        find_text(app, "Worst pain imaginable = 10")

        await pilot.click(row, offset=tile_centre(row, 7))
        assert app.widget("pain").value == 7
        assert chosen_labels(app, "pain") == ["7"]

        await pilot.press("3")
        assert app.widget("pain").value == 3
        await pilot.press("1", "0")  # typed quickly: ten
        assert app.widget("pain").value == 10
        assert chosen_labels(app, "pain") == ["10"]
        await pilot.press("left", "left", "space")
        assert app.widget("pain").value == 8
    assert app.changes == [("pain", 7), ("pain", 3), ("pain", 1), ("pain", 10), ("pain", 8)]


async def test_a_tap_anywhere_on_a_tile_chooses_that_tile(harness) -> None:
    app = harness(PAIN)
    async with app.run_test(size=(120, 24)) as pilot:
        row = app.widget("pain").query_one(ChoiceRow)
        edge = row.content_region.offset - row.region.offset
        for index in (0, 4, 10):
            tile = row.tile_region(index)
            for x, y in ((tile.x, 0), (tile.right - 1, 2)):  # its first and last columns
                await pilot.click(row, offset=edge + (x, y))
                assert app.widget("pain").value == index
        widths = {row.tile_region(index).width for index in range(11)}
        assert max(widths) - min(widths) <= 1  # the width shared out evenly


async def test_a_narrow_screen_still_shows_all_eleven_points_and_wraps_the_end_labels(
        harness) -> None:
    app = harness(PAIN)
    async with app.run_test(size=(50, 24)):
        row = app.widget("pain").query_one(ChoiceRow)
        assert [tile_text(app, row, index) for index in range(11)] == row.labels
        find_text(app, "0 = No pain")
        _, y = find_text(app, "Worst pain")  # the right half: wrapped, flush right
        lines = screen_lines(app)
        assert lines[y].rstrip().endswith("Worst pain imaginable =")
        assert lines[y + 1].strip() == "10" and lines[y + 1].rstrip().endswith("10")


async def test_yes_no_by_tap_by_arrows_and_by_letter(harness) -> None:
    app = harness(THINNERS)
    async with app.run_test(size=(80, 24)) as pilot:
        widget = app.widget("thinners")
        assert widget.value is None
        row = widget.query_one(ChoiceRow)
        assert row.labels == ["Yes", "No"]
        await pilot.click(row, offset=tile_centre(row, 1))
        assert widget.value is False and chosen_labels(app, "thinners") == ["No"]
        await pilot.press("left", "enter")
        assert widget.value is True and chosen_labels(app, "thinners") == ["Yes"]
        await pilot.press("n")
        assert widget.value is False
    assert app.changes == [("thinners", False), ("thinners", True), ("thinners", False)]


async def test_yes_no_speaks_spanish(harness) -> None:
    app = harness(THINNERS, language="es")
    async with app.run_test(size=(80, 24)) as pilot:
        widget = app.widget("thinners")
        assert widget.query_one(ChoiceRow).labels == ["Sí", "No"]
        find_text(app, "Sí")
        widget.focus_input()
        await pilot.press("s")
        assert widget.value is True


async def test_a_row_paints_chosen_pointed_at_and_cursor_tiles(harness) -> None:
    app = harness(THINNERS)
    async with app.run_test(size=(80, 24)) as pilot:
        row = app.widget("thinners").query_one(ChoiceRow)
        plain_yes = label_style(app, row, 0)
        assert label_style(app, row, 1) == plain_yes

        await pilot.hover(row, offset=tile_centre(row, 1))
        assert rgb(label_style(app, row, 1).bgcolor) != rgb(plain_yes.bgcolor)
        await pilot.hover(app.widget("thinners"), offset=(0, 0))  # the pointer leaves
        assert label_style(app, row, 1) == plain_yes

        await pilot.click(row, offset=tile_centre(row, 1))
        await pilot.hover(app.widget("thinners"), offset=(0, 0))
        chosen = label_style(app, row, 1)
        primary = Color.parse(app.theme_variables["primary"])
        assert rgb(chosen.bgcolor) == primary.rgb and chosen.bold
        # The keyboard cursor: a thick border, only while the row has the focus.
        assert tile_cells(app, row, 1)[0][0][0] == "█"
        row.blur()
        await pilot.pause()
        assert tile_cells(app, row, 1)[0][0][0] == "▊"
        assert label_style(app, row, 0) == plain_yes


async def test_single_choice_keeps_one_option(harness) -> None:
    app = harness(SEX)
    async with app.run_test(size=(80, 24)) as pilot:
        widget = app.widget("sex")
        column = widget.query_one(ChoiceList)
        await pilot.click(column, offset=tile_centre(column, 1))
        assert widget.value == "Male"
        await pilot.press("down", "enter")
        assert widget.value == "other"
        assert chosen_labels(app, "sex") == ["Another answer"]
        assert tile_text(app, column, 2) == "(•) Another answer"
        assert tile_text(app, column, 1) == "( ) Male"
        assert label_style(app, column, 2).bold and not label_style(app, column, 1).bold


async def test_exclusive_option_clears_the_others_and_is_cleared_by_them(harness) -> None:
    app = harness(CONDITIONS)
    async with app.run_test(size=(80, 30)) as pilot:
        widget = app.widget("conditions")
        column = widget.query_one(ChoiceList)
        for index in (0, 1):  # Diabetes, Epilepsy
            await pilot.click(column, offset=tile_centre(column, index))
        assert widget.value == ["diabetes", "epilepsy"]
        await pilot.click(column, offset=tile_centre(column, 2))  # None of these
        assert widget.value == ["none"]
        assert chosen_labels(app, "conditions") == ["None of these"]
        assert [tile_text(app, column, index)[:3] for index in range(3)] == ["[ ]", "[ ]", "[x]"]
        await pilot.press("up", "up", "space")  # the keyboard way to Diabetes
        assert widget.value == ["diabetes"]
        await pilot.press("space")  # and unticked again
        assert widget.value is None
        assert tile_text(app, column, 0) == "[ ] Diabetes"
    assert app.changes[-1] == ("conditions", None)


async def test_a_long_option_wraps_inside_a_taller_tile_and_any_line_of_it_chooses_it(
        harness) -> None:
    long = "A much longer answer that cannot fit on one line of a narrow screen at all"
    app = harness({**SEX, "options": ["Female", {"value": "long", "label": long}, "Male"]})
    async with app.run_test(size=(60, 30)) as pilot:
        column = app.widget("sex").query_one(ChoiceList)
        heights = [column.tile_region(index).height for index in range(3)]
        assert heights[0] == heights[2] == 3 and heights[1] > 3
        assert tile_text(app, column, 1) == f"( ) {long}"
        corner = column.content_region.offset - column.region.offset
        middle = column.tile_region(1)
        for y in range(middle.y, middle.bottom):  # every row of it, borders too
            await pilot.click(column, offset=corner + (middle.width // 3, y))
            assert app.widget("sex").value == "long"
            await pilot.click(column, offset=tile_centre(column, 2))
            assert app.widget("sex").value == "Male"


async def test_a_choice_question_is_one_stop_for_tab(harness) -> None:
    app = harness(SEX, CONDITIONS)
    async with app.run_test(size=(80, 40)) as pilot:
        await pilot.press("tab")
        assert app.focused is app.widget("sex").query_one(ChoiceList)
        await pilot.press("tab")
        assert app.focused is app.widget("conditions").query_one(ChoiceList)


async def test_high_contrast_mode_fills_the_chosen_tile_white_on_black(harness) -> None:
    app = harness(THINNERS)
    async with app.run_test(size=(80, 24)) as pilot:
        app.add_class("-accessible")  # what the Welcome screen's large-text switch sets
        row = app.widget("thinners").query_one(ChoiceRow)
        await pilot.click(row, offset=tile_centre(row, 0))
        row.blur()
        await pilot.pause()
        yes, no = label_style(app, row, 0), label_style(app, row, 1)
        assert (rgb(yes.bgcolor), rgb(yes.color)) == ((255, 255, 255), (0, 0, 0))
        assert (rgb(no.bgcolor), rgb(no.color)) == ((0, 0, 0), (255, 255, 255))
        border = tile_cells(app, row, 1)[0][0][1]  # the unchosen tile's border: white
        assert rgb(border.color) == (255, 255, 255)
