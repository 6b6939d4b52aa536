"""What a section screen relies on, for every item type: the factory, value, problems, focus."""

from __future__ import annotations

import datetime as dt

from textual.widgets import Static
from widget_harness import screen_cells

from kiosk.questionnaire.model import ITEM_TYPES
from screens.widgets.info_item import InfoItemWidget
from screens.widgets.item_factory import WIDGETS
from screens.widgets.item_widget import ItemWidget

TODAY = dt.date.today().isoformat()
EVERY_TYPE = [
    ({"id": "name", "type": "text", "label": "Name"}, "Ana Pérez"),
    ({"id": "story", "type": "long_text", "label": "Story"}, "Fell on ice.\nTwice."),
    ({"id": "weight", "type": "number", "label": "Weight", "unit": "kg"}, 72.5),
    ({"id": "pain", "type": "scale", "label": "Pain"}, 6),
    ({"id": "thinners", "type": "yes_no", "label": "Blood thinners?"}, False),
    ({"id": "sex", "type": "single_choice", "label": "Sex", "options": ["F", "M"]}, "M"),
    ({"id": "conds", "type": "multi_choice", "label": "Conditions",
      "options": ["Diabetes", "Epilepsy", "Asthma"]}, ["Diabetes", "Asthma"]),
    ({"id": "born", "type": "date", "label": "Born"}, "1980-04-23"),
    ({"id": "where", "type": "body_map", "label": "Where?"}, ["front.neck", "back.heel.left"]),
    ({"id": "consent", "type": "consent", "label": "Consent", "text": "I agree."},
     {"agreed": True, "name": "Ana Pérez", "signed_on": TODAY}),
    ({"id": "about", "type": "info", "label": "About", "text": "Needles are thin."}, None),
    ({"id": "psfs", "type": "activities", "label": "Activities"},
     [{"activity": "Stairs", "rating": 4}]),
]


def test_every_item_type_has_a_widget() -> None:
    assert set(WIDGETS) == set(ITEM_TYPES)
    assert {item["type"] for item, _ in EVERY_TYPE} == set(ITEM_TYPES)


async def test_kept_answers_come_back_unchanged_and_silently(harness) -> None:
    app = harness(*(item for item, _ in EVERY_TYPE),
                  values={item["id"]: value for item, value in EVERY_TYPE})
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        for item, value in EVERY_TYPE:
            assert app.widget(item["id"]).value == value, item["type"]
    assert app.changes == []  # showing a kept answer is not a change


async def test_unanswered_widgets_read_none(harness) -> None:
    app = harness(*(item for item, _ in EVERY_TYPE))
    async with app.run_test(size=(80, 24)):
        assert {item["id"]: app.widget(item["id"]).value for item, _ in EVERY_TYPE} == {
            item["id"]: None for item, _ in EVERY_TYPE}


async def test_problems_show_beside_each_question_and_focus_goes_to_its_control(
        harness) -> None:
    app = harness(*(item for item, _ in EVERY_TYPE))
    async with app.run_test(size=(80, 24)) as pilot:
        for item, _ in EVERY_TYPE:
            widget = app.widget(item["id"])
            problem = widget.query_one(".item-problem", Static)
            widget.show_problem(f"Please answer {item['id']}.")
            await pilot.pause()
            assert problem.display and widget.has_class("-problem")
            assert str(problem.render()) == f"Please answer {item['id']}."
            # The message sits between the question's label and its controls.
            assert problem.region.y > widget.query_one(".item-label").region.y
            widget.focus_input()
            await pilot.pause()
            if not isinstance(widget, InfoItemWidget):  # info has nothing to focus
                assert app.focused is not None and widget in app.focused.ancestors, item["type"]
                # On a 24-line screen the scroll shows both the message and the control.
                assert app.focused.region.offset in app.screen.region, item["type"]
                assert problem.region.offset in app.screen.region, item["type"]
            widget.show_problem(None)
            await pilot.pause()
            assert not problem.display and not widget.has_class("-problem")


def test_widget_ids_are_the_item_ids() -> None:
    from widget_harness import questionnaire_of

    from screens.widgets.item_factory import widget_for
    questionnaire = questionnaire_of(*(item for item, _ in EVERY_TYPE))
    for item in questionnaire.items():
        widget = widget_for(item, questionnaire, "en")
        assert isinstance(widget, ItemWidget) and widget.id == f"item-{item.id}"
        assert widget.value is None  # readable before it is even mounted


def bar_colour(app, widget: ItemWidget) -> str | None:
    """The colour of the bar drawn in the question's first column, as shown (None: no bar)."""
    character, style = screen_cells(app, widget.region)[0][0]
    if character.strip() == "" or style.color is None:
        return None
    return style.color.triplet.hex.upper() if style.color.triplet else None


async def test_the_question_being_answered_has_the_accent_bar_and_a_problem_its_own(
        harness) -> None:
    app = harness({"id": "name", "type": "text", "label": "Name"},
                  {"id": "thinners", "type": "yes_no", "label": "Blood thinners?"})
    async with app.run_test(size=(80, 24)) as pilot:
        theme = app.get_css_variables()
        accent, error = theme["accent"].upper(), theme["error"].upper()
        name, thinners = app.widget("name"), app.widget("thinners")
        name.focus_input()
        await pilot.pause()
        assert (bar_colour(app, name), bar_colour(app, thinners)) == (accent, None)
        thinners.focus_input()  # a tile row: the focus is on the list inside the question
        await pilot.pause()
        assert (bar_colour(app, name), bar_colour(app, thinners)) == (None, accent)
        thinners.show_problem("Please answer this question.")
        name.show_problem("Please answer this question.")
        await pilot.pause()
        assert (bar_colour(app, name), bar_colour(app, thinners)) == (error, error)
        thinners.show_problem(None)  # answered: the accent again, as it still has the focus
        await pilot.pause()
        assert bar_colour(app, thinners) == accent
