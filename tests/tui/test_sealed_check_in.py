"""A check-in on a kiosk whose clinic has keys, with a clinician logged in to the viewer,
which runs in its own process: the kiosk's process never opens a wrapped key and holds no
key that opens a record; the data folder shows nothing the patient said; the viewer reads it."""

from __future__ import annotations

import gc
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from follow_up_fixture import FOLLOW_UP, PATIENT_NAME, nothing_to_report
from kiosk_patient import Patient
from kiosk_setup import SHORT_CODE
from sealed_fixture import PASSWORD, STAFF, files_holding, kiosk_command
from viewer.conftest import Browser

from kiosk.keys.keyring import ClinicKey

FREE_TEXT = "Can we try the other side?"
opened: list[str] | None = None  # paths the kiosk's process opens while a test watches


def _watch_opens(event: str, args: tuple[Any, ...]) -> None:
    if opened is not None and event == "open" and args and isinstance(args[0], str | Path):
        opened.append(str(args[0]))


sys.addaudithook(_watch_opens)  # hooks cannot be removed: it records only while watched


@pytest.fixture
def viewer_process(make_kiosk: Any) -> Iterator[Browser]:
    """``kiosk serve`` on the kiosk's data folder, in its own process, a staff member
    logged in (which opens the key in that process)."""
    server = subprocess.Popen(
        [sys.executable, "-m", "kiosk.cli", "serve", "--port", "0", "--data",
         str(make_kiosk.data)], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        assert server.stdout is not None
        line = server.stdout.readline()
        found = re.search(r"listening on http://[\d.]+:(\d+)", line)
        assert found, line
        browser = Browser("127.0.0.1", int(found.group(1)))
        assert browser.log_in(STAFF, PASSWORD).status == 303
        yield browser
    finally:
        server.terminate()
        server.wait(timeout=10)


async def test_the_kiosk_seals_and_only_the_viewer_process_reads(
        make_kiosk: Any, viewer_process: Browser) -> None:
    global opened
    app = make_kiosk(FOLLOW_UP)
    answers = {**nothing_to_report(), "questions_for_therapist": FREE_TEXT}
    opened = []
    try:
        async with app.run_test(size=(80, 24)) as pilot:
            patient = Patient(pilot)
            await patient.check_in(answers)
            await patient.sees(SHORT_CODE)
            assert not app.store.unlocked
            assert not [o for o in gc.get_objects() if isinstance(o, ClinicKey)]
    finally:
        watched, opened = opened, None
    assert watched, "the audit hook saw no file opened"
    assert not [path for path in watched if "wrapped-keys" in path]
    assert files_holding(make_kiosk.data, [PATIENT_NAME, "1979-05-14", FREE_TEXT]) == {}
    page = viewer_process.get(f"/i/{SHORT_CODE}")
    assert page.status == 200 and PATIENT_NAME in page.text and FREE_TEXT in page.text


@pytest.fixture(autouse=True)
def keys(make_kiosk: Any) -> None:
    """The clinic's key, set up as staff do: in another process (this one never held it)."""
    made = kiosk_command(Path(make_kiosk.data), "staff", "add", STAFF, "--password-stdin",
                         stdin=PASSWORD + "\n")
    assert made.returncode == 0, made.stderr
