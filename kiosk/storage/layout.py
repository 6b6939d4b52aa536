"""Where each piece lives in the data folder, so every file stays small for years.

    records/2026/11/2026-11-23.json   the intakes submitted that day (UTC), a TinyDB file:
                                      its first part, up to ``records.PART_SIZE`` of them
    records/2026/11/2026-11-23.p1.json  the same day's next part once the first is full,
                                      then ``.p2``, ... (an import of thousands in one day)
    audit/2026/11/2026-11-23.jsonl    the audit events of that day, JSON Lines, append-only
    index/ids/ab.json                 record id -> its place: the day (the first part) or
                                      ``2026-11-23.p1``; bucketed by the id's first 2 chars
    index/codes/AC.json               short code -> record id, bucketed the same way
    index/patients/keys/3f.json       link key (a keyed hash of name and birth date) -> patient
    index/patients/visits/ab.json     patient id -> its records' ids, bucketed by patient id
    index/patients/waiting/ab.json    records saved sealed, not yet linked to a patient
    keys/                             the clinic's public key, its wrapped private key
                                      and the draft key (kiosk.keys.keyring)
    questionnaires/<hash>.json        each questionnaire's content, once per content hash
    documents/<name>.json             small named documents (staff accounts, sessions)
    outbox/pending/ab.json            records still owed to the clinic's FHIR server, and
    outbox/sent/ab.json               those delivered, with the server's ids (see
                                      :mod:`kiosk.storage.outbox`; only once fhir_url is set)
    drafts.json                       the answers so far, one per kiosk station
    store.lock                        the cross-process lock writers hold
    push.lock                         held by the one process sending to the FHIR server
    config.json                       the settings (``kiosk config``)
    cache/                            what a starting kiosk keeps to paint sooner
    damaged/                          files ``kiosk check --repair`` moved aside, kept
"""

from __future__ import annotations

import datetime as dt
import os
import re
from pathlib import Path

RECORDS = "records"
AUDIT = "audit"
INDEX = "index"
QUESTIONNAIRES = "questionnaires"
DOCUMENTS = "documents"
DRAFTS_FILE = "drafts.json"
LOCK_FILE = "store.lock"
PUSH_LOCK_FILE = "push.lock"  # held by the one process sending to the FHIR server
TOP_FOLDERS = (RECORDS, AUDIT, INDEX, QUESTIONNAIRES, DOCUMENTS)
CACHE = "cache"
DAMAGED = "damaged"
# Not in a backup: answers still being given, the lock, what a kiosk rebuilds by itself,
# and what repair set aside. Names starting with "." are a backup's or restore's own
# working folders, and "*.tmp" a write caught half-way.
NOT_BACKED_UP = frozenset({DRAFTS_FILE, LOCK_FILE, PUSH_LOCK_FILE, CACHE, DAMAGED})

ID_INDEX = "ids"
CODE_INDEX = "codes"
PATIENT_KEYS_INDEX = "patients/keys"
PATIENT_VISITS_INDEX = "patients/visits"
# Records a kiosk saved sealed, without the key linking needs: the unlocked viewer links them.
PATIENT_WAITING_INDEX = "patients/waiting"

_DAY_NAME = r"^(\d{4})-(\d{2})-(\d{2})"
# A day's part: ``2026-11-23.json`` (the first) or ``2026-11-23.p7.json``.
_PART_NAME = re.compile(r"^(\d{4}-\d{2}-\d{2})(?:\.p([1-9]\d{0,5}))?\.json$")
_YEAR = re.compile(r"^\d{4}$")
_MONTH = re.compile(r"^\d{2}$")
_BUCKET_CHAR = re.compile(r"[A-Za-z0-9]")
DOCUMENT_NAME = re.compile(r"^[a-z0-9][a-z0-9_\-]{0,63}$")
CONTENT_HASH = re.compile(r"^[0-9a-f]{64}$")


def day_of(moment: dt.datetime) -> str:
    """The UTC day a moment falls on, as ``YYYY-MM-DD`` (the partition a record goes in)."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    return moment.astimezone(dt.UTC).date().isoformat()


def day_file(root: Path, folder: str, day: str, suffix: str = ".json") -> Path:
    return root / folder / day[:4] / day[5:7] / f"{day}{suffix}"


def place_day(place: str) -> str:
    """The day of a record's place (``2026-11-23`` or ``2026-11-23.p3``)."""
    return place[:10]


def place_part(place: str) -> int:
    """Which part of its day a place names: 0 for the plain day (the first part)."""
    return int(place[12:]) if len(place) > 10 else 0


def part_place(day: str, part: int) -> str:
    """The place of a day's part: the plain day for the first, so data folders written
    before days had parts read as they are."""
    return day if part == 0 else f"{day}.p{part}"


def places_stored(root: Path, folder: str) -> list[str]:
    """Every part of every day in ``folder`` as its place, oldest day first and each day's
    parts in order. One listing a month: a day of many parts adds names, not reads."""
    places: list[tuple[str, int]] = []
    for year in _sorted_names(root / folder, _YEAR):
        for month in _sorted_names(root / folder / year, _MONTH):
            for name in _sorted_names(root / folder / year / month, _PART_NAME):
                matched = _PART_NAME.match(name)
                assert matched is not None
                places.append((matched[1], int(matched[2] or 0)))
    return [part_place(day, part) for day, part in sorted(places)]


def day_parts(root: Path, folder: str, day: str) -> list[int]:
    """The parts a day has in ``folder`` (by listing its month), in order; [] if none."""
    parts = []
    for name in _sorted_names(root / folder / day[:4] / day[5:7], _PART_NAME):
        matched = _PART_NAME.match(name)
        if matched is not None and matched[1] == day:
            parts.append(int(matched[2] or 0))
    return sorted(parts)


def bucket(key: str) -> str:
    """Two characters of the key that name its index file; anything unusual shares ``__``."""
    head = key[:2]
    if len(head) == 2 and all(_BUCKET_CHAR.match(c) for c in head):
        return head
    return "__"


def index_file(root: Path, index: str, key: str) -> Path:
    return root / INDEX / index / f"{bucket(key)}.json"


def days_stored(root: Path, folder: str, suffix: str = ".json") -> list[str]:
    """Every day with a partition file (``DAY`` + ``suffix``) in ``folder``, oldest first."""
    day_file_name = re.compile(_DAY_NAME + re.escape(suffix) + "$")
    days: list[str] = []
    for year in _sorted_names(root / folder, _YEAR):
        for month in _sorted_names(root / folder / year, _MONTH):
            for name in _sorted_names(root / folder / year / month, day_file_name):
                days.append(name.removesuffix(suffix))
    return days


def _sorted_names(folder: Path, pattern: re.Pattern[str]) -> list[str]:
    try:
        names = os.listdir(folder)
    except (FileNotFoundError, NotADirectoryError):
        return []
    return sorted(name for name in names if pattern.match(name))
