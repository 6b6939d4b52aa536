"""Parsed intakes and their rendered record part, kept while their day file is unchanged.

A record page re-used to read and parse the record's day file, lay the record out and
render it on every view. Here each record is kept with the identity of the file it was
read from (inode, size, change times): a stat per view tells whether another process
(a kiosk, a review from the CLI) has replaced the file since, and only then is it read
again. What is kept is the patient-record part only, the same for every staff user;
the page around it (user name, CSRF token) is rendered per request.

Day files are kept parsed the same way, so the first view of a record whose day was
read for another record does not parse the whole file again; and a record re-read
because its day file changed (a kiosk saved that day's next intake) keeps its rendered
part if the record itself is unchanged.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from markupsafe import Markup

from kiosk.intake import Intake
from kiosk.storage import patients
from kiosk.storage.files import FileIdentity, file_identity
from kiosk.storage.records import DayRecords
from kiosk.store import Store

# About two months of a busy clinic (30 a day), so the records clinicians come back to at
# follow-ups stay kept; about 30 KB each (parsed record and its HTML), some 60 MB in all.
KEPT_RECORDS = 2_048
# Parsed day files: the same two months at 30 records a day, about 200 KB a day file
# (as parsed, before any record is checked as an intake), some 13 MB in all. A day of
# more than 32 is in parts, each a day file here, so none is bigger than that.
KEPT_DAYS = 64


@dataclass(frozen=True)
class RecordPart:
    intake: Intake
    body: Markup  # the record as HTML: no session data in it


class RecordCache:
    """Intakes by id or short code, re-read only when their day file has changed.

    Used from the viewer's store thread only, so it needs no lock of its own.
    """

    def __init__(self, store: Store, render: Callable[[Intake], Markup],
                 size: int = KEPT_RECORDS, days: int = KEPT_DAYS) -> None:
        self.store = store
        self.render = render
        self.size = size
        self.days = days
        # ref -> (record id, day file): indexes never move a stored record, so kept for good
        self._places: dict[str, tuple[str, Path]] = {}
        self._kept: OrderedDict[str, tuple[FileIdentity, RecordPart]] = OrderedDict()
        self._day_files: OrderedDict[Path, tuple[FileIdentity, DayRecords]] = OrderedDict()

    def intake(self, ref: str) -> Intake:
        """The stored record (not rendered): for the JSON route."""
        return self._get(ref, render=False).intake

    def record(self, ref: str) -> RecordPart:
        """The stored record and its rendered HTML part."""
        return self._get(ref, render=True)

    def forget(self, record_id: str) -> None:
        """Drop an erased record from memory (its page would 404 anyway: its day file
        changed, and no index knows it), with the parsed day file that held it."""
        self._kept.pop(record_id, None)
        for ref in [ref for ref, (kept_id, _) in self._places.items() if kept_id == record_id]:
            del self._places[ref]
        for path in [path for path, (_, day) in self._day_files.items()
                     if record_id in day.documents]:
            del self._day_files[path]

    def patient_visits(self, patient_id: str) -> list[Intake]:
        """The patient's visits as :meth:`Store.patient_visits` finds them (the same rule),
        each read through here: a stat while its file is unchanged, not a day file's parse."""
        return patients.visits(self.store.root, patient_id, read=self.intake)

    def _get(self, ref: str, *, render: bool) -> RecordPart:
        place = self._places.get(ref)
        if place is None:
            place = self.store.record_file(ref)  # RecordNotFound if no index knows it
        record_id, path = place
        # Stat before reading: what is then read is at least as new as the identity kept.
        identity = file_identity(path)
        kept = self._kept.get(record_id)
        if identity is not None and kept is not None and kept[0] == identity \
                and (kept[1].body or not render):
            self._kept.move_to_end(record_id)
            return kept[1]
        intake = self._read(record_id, path, identity)  # RecordNotFound, StoreDamaged
        if kept is not None and kept[1].intake == intake and (kept[1].body or not render):
            part = kept[1]  # only another record of its day changed: the HTML still holds
        else:
            part = RecordPart(intake, self.render(intake) if render else Markup(""))
        if identity is not None:
            if len(self._places) >= 4 * self.size:
                self._places.clear()  # cheap to find again: two small index files
            self._places[ref] = place
            self._kept[record_id] = (identity, part)
            self._kept.move_to_end(record_id)
            while len(self._kept) > self.size:
                self._kept.popitem(last=False)
        return part

    def _read(self, record_id: str, path: Path, identity: FileIdentity | None) -> Intake:
        """The record from its day file, parsed once per version of that file."""
        if identity is None:
            return self.store.get_intake(record_id)  # no file: the store says what is wrong
        day = self._day_files.get(path)
        if day is None or day[0] != identity:
            day = self._day_files[path] = (identity, self.store.read_day_file(path))
            while len(self._day_files) > self.days:
                self._day_files.popitem(last=False)
        self._day_files.move_to_end(path)
        return day[1].intake(record_id)
