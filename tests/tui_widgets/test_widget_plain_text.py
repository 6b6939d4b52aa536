"""Patient and staff text is shown as typed: never read as markup, never as escape codes."""

from __future__ import annotations

from textual import events
from widget_harness import find_text, screen_cells, screen_lines, tile_centre

from screens.widgets.choice_list import ChoiceList
from screens.widgets.patient_input import PatientInput

HOSTILE_ITEMS = (
    {"id": "note", "type": "text", "label": "Note [/]", "help": "Help [bold]x[/] here"},
    {"id": "pick", "type": "single_choice", "label": "[red]Pick[/red] one",
     "options": [{"value": "a", "label": "\x1b[31mred option"},
                 {"value": "b", "label": "[link=http://evil.example]click[/link]"}]},
    {"id": "about", "type": "info", "label": "About", "text": "Bold? [b]no[/b] [/]"},
    {"id": "consent", "type": "consent", "label": "Consent", "text": "I agree [/bold"},
)


async def test_markup_in_questionnaire_text_shows_literally(harness) -> None:
    app = harness(*HOSTILE_ITEMS)
    async with app.run_test(size=(80, 50)):
        for shown in ("Note [/]", "Help [bold]x[/] here", "[red]Pick[/red] one",
                      "[link=http://evil.example]click[/link]", "Bold? [b]no[/b] [/]",
                      "I agree [/bold"):
            find_text(app, shown)
        # The "x" between the tags looks exactly like the "H" of "Help": no bold sneaked in.
        x, y = find_text(app, "Help [bold]x[/]")
        row = screen_cells(app)[y]
        assert row[x + len("Help [bold]")][1] == row[x][1]


async def test_escape_sequences_never_reach_the_terminal(harness) -> None:
    app = harness(*HOSTILE_ITEMS)
    async with app.run_test(size=(80, 50)) as pilot:
        x, y = find_text(app, "red option")
        assert not any("\x1b" in line for line in screen_lines(app))
        row = screen_cells(app)[y]
        assert row[x][1] == row[x + len("red option") - 1][1]  # not turned red
        options = app.widget("pick").query_one(ChoiceList)
        await pilot.click(options, offset=tile_centre(options, 0))
        assert app.widget("pick").value == "a"


async def test_an_answer_typed_or_pasted_with_markup_or_escapes_stays_plain(harness) -> None:
    app = harness(*HOSTILE_ITEMS)
    async with app.run_test(size=(80, 50)) as pilot:
        widget = app.widget("note")
        widget.focus_input()
        await pilot.press(*"[bold]x[/]")
        assert widget.value == "[bold]x[/]"
        find_text(app, "[bold]x[/]")
        app.query_one(PatientInput).post_message(events.Paste(" \x1b[31mred\x1b[0m\x07"))
        await pilot.pause()
        assert widget.value == "[bold]x[/] red"
        find_text(app, "[bold]x[/] red")
        assert not any("\x1b" in line for line in screen_lines(app))


async def test_a_kept_answer_with_markup_is_shown_literally_when_coming_back(harness) -> None:
    values = {"note": "[/] \x1b[2Jcleared?", "consent": {"agreed": True, "name": "[/b]Ana"}}
    app = harness(*HOSTILE_ITEMS, values=values)
    async with app.run_test(size=(80, 50)) as pilot:
        assert app.widget("note").value == "[/] cleared?"
        assert app.widget("consent").value["name"] == "[/b]Ana"
        app.widget("note").show_problem("[bold]Please[/] check")
        app.widget("consent").show_problem(None)
        await pilot.pause()
        find_text(app, "[bold]Please[/] check")
