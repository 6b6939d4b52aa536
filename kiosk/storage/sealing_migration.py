"""Sealing a data folder's records in place, once the clinic has keys.

Records, drafts and the patient link secret written before the first ``kiosk staff add``
are in clear. Set-up leaves a marker (``keys/sealing-pending.json``) before it publishes
the public key; this module seals what is still in clear, one day's part at a time under
the store lock (each part is replaced whole by a rename, so a kill leaves it all clear or
all sealed), then the drafts, then deletes the clear link secret (its sealed copy is in
the wrapped keys since set-up) and, last, the marker. Run again after a kill, it carries
on where it stopped: a sealed record is never sealed twice, and nothing is lost. It needs
only the public key, so a kiosk can finish it too.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from tinydb import where

from kiosk.keys.keyring import SEALING_MARKER as MARKER
from kiosk.storage import patients, records
from kiosk.storage.files import fsync_dir, open_tinydb
from kiosk.storage.layout import DRAFTS_FILE
from kiosk.storage.sealing import CLEAR, RecordCodec, draft_document, draft_of, is_sealed
from kiosk.store import DRAFT_FIELDS, DRAFTS_KIND, Store


@dataclass
class Sealed:
    records: int = 0
    parts: int = 0
    drafts: int = 0


def is_pending(store: Store) -> bool:
    return (store.keys.folder / MARKER).exists()


def seal_in_place(store: Store, after_part: object = None) -> Sealed:
    """Seal whatever is still in clear (see the module docstring); a no-op once done.
    ``after_part``, if callable, runs after each part is written (tests kill there)."""
    done = Sealed()
    public = store.keys.public_key()
    if public is None or not is_pending(store):
        return done
    codec = RecordCodec(public)
    for _place, path in list(records.record_files(store.root)):
        with store.locked():
            with open_tinydb(path, records.DAY_KIND, records.FIELDS) as db:
                table = db.table(records.TABLE)
                clear = [document for document in table.all() if not is_sealed(document)]
                if not clear:
                    continue
                table.update_multiple([
                    (records.replaced_by(codec.document(CLEAR.intake(document, path))),
                     where("id") == document["id"])
                    for document in clear])
            done.records += len(clear)
            done.parts += 1
        if callable(after_part):
            after_part()
    done.drafts = _seal_drafts(store)
    with store.locked():
        secret = patients.secret_path(store.root)
        if secret.exists():
            os.unlink(secret)
            fsync_dir(secret.parent)
        os.unlink(store.keys.folder / MARKER)
        fsync_dir(store.keys.folder)
    return done


def _seal_drafts(store: Store) -> int:
    key = store.keys.draft_key()
    path = store.root / DRAFTS_FILE
    if key is None or not path.exists():
        return 0
    with store.locked(), open_tinydb(path, DRAFTS_KIND, DRAFT_FIELDS) as db:
        table = db.table("drafts")
        clear = [document for document in table.all() if not is_sealed(document)]
        for document in clear:
            draft = draft_of(document, lambda: key, path)
            table.update(records.replaced_by(draft_document(draft, key)),
                         doc_ids=[document.doc_id])
    return len(clear)
