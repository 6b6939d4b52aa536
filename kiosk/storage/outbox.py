"""The outbox: which records still have to reach the clinic's FHIR server, and what it said.

    outbox/pending/ab.json      record id -> what is owed: a change counter, tries so far,
                                the next try, and for a failed one the server's answer
    outbox/sent/ab.json         record id -> the change delivered and the server's ids
    outbox/questionnaires.json  questionnaire canonical -> the server's id (sent once)

Buckets are named by the record id's first two characters, like the indexes, so a
change reads and writes one small file. Every write is whole-file and durable (temporary
file, fsync, rename), under the store lock, so a kill at any instant leaves the old or
the new state; a record whose delivery was cut short stays pending and is sent again,
which the server's conditional creates make harmless.

Nothing here is patient data: ids, short codes, counters, times, status codes and
OperationOutcome issue codes. The server's free text (diagnostics) arrives sealed by the
caller. The folder exists only once a FHIR server was set (``kiosk config set fhir_url``):
before that, records are not queued.
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path
from typing import Any

from pydantic import BaseModel, Field

from kiosk.intake import Intake
from kiosk.storage.files import (
    as_model,
    ensure_private_dir,
    fsync_dir,
    object_shape,
    read_json,
    write_json,
)
from kiosk.storage.layout import bucket
from kiosk.storage.models import utc_now

OUTBOX = "outbox"
PENDING = "pending"
SENT = "sent"
QUESTIONNAIRES_SENT = "questionnaires.json"


class Issue(BaseModel):
    """One OperationOutcome issue, without its free text."""

    severity: str
    code: str
    expression: list[str] = []


class Erasure(BaseModel):
    """What an erased record may have on the server, to take back: its response, flags
    and consent. ``delivered``: the server confirmed holding it (else it may or may not,
    a delivery having been cut short or in flight)."""

    flags: int
    consent: bool
    delivered: bool = True


class Owed(BaseModel):
    """A record still to deliver (pending), or one the server refused (failed)."""

    change: int = 1  # bumped by every change, so a delivery knows whether it is current
    short_code: str | None = None
    queued_at: dt.datetime = Field(default_factory=utc_now)
    attempts: int = 0
    next_try: dt.datetime | None = None
    failed: bool = False
    status: int | None = None  # the server's HTTP status on the last try
    issues: list[Issue] = []
    error: str | None = None  # sealed: the last error's words
    erase: Erasure | None = None

    @property
    def state(self) -> str:
        return "failed" if self.failed else "pending"


class Sent(BaseModel):
    """A record delivered: which change, when, and the server's resource ids."""

    change: int
    at: dt.datetime = Field(default_factory=utc_now)
    short_code: str | None = None
    ids: dict[str, list[str]] = {}
    erased: bool = False


def is_on(root: Path) -> bool:
    return (root / OUTBOX).is_dir()


def switch_on_outbox(root: Path) -> None:
    """From now on every saved or changed record is queued for the FHIR server."""
    for folder in (root, root / OUTBOX, root / OUTBOX / PENDING, root / OUTBOX / SENT):
        ensure_private_dir(folder)


def _bucket_path(root: Path, part: str, record_id: str) -> Path:
    return root / OUTBOX / part / f"{bucket(record_id)}.json"


def _read(path: Path) -> dict[str, Any]:
    return read_json(path, object_shape, "the outbox") or {}


def _write(path: Path, entries: dict[str, Any]) -> None:
    if entries:
        write_json(path, entries)
    elif path.exists():  # an empty pending bucket goes, so listing stays as short as the owed
        os.unlink(path)
        fsync_dir(path.parent)


def _owed(path: Path, record_id: str, data: Any) -> Owed:
    return as_model(Owed, data, path, f"an outbox entry for {record_id}")


# --- queueing (the store calls these under its lock) --------------------------------------

def queue(root: Path, intake: Intake) -> None:
    """Owe the server the record's current state (a new record or a change)."""
    queue_ids(root, [intake.id], intake.short_code)


def queue_ids(root: Path, record_ids: list[str], short_code: str | None = None) -> None:
    """Owe the server these records' current state (a merge moves many)."""
    if not is_on(root):
        return
    for record_id in record_ids:
        path = _bucket_path(root, PENDING, record_id)
        entries = _read(path)
        known = entries.get(record_id)
        owed = Owed() if known is None else _owed(path, record_id, known)
        owed = Owed(change=owed.change + (known is not None), queued_at=owed.queued_at,
                    short_code=short_code or owed.short_code or _sent_code(root, record_id))
        entries[record_id] = owed.model_dump(mode="json", exclude_defaults=True)
        _write(path, entries)


def queue_erasure(root: Path, intake: Intake) -> None:
    """Owe the server the record's erasure, if it was ever queued: the server may hold it
    (a delivery may even be in flight now), so what it holds is taken back."""
    if not is_on(root):
        return
    path = _bucket_path(root, PENDING, intake.id)
    entries = _read(path)
    known = entries.get(intake.id)
    owed = None if known is None else _owed(path, intake.id, known)
    delivered = sent(root, intake.id) is not None
    if owed is None and not delivered:
        return  # saved before a FHIR server was set: never queued, never sent
    erasure = Erasure(flags=len(intake.flags), consent=intake.consent_confirmation is not None,
                      delivered=delivered)
    entries[intake.id] = Owed(change=(owed.change + 1) if owed else 1,
                              short_code=intake.short_code,
                              erase=erasure).model_dump(mode="json", exclude_defaults=True)
    _write(path, entries)


def _sent_code(root: Path, record_id: str) -> str | None:
    delivered = sent(root, record_id)
    return delivered.short_code if delivered else None


# --- reading -----------------------------------------------------------------------------

def owed(root: Path) -> dict[str, Owed]:
    """Every record still owed (pending or failed), oldest queued first."""
    folder = root / OUTBOX / PENDING
    try:
        names = sorted(name for name in os.listdir(folder) if name.endswith(".json"))
    except FileNotFoundError:
        return {}
    found: dict[str, Owed] = {}
    for name in names:
        path = folder / name
        for record_id, data in _read(path).items():
            found[record_id] = _owed(path, record_id, data)
    return dict(sorted(found.items(), key=lambda pair: pair[1].queued_at))


def owed_one(root: Path, record_id: str) -> Owed | None:
    path = _bucket_path(root, PENDING, record_id)
    data = _read(path).get(record_id)
    return None if data is None else _owed(path, record_id, data)


def sent(root: Path, record_id: str) -> Sent | None:
    path = _bucket_path(root, SENT, record_id)
    data = _read(path).get(record_id)
    return None if data is None else as_model(Sent, data, path, f"the delivery of {record_id}")


def delivery_state(root: Path, record_id: str) -> tuple[str, Owed | Sent | None]:
    """"off" (no FHIR server), "pending", "failed", "sent", or "not queued"."""
    if not is_on(root):
        return "off", None
    owing = owed_one(root, record_id)
    if owing is not None:
        return owing.state, owing
    delivered = sent(root, record_id)
    return ("sent", delivered) if delivered is not None else ("not queued", None)


def questionnaires_sent(root: Path) -> dict[str, str]:
    return _read(root / OUTBOX / QUESTIONNAIRES_SENT)


# --- settling a try (the pusher calls these under the store lock) ------------------------

def settle_sent(root: Path, record_id: str, change: int, ids: dict[str, list[str]],
                erased: bool = False) -> None:
    """The server took ``change`` of the record: note its ids, and owe nothing more unless
    the record changed meanwhile."""
    pending_path = _bucket_path(root, PENDING, record_id)
    entries = _read(pending_path)
    known = entries.get(record_id)
    owing = None if known is None else _owed(pending_path, record_id, known)
    sent_path = _bucket_path(root, SENT, record_id)
    delivered = _read(sent_path)
    delivered[record_id] = Sent(change=change, ids=ids, erased=erased,
                                short_code=owing.short_code if owing else None
                                ).model_dump(mode="json", exclude_defaults=True)
    write_json(sent_path, delivered)  # first: a kill now leaves it owed, sent again harmlessly
    if owing is not None and owing.change == change:
        del entries[record_id]
        _write(pending_path, entries)


def settle_unsent(root: Path, record_id: str, change: int, *, failed: bool,
                  next_try: dt.datetime | None, status: int | None,
                  issues: list[Issue], error: str | None) -> None:
    """The try did not deliver: note why, and when to try again (``failed``: only when
    staff say so). A record changed meanwhile keeps its fresh, untried state."""
    path = _bucket_path(root, PENDING, record_id)
    entries = _read(path)
    known = entries.get(record_id)
    if known is None:
        return
    owing = _owed(path, record_id, known)
    if owing.change != change:
        return
    changed = owing.model_copy(update={
        "attempts": owing.attempts + 1, "failed": failed, "next_try": next_try,
        "status": status, "issues": issues, "error": error})
    entries[record_id] = changed.model_dump(mode="json", exclude_defaults=True)
    _write(path, entries)


def retry(root: Path, record_id: str) -> bool:
    """Staff fixed the cause: a failed record is pending again, to be tried now. False if
    the record is not failed."""
    path = _bucket_path(root, PENDING, record_id)
    entries = _read(path)
    known = entries.get(record_id)
    if known is None or not _owed(path, record_id, known).failed:
        return False
    owing = _owed(path, record_id, known)
    entries[record_id] = owing.model_copy(update={"failed": False, "next_try": None}
                                          ).model_dump(mode="json", exclude_defaults=True)
    _write(path, entries)
    return True


def note_questionnaire(root: Path, canonical: str, server_id: str) -> None:
    path = root / OUTBOX / QUESTIONNAIRES_SENT
    known = _read(path)
    if known.get(canonical) != server_id:
        write_json(path, {**known, canonical: server_id})


def check_file(path: Path) -> None:
    """Read one outbox file as the pusher would; :class:`StoreDamaged` if it cannot be."""
    entries = _read(path)
    if path.name == QUESTIONNAIRES_SENT:
        return
    model: type[BaseModel] = Sent if path.parent.name == SENT else Owed
    for record_id, data in entries.items():
        as_model(model, data, path, f"an outbox entry for {record_id}")


def outbox_files(root: Path) -> list[Path]:
    """Every file of the outbox (for ``kiosk check``)."""
    folder = root / OUTBOX
    return sorted(path for path in folder.rglob("*.json")) if folder.is_dir() else []


def delivery_words(root: Path, record_ids: list[str]) -> dict[str, str]:
    """Each record's delivery in a few words ("sent", "pending", "failed: HTTP 400
    business-rule"), reading each bucket once; {} when no FHIR server was ever set."""
    if not is_on(root):
        return {}
    buckets: dict[Path, dict[str, Any]] = {}

    def entry(part: str, record_id: str) -> Any:
        path = _bucket_path(root, part, record_id)
        if path not in buckets:
            buckets[path] = _read(path)
        return buckets[path].get(record_id)

    words = {}
    for record_id in record_ids:
        owing = entry(PENDING, record_id)
        if owing is not None:
            words[record_id] = failure_words(_owed(_bucket_path(root, PENDING, record_id),
                                                   record_id, owing))
        else:
            words[record_id] = "sent" if entry(SENT, record_id) is not None else "not queued"
    return words


def failure_words(owing: Owed) -> str:
    if not owing.failed:
        return "pending"
    codes = " ".join(issue.code for issue in owing.issues)
    return f"failed: HTTP {owing.status}" + (f" {codes}" if codes else "")
