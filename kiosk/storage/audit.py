"""The audit log: events appended to one small file per day, with a record -> days index.

The index lets the viewer list who opened one record without reading years of
days. It is written before the day's file, so a crash between the two leaves at
worst an index entry for a day with no event of that record.
"""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

from pydantic import ValidationError

from kiosk.storage.errors import StoreDamaged
from kiosk.storage.files import (
    ensure_private_dir,
    open_tinydb,
    read_json,
    text_list_map_shape,
    write_json,
)
from kiosk.storage.layout import AUDIT, AUDIT_INDEX, day_file, day_of, days_stored, index_file
from kiosk.storage.models import AuditEvent

TABLE = "events"
DAY_KIND = "the audit events of one day"
INDEX_KIND = "the audit index"
FIELDS = frozenset({"at", "actor", "action"})


def append(root: Path, event: AuditEvent) -> None:
    """Add one event (the caller holds the store lock); durable when this returns."""
    append_many(root, [event])


def append_many(root: Path, new_events: list[AuditEvent]) -> None:
    """Add events with one write per day file and per index file, so an export of
    thousands of records costs one rewrite per day, not one per record."""
    by_day: dict[str, list[AuditEvent]] = defaultdict(list)
    for event in new_events:
        by_day[day_of(event.at)].append(event)
    for day, events_of_day in sorted(by_day.items()):
        path = day_file(root, AUDIT, day)
        with open_tinydb(path, DAY_KIND, FIELDS) as db:
            table = db.table(TABLE)
            table.all()  # check the day's file before touching anything
            _note_day(root, [e.record_id for e in events_of_day if e.record_id], day)
            ensure_private_dir(path.parent)
            table.insert_multiple(e.model_dump(mode="json") for e in events_of_day)


def _note_day(root: Path, record_ids: list[str], day: str) -> None:
    by_index: dict[Path, list[str]] = defaultdict(list)
    for record_id in record_ids:
        by_index[index_file(root, AUDIT_INDEX, record_id)].append(record_id)
    for path, ids in by_index.items():
        days = _read_index(path)
        missing = [rid for rid in dict.fromkeys(ids) if day not in days.get(rid, [])]
        if missing:
            for record_id in missing:
                days.setdefault(record_id, []).append(day)
            ensure_private_dir(path.parent)
            write_json(path, days)


def events(root: Path, record_id: str | None = None) -> list[AuditEvent]:
    """All events, or one record's, oldest first."""
    if record_id is None:
        days = days_stored(root, AUDIT)
    else:
        days = _read_index(index_file(root, AUDIT_INDEX, record_id)).get(record_id, [])
    found: list[AuditEvent] = []
    for day in sorted(days):
        found += [event for event in _read_day(root, day)
                  if record_id is None or event.record_id == record_id]
    return sorted(found, key=lambda event: event.at)


def _read_day(root: Path, day: str) -> list[AuditEvent]:
    path = day_file(root, AUDIT, day)
    with open_tinydb(path, DAY_KIND, FIELDS) as db:
        documents = db.table(TABLE).all()
    try:
        return [AuditEvent.model_validate(document) for document in documents]
    except ValidationError as error:
        detail = error.errors(include_url=False)[0]
        where = ".".join(str(part) for part in detail["loc"]) or "event"
        raise StoreDamaged(path, f"it holds an entry that is not an audit event ({where}: "
                                 f"{detail['msg']})") from None


def _read_index(path: Path) -> dict[str, list[str]]:
    data: dict[str, list[str]] | None = read_json(path, text_list_map_shape, INDEX_KIND)
    return data if data is not None else {}
