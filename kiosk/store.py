"""The local store: intakes, drafts, the audit log and small documents, in the data folder.

Every save is durable when it returns (temporary file, fsync, rename, folder
fsync), writers take a cross-process lock around each read-modify-write, and a
damaged file stops the operation with :class:`StoreDamaged` and is never
touched. Each operation opens the files it needs afresh, so a long-lived
process (the viewer, a kiosk) always sees other processes' writes. The folder
layout is described in :mod:`kiosk.storage.layout`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any, TypeVar

from filelock import FileLock, Timeout
from pydantic import ValidationError
from tinydb import TinyDB, where
from tinydb.table import Document

from kiosk.decisions import (
    DECISION_LABELS,
    ConsentConfirmation,
    DecisionRefused,
    checked_decision,
    flag_keys,
)
from kiosk.intake import Intake, QuestionnairePin
from kiosk.keys import envelope
from kiosk.keys.keyring import ClinicKey, Keyring
from kiosk.patients import identity, link_key
from kiosk.questionnaire.model import Questionnaire, content_digest
from kiosk.storage import audit, backup, check, outbox, patients, records
from kiosk.storage.derived import DERIVED
from kiosk.storage.errors import (
    DRAFTS_ADVICE,
    RecordLocked,
    RecordNotFound,
    StoreDamaged,
    StoreError,
    with_advice,
)
from kiosk.storage.files import (
    PRIVATE_FILE_MODE,
    encode,
    ensure_private_dir,
    object_shape,
    open_tinydb,
    parse_json,
    read_json,
    write_durably,
    write_json,
)
from kiosk.storage.layout import (
    CONTENT_HASH,
    DOCUMENT_NAME,
    DOCUMENTS,
    DRAFTS_FILE,
    LOCK_FILE,
    QUESTIONNAIRES,
    TOP_FOLDERS,
)
from kiosk.storage.models import AuditEvent, Draft
from kiosk.storage.sealing import LOCKED_MESSAGE, RecordCodec, draft_document, draft_of

__all__ = ["AuditEvent", "Draft", "RecordNotFound", "Store", "StoreDamaged", "StoreError"]

T = TypeVar("T")
LOCK_TIMEOUT = 30.0  # seconds; a writer holds the lock for milliseconds
DRAFTS_KIND = "the kiosk drafts"
TEXT_CONTEXT = b"kept text"  # what a sealed free text is bound to (see seal_text)
DRAFT_FIELDS = frozenset({"station"})


class Store:
    """The data folder's records; safe to use from several processes at once."""

    def __init__(self, data_dir: Path) -> None:
        self.root = Path(data_dir)
        for folder in (self.root, *(self.root / name for name in TOP_FOLDERS)):
            ensure_private_dir(folder)
        self._lock = FileLock(self.root / LOCK_FILE, timeout=LOCK_TIMEOUT,
                              mode=PRIVATE_FILE_MODE, poll_interval=0.002)
        self._questionnaires: dict[str, Questionnaire] = {}  # content never changes per hash
        self.keys = Keyring(self.root)
        self._key: ClinicKey | None = None  # after a staff login, in this process only

    # --- keys ----------------------------------------------------------------------------

    def unlock(self, key: ClinicKey) -> None:
        """Let this store open sealed records with ``key`` (a staff login's). Held in this
        process's memory only; nothing of it is written."""
        self._key = key

    @property
    def unlocked(self) -> bool:
        return self._key is not None

    @property
    def sealed(self) -> bool:
        """Whether the clinic has keys: records are then sealed and need a login to read."""
        return self.keys.is_set_up()

    def codec(self) -> RecordCodec:
        """How records are stored and opened now: sealed once the public key is there (a
        stat per call, so a kiosk started before set-up seals from its next save)."""
        if self._key is not None:
            return RecordCodec(self._key.public, self._key)
        return RecordCodec(self.keys.public_key())

    def _link_secret(self) -> bytes | None:
        """The patient link secret, or None where this process may not link: once records
        are sealed, only a process holding the clinic's key can (see
        :mod:`kiosk.storage.patients`)."""
        if self._key is not None:
            return self._key.link_secret
        return None if self.sealed else patients.load_secret(self.root)

    @contextmanager
    def locked(self) -> Iterator[None]:
        """Hold the cross-process writer lock (re-entrant within one thread)."""
        try:
            self._lock.acquire()
        except Timeout:
            raise StoreError(f"the data folder {self.root} stayed locked by another kiosk "
                             f"process for {LOCK_TIMEOUT:.0f} seconds; try again, or check "
                             "for a stuck kiosk process") from None
        except OSError as error:
            raise StoreError(f"cannot lock the data folder {self.root}: {error.strerror}; "
                             "it must belong to the user that runs the kiosk") from None
        try:
            yield
        finally:
            self._lock.release()

    # --- backups and checks ---------------------------------------------------------------

    def take_backup(self, backup_dir: Path, now: dt.datetime | None = None) -> backup.Backup:
        """A backup of the data folder as one file in ``backup_dir``, named with ``now``
        (the lock is held only while the snapshot is taken)."""
        return backup.take_backup(self.root, backup_dir, self.locked(), now)

    def check(self, repair: bool = False) -> check.Report:
        """Read every file and compare every index with the day files; ``repair`` rebuilds
        what is derived (see :mod:`kiosk.storage.check`)."""
        derived = DERIVED
        not_checked = []
        if self.sealed and self._key is None:
            not_checked.append("the patient index's link keys and visits (the records are "
                               "sealed: add --user NAME to check them too)")
        else:
            derived += patients.derived_indexes(
                self.questionnaire_for, self.codec(),
                known_secret=self._known_link_secret, secret=self._required_secret)
        report = check.check(self.root, self.locked(), repair, derived)
        report.not_checked += not_checked
        return report

    def _known_link_secret(self) -> bytes | None:
        """The link secret if this process can have it and the store has one; never makes
        one (a check or an erasure writes no secret)."""
        if self._key is not None:
            return self._key.link_secret
        return None if self.sealed else patients.existing_secret(self.root)

    def _required_secret(self) -> bytes:
        secret = self._link_secret()
        if secret is None:
            raise RecordLocked(LOCKED_MESSAGE)
        return secret

    # --- records -------------------------------------------------------------------------

    def save_intake(self, intake: Intake, questionnaire: Questionnaire) -> None:
        """Store the intake and its questionnaire's content; durable when this returns.

        If the short code is already another record's, ``intake.short_code`` is
        replaced by a fresh one (show the patient the code on the intake afterwards).
        A record without a patient is linked here: ``intake.patient`` becomes the id of
        the patient with the same name and birth date, or a new one (see
        :mod:`kiosk.storage.patients`).
        """
        if intake.questionnaire != QuestionnairePin.of(questionnaire):
            raise StoreError(f"record {intake.id} was taken with questionnaire "
                             f"{intake.questionnaire.id} version {intake.questionnaire.version}, "
                             "not the one given to save it with")
        with self.locked():
            self._keep_questionnaire(questionnaire)
            codec = self.codec()
            secret = self._link_secret()
            if secret is None:  # sealed, and no key here: the unlocked viewer links it, and
                # queues it for the FHIR server then (see link_waiting)
                records.save(self.root, intake, self._wait_for_link, codec=codec)
                return
            key = link_key(secret, *identity(questionnaire, intake.answers))
            records.save(self.root, intake, lambda record: patients.link(
                self.root, record, key, self._key_of(secret), codec), codec=codec)
            outbox.queue(self.root, intake)

    def _wait_for_link(self, intake: Intake) -> None:
        if intake.patient is None:
            patients.wait_for_link(self.root, intake.id)

    def link_waiting(self, limit: int | None = None) -> int:
        """Link records a kiosk saved without a key (see :meth:`save_intake`) to their
        patients; returns how many. Needs the clinic's key. One lock per record, so kiosks
        keep saving meanwhile."""
        secret = self._required_secret()
        linked = 0
        for record_id in patients.waiting_for_link(self.root, limit):
            with self.locked():
                try:
                    intake = records.get(self.root, record_id, self.codec())
                except RecordNotFound:  # erased, or its save never finished
                    patients.linked(self.root, [record_id])
                    continue
                if intake.patient is None:
                    questionnaire = self.questionnaire_for(intake.questionnaire)
                    key = link_key(secret, *identity(questionnaire, intake.answers))
                    patients.link(self.root, intake, key, self._key_of(secret), self.codec())
                    records.rewrite(self.root, [intake], codec=self.codec())
                    # Queued for the FHIR server only now: its Patient needs the link.
                    outbox.queue(self.root, intake)
                    linked += 1
                patients.linked(self.root, [record_id])
        return linked

    def get_intake(self, id_or_short_code: str) -> Intake:
        """The record with this id or short code, or :class:`RecordNotFound`."""
        return records.get(self.root, id_or_short_code, self.codec())

    def record_file(self, id_or_short_code: str) -> tuple[str, Path]:
        """The record's id and the day file holding it (for readers that cache by file
        identity); :class:`RecordNotFound` if no index knows it."""
        return records.locate(self.root, id_or_short_code)

    def read_day_file(self, path: Path) -> records.DayRecords:
        """Every record of the day file :meth:`record_file` named, each checked as an
        intake when asked for (for readers that keep whole days, as the viewer does)."""
        return records.read_day_file(path, self.codec())

    def list_intakes(self, *, status: str | None = None, since: dt.date | None = None,
                     until: dt.date | None = None, limit: int | None = None,
                     open_flags: bool | None = None) -> list[Intake]:
        """Records newest submitted first; ``since``/``until`` are days on this machine's
        clock; ``open_flags`` keeps those with (True) or without (False) undecided flags."""
        return records.list_intakes(self.root, status=status, since=since, until=until,
                                    limit=limit, open_flags=open_flags, codec=self.codec())

    def mark_reviewed(self, record_id: str, reviewer: str) -> Intake:
        with self.locked():
            return records.mark_reviewed(self.root, record_id, reviewer, codec=self.codec())

    def decide_flag(self, record_ref: str, flag: str, decision: str, note: str,
                    actor: str, address: str | None = None) -> Intake:
        """Add the clinician's decision on one flag (the latest per flag is current) and
        audit it; :class:`kiosk.decisions.DecisionRefused` says why one is not allowed.
        The audit names the flag and the decision, never the note (it may name a
        condition)."""
        with self.locked():
            intake = records.get(self.root, record_ref, self.codec())
            kept = checked_decision(intake.flags, flag, decision, note, actor)
            intake.decisions = [*intake.decisions, kept]
            records.update(self.root, intake, codec=self.codec())
            outbox.queue(self.root, intake)
            # The flag by its number only: its key names the item and level it was raised
            # on, health data the audit log (never sealed) must not hold.
            number = flag_keys(intake.flags).index(flag) + 1
            audit.append(self.root, AuditEvent(
                actor=actor, action="decide", record_id=intake.id, at=kept.at, address=address,
                detail=f"flag {number} of {len(intake.flags)}: "
                       f"{DECISION_LABELS[kept.decision]}; status {intake.status}"))
            return intake

    def confirm_consent(self, record_ref: str, clinician: str, actor: str,
                        address: str | None = None) -> Intake:
        """Record that ``clinician`` confirmed consent with the patient in person; audited.
        A later confirmation replaces the earlier one (the audit keeps both)."""
        name = " ".join(clinician.split())
        if not name:
            raise DecisionRefused("Type your name to confirm consent in person.")
        if len(name) > 100:
            raise DecisionRefused("Keep the name under 100 characters.")
        with self.locked():
            intake = records.get(self.root, record_ref, self.codec())
            confirmation = ConsentConfirmation(by=name, staff_user=actor)
            intake.consent_confirmation = confirmation
            records.update(self.root, intake, codec=self.codec())
            outbox.queue(self.root, intake)
            audit.append(self.root, AuditEvent(
                actor=actor, action="consent", record_id=intake.id, at=confirmation.at,
                address=address,
                detail=f"confirmed in person; status {intake.status}"))
            return intake

    # --- erasure ------------------------------------------------------------------------

    def erase_record(self, record_ref: str, actor: str, address: str | None = None,
                     detail: str | None = None) -> str:
        """Remove the record (its content, index entries and short code) and audit
        "erase" with its id alone; returns the id. :class:`RecordNotFound` if none.

        The day file goes first, then the indexes (see :func:`records.erase` and
        :func:`patients.forget`); the audit event is written once nothing of the record
        can be read any more.
        """
        with self.locked():
            codec = self.codec()
            intake = records.get(self.root, record_ref, codec)
            secret = self._known_link_secret()
            key_of = self._key_of(secret) if secret is not None else (lambda _: None)
            key = key_of(intake)
            records.erase(self.root, intake)
            patients.forget(self.root, intake, key, key_of, codec)
            patients.linked(self.root, [intake.id])
            outbox.queue_erasure(self.root, intake)
            audit.append(self.root, AuditEvent(actor=actor, action="erase", record_id=intake.id,
                                               address=address, detail=detail))
            return intake.id

    def purge_before(self, day: dt.date, actor: str) -> list[str]:
        """Erase every record submitted before ``day`` (this machine's days), one audited
        erasure each, taking the lock per record so kiosks keep saving meanwhile."""
        erased = []
        for intake in self.list_intakes(until=day - dt.timedelta(days=1)):
            with suppress(RecordNotFound):  # erased meanwhile, by someone else
                erased.append(self.erase_record(intake.id, actor,
                                                detail=f"purge before {day.isoformat()}"))
        return erased

    # --- one patient across visits ------------------------------------------------------

    def patient_visits(self, patient_id: str) -> list[Intake]:
        """The patient's visits, oldest submitted first (``[]`` for an unknown patient)."""
        return patients.visits(self.root, patient_id, codec=self.codec())

    def split_visit(self, record_ref: str, actor: str) -> Intake:
        """Give the visit a new patient of its own, off the one it was linked to; audited.

        A later visit with the same name and birth date joins whichever of the two had
        the latest visit giving them (see :mod:`kiosk.storage.patients`).
        """
        with self.locked():
            key_of = self._key_of(self._required_secret())
            intake, old = patients.split(self.root, record_ref, key_of, self.codec())
            outbox.queue(self.root, intake)
            audit.append(self.root, AuditEvent(actor=actor, action="split",
                                               record_id=intake.id,
                                               detail=f"patient {old} -> {intake.patient}"))
            return intake

    def merge_patients(self, record_ref: str, other_record_ref: str, actor: str) -> str:
        """Make the other record's patient, with all its visits, the first record's
        patient; returns the kept patient's id. Each record that changes is audited."""
        with self.locked():
            key_of = self._key_of(self._required_secret())
            kept, moved = patients.merge(self.root, record_ref, other_record_ref, key_of,
                                         self.codec())
            outbox.queue_ids(self.root, list(moved))
            audit.append_many(self.root, [
                AuditEvent(actor=actor, action="merge", record_id=record_id,
                           detail=f"patient {previous} -> {kept}")
                for record_id, previous in moved.items()])
            return kept

    def rebuild_patient_index(self) -> tuple[int, int]:
        """Recompute the patient index from the day files; (patients, records linked)."""
        with self.locked():
            return patients.rebuild(self.root, self._required_secret(),
                                    self.questionnaire_for, self.codec())

    def _key_of(self, secret: bytes) -> Callable[[Intake], str | None]:
        return patients.record_key_of(secret, self.questionnaire_for)

    # --- questionnaires ------------------------------------------------------------------

    def _keep_questionnaire(self, questionnaire: Questionnaire) -> None:
        path = self.root / QUESTIONNAIRES / f"{questionnaire.content_hash}.json"
        if not path.exists():
            write_json(path, questionnaire.model_dump(mode="json"))

    def questionnaire_for(self, pin: QuestionnairePin) -> Questionnaire:
        """The questionnaire exactly as the record was taken with it (stored once per hash)."""
        known = self._questionnaires.get(pin.content_hash)
        if known is not None:
            return known
        if not CONTENT_HASH.match(pin.content_hash):
            raise StoreError(f"questionnaire {pin.id} version {pin.version} has no valid "
                             "content hash")
        path = self.root / QUESTIONNAIRES / f"{pin.content_hash}.json"
        content = read_json(path, object_shape, "a questionnaire")
        if content is None:
            raise StoreError(f"the store does not hold questionnaire {pin.id} version "
                             f"{pin.version} (content {pin.content_hash[:12]}); {path} is missing")
        try:
            questionnaire = Questionnaire.model_validate(content)
        except ValidationError as error:
            raise StoreDamaged(path, f"it does not hold a questionnaire "
                                     f"({error.error_count()} problem(s))") from None
        # Checked as written: a field the format gained since would change a re-dump.
        if content_digest(content) != pin.content_hash:
            raise StoreDamaged(path, "its content does not match the hash in its name")
        self._questionnaires[pin.content_hash] = questionnaire
        return questionnaire

    # --- drafts --------------------------------------------------------------------------

    @contextmanager
    def _drafts(self) -> Iterator[TinyDB]:
        try:
            with open_tinydb(self.root / DRAFTS_FILE, DRAFTS_KIND, DRAFT_FIELDS) as db:
                yield db
        except StoreDamaged as damage:  # never in a backup: repair sets the file aside
            raise with_advice(damage, DRAFTS_ADVICE) from None

    def save_draft(self, draft: Draft) -> None:
        """Keep the station's answers so far (replacing its previous draft); durable."""
        with self.locked(), self._drafts() as db:
            db.table("drafts").upsert(draft_document(draft, self.keys.draft_key()),
                                      where("station") == draft.station)

    def load_draft(self, station: str) -> Draft | None:
        path = self.root / DRAFTS_FILE
        with self._drafts() as db:
            document = db.table("drafts").get(where("station") == station)
        if not isinstance(document, Document):
            return None
        return draft_of(document, self.keys.draft_key, path)

    def delete_draft(self, station: str) -> None:
        """Forget the station's draft (on submit or reset); durable."""
        with self.locked(), self._drafts() as db:
            table = db.table("drafts")
            if table.contains(where("station") == station):
                table.remove(where("station") == station)

    def delete_drafts_older_than(self, cutoff: dt.datetime) -> int:
        """Forget every station's draft last saved before ``cutoff`` (too old to be offered
        again): a browser tab's kiosk killed outright leaves a draft no station will ask
        for. A draft whose time cannot be read is left as it is. Returns how many went."""
        def stale(document: Any) -> bool:
            try:
                saved = dt.datetime.fromisoformat(document["updated_at"])
            except (KeyError, TypeError, ValueError):
                return False
            return (saved if saved.tzinfo else saved.replace(tzinfo=dt.UTC)) < cutoff

        with self.locked(), self._drafts() as db:
            table = db.table("drafts")
            ids = [document.doc_id for document in table.all() if stale(document)]
            if ids:
                table.remove(doc_ids=ids)
        return len(ids)

    # --- delivery to the clinic's FHIR server -------------------------------------------

    def retry_delivery(self, record_id: str, actor: str, address: str | None = None) -> bool:
        """Staff fixed what the FHIR server refused: the record is owed again, to be tried
        at once; audited ("push-retry"). False if its delivery had not failed."""
        with self.locked():
            if not outbox.retry(self.root, record_id):
                return False
            audit.append(self.root, AuditEvent(actor=actor, action="push-retry",
                                               record_id=record_id, address=address))
            return True

    # --- free text kept beside records ----------------------------------------------------

    def seal_text(self, text: str) -> str:
        """``text`` as it may rest in the data folder (a server's words in the outbox, which
        may quote what a record holds): sealed to the clinic's key once it has one."""
        public = self._key.public if self._key is not None else self.keys.public_key()
        return text if public is None else envelope.seal(public, text.encode(), TEXT_CONTEXT)

    def open_text(self, sealed: str) -> str:
        """What :meth:`seal_text` kept, readable again (with the key, if it was sealed)."""
        if not envelope.is_sealed(sealed):
            return sealed
        if self._key is None:
            return "(sealed: a staff login shows the server's words)"
        try:
            return self._key.open(sealed, TEXT_CONTEXT).decode("utf-8", "replace")
        except envelope.SealBroken:
            return "(the server's words did not open: damaged)"

    # --- audit ---------------------------------------------------------------------------

    def record_audit(self, event: AuditEvent) -> None:
        with self.locked():
            audit.append(self.root, event)

    def record_audit_many(self, events: list[AuditEvent]) -> None:
        """Append many events at once (an export): one write per day, not one per event."""
        with self.locked():
            audit.append_many(self.root, events)

    def audit_events(self, record_id: str | None = None) -> list[AuditEvent]:
        """All events, or one record's, oldest first."""
        since_day = None
        if record_id is not None:
            # An unknown record's events may be on any day; a stored one's not before the
            # day it was saved on, which its place names (no key needed to know it).
            with suppress(RecordNotFound):
                since_day = records.locate(self.root, record_id)[1].name[:10]
        return audit.events(self.root, record_id, since_day)

    # --- small documents -----------------------------------------------------------------

    def document_path(self, name: str) -> Path:
        """Where the named document lives (for readers that cache by file identity)."""
        return self._document_path(name)

    def _document_path(self, name: str) -> Path:
        if not DOCUMENT_NAME.match(name):
            raise StoreError(f"{name!r} is not a valid document name (lowercase letters, "
                             "digits, _ and -)")
        return self.root / DOCUMENTS / f"{name}.json"

    def read_document(self, name: str) -> dict[str, Any]:
        """The named document, or ``{}`` if it was never written."""
        data: dict[str, Any] | None = read_json(self._document_path(name), object_shape,
                                                f"the {name!r} document")
        return data if data is not None else {}

    def update_document(self, name: str, change: Callable[[dict[str, Any]], T]) -> T:
        """Read, ``change`` in place, and write the document durably under the lock.

        If ``change`` raises, nothing is written; if it changes nothing, nothing is written.
        """
        path = self._document_path(name)
        kind = f"the {name!r} document"
        with self.locked():
            before: bytes | None = None
            try:
                with open(path, "rb") as file:
                    before = file.read()
            except FileNotFoundError:
                pass
            except OSError:
                read_json(path, object_shape, kind)  # words the problem and raises
                raise
            document: dict[str, Any] = {} if before is None else \
                parse_json(path, before, object_shape, kind)
            result = change(document)
            after = encode(document)
            if after != before:
                write_durably(path, after)
            return result

