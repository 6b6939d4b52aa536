"""How a record is stored: in clear before the clinic has keys, sealed after.

A sealed record keeps in clear only what indexes, day lists and counts need (the id,
short code, status and open-flag count, the questionnaire pin, the times, the station and
the patient id, a random id naming no one); everything the patient said, and what the
clinician decided about it, is one sealed field (:mod:`kiosk.keys.envelope`, bound to the
record's id). Opening needs the clinic's key, which only a staff login brings into a
process; without it a record reads as :class:`RecordLocked` and its clear part as a
:class:`ClearPart`, which is all a check of the store needs.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from pydantic import BaseModel, ValidationError

from kiosk.intake import Intake, QuestionnairePin
from kiosk.keys import envelope
from kiosk.keys.keyring import ClinicKey
from kiosk.storage.errors import DRAFTS_ADVICE, RecordLocked, StoreDamaged
from kiosk.storage.files import as_model, encode
from kiosk.storage.models import Draft

SEALED = "sealed"
DRAFT_PREFIX = "kd1."
CLEAR_FIELDS = ("id", "short_code", "status", "open_flags", "questionnaire", "created_at",
                "submitted_at", "reviewed_at", "station", "patient")
LOCKED_MESSAGE = ("the records are sealed and need a staff login to open: add --user NAME "
                  "(the password is asked for, or read with --password-stdin)")


class ClearPart(BaseModel):
    """What anyone holding the data folder can read of a record."""

    id: str
    short_code: str
    status: str
    open_flags: int = 0
    questionnaire: QuestionnairePin
    created_at: dt.datetime
    submitted_at: dt.datetime | None = None
    reviewed_at: dt.datetime | None = None
    station: str = "kiosk"
    patient: str | None = None


class RecordCodec:
    """Records to stored documents and back, sealed to ``public`` when given; ``key``
    opens sealed ones. The default (neither) stores in clear and opens nothing."""

    def __init__(self, public: X25519PublicKey | None = None,
                 key: ClinicKey | None = None) -> None:
        self.public = public
        self.key = key

    @property
    def seals(self) -> bool:
        return self.public is not None

    @property
    def opens(self) -> bool:
        return self.key is not None

    def document(self, intake: Intake) -> dict[str, Any]:
        data = intake.model_dump(mode="json")
        if self.public is None:
            return data
        clear = {name: data.pop(name) for name in CLEAR_FIELDS}
        clear[SEALED] = envelope.seal(self.public, encode(data), intake.id.encode())
        return clear

    def intake(self, document: dict[str, Any], path: Path) -> Intake:
        """The record, opened if sealed; :class:`RecordLocked` without the key,
        :class:`StoreDamaged` if it does not open."""
        sealed = document.get(SEALED)
        if sealed is None:
            intake = as_model(Intake, document, path, "it holds a record that is not an intake")
        else:
            intake = as_model(Intake, {**self._opened(document, sealed, path),
                                       **_clear_of(document)},
                              path, "it holds a sealed record that is not an intake")
        if "open_flags" not in document:  # stored before decisions were kept
            intake.settle()
        return intake

    def _opened(self, document: dict[str, Any], sealed: Any, path: Path) -> dict[str, Any]:
        if self.key is None:
            raise RecordLocked(LOCKED_MESSAGE)
        record_id = str(document.get("id", ""))
        try:
            content = json.loads(self.key.open(str(sealed), record_id.encode()))
        except envelope.SealBroken as broken:
            raise StoreDamaged(path, f"record {record_id}: {broken}") from None
        except ValueError:
            raise StoreDamaged(path, f"record {record_id}: its sealed part holds no JSON") \
                from None
        if not isinstance(content, dict):
            raise StoreDamaged(path, f"record {record_id}: its sealed part is not an object")
        return content


def _clear_of(document: dict[str, Any]) -> dict[str, Any]:
    return {name: value for name, value in document.items() if name != SEALED}


def clear_part(document: dict[str, Any], path: Path) -> ClearPart:
    """The clear part of a stored record (sealed or not), checked; for checks without keys.
    A sealed part must at least look like one."""
    part = as_model(ClearPart, _clear_of(document), path, "it holds a record that is not one")
    sealed = document.get(SEALED)
    if sealed is not None and not envelope.is_sealed(sealed):
        raise StoreDamaged(path, f"record {part.id}: its sealed part is not one")
    return part


def is_sealed(document: dict[str, Any]) -> bool:
    return SEALED in document


CLEAR = RecordCodec()


# --- drafts -------------------------------------------------------------------------------
# A kiosk must read its own draft back to offer "Continue where you left off" after a
# crash, so drafts cannot be sealed to the clinic's key, which a kiosk never holds. They are
# encrypted with the draft key (keys/draft-key.json) instead, which a kiosk reads: whoever
# copies the data folder can open what drafts it holds, and no more. A draft lives only while
# a check-in is in progress; a finished or abandoned one is deleted, and one left by a crash
# is offered again only while it is fresh (the kiosk deletes stale ones: see screens.app).
DRAFT_FIELDS_CLEAR = ("station", "updated_at")


def draft_document(draft: Draft, key: bytes | None) -> dict[str, Any]:
    data = draft.model_dump(mode="json")
    if key is None:
        return data
    clear = {name: data.pop(name) for name in DRAFT_FIELDS_CLEAR}
    nonce = os.urandom(12)
    sealed = AESGCM(key).encrypt(nonce, encode(data), draft.station.encode())
    clear[SEALED] = DRAFT_PREFIX + base64.urlsafe_b64encode(nonce + sealed).decode("ascii")
    return clear


def draft_of(document: dict[str, Any], key_of: Callable[[], bytes | None], path: Path) -> Draft:
    """The stored draft; :class:`StoreDamaged` (which says how to set the file aside) if it
    cannot be read, or its key is gone."""
    station = str(document.get("station", ""))
    sealed = document.get(SEALED)
    data = document
    if sealed is not None:
        key = key_of()
        try:
            if key is None or not str(sealed).startswith(DRAFT_PREFIX):
                raise ValueError
            raw = base64.urlsafe_b64decode(str(sealed)[len(DRAFT_PREFIX):])
            data = {**json.loads(AESGCM(key).decrypt(raw[:12], raw[12:], station.encode())),
                    **{name: document.get(name) for name in DRAFT_FIELDS_CLEAR}}
        except (InvalidTag, ValueError, binascii.Error):
            raise StoreDamaged(path, f"the draft of station {station!r} does not open with "
                               "the draft key", DRAFTS_ADVICE) from None
    try:
        return Draft.model_validate(data)
    except ValidationError:
        raise StoreDamaged(path, f"the draft of station {station!r} is not a draft",
                           DRAFTS_ADVICE) from None
