"""Intake records: small TinyDB files per submission day, found through bucketed indexes.

A day's records go in parts of at most :data:`PART_SIZE` (``2026-11-23.json``, then
``2026-11-23.p1.json``, ...), so an import of thousands on one day makes more files,
not a bigger one. The id index names each record's part (its "place": the plain day
for the first part, as in folders written before parts, else ``2026-11-23.p1``), and
a record keeps its part for good. A save reads and writes three small files (the id
bucket, the short-code bucket and the part), and finds the day's last part by listing
its month's folder, so its cost does not grow with the records behind it, nor with
those of its day. The indexes are written before the part: a crash in between leaves
an index entry without a record, which reads as "not found" and was never
acknowledged, rather than a record that nothing can find; a part is only begun once
the one before it is full, so such an entry never moves where the next save goes.

Callers hold the store lock around :func:`save`, :func:`mark_reviewed` and :func:`erase`;
reads need no lock because every file is replaced whole by a rename.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tinydb import where
from tinydb.table import Document

from kiosk.ids import looks_like_record_id, looks_like_short_code, new_short_code
from kiosk.intake import Intake
from kiosk.storage.errors import (
    REPAIR_ADVICE,
    RecordNotFound,
    StoreDamaged,
    StoreError,
    with_advice,
)
from kiosk.storage.files import (
    ensure_private_dir,
    fsync_dir,
    open_tinydb,
    read_json,
    text_map_shape,
    write_json,
)
from kiosk.storage.layout import (
    CODE_INDEX,
    ID_INDEX,
    RECORDS,
    day_file,
    day_of,
    day_parts,
    index_file,
    part_place,
    place_day,
    place_part,
    places_stored,
)
from kiosk.storage.sealing import CLEAR, RecordCodec, clear_part, is_sealed

TABLE = "intakes"
DAY_KIND = "the intake records of one day"
ID_INDEX_KIND = "the record-id index"
CODE_INDEX_KIND = "the short-code index"
# Records in one file at most: a day of a busy clinic (30) fits in its first part, and an
# import of thousands in one day makes more parts, each no bigger than such a day, so a
# save or a lookup costs the same however many the day holds. Tests lower it.
PART_SIZE = 32
PLACE = re.compile(r"^\d{4}-\d{2}-\d{2}(\.p[1-9]\d{0,5})?$")
# The fields every stored record has in clear, sealed or not (see kiosk.storage.sealing).
FIELDS = frozenset({"id", "short_code", "status", "created_at", "questionnaire"})


def save(root: Path, intake: Intake,
         before_indexes: Callable[[Intake], None] | None = None, *,
         codec: RecordCodec) -> None:
    """Store the intake (or replace it, if its id is stored); durable when this returns.

    A short code already used by another record is replaced by a fresh one on
    ``intake`` itself, so the caller shows the patient the code that was stored.
    ``before_indexes`` runs once the day's file has been read and found sound, before
    any index is written (the patient index links the record there).

    A new record goes in its day's last part, or a new part once that holds
    :data:`PART_SIZE`; a stored one stays in the part the id index names.
    """
    day = day_of(intake.submitted_at or intake.created_at)
    ids_path = index_file(root, ID_INDEX, intake.id)
    ids = _read_index(ids_path, ID_INDEX_KIND)
    stored_place = ids.get(intake.id)
    if stored_place is not None and place_day(_checked_place(stored_place, ids_path)) != day:
        raise StoreError(f"record {intake.id} is already stored under "
                         f"{place_day(stored_place)}; its submission time cannot change")
    place = stored_place or part_place(day, max(day_parts(root, RECORDS, day), default=0))
    while True:
        path = day_file(root, RECORDS, place)
        with open_tinydb(path, DAY_KIND, FIELDS) as db:
            table = db.table(TABLE)
            stored = table.get(where("id") == intake.id)  # reads (and checks) the part first
            if stored is None and stored_place is None and len(table) >= PART_SIZE:
                place = part_place(day, place_part(place) + 1)  # full: the next part
                continue
            if before_indexes is not None:
                before_indexes(intake)
            if isinstance(stored, Document):
                intake.short_code = str(stored.get("short_code", intake.short_code))
            else:
                _claim_short_code(root, intake)
            if stored_place is None:
                ids[intake.id] = place
                _write_index(ids_path, ids)
            ensure_private_dir(path.parent)
            # insert/update, not upsert: TinyDB's upsert writes the file twice for a new record
            if isinstance(stored, Document):
                table.update(replaced_by(codec.document(intake)), doc_ids=[stored.doc_id])
            else:
                table.insert(codec.document(intake))
            return


def replaced_by(document: dict[str, Any]) -> Callable[[dict[str, Any]], None]:
    """A TinyDB update that replaces a stored entry whole: its own ``update`` only adds and
    overwrites fields, which would leave a record's clear answers beside its sealed part."""
    def replace(stored: dict[str, Any]) -> None:
        stored.clear()
        stored.update(document)
    return replace


def _claim_short_code(root: Path, intake: Intake) -> None:
    """Record the intake's short code in the index, drawing a fresh one while it is taken."""
    while True:
        path = index_file(root, CODE_INDEX, intake.short_code)
        codes = _read_index(path, CODE_INDEX_KIND)
        owner = codes.get(intake.short_code)
        if owner is None or owner == intake.id:
            break
        intake.short_code = new_short_code()
    if owner is None:
        codes[intake.short_code] = intake.id
        _write_index(path, codes)


def find_id(root: Path, id_or_short_code: str) -> str:
    """The record id a typed id or short code stands for, or :class:`RecordNotFound`."""
    key = id_or_short_code.strip()
    if looks_like_record_id(key.lower()):
        return key.lower()
    if looks_like_short_code(key):
        owner = _read_index(index_file(root, CODE_INDEX, key.upper()), CODE_INDEX_KIND) \
            .get(key.upper())
        if owner is not None:
            return owner
    raise RecordNotFound(f"no record has the id or short code {key!r}")


def locate(root: Path, id_or_short_code: str) -> tuple[str, Path]:
    """The record id and the day file (the day's part) that holds it, from the indexes alone.

    Neither ever changes for a stored record (a record keeps its part), so a long-lived
    reader may keep them; :class:`RecordNotFound` if no index knows the record.
    """
    record_id = find_id(root, id_or_short_code)
    ids_path = index_file(root, ID_INDEX, record_id)
    place = _read_index(ids_path, ID_INDEX_KIND).get(record_id)
    if place is None:
        raise RecordNotFound(f"no record has the id or short code {id_or_short_code.strip()!r}")
    return record_id, day_file(root, RECORDS, _checked_place(place, ids_path))


def get(root: Path, id_or_short_code: str, codec: RecordCodec = CLEAR) -> Intake:
    record_id, path = locate(root, id_or_short_code)
    with open_tinydb(path, DAY_KIND, FIELDS) as db:
        document = db.table(TABLE).get(where("id") == record_id)
    if isinstance(document, Document):
        return codec.intake(document, path)
    raise RecordNotFound(f"no record has the id or short code {id_or_short_code.strip()!r}")


@dataclass(frozen=True)
class DayRecords:
    """One day file's records as read; each is checked as an intake only when asked for,
    so a damaged entry stops only its own record, as with :func:`get`."""

    path: Path
    documents: Mapping[str, dict[str, Any]]  # record id -> the stored entry
    codec: RecordCodec = CLEAR

    def intake(self, record_id: str) -> Intake:
        return self.codec.intake(self._document(record_id), self.path)

    def short_code(self, record_id: str) -> str:
        """The record's short code, the record checked as far as this process can: a
        sealed one's clear part (no key needed), else the whole intake."""
        document = self._document(record_id)
        if is_sealed(document) and not self.codec.opens:
            return clear_part(document, self.path).short_code
        return self.codec.intake(document, self.path).short_code

    def _document(self, record_id: str) -> dict[str, Any]:
        document = self.documents.get(record_id)
        if document is None:
            raise RecordNotFound(f"no record has the id or short code {record_id!r}")
        return document


def read_day_file(path: Path, codec: RecordCodec = CLEAR) -> DayRecords:
    """Every record of one day file (as :func:`locate` names it), for readers that keep
    a whole day: one parse of the file serves each of its records."""
    with open_tinydb(path, DAY_KIND, FIELDS) as db:
        documents = db.table(TABLE).all()
    by_id: dict[str, dict[str, Any]] = {}
    for document in documents:
        record_id = document.get("id")
        if isinstance(record_id, str):
            by_id.setdefault(record_id, document)  # the first entry with an id, as get()
    return DayRecords(path, by_id, codec)


def record_files(root: Path) -> Iterator[tuple[str, Path]]:
    """Every file that holds records, oldest day first (a day's parts in order), with its
    place as the id index names it: checks and repairs walk the records through this, so
    where records lie is known in this module only."""
    for place in places_stored(root, RECORDS):
        yield place, day_file(root, RECORDS, place)


def days(root: Path) -> list[str]:
    """Every day with records, oldest first."""
    return list(dict.fromkeys(place_day(place) for place in places_stored(root, RECORDS)))


def mark_reviewed(root: Path, id_or_short_code: str, reviewer: str, *,
                  codec: RecordCodec) -> Intake:
    """Mark the record reviewed by ``reviewer``; one already reviewed keeps its first review."""
    intake = get(root, id_or_short_code, codec)
    if intake.reviewed_at is not None:
        return intake
    intake.reviewed_at = dt.datetime.now(dt.UTC)
    intake.reviewed_by = reviewer
    return update(root, intake, codec=codec)


def update(root: Path, intake: Intake, *, codec: RecordCodec) -> Intake:
    """Write a stored record back in its own part, with its status settled (a review, a
    decision, consent)."""
    intake.settle()
    path = locate(root, intake.id)[1]
    with open_tinydb(path, DAY_KIND, FIELDS) as db:
        db.table(TABLE).update(replaced_by(codec.document(intake)), where("id") == intake.id)
    return intake


def erase(root: Path, intake: Intake) -> None:
    """Remove a stored record: from its part first (a part left empty goes too), then its
    id-index and short-code-index entries, the reverse of :func:`save`. A crash in
    between leaves index entries naming a record that is gone, which read as "not found"
    and ``kiosk check --repair`` drops; never a record still on disk that no index finds."""
    path = locate(root, intake.id)[1]
    with open_tinydb(path, DAY_KIND, FIELDS) as db:
        table = db.table(TABLE)
        table.remove(where("id") == intake.id)  # the part is written anew, whole
        empty = len(table) == 0
    if empty:
        os.unlink(path)  # an empty part: no file should say a record was there
        fsync_dir(path.parent)
    _drop_entry(index_file(root, ID_INDEX, intake.id), ID_INDEX_KIND, intake.id)
    _drop_entry(index_file(root, CODE_INDEX, intake.short_code), CODE_INDEX_KIND,
                intake.short_code, owner=intake.id)


def _drop_entry(path: Path, kind: str, key: str, owner: str | None = None) -> None:
    """Take ``key`` out of an index bucket (only while it leads to ``owner``, if given:
    a short code can belong to another record)."""
    entries = _read_index(path, kind)
    if key in entries and (owner is None or entries[key] == owner):
        del entries[key]
        _write_index(path, entries)


def rewrite(root: Path, intakes: list[Intake], *, codec: RecordCodec) -> None:
    """Write stored records back as they are now (a changed ``patient``), one write per
    file (a day's part); each must already be stored."""
    by_file: dict[Path, list[Intake]] = {}
    for intake in intakes:
        by_file.setdefault(locate(root, intake.id)[1], []).append(intake)
    for path, changed in sorted(by_file.items()):
        with open_tinydb(path, DAY_KIND, FIELDS) as db:
            table = db.table(TABLE)
            stored = {document.get("id") for document in table.all()}
            missing = [intake.id for intake in changed if intake.id not in stored]
            if missing:
                raise RecordNotFound(f"no record has the id or short code {missing[0]!r}")
            table.update_multiple([(replaced_by(codec.document(intake)),
                                    where("id") == intake.id) for intake in changed])


def list_intakes(root: Path, *, status: str | None = None, since: dt.date | None = None,
                 until: dt.date | None = None, limit: int | None = None,
                 open_flags: bool | None = None, codec: RecordCodec = CLEAR) -> list[Intake]:
    """Newest submitted first; ``since``/``until`` are days on this machine's clock;
    ``open_flags`` keeps only records with (True) or without (False) undecided flags."""
    found: list[Intake] = []
    # Days are UTC; a local day can reach into the UTC day either side of it.
    first = (since - dt.timedelta(days=1)).isoformat() if since else None
    last = (until + dt.timedelta(days=1)).isoformat() if until else None
    for day in reversed(days(root)):
        if (limit is not None and len(found) >= limit) or (first and day < first):
            break
        if last and day > last:
            continue
        found += [intake for intake in read_day(root, day, codec)
                  if _wanted(intake, status, since, until)
                  and (open_flags is None or (intake.open_flags > 0) == open_flags)]
    return found[:limit] if limit is not None else found


def read_day(root: Path, day: str, codec: RecordCodec = CLEAR) -> list[Intake]:
    """The intakes of one day (every part of it), newest first."""
    intakes = []
    for part in day_parts(root, RECORDS, day) or [0]:
        path = day_file(root, RECORDS, part_place(day, part))
        with open_tinydb(path, DAY_KIND, FIELDS) as db:
            documents = db.table(TABLE).all()
        intakes += [codec.intake(document, path) for document in documents]
    return sorted(intakes, key=submitted, reverse=True)


def submitted(intake: Intake) -> dt.datetime:
    return intake.submitted_at or intake.created_at


def _wanted(intake: Intake, status: str | None, since: dt.date | None,
            until: dt.date | None) -> bool:
    local_day = submitted(intake).astimezone().date()
    return ((status is None or intake.status == status)
            and (since is None or local_day >= since)
            and (until is None or local_day <= until))


def _checked_place(place: str, ids_path: Path) -> str:
    """An id-index value as a place, or :class:`StoreDamaged` naming the bucket: it names
    a file, so nothing but a day and a part number may pass."""
    if PLACE.match(place) is None:
        raise with_advice(StoreDamaged(ids_path, f"it holds a place that is no day "
                                       f"({ID_INDEX_KIND})"), REPAIR_ADVICE)
    return place


def _read_index(path: Path, kind: str) -> dict[str, str]:
    try:
        data: dict[str, str] | None = read_json(path, text_map_shape, kind)
    except StoreDamaged as damage:
        raise with_advice(damage, REPAIR_ADVICE) from None
    return data if data is not None else {}


def _write_index(path: Path, entries: dict[str, str]) -> None:
    ensure_private_dir(path.parent)
    write_json(path, entries)


__all__ = ["PART_SIZE", "DayRecords", "days", "erase", "find_id", "get", "list_intakes", "locate",
           "mark_reviewed", "read_day", "read_day_file", "record_files", "rewrite", "save",
           "update"]
