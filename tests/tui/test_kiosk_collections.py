"""Full garbage collections wait for quiet moments while the kiosk runs, and only then."""

from __future__ import annotations

import gc
from typing import Any

import pytest
from kiosk_patient import Patient
from kiosk_setup import EVERY_TYPE, every_type_answers

from screens import quiet_collections
from screens.quiet_collections import (
    HELD_BACK,
    collect_if_due,
    collect_while_quiet,
    hold_back_full_collections,
    restore_automatic_collections,
)


@pytest.fixture
def full_collections() -> list[int]:
    """The generations of the full collections that run while the test does."""
    seen: list[int] = []

    def note(phase: str, info: dict[str, Any]) -> None:
        if phase == "start" and info["generation"] == 2:
            seen.append(2)

    gc.callbacks.append(note)
    yield seen
    gc.callbacks.remove(note)
    restore_automatic_collections()


def test_held_back_collections_come_back_as_they_were(full_collections: list[int]) -> None:
    before = gc.get_threshold()
    hold_back_full_collections()
    hold_back_full_collections()  # twice: still the first thresholds to restore
    assert gc.get_threshold() == (before[0], before[1], HELD_BACK)
    restore_automatic_collections()
    assert gc.get_threshold() == before


def test_the_kiosk_collects_only_when_it_holds_collections_back(
        full_collections: list[int], monkeypatch: pytest.MonkeyPatch) -> None:
    collect_while_quiet()
    assert full_collections == []  # automatic collections run: nothing to do here
    hold_back_full_collections()
    collect_while_quiet()
    assert full_collections == [2]
    collect_if_due()  # one ran just now
    assert full_collections == [2]
    monkeypatch.setattr(quiet_collections, "_last_full", -quiet_collections.IDLE_COLLECT_SECONDS)
    collect_if_due()
    assert full_collections == [2, 2]


async def test_a_running_kiosk_holds_them_back_and_collects_while_a_patient_reads(
        make_kiosk: Any, full_collections: list[int]) -> None:
    before = gc.get_threshold()
    app = make_kiosk(EVERY_TYPE)
    async with app.run_test(size=(80, 24)) as pilot:
        patient = Patient(pilot)
        # (held back by the start-up work that follows the first paint)
        await patient.wait_until(lambda: gc.get_threshold()[2] == HELD_BACK)
        full_collections.clear()
        await patient.start()
        await patient.answer_section(every_type_answers())
        await patient.next()  # section 2 shows; section 3 is built while the patient reads
        await patient.wait_until(lambda: len(app.screen.pages) >= 3)
        await patient.wait_until(lambda: bool(full_collections))
    assert gc.get_threshold() == before  # the kiosk gave them back when it stopped
