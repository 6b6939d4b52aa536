"""The body map: tap a region to mark it, or walk with the arrows and press Space."""

from __future__ import annotations

from collections import deque

from textual.geometry import Offset
from textual.widgets import Button
from widget_harness import find_text, screen_cells, screen_lines

from kiosk.questionnaire.body_map import REGIONS, REGIONS_BY_ID
from screens.widgets.body_figure import CHOSEN_CELL, BodyFigure
from screens.widgets.body_map_layout import FIGURE_WIDTH, VIEW_WIDTH, BodyLayout

WHERE = {"id": "where", "type": "body_map", "label": "Where does it hurt?"}
NECK_AND_BACK = {"id": "where", "type": "body_map", "label": "Where?",
                 "regions": ["front.neck", "back.neck.left", "back.neck.right",
                             "back.low_back.left", "back.low_back.right"]}


def region_offset(figure: BodyFigure, region_id: str) -> Offset:
    """Where to tap the region's first cell, relative to the figure widget."""
    content = figure.content_region.offset - figure.region.offset
    return content + figure.region_box(region_id).offset


async def test_tapping_a_region_marks_it_and_lists_it_by_name(harness) -> None:
    app = harness(WHERE)
    async with app.run_test(size=(120, 40)) as pilot:
        widget = app.widget("where")
        figure = widget.query_one(BodyFigure)
        find_text(app, "Front: your right is on the left")
        find_text(app, "Back: your left is on the left")
        # Beside each head, the patient's sides: front R...L, back L...R.
        _, y = find_text(app, "Right ")
        assert screen_lines(app)[y].split() == ["Right", "Left", "Left", "Right"]
        find_text(app, "No area chosen yet")

        await pilot.click(figure, offset=region_offset(figure, "front.knee.right"))
        await pilot.click(figure, offset=region_offset(figure, "back.low_back.left"))
        assert widget.value == ["front.knee.right", "back.low_back.left"]
        find_text(app, "Chosen: Right knee, front; Left low back")
        # The tapped cell now shows the chosen pattern on screen.
        x, y = figure.region.offset + region_offset(figure, "front.knee.right")
        row = screen_cells(app)[y]
        assert "".join(character for character, _ in row[x:x + 2]) == CHOSEN_CELL

        await pilot.click(figure, offset=region_offset(figure, "front.knee.right"))
        assert widget.value == ["back.low_back.left"]
        find_text(app, "Chosen: Left low back")
    assert [value for _, value in app.changes] == [
        ["front.knee.right"], ["front.knee.right", "back.low_back.left"],
        ["back.low_back.left"]]


async def test_arrows_walk_the_regions_and_space_toggles(harness) -> None:
    app = harness(WHERE)
    async with app.run_test(size=(80, 24)) as pilot:
        widget = app.widget("where")
        figure = widget.query_one(BodyFigure)
        widget.focus_input()
        await pilot.pause()
        assert figure.cursor == "front.forehead"
        await pilot.press("down")
        assert figure.cursor == "front.neck"
        await pilot.press("space")
        for _ in range(8):
            await pilot.press("down")
        assert figure.cursor == "front.ankle_foot.right"
        await pilot.press("enter")
        assert widget.value == ["front.neck", "front.ankle_foot.right"]
        await pilot.pause()
        # On a 24-line screen the figure scrolls so the cursor's region stays in view.
        cursor = figure.cursor_box().translate(figure.content_region.offset)
        assert app.screen.region.contains_region(cursor)
        find_text(app, "Here: Right ankle and foot")
        await pilot.press("space")
        assert widget.value == ["front.neck"]


async def test_the_figure_fits_80_columns_side_by_side(harness) -> None:
    app = harness(WHERE)
    async with app.run_test(size=(80, 24)):
        widget = app.widget("where")
        figure = widget.query_one(BodyFigure)
        assert figure.region.width == FIGURE_WIDTH
        assert figure.region.right <= 80
        assert not widget.query_one(".flip-view", Button).display  # no turning needed


async def test_only_the_items_regions_can_be_chosen_and_names_follow_the_language(
        harness) -> None:
    kept = {"where": ["back.neck.left", "front.knee.left"]}
    app = harness(NECK_AND_BACK, language="es", values=kept)
    async with app.run_test(size=(120, 40)) as pilot:
        widget = app.widget("where")
        figure = widget.query_one(BodyFigure)
        assert widget.value == ["back.neck.left"]  # a region the item does not offer is dropped
        find_text(app, "Elegido: Cuello, detrás (izquierdo/a)")
        find_text(app, "su derecha está a la izquierda")
        _, y = find_text(app, "Derecha ")
        assert screen_lines(app)[y].split() == ["Derecha", "Izquierda", "Izquierda", "Derecha"]
        await pilot.click(figure, offset=region_offset(figure, "front.neck") + Offset(0, 10))
        assert widget.value == ["back.neck.left"]  # below the neck: not a region of this item
        await pilot.click(figure, offset=region_offset(figure, "back.low_back.right"))
        assert widget.value == ["back.neck.left", "back.low_back.right"]
    assert len(app.changes) == 1


async def test_a_narrow_screen_shows_one_view_and_a_button_to_turn_it(harness) -> None:
    app = harness(WHERE)
    async with app.run_test(size=(60, 40)) as pilot:
        await pilot.pause()
        widget = app.widget("where")
        figure = widget.query_one(BodyFigure)
        turn = widget.query_one(".flip-view", Button)
        assert turn.display and figure.region.width == VIEW_WIDTH
        find_text(app, "Front: your right is on the left")
        await pilot.click(figure, offset=region_offset(figure, "front.chest.left"))
        await pilot.click(turn)
        find_text(app, "Back: your left is on the left")
        find_text(app, "Turn: show the front")
        await pilot.click(figure, offset=region_offset(figure, "back.calf.right"))
        assert widget.value == ["front.chest.left", "back.calf.right"]
        for _ in range(4):  # leftwards past the back's edge, the figure turns round
            await pilot.press("left")
        assert figure.shown_view == "front"
        assert REGIONS_BY_ID[figure.cursor].view == "front"
        find_text(app, "Turn: show the back")


def test_every_region_is_reachable_with_the_arrow_keys() -> None:
    layout = BodyLayout.for_regions(None)
    start = layout.regions[0]
    seen = {start.id}
    queue = deque([start])
    while queue:
        region = queue.popleft()
        for direction in ("up", "down", "left", "right"):
            step = layout.next_region(region, direction)  # type: ignore[arg-type]
            if step.id not in seen:
                seen.add(step.id)
                queue.append(step)
    assert seen == {region.id for region in REGIONS}


def test_touching_regions_are_drawn_in_different_shades() -> None:
    layout = BodyLayout.for_regions(None)
    cells = layout.cells
    for (view, x, y), region in cells.items():
        for neighbour in ((view, x + 1, y), (view, x, y + 1)):
            other = cells.get(neighbour)
            if other is not None and other.id != region.id:
                assert layout.tones[other.id] != layout.tones[region.id], (region.id, other.id)
    assert max(layout.tones.values()) < 4
