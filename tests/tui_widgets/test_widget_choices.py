"""Scale, yes/no and choice questions: taps, keys, what is highlighted, what is reported."""

from __future__ import annotations

from widget_harness import find_text

from screens.widgets.choice_list import ChoiceList
from screens.widgets.choice_tile import ChoiceTile

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
    tiles = app.widget(item_id).query(ChoiceTile)
    return [tile.label for tile in tiles if tile.chosen]


async def test_pain_scale_taps_and_digit_keys(harness) -> None:
    app = harness(PAIN)
    async with app.run_test(size=(80, 24)) as pilot:
        tiles = list(app.widget("pain").query(ChoiceTile))
        assert [tile.label for tile in tiles] == [str(n) for n in range(11)]
        assert all(tile.region.height >= 3 for tile in tiles)  # a finger-sized target
        assert tiles[-1].region.right <= 80  # all eleven fit an 80-column screen
        find_text(app, "0 = No pain")
        find_text(app, "Worst pain imaginable = 10")

        await pilot.click(tiles[7])
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


async def test_yes_no_by_tap_by_arrows_and_by_letter(harness) -> None:
    app = harness(THINNERS)
    async with app.run_test(size=(80, 24)) as pilot:
        widget = app.widget("thinners")
        assert widget.value is None
        yes, no = widget.query(ChoiceTile)
        assert (yes.label, no.label) == ("Yes", "No")
        await pilot.click(no)
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
        assert [tile.label for tile in widget.query(ChoiceTile)] == ["Sí", "No"]
        widget.focus_input()
        await pilot.press("s")
        assert widget.value is True


async def test_single_choice_keeps_one_option(harness) -> None:
    app = harness(SEX)
    async with app.run_test(size=(80, 24)) as pilot:
        widget = app.widget("sex")
        tiles = list(widget.query(ChoiceTile))
        await pilot.click(tiles[1])
        assert widget.value == "Male"
        await pilot.press("down", "enter")
        assert widget.value == "other"
        assert chosen_labels(app, "sex") == ["Another answer"]
        assert "(•) Another answer" in tiles[2].render().plain
        assert "( ) Male" in tiles[1].render().plain


async def test_exclusive_option_clears_the_others_and_is_cleared_by_them(harness) -> None:
    app = harness(CONDITIONS)
    async with app.run_test(size=(80, 30)) as pilot:
        widget = app.widget("conditions")
        diabetes, epilepsy, none = widget.query(ChoiceTile)
        await pilot.click(diabetes)
        await pilot.click(epilepsy)
        assert widget.value == ["diabetes", "epilepsy"]
        await pilot.click(none)
        assert widget.value == ["none"]
        assert chosen_labels(app, "conditions") == ["None of these"]
        await pilot.press("up", "up", "space")  # the keyboard way to Diabetes
        assert widget.value == ["diabetes"]
        await pilot.press("space")  # and unticked again
        assert widget.value is None
        assert "[ ] Diabetes" in diabetes.render().plain
    assert app.changes[-1] == ("conditions", None)


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
        yes, no = app.widget("thinners").query(ChoiceTile)
        await pilot.click(yes)
        assert (yes.styles.background.rgb, yes.styles.color.rgb) == ((255, 255, 255), (0, 0, 0))
        assert (no.styles.background.rgb, no.styles.color.rgb) == ((0, 0, 0), (255, 255, 255))
