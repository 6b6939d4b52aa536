"""The daily backup: one a day at most, the newest ``backup_keep`` kept, taken by
``kiosk serve`` by itself once ``backup_dir`` is set."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import signal
import subprocess
import time
from pathlib import Path

from test_store_helpers import KIOSK, intake, kiosk, small_questionnaire

from kiosk.daily_backup import DailyBackup
from kiosk.storage.backup import backups_in, verify_backup
from kiosk.store import Store

MONDAY = dt.datetime(2026, 11, 23, 13, 0, tzinfo=dt.UTC)


def test_one_backup_a_day_and_the_newest_n_kept(tmp_path: Path) -> None:
    questionnaire = small_questionnaire(tmp_path)
    store = Store(tmp_path / "data")
    store.save_intake(intake(questionnaire), questionnaire)
    now = [MONDAY]
    backups = tmp_path / "backups"
    backups.mkdir()
    killed = backups / "kiosk-backup-2026-11-20T13-00-00Z.tar.gz.partial"  # a backup killed
    killed.write_bytes(b"\x1f\x8b")
    os.utime(killed, (time.time() - 25 * 3600,) * 2)
    daily = DailyBackup(store, backups, keep=3, clock=lambda: now[0], look_every=0)
    taken = []
    for hours in (0, 20, 4, 24, 24, 25, 1):
        now[0] += dt.timedelta(hours=hours)
        taken.append(daily.take_if_due() is not None)
    assert taken == [True, False, True, True, True, True, False]
    kept = backups_in(backups)
    assert not killed.exists()
    assert [moment for moment, _ in kept] == [MONDAY + dt.timedelta(hours=h)
                                             for h in (48, 72, 97)]
    assert all(verify_backup(path) > 0 for _, path in kept)


def test_kiosk_serve_takes_the_daily_backup_by_itself(tmp_path: Path) -> None:
    questionnaire = small_questionnaire(tmp_path)
    store = Store(tmp_path / "data")
    store.save_intake(intake(questionnaire), questionnaire)
    backups = tmp_path / "backups"
    old = store.take_backup(backups, MONDAY).path
    for days in (1, 2):  # two more from past days
        shutil.copy(old, backups / old.name.replace("-23T", f"-{23 + days}T"))
    for key, value in (("backup_dir", str(backups)), ("backup_keep", "2")):
        assert kiosk("config", "set", key, value, "--data", str(store.root)).returncode == 0
    server = subprocess.Popen([str(KIOSK), "serve", "--port", "0", "--data", str(store.root)],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 30
        while len(kept := backups_in(backups)) != 2 or kept[-1][0] < MONDAY.replace(day=26):
            assert server.poll() is None and time.monotonic() < deadline, server.communicate()
            time.sleep(0.05)
    finally:
        server.send_signal(signal.SIGINT)
        server.communicate(timeout=15)
    assert kept[0][1].name == old.name.replace("-23T", "-25T")
    assert verify_backup(kept[1][1]) > 0
