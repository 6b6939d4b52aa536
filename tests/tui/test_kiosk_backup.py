"""The kiosk takes the daily backup by itself while nobody is checking in."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from kiosk_patient import Patient

from kiosk.storage.backup import backups_in, verify_backup


async def test_a_kiosk_on_welcome_takes_the_daily_backup(make_kiosk: Any, tmp_path: Path) -> None:
    backups = tmp_path / "backups"
    make_kiosk.store.update_document("staff", lambda document: document.update(users=["lee"]))
    app = make_kiosk(file_check_seconds=0.1, backup_dir=str(backups), backup_keep=2)
    async with app.run_test(size=(80, 24)) as pilot:
        patient = Patient(pilot)
        await patient.sees("Start check-in")
        await patient.wait_until(lambda: bool(backups_in(backups)))
        (taken,) = backups_in(backups)
        assert verify_backup(taken[1]) > 0
        await patient.start()  # the next looks find today's backup: no second one
        await pilot.pause(0.3)
    assert len(backups_in(backups)) == 1
