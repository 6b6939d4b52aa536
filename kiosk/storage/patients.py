"""The patient index: which records are one person's visits, found at a flat cost.

Each record's ``patient`` field is the truth; the index is derived from it and can be
rebuilt from the day files at any time (:func:`rebuild`), so split and merge decisions,
which live only in records, survive a rebuild. Two kinds of bucket, like the id index:

    index/patients/keys/<2 hex>.json     link key -> the patient a new visit joins
    index/patients/visits/<2 chars>.json patient id -> the ids of its records

A link key is a keyed hash of the normalised name and the birth date under the store's
own secret (:data:`SECRET_DOCUMENT`), so no name or birth date is ever in the index.

**Which patient a key leads to.** A key leads to the patient of the most recently
submitted record that gives it. A new visit joins that patient, so saving never moves a
key; a split or a merge moves it only when it moves that latest record. So after two
people with the same name and birth date are split apart, the next visit joins whoever
came last, and a clinician splits it again if that is wrong.

**What a patient at the kiosk can learn.** Nothing is shown either way. A new patient's
save writes one small file more than a returning patient's (its link key's bucket),
about 0.7 ms on a quiet disk, far inside the jitter of a save and of the screen change
after it; making both write the same would cost every returning visit that write.

**Crash order.** A save writes the patient index before the id and code indexes and the
day file (see :mod:`kiosk.storage.records`): a crash in between leaves an index entry
naming a record that does not exist, which readers skip, never a record the index
misses. A split or a merge adds the new index entries first, then moves the key, then
rewrites the records, and only then drops the old entries; readers trust a record's own
``patient`` over the index, so a crash at any step shows each visit under the patient its
record names, and repeating the action finishes it. An erasure goes the other way round
from a save: the day file, then the id and code indexes, then this index
(:func:`forget`), so a crash leaves only entries naming a record that is gone, which
``kiosk check --repair`` drops.

**Sealed records.** Before the clinic has keys, the secret lies in clear in the data
folder (:data:`SECRET_DOCUMENT`), beside records that are in clear too, and every process
links. Once it has keys, the secret is sealed in with the wrapped keys
(:mod:`kiosk.keys.keyring`) and the clear copy is deleted, so whoever holds the folder
cannot compute a link key to test whether a named person is a patient. Only a process
holding the clinic's key links: a kiosk saves a record with no ``patient`` and notes it
in ``index/patients/waiting`` (:func:`wait_for_link`); the unlocked viewer links the
waiting records (:meth:`kiosk.store.Store.link_waiting`) at its first login and every
few seconds after. What remains readable to a folder holder: which records share a
patient (the visits index maps random patient ids to record ids), never who.
:func:`rebuild` and the check of this index take the secret and a codec that opens
records from their caller for the same reason: with sealed records they need a login.

Callers hold the store lock around every function that writes.
"""

from __future__ import annotations

import datetime as dt
import os
import secrets
from collections import defaultdict
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from kiosk.ids import new_patient_id
from kiosk.intake import Intake
from kiosk.storage import records
from kiosk.storage.derived import DerivedIndex, Problem, RecordScan, move_aside
from kiosk.storage.errors import RecordNotFound, StoreDamaged, StoreError
from kiosk.storage.files import ensure_private_dir, read_json, text_map_shape, write_json
from kiosk.storage.layout import (
    DOCUMENTS,
    INDEX,
    PATIENT_KEYS_INDEX,
    PATIENT_VISITS_INDEX,
    PATIENT_WAITING_INDEX,
    index_file,
)
from kiosk.storage.sealing import CLEAR, RecordCodec

SECRET_DOCUMENT = "patient-link-secret"
SECRET_BYTES = 32
KEYS_KIND = "the patient link-key index"
VISITS_KIND = "the patient visits index"
WAITING_KIND = "the records waiting to be linked"
SECRET_KIND = "the patient link secret"

KeyOf = Callable[[Intake], str | None]  # a record's link key (None: it links to no one)


# --- the secret -----------------------------------------------------------------------------

def secret_path(root: Path) -> Path:
    return root / DOCUMENTS / f"{SECRET_DOCUMENT}.json"


def load_secret(root: Path) -> bytes:
    """The store's link secret, made on first use (the caller holds the lock)."""
    path = secret_path(root)
    document = read_json(path, _secret_shape, SECRET_KIND)
    if document is None:
        secret = secrets.token_bytes(SECRET_BYTES)
        ensure_private_dir(path.parent)
        write_json(path, {"secret": secret.hex()})  # 0600, like every file of the store
        return secret
    return bytes.fromhex(document["secret"])


def _secret_shape(data: Any) -> str | None:
    if not isinstance(data, dict) or not isinstance(data.get("secret"), str):
        return "expected a JSON object with a secret"
    try:
        if len(bytes.fromhex(data["secret"])) < SECRET_BYTES:
            return "the secret is too short"
    except ValueError:
        return "the secret is not hexadecimal"
    return None


# --- reading --------------------------------------------------------------------------------

def visit_ids(root: Path, patient_id: str) -> list[str]:
    """The record ids the index holds for the patient (possibly stale: see the docstring)."""
    return list(_read_visits(index_file(root, PATIENT_VISITS_INDEX, patient_id))
                .get(patient_id, []))


def visits(root: Path, patient_id: str, read: Callable[[str], Intake] | None = None,
           codec: RecordCodec = CLEAR) -> list[Intake]:
    """The patient's records, oldest submitted first; a record whose own ``patient`` says
    otherwise (a split or merge cut short) or that was never stored is left out.
    ``read`` reads a record by id (a reader that keeps records, as the viewer does);
    by default each is read from its day file."""
    found = []
    for record_id in visit_ids(root, patient_id):
        try:
            intake = read(record_id) if read is not None else \
                records.get(root, record_id, codec)
        except RecordNotFound:
            continue  # an index entry written just before a crash: never acknowledged
        if intake.patient == patient_id:
            found.append(intake)
    return sorted(found, key=_submitted_order)


def members(root: Path, intake: Intake, codec: RecordCodec) -> list[Intake]:
    """Every visit of the record's patient (the record alone if it has none)."""
    if intake.patient is None:
        return [intake]
    found = visits(root, intake.patient, codec=codec)
    return found if any(v.id == intake.id for v in found) else [*found, intake]


# --- writing --------------------------------------------------------------------------------

def link(root: Path, intake: Intake, key: str | None, key_of: KeyOf,
         codec: RecordCodec) -> None:
    """Give a record about to be saved its patient and put it in the index.

    A record with no patient joins the one its key leads to, or a new one (always a new
    one when ``key`` is None: a visit without a name or a birth date links to no one).
    A record that already names its patient (saved again, or brought from elsewhere)
    keeps it.
    """
    keys_path = index_file(root, PATIENT_KEYS_INDEX, key) if key is not None else None
    keys = _read_keys(keys_path) if keys_path is not None else {}
    if intake.patient is None:
        intake.patient = keys.get(key, "") if key is not None else ""
        intake.patient = intake.patient or new_patient_id()
    add_visits(root, intake.patient, [intake.id])
    if key is None or keys_path is None:
        return
    holder = keys.get(key)
    if holder is None:
        keys[key] = intake.patient
        _write(keys_path, keys)
    elif holder != intake.patient:
        settle_keys(root, {holder}, [*visits(root, holder, codec=codec), intake], key_of)


def settle_keys(root: Path, moved_from: set[str], changed: Iterable[Intake],
                key_of: KeyOf) -> None:
    """After records of the patients ``moved_from`` changed patient (``changed`` holds
    all of those patients' records, as they are now), point each key those patients held
    at the patient of the latest record that gives it."""
    latest: dict[str, Intake] = {}
    for intake in changed:
        key = key_of(intake)
        if key is not None and (key not in latest or
                                _submitted_order(intake) > _submitted_order(latest[key])):
            latest[key] = intake
    by_bucket: dict[Path, list[str]] = defaultdict(list)
    for key in latest:
        by_bucket[index_file(root, PATIENT_KEYS_INDEX, key)].append(key)
    for path, keys_here in sorted(by_bucket.items()):
        keys = _read_keys(path)
        before = dict(keys)
        for key in keys_here:
            if keys.get(key) in moved_from and latest[key].patient is not None:
                keys[key] = str(latest[key].patient)
        if keys != before:
            _write(path, keys)


def drop_visits(root: Path, patient_id: str, record_ids: Iterable[str]) -> None:
    """Take records off the patient's list (the patient goes when none is left)."""
    path = index_file(root, PATIENT_VISITS_INDEX, patient_id)
    entries = _read_visits(path)
    gone = set(record_ids)
    kept = [record_id for record_id in entries.get(patient_id, []) if record_id not in gone]
    if kept == entries.get(patient_id, []):
        return
    if kept:
        entries[patient_id] = kept
    else:
        entries.pop(patient_id, None)
    _write(path, entries)


def add_visits(root: Path, patient_id: str, record_ids: list[str]) -> None:
    """Put records on the patient's list (those already there stay where they are)."""
    path = index_file(root, PATIENT_VISITS_INDEX, patient_id)
    entries = _read_visits(path)
    known = entries.get(patient_id, [])
    new = [record_id for record_id in record_ids if record_id not in known]
    if new:
        entries[patient_id] = known + new
        _write(path, entries)


# --- records waiting for a key -------------------------------------------------------------

def wait_for_link(root: Path, record_id: str) -> None:
    """Note a record saved where no key could link it (a sealed store's kiosk)."""
    path = index_file(root, PATIENT_WAITING_INDEX, record_id)
    waiting = _read_waiting(path)
    if record_id not in waiting:
        waiting[record_id] = ""
        _write(path, waiting)


def waiting_for_link(root: Path, limit: int | None = None) -> list[str]:
    """Records noted by :func:`wait_for_link` and not linked yet (at most ``limit``)."""
    found: list[str] = []
    for path in _bucket_files(root / INDEX / PATIENT_WAITING_INDEX):
        found += sorted(_read_waiting(path))
        if limit is not None and len(found) >= limit:
            return found[:limit]
    return found


def linked(root: Path, record_ids: Iterable[str]) -> None:
    """Take records off the waiting list (linked, or erased)."""
    by_path: dict[Path, list[str]] = defaultdict(list)
    for record_id in record_ids:
        by_path[index_file(root, PATIENT_WAITING_INDEX, record_id)].append(record_id)
    for path, ids in by_path.items():
        waiting = _read_waiting(path)
        if any(record_id in waiting for record_id in ids):
            for record_id in ids:
                waiting.pop(record_id, None)
            if waiting:
                _write(path, waiting)
            else:
                os.unlink(path)


def _read_waiting(path: Path) -> dict[str, str]:
    data: dict[str, str] | None = read_json(path, text_map_shape, WAITING_KIND)
    return data if data is not None else {}


# --- corrections ----------------------------------------------------------------------------

def split(root: Path, record_ref: str, key_of: KeyOf,
          codec: RecordCodec) -> tuple[Intake, str | None]:
    """Give the record a new patient of its own; returns it and its former patient (None
    for a record saved before linking). Its patient's only visit cannot be split off."""
    intake = records.get(root, record_ref, codec)
    old = intake.patient
    visits = members(root, intake, codec)
    if old is not None and len(visits) < 2:
        raise StoreError(f"record {intake.id} is its patient's only visit: there is "
                         "nothing to split it from")
    intake.patient = new_patient_id()
    add_visits(root, intake.patient, [intake.id])
    if old is not None:
        now = [intake if visit.id == intake.id else visit for visit in visits]
        settle_keys(root, {old}, now, key_of)
    records.rewrite(root, [intake], codec=codec)
    if old is not None:
        drop_visits(root, old, [intake.id])
    return intake, old


def merge(root: Path, record_ref: str, other_record_ref: str, key_of: KeyOf,
          codec: RecordCodec) -> tuple[str, dict[str, str | None]]:
    """Move the other record's patient, with all its visits, to the first record's patient;
    returns the kept patient id and each moved record's former patient."""
    first = records.get(root, record_ref, codec)
    other = records.get(root, other_record_ref, codec)
    if first.patient is not None and first.patient == other.patient:
        return first.patient, {}
    if first.id == other.id:  # saved before linking, and merged with itself
        raise StoreError(f"record {first.id} cannot be merged with itself")
    gone = other.patient  # before the records change: ``other`` is among them
    moving = members(root, other, codec)
    if first.patient is None:  # saved before linking: it gets a patient now
        moving.append(first)
    kept = first.patient or new_patient_id()
    previous = {visit.id: visit.patient for visit in moving}
    add_visits(root, kept, [visit.id for visit in moving])
    for visit in moving:
        visit.patient = kept
    if gone is not None:
        settle_keys(root, {gone}, moving, key_of)
    records.rewrite(root, moving, codec=codec)
    if gone is not None:
        drop_visits(root, gone, previous)
    return kept, previous


def forget(root: Path, intake: Intake, key: str | None, key_of: KeyOf,
           codec: RecordCodec) -> None:
    """Take an erased record out of the index (after its day file: a crash between leaves
    an entry naming a record that is gone, which readers skip and a rebuild drops).

    Its visit leaves its patient's list; its link key goes when it leads to that patient
    and none of the patient's other visits gives it, so no keyed hash of the erased
    name and birth date stays behind. While another visit gives it, it keeps leading
    there, as a split or a merge would leave it.
    """
    if intake.patient is None:
        return
    drop_visits(root, intake.patient, [intake.id])
    if key is None:
        return
    path = index_file(root, PATIENT_KEYS_INDEX, key)
    keys = _read_keys(path)
    if keys.get(key) != intake.patient:
        return
    if any(visit.id != intake.id and key_of(visit) == key
           for visit in visits(root, intake.patient, codec=codec)):
        return
    del keys[key]
    _write(path, keys)


# --- rebuilding and checking ---------------------------------------------------------------

Buckets = dict[Path, dict[str, Any]]  # bucket file -> its entries


def record_key_of(secret: bytes, questionnaire_for: Callable[[Any], Any]) -> KeyOf:
    """A stored record's link key, from its answers read with the questionnaire it pins."""
    from kiosk.patients import identity, link_key

    def key_of(intake: Intake) -> str | None:
        questionnaire = questionnaire_for(intake.questionnaire)
        return link_key(secret, *identity(questionnaire, intake.answers))
    return key_of


def expected_index(root: Path, secret: bytes, questionnaire_for: Callable[[Any], Any],
                   codec: RecordCodec, unreadable: set[str] | None = None
                   ) -> tuple[Buckets, int]:
    """The whole patient index as the day files say it should be, and how many records
    it links. A record saved before visits were linked (no ``patient``) stays out.
    Given ``unreadable``, a damaged day file is noted there and passed over (``kiosk
    check``); else it stops the rebuild, which must not drop that day's visits."""
    key_of = record_key_of(secret, questionnaire_for)
    found: dict[str, list[Intake]] = defaultdict(list)
    latest: dict[str, Intake] = {}
    for day in records.days(root):
        try:
            day_records = records.read_day(root, day, codec)
        except StoreDamaged:
            if unreadable is None:
                raise
            unreadable.add(day)
            continue
        for intake in day_records:
            if intake.patient is None:
                continue
            found[intake.patient].append(intake)
            key = key_of(intake)
            if key is not None and (key not in latest or
                                    _submitted_order(intake) > _submitted_order(latest[key])):
                latest[key] = intake
    buckets: Buckets = defaultdict(dict)
    for key, intake in latest.items():
        buckets[index_file(root, PATIENT_KEYS_INDEX, key)][key] = str(intake.patient)
    for patient_id, patient_visits in found.items():
        ordered = sorted(patient_visits, key=_submitted_order)
        buckets[index_file(root, PATIENT_VISITS_INDEX, patient_id)][patient_id] = \
            [intake.id for intake in ordered]
    return buckets, sum(len(v) for v in found.values())


def rebuild(root: Path, secret: bytes, questionnaire_for: Callable[[Any], Any],
            codec: RecordCodec,
            folders: tuple[str, ...] = (PATIENT_KEYS_INDEX, PATIENT_VISITS_INDEX)
            ) -> tuple[int, int]:
    """Recompute the whole patient index from the day files (``kiosk check --repair``).

    Nothing but the index is written; records keep their ``patient``, so every split
    and merge stands. Returns (patients, records linked).
    """
    expected, linked = expected_index(root, secret, questionnaire_for, codec)
    for folder in folders:
        ensure_private_dir(root / INDEX / folder)
        here = {path: entries for path, entries in expected.items()
                if path.parent == root / INDEX / folder}
        for path, entries in sorted(here.items()):
            _write(path, entries)
        for path in _bucket_files(root / INDEX / folder):
            if path not in here:
                os.unlink(path)  # a bucket nothing belongs in any more
    patients = sum(len(entries) for path, entries in expected.items()
                   if path.parent == root / INDEX / PATIENT_VISITS_INDEX)
    return patients, linked


def existing_secret(root: Path) -> bytes | None:
    """The link secret if the store has one; never makes one (a check writes nothing)."""
    document = read_json(secret_path(root), _secret_shape, SECRET_KIND)
    return None if document is None else bytes.fromhex(document["secret"])


def derived_indexes(questionnaire_for: Callable[[Any], Any], codec: RecordCodec,
                    known_secret: Callable[[], bytes | None],
                    secret: Callable[[], bytes]) -> tuple[DerivedIndex, ...]:
    """The patient index's two halves as ``kiosk check`` sees a derived index: each bucket
    compared with what the records say, and rebuilt from them by ``--repair``.
    ``codec`` must open the records; ``known_secret`` gives the link secret if there is one
    (a check makes none), ``secret`` gives it, made if need be (a rebuild)."""
    # One reading of the day files per scan: what the index should hold, or None while a
    # day file is damaged (its visits are unknown, so no bucket can be judged or rebuilt).
    expected_for: dict[int, Buckets | None] = {}

    def expected(root: Path, scan: RecordScan) -> Buckets | None:
        if id(scan) not in expected_for:
            # With the secret lost, no stored key can be right: every key is rebuilt.
            found = known_secret() or secrets.token_bytes(SECRET_BYTES)
            unreadable: set[str] = set()
            buckets = expected_index(root, found, questionnaire_for, codec, unreadable)[0]
            expected_for.clear()
            expected_for[id(scan)] = None if unreadable else buckets
        return expected_for[id(scan)]

    def half(folder: str, kind: str, read: Callable[[Path], dict[str, Any]]) -> DerivedIndex:
        base = Path(INDEX) / folder  # DerivedIndex.folder is under index/, as here

        def check_half(root: Path, scan: RecordScan) -> list[Problem]:
            wanted = expected(root, scan)
            problems = []
            for path in sorted(set(_bucket_files(root / base))
                               | {p for p in wanted or {} if p.parent == root / base}):
                try:
                    have = read(path)
                except StoreDamaged as damage:
                    problems.append(Problem(path, damage.problem, repairable=wanted is not None))
                    continue
                if wanted is None:
                    continue
                differ = _entries_differing(wanted.get(path, {}), have)
                if differ:
                    said = "entry differs" if differ == 1 else "entries differ"
                    problems.append(Problem(path, f"{differ} {said} from the records ({kind})",
                                            repairable=True))
            return problems

        def rebuild_half(root: Path, _scan: RecordScan, paths: list[Path]) -> list[Path]:
            moved = [move_aside(root, path) for path in paths if path.exists()]
            rebuild(root, secret(), questionnaire_for, codec, folders=(folder,))
            return moved

        return DerivedIndex(folder, check_half, rebuild_half)

    return (half(PATIENT_KEYS_INDEX, KEYS_KIND, _read_keys),
            half(PATIENT_VISITS_INDEX, VISITS_KIND, _read_visits))


def _entries_differing(want: dict[str, Any], have: dict[str, Any]) -> int:
    def canonical(value: Any) -> Any:
        return sorted(value) if isinstance(value, list) else value
    return sum(1 for key in set(want) | set(have)
               if canonical(want.get(key)) != canonical(have.get(key)))


def _bucket_files(folder: Path) -> list[Path]:
    try:
        return sorted(folder / name for name in os.listdir(folder) if name.endswith(".json"))
    except FileNotFoundError:
        return []


# --- files ----------------------------------------------------------------------------------

def _submitted_order(intake: Intake) -> tuple[dt.datetime, str]:
    return records.submitted(intake), intake.id


def _read_keys(path: Path) -> dict[str, str]:
    data: dict[str, str] | None = read_json(path, text_map_shape, KEYS_KIND)
    return data if data is not None else {}


def _read_visits(path: Path) -> dict[str, list[str]]:
    data: dict[str, list[str]] | None = read_json(path, _visits_shape, VISITS_KIND)
    return data if data is not None else {}


def _visits_shape(data: Any) -> str | None:
    if not isinstance(data, dict):
        return "expected a JSON object"
    for key, value in data.items():
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            return f"the entry for {key!r} is not a list of record ids"
    return None


def _write(path: Path, entries: Any) -> None:
    ensure_private_dir(path.parent)
    write_json(path, entries)


__all__ = ["SECRET_DOCUMENT", "add_visits", "derived_indexes", "drop_visits", "existing_secret",
           "expected_index", "forget", "link", "load_secret", "members", "merge", "rebuild",
           "record_key_of", "settle_keys", "split", "visit_ids", "visits"]
