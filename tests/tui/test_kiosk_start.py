"""A kiosk started from the last start's Welcome card: Welcome first, everything else just after."""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from kiosk_patient import Patient
from kiosk_setup import (
    EVERY_TYPE,
    FIXTURES,
    STATION,
    every_type_answers,
    screen_text,
    seed_draft,
)

from kiosk.cli import main
from kiosk.commands.run import keep_running
from kiosk.config import ConfigError
from screens.kiosk_parts import KioskParts, PartsToLoad
from screens.live_questionnaire import CACHE_FOLDER
from screens.resume_screen import ResumeScreen
from screens.section_screen import SectionScreen
from screens.welcome_card import (
    CARD_FILE,
    Choice,
    WelcomeCard,
    keep_welcome_card,
    read_welcome_card,
    welcome_card_key,
)
from screens.welcome_screen import WelcomeScreen

CARD = WelcomeCard("Riverside Physio", ("en", "es"), "en")
OPTIONS = ("front-desk", None, None, "0.0.0.0", 8765)


class HeldLoad:
    """A load of the parts that waits until the test lets it go on."""

    def __init__(self, parts: KioskParts) -> None:
        self.parts = parts
        self.started = threading.Event()
        self.go_on = threading.Event()

    def __call__(self) -> KioskParts:
        self.started.set()
        assert self.go_on.wait(10)
        return self.parts


async def test_welcome_is_painted_from_the_card_before_the_parts_load(make_kiosk: Any) -> None:
    load = HeldLoad(make_kiosk.parts())
    app = make_kiosk(PartsToLoad(CARD, load))
    async with app.run_test(size=(80, 24)) as pilot:
        patient = Patient(pilot)
        await patient.wait_until(load.started.is_set)
        shown = screen_text(app)  # painted while the load is still held
        assert "Riverside Physio" in shown and "Start check-in" in shown and "Español" in shown
        await pilot.press("enter")  # Start, pressed before the parts are in: it waits
        load.go_on.set()
        await patient.sees("Your full name")
        assert isinstance(app.screen, SectionScreen)
        await patient.answer_section(every_type_answers())
        await patient.next()
        await app.store_settled()
        draft = app.store.load_draft(STATION)
        assert draft is not None and draft.answers["full_name"] == "Ana María López"


async def test_a_card_that_no_longer_fits_is_redrawn_from_what_loaded(make_kiosk: Any) -> None:
    stale = WelcomeCard("Old Name Physio", ("en",), "en")
    app = make_kiosk(PartsToLoad(stale, lambda: make_kiosk.parts(clinic_name="Hillside Physio")))
    async with app.run_test(size=(80, 24)) as pilot:
        patient = Patient(pilot)
        text = await patient.sees("Hillside Physio", "Español")
        assert "Old Name" not in text
        assert isinstance(app.screen, WelcomeScreen)


async def test_a_draft_to_continue_replaces_the_welcome_once_loaded(make_kiosk: Any) -> None:
    seed_draft(make_kiosk.store, EVERY_TYPE, every_type_answers(), section_index=1)
    app = make_kiosk(PartsToLoad(CARD, make_kiosk.parts))
    async with app.run_test(size=(80, 24)) as pilot:
        patient = Patient(pilot)
        await patient.wait_until(lambda: isinstance(app.screen, ResumeScreen))
        assert len(app.screen_stack) == 2  # the Welcome was replaced, not left beneath
        await patient.resume()
        await patient.wait_until(lambda: isinstance(app.screen, SectionScreen))


def test_a_load_that_fails_after_the_paint_stops_the_kiosk_with_its_message(
        make_kiosk: Any) -> None:
    def broken_load() -> KioskParts:
        raise ConfigError("config.json: clinic_name: too long")

    def make_app() -> Any:
        return make_kiosk(PartsToLoad(CARD, broken_load))

    def run_app(app: Any) -> None:
        app.run(headless=True, size=(80, 24))

    with pytest.raises(ConfigError, match="clinic_name: too long"):
        keep_running(make_app, run_app)


async def test_the_choices_are_painted_from_the_card_and_a_choice_waits_for_the_load(
        make_kiosk: Any) -> None:
    files = [FIXTURES / "first_visit.yaml", FIXTURES / "coming_back.yaml"]
    parts = make_kiosk.parts(files)
    load = HeldLoad(parts)
    app = make_kiosk(PartsToLoad(parts.welcome_card(), load))
    async with app.run_test(size=(80, 24)) as pilot:
        patient = Patient(pilot)
        await patient.wait_until(load.started.is_set)
        shown = screen_text(app)  # painted while the load is still held
        assert "First visit here" in shown and "Coming back for another session" in shown
        await patient.tap("#choice-1")  # chosen before the parts are in: it waits
        load.go_on.set()
        await patient.sees("About you")
        assert app.check_in is not None and app.check_in.questionnaire.id == "coming-back"


# --- the card itself -------------------------------------------------------------------------


def test_a_kept_card_is_read_back_under_its_key(tmp_path: Path) -> None:
    key = welcome_card_key(tmp_path, EVERY_TYPE, OPTIONS)
    assert key is not None and read_welcome_card(tmp_path, key) is None
    keep_welcome_card(tmp_path, key, CARD)
    assert read_welcome_card(tmp_path, key) == CARD
    assert (tmp_path / CACHE_FOLDER / CARD_FILE).stat().st_mode & 0o077 == 0


def test_the_key_changes_with_every_source(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    key = welcome_card_key(tmp_path, EVERY_TYPE, OPTIONS)
    (tmp_path / "config.json").write_text('{"clinic_name": "Hillside Physio"}', encoding="utf-8")
    with_config = welcome_card_key(tmp_path, EVERY_TYPE, OPTIONS)
    edited = tmp_path / "edited.yaml"
    edited.write_text(EVERY_TYPE.read_text(encoding="utf-8") + "\n# an edit\n", encoding="utf-8")
    with_edit = welcome_card_key(tmp_path, edited, OPTIONS)
    other_station = welcome_card_key(tmp_path, EVERY_TYPE, ("back-room", *OPTIONS[1:]))
    monkeypatch.setenv("KIOSK_CLINIC_NAME", "Lakeside Physio")
    with_variable = welcome_card_key(tmp_path, EVERY_TYPE, OPTIONS)
    keys = [key, with_config, with_edit, other_station, with_variable]
    assert len(set(keys)) == len(keys)
    assert welcome_card_key(tmp_path, tmp_path / "missing.yaml", OPTIONS) is None


def test_a_card_keeps_the_choices_and_its_key_covers_every_file(tmp_path: Path) -> None:
    first, second = tmp_path / "first.yaml", tmp_path / "second.yaml"
    for path in (first, second):
        path.write_text(EVERY_TYPE.read_text(encoding="utf-8"), encoding="utf-8")
    key = welcome_card_key(tmp_path, [first, second], OPTIONS)
    card = WelcomeCard("Riverside Physio", ("en", "es"), "en", (
        Choice(str(first), (("en", "First visit here"), ("es", "Primera vez aquí"))),
        Choice(str(second), (("en", "Coming back"), ("es", "Vuelvo")))), staff_notice=True)
    assert key is not None
    keep_welcome_card(tmp_path, key, card)
    assert read_welcome_card(tmp_path, key) == card
    assert card.choices[1].label("es") == "Vuelvo"
    second.write_text(second.read_text(encoding="utf-8") + "# an edit\n", encoding="utf-8")
    edited = welcome_card_key(tmp_path, [first, second], OPTIONS)
    others = [welcome_card_key(tmp_path, files, OPTIONS) for files in
              ([first], [second, first], [first, second, EVERY_TYPE])]
    assert len({key, edited, *others}) == 5


@pytest.mark.parametrize("change", [
    {"languages": ["en", "x\x1b[2J"]},  # not a language code: it would become a widget id
    {"languages": []},
    {"default_language": "fr"},
    {"clinic_name": "x" * 81},
    {"clinic_name": ["not", "text"]},
    {"key": "0" * 64},
    {"choices": [{"key": "/q/first.yaml", "labels": {"en": "First visit", "es": "Primera"}}]},
    {"choices": [{"key": "/q/a.yaml", "labels": {"en": "A"}},  # a language without words
                 {"key": "/q/b.yaml", "labels": {"en": "B", "es": "B"}}]},
    {"staff_notice": "yes"},
])
def test_an_unsound_card_is_no_card(tmp_path: Path, change: dict[str, Any]) -> None:
    key = welcome_card_key(tmp_path, EVERY_TYPE, OPTIONS)
    assert key is not None
    keep_welcome_card(tmp_path, key, CARD)
    path = tmp_path / CACHE_FOLDER / CARD_FILE
    path.write_text(json.dumps({**json.loads(path.read_text(encoding="utf-8")), **change}),
                    encoding="utf-8")
    assert read_welcome_card(tmp_path, key) is None
    path.write_bytes(b"\x00{not json")
    assert read_welcome_card(tmp_path, key) is None


@pytest.fixture
def kiosk_log_restored() -> Iterator[None]:
    """`kiosk run` in this process points the kiosk's log at its data folder: undo that."""
    log = logging.getLogger("kiosk")
    handlers, propagate, level = list(log.handlers), log.propagate, log.level
    yield
    for handler in set(log.handlers) - set(handlers):
        handler.close()
    log.handlers[:], log.propagate, log.level = handlers, propagate, level


@pytest.mark.usefixtures("kiosk_log_restored")
def test_the_kiosk_keeps_a_card_and_a_changed_setting_makes_it_stale(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    data = tmp_path / "data"
    started: list[Any] = []

    def leave_at_once(app: Any) -> None:
        started.append(app)

    monkeypatch.setattr("kiosk.commands.run.keep_running", lambda make_app: leave_at_once(
        make_app()) or 0)
    assert main(["run", "--data", str(data), "--no-serve"]) == 0
    first = started[-1]
    assert first._to_load is None  # nothing kept yet: everything loaded before the paint
    assert main(["run", "--data", str(data), "--no-serve"]) == 0
    second = started[-1]
    assert second._to_load is not None
    assert second._to_load.card.clinic_name == first.settings.clinic_name
    assert main(["config", "set", "clinic_name", "Hillside Physio", "--data", str(data)]) == 0
    assert main(["run", "--data", str(data), "--no-serve"]) == 0
    assert started[-1]._to_load is None and started[-1].settings.clinic_name == "Hillside Physio"
    assert main(["run", "--data", str(data), "--no-serve", "--station", "back-room"]) == 0
    assert started[-1]._to_load is None
    assert (data / CACHE_FOLDER / CARD_FILE).exists()
