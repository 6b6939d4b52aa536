"""The daily backup: with ``backup_dir`` set, a running kiosk or ``kiosk serve`` writes one
backup a day there, at a moment nobody is checking in, and keeps the newest ``backup_keep``.

When the last one was taken is read from the backups' names, so a restart, or a kiosk
and a viewer on the same data folder, still make one a day: whoever finds one due takes
it under a lock in the data folder and looks again once it holds the lock. A backup
that fails (the USB stick is out) is logged, without patient data, and tried again an
hour later.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from filelock import FileLock, Timeout

from kiosk.errors import KioskError
from kiosk.storage.backup import backups_in, keep_newest
from kiosk.storage.files import PRIVATE_FILE_MODE

if TYPE_CHECKING:
    from kiosk.config import Settings
    from kiosk.store import Store

log = logging.getLogger("kiosk.backup")

EVERY = dt.timedelta(days=1)
LOOK_AT_MOST_EVERY = 600.0  # seconds between looks at the folder while none is due
RETRY_SECONDS = 3600.0
LOCK_NAME = ".daily-backup.lock"  # a "." name: never in a backup, never checked


class DailyBackup:
    """Takes the day's backup when one is due; cheap to ask as often as one likes."""

    def __init__(self, store: Store, backup_dir: Path, keep: int,
                 clock: Callable[[], dt.datetime] = lambda: dt.datetime.now(dt.UTC),
                 look_every: float = LOOK_AT_MOST_EVERY) -> None:
        self.store, self.backup_dir, self.keep, self.clock = store, backup_dir, keep, clock
        self.look_every = look_every
        self._next_look = 0.0  # time.monotonic() before which nothing can be due
        self._running = threading.Lock()

    @classmethod
    def from_settings(cls, store: Store, settings: Settings) -> DailyBackup | None:
        if not settings.backup_dir:
            return None
        return cls(store, Path(settings.backup_dir), settings.backup_keep)

    def due(self) -> bool:
        newest = backups_in(self.backup_dir)
        return not newest or self.clock() - newest[-1][0] >= EVERY

    def take_if_due(self) -> Path | None:
        """The backup written now, or None (not due, another process on it, or it failed)."""
        if time.monotonic() < self._next_look or not self._running.acquire(blocking=False):
            return None
        try:
            return self._take_if_due()
        finally:
            self._running.release()

    def start_if_due(self) -> None:
        """Take the backup on a thread of its own if one is due (for an event loop's timer)."""
        if time.monotonic() >= self._next_look and not self._running.locked():
            threading.Thread(target=self.take_if_due, name="kiosk-daily-backup",
                             daemon=True).start()

    def _take_if_due(self) -> Path | None:
        lock = FileLock(self.store.root / LOCK_NAME, timeout=0, mode=PRIVATE_FILE_MODE)
        try:
            with lock:
                if not self.due():
                    self._next_look = time.monotonic() + self.look_every
                    return None
                backup = self.store.take_backup(self.backup_dir, self.clock())
                gone = keep_newest(self.backup_dir, self.keep)
        except Timeout:
            return None  # another kiosk process is taking it
        except (KioskError, OSError) as error:
            self._next_look = time.monotonic() + RETRY_SECONDS
            log.warning("daily backup failed, trying again in an hour: %s", error)
            return None
        log.info("daily backup written: %s (%d older removed)", backup.path, len(gone))
        self._next_look = time.monotonic() + self.look_every
        return backup.path
