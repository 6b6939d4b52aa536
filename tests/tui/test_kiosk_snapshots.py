"""What the patient sees, pixel for pixel: Welcome, the body map, a validation error, Review, QR.

Regenerate after a deliberate change with ``pytest tests/tui/test_kiosk_snapshots.py
--snapshot-update`` and look at every picture before committing it. The record id,
short code and link are fixed, no clock is on screen, and each picture is taken at rest
(see ``at_rest``), so the pictures do not depend on the machine's speed.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import pytest
from kiosk_patient import Patient
from kiosk_setup import EVERY_TYPE, every_type_answers, seed_draft
from textual.pilot import Pilot
from textual.widgets import Button, Input, TextArea

SIZES = [pytest.param((80, 24), id="80x24"), pytest.param((120, 40), id="120x40")]
PAIN = 1  # the section with the body map
REVIEW = 3


def focus_is_in(pilot: Pilot[Any], item_id: str) -> bool:
    focused = pilot.app.focused
    return focused is not None and any(node.id == f"item-{item_id}"
                                       for node in focused.ancestors_with_self)


async def at_rest(pilot: Pilot[Any]) -> None:
    """Hold the screen still, so a picture does not depend on how soon it was taken.

    A tapped button shows the press for a fifth of a second, and a text box's cursor
    blinks every half second: wait for the one, and show the other steadily.
    """
    screen = pilot.app.screen
    await Patient(pilot).wait_until(
        lambda: not any(button.has_class("-active") for button in screen.query(Button)))
    for box in [*screen.query(Input), *screen.query(TextArea)]:
        box.cursor_blink = False
    await pilot.pause()


def then_at_rest(steps: Callable[[Pilot[Any]], Awaitable[None]]
                 ) -> Callable[[Pilot[Any]], Awaitable[None]]:
    async def run_before(pilot: Pilot[Any]) -> None:
        await steps(pilot)
        await at_rest(pilot)
    return run_before


async def resume_at_the_review(pilot: Pilot[Any]) -> None:
    patient = Patient(pilot)
    await patient.resume()
    await patient.sees("Please check your answers")


async def resume_at_the_body_map(pilot: Pilot[Any]) -> None:
    patient = Patient(pilot)
    await patient.resume()
    await patient.wait_until(lambda: focus_is_in(pilot, "pain_areas"))
    await patient.sees("Where does it hurt?")


async def resume_and_submit(pilot: Pilot[Any]) -> None:
    patient = Patient(pilot)
    await patient.resume()
    await patient.tap("#submit")
    await patient.sees("KT7M4X")


async def next_on_an_empty_section(pilot: Pilot[Any]) -> None:
    patient = Patient(pilot)
    await patient.start()
    await patient.next()
    await patient.wait_until(lambda: focus_is_in(pilot, "full_name"))
    await patient.sees("Please check the highlighted questions.")


@pytest.mark.parametrize("size", SIZES)
def test_welcome(snap_compare: Any, make_kiosk: Any, size: tuple[int, int]) -> None:
    assert snap_compare(make_kiosk(EVERY_TYPE), terminal_size=size, run_before=at_rest)


@pytest.mark.parametrize("size", SIZES)
def test_body_map_section(snap_compare: Any, make_kiosk: Any, size: tuple[int, int]) -> None:
    answers = every_type_answers()
    del answers["pain_now"]  # the patient is about to rate it
    seed_draft(make_kiosk.store, EVERY_TYPE, answers, section_index=PAIN)
    assert snap_compare(make_kiosk(EVERY_TYPE), terminal_size=size,
                        run_before=then_at_rest(resume_at_the_body_map))


@pytest.mark.parametrize("size", SIZES)
def test_validation_error(snap_compare: Any, make_kiosk: Any, size: tuple[int, int]) -> None:
    assert snap_compare(make_kiosk(EVERY_TYPE), terminal_size=size,
                        run_before=then_at_rest(next_on_an_empty_section))


@pytest.mark.parametrize("size", SIZES)
def test_review(snap_compare: Any, make_kiosk: Any, size: tuple[int, int]) -> None:
    seed_draft(make_kiosk.store, EVERY_TYPE, every_type_answers(), section_index=REVIEW)
    assert snap_compare(make_kiosk(EVERY_TYPE), terminal_size=size,
                        run_before=then_at_rest(resume_at_the_review))


@pytest.mark.parametrize("size", SIZES)
def test_qr_code(snap_compare: Any, make_kiosk: Any, size: tuple[int, int]) -> None:
    seed_draft(make_kiosk.store, EVERY_TYPE, every_type_answers(), section_index=REVIEW)
    assert snap_compare(make_kiosk(EVERY_TYPE), terminal_size=size,
                        run_before=then_at_rest(resume_and_submit))
