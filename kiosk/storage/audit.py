"""The audit log: one append-only JSON Lines file per day.

An append opens the day's file with ``O_APPEND``, writes the new lines and fsyncs: the
lines already there are never rewritten, so an append costs the same at the day's first
event and its thousandth, and a view writes one file only. One record's events are
found by reading the days from the record's creation on (a record is never viewed
before it exists); that is a staff query, rare next to the views it must not slow.
"""

from __future__ import annotations

import json
import os
from collections import defaultdict
from pathlib import Path

from kiosk.storage.errors import StoreDamaged, StoreError
from kiosk.storage.files import (
    PRIVATE_FILE_MODE,
    as_model,
    encode,
    ensure_private_dir,
    fsync_dir,
    is_cut_short,
)
from kiosk.storage.layout import AUDIT, day_file, day_of, days_stored
from kiosk.storage.models import AuditEvent

DAY_SUFFIX = ".jsonl"
# How much of a day's end an append reads to check it: far more than one event's line
# (a staff name is at most 64 characters), and the same whatever the day's size.
TAIL_BYTES = 16 * 1024
UNREADABLE_ADVICE = ("give it back to the user that runs the kiosk (chown that user, "
                     "chmod 600), then try again")


def append(root: Path, event: AuditEvent) -> None:
    """Add one event (the caller holds the store lock); durable when this returns."""
    append_many(root, [event])


def append_many(root: Path, new_events: list[AuditEvent]) -> None:
    """Add events with one append and one fsync per day (the caller holds the store lock)."""
    by_day: dict[str, list[AuditEvent]] = defaultdict(list)
    for event in new_events:
        by_day[day_of(event.at)].append(event)
    for day, events_of_day in sorted(by_day.items()):
        path = day_file(root, AUDIT, day, DAY_SUFFIX)
        ensure_private_dir(path.parent)
        fd, created = _open_day(path)
        try:
            kept = _acknowledged_length(fd, path)  # check the day's end before touching anything
            lines = b"".join(encode(e.model_dump(mode="json")) + b"\n" for e in events_of_day)
            _append(fd, path, kept, lines)
        finally:
            os.close(fd)
        if created:
            fsync_dir(path.parent)  # the new file's name must survive a crash too


def _open_day(path: Path) -> tuple[int, bool]:
    """The day's file opened for appending, and whether this call created it."""
    flags = os.O_RDWR | os.O_APPEND | os.O_CLOEXEC | os.O_NOFOLLOW
    try:
        try:
            return os.open(path, flags), False
        except FileNotFoundError:
            return os.open(path, flags | os.O_CREAT | os.O_EXCL, PRIVATE_FILE_MODE), True
    except IsADirectoryError:
        raise StoreDamaged(path, "it is a folder where a file should be") from None
    except PermissionError as error:
        raise StoreDamaged(path, f"it cannot be read ({error.strerror})",
                           UNREADABLE_ADVICE) from None
    except OSError as error:
        raise StoreError(f"cannot open {path}: {error.strerror}") from None


def _acknowledged_length(fd: int, path: Path) -> int:
    """How much of the day's file holds whole lines; :class:`StoreDamaged` if its end is bad.

    Only the end is read, so the check costs the same whatever the day's size: the last
    whole line must be an event, and anything after it must be the start of one (a
    write torn by a crash, never acknowledged, which the append then drops).
    """
    size = os.fstat(fd).st_size
    start = max(0, size - TAIL_BYTES)
    tail = os.pread(fd, size - start, start)
    end = tail.rfind(b"\n") + 1
    if tail[end:]:
        _check_torn(path, tail[end:])
    if end:
        before = tail.rfind(b"\n", 0, end - 1) + 1
        if before == 0 and start > 0:
            raise StoreDamaged(path, "its last line is too long to be an audit event")
        number = tail.count(b"\n", 0, end - 1) + 1 if start == 0 else None
        _parse_line(path, number, tail[before:end - 1])
    return start + end


def _append(fd: int, path: Path, kept: int, lines: bytes) -> None:
    try:
        if kept < os.fstat(fd).st_size:
            os.ftruncate(fd, kept)  # drop a torn line a crash left: it was never acknowledged
        view = memoryview(lines)
        while view:
            view = view[os.write(fd, view):]
        os.fsync(fd)
    except OSError as error:
        raise StoreError(f"cannot save {path}: {error.strerror}; check the disk has free "
                         "space and the data folder belongs to this user") from None


def events(root: Path, record_id: str | None = None,
           since_day: str | None = None) -> list[AuditEvent]:
    """All events, or one record's, oldest first; only days from ``since_day`` on."""
    found: list[AuditEvent] = []
    for day in sorted(days_stored(root, AUDIT, DAY_SUFFIX)):
        if since_day is None or day >= since_day:
            found += [event for event in read_day(root, day)
                      if record_id is None or event.record_id == record_id]
    return sorted(found, key=lambda event: event.at)


def read_day(root: Path, day: str) -> list[AuditEvent]:
    path = day_file(root, AUDIT, day, DAY_SUFFIX)
    try:
        with open(path, "rb") as file:
            raw = file.read()
    except FileNotFoundError:
        return []
    except IsADirectoryError:
        raise StoreDamaged(path, "it is a folder where a file should be") from None
    except OSError as error:
        raise StoreDamaged(path, f"it cannot be read ({error.strerror})",
                           UNREADABLE_ADVICE) from None
    lines = raw.split(b"\n")
    # Only an unfinished final line (no newline after it) is skipped: an append that a
    # crash tore, or one being written right now, neither yet acknowledged. It must still
    # look like the start of an event; any other bad line is damage.
    if lines[-1]:
        _check_torn(path, lines[-1])
    return [_parse_line(path, number, line) for number, line in enumerate(lines[:-1], 1)]


def _parse_line(path: Path, number: int | None, line: bytes) -> AuditEvent:
    """One whole line as an event, or :class:`StoreDamaged` saying what is wrong with it."""
    which = f"line {number}" if number is not None else "its last line"
    if not line.strip():
        raise StoreDamaged(path, f"{which} is empty")
    try:
        text = line.decode("utf-8")
    except UnicodeDecodeError:
        raise StoreDamaged(path, f"{which} is not text (not JSON)") from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        if is_cut_short(text):
            raise StoreDamaged(path, f"{which} ends in the middle of an event "
                                     "(truncated)") from None
        raise StoreDamaged(path, f"{which} is not valid JSON (column {error.colno}: "
                                 f"{error.msg})") from None
    if not isinstance(data, dict):
        raise StoreDamaged(path, f"{which} does not hold an audit event (expected a JSON "
                                 "object)")
    return as_model(AuditEvent, data, path, f"{which} does not hold an audit event")


def _check_torn(path: Path, tail: bytes) -> None:
    """Accept ``tail`` as a torn write only if it is the start of an event's line."""
    text = tail.decode("utf-8", errors="ignore")  # the tear may split a character
    if not text.startswith("{"):
        raise StoreDamaged(path, "its unfinished last line is not the start of an audit "
                                 "event (not JSON)")
    if not is_cut_short(text):
        _parse_line(path, None, tail)  # whole but for its newline: it must be an event
