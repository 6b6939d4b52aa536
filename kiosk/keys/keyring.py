"""The clinic's key files in the data folder, and what staff do with them.

    keys/clinic-public.json   the public key: every process that saves seals to it
    keys/wrapped-keys.json    the private key, once per staff account (wrapped under its
                              password) and once under the recovery code; the patient
                              link secret, sealed to the public key
    keys/draft-key.json       the key drafts are encrypted with (see kiosk.storage.drafts)

Only a staff login (the viewer's form, or ``--user`` on a command) reads
``wrapped-keys.json``; a kiosk reads the public key and the draft key, never the wraps.

**Set-up order.** The wraps are written first, in one file: once it exists, the private
key can be opened. The public key is written after it, from it; until then saves stay in
clear, never sealed to a key that could be lost. :meth:`Keyring.publish` finishes a
set-up a crash cut short, and every staff command calls it.

Callers hold the store lock around every method that writes.
"""

from __future__ import annotations

import base64
import datetime as dt
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from pydantic import BaseModel, ConfigDict, ValidationError

from kiosk.errors import KioskError
from kiosk.keys import envelope, recovery, wrapping
from kiosk.keys.wrapping import Wrap, WrongSecret
from kiosk.storage.errors import StoreDamaged
from kiosk.storage.files import (
    ensure_private_dir,
    file_identity,
    object_shape,
    read_json,
    write_json,
)

ModelT = TypeVar("ModelT", bound=BaseModel)
KEYS = "keys"
PUBLIC_FILE = "clinic-public.json"
WRAPPED_FILE = "wrapped-keys.json"
DRAFT_KEY_FILE = "draft-key.json"
# Written before the public key: records may still be in clear (kiosk.storage.sealing_migration).
SEALING_MARKER = "sealing-pending.json"
RECOVERY_HOLDER = "recovery"
LINK_SECRET_CONTEXT = b"patient-link-secret"
KEY_ADVICE = ("restore the keys/ folder from a backup; without it, sealed records cannot "
              "be opened")


class KeyProblem(KioskError):
    """A key operation that cannot be done as asked (one clear line)."""

    exit_code = 2


class NoSuchAccount(KeyProblem):
    """No staff account of that name holds a copy of the key."""


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


def _b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode("ascii")


class AccountKey(BaseModel):
    model_config = ConfigDict(extra="forbid")

    created_at: str
    wrap: Wrap


class RecoveryKey(BaseModel):
    model_config = ConfigDict(extra="forbid")

    made_at: str
    wrap: Wrap


class WrappedKeys(BaseModel):
    """``keys/wrapped-keys.json``."""

    model_config = ConfigDict(extra="forbid")

    version: int = 1
    public_key: str
    created_at: str
    accounts: dict[str, AccountKey] = {}
    recovery: RecoveryKey | None = None
    link_secret: str  # sealed to the public key


class PublicKeyFile(BaseModel):
    """``keys/clinic-public.json``."""

    model_config = ConfigDict(extra="forbid")

    version: int = 1
    public_key: str
    created_at: str


@dataclass(frozen=True)
class ClinicKey:
    """The opened private key, held in the memory of one process after a staff login."""

    private: X25519PrivateKey
    public: X25519PublicKey
    link_secret: bytes

    def open(self, sealed: str, context: bytes) -> bytes:
        return envelope.open_sealed(self.private, sealed, context)


def staff_holder(name: str) -> str:
    return f"staff:{name}"


class Keyring:
    """The key files of one data folder."""

    def __init__(self, root: Path) -> None:
        self.folder = Path(root) / KEYS
        self._public: tuple[object, X25519PublicKey | None] | None = None

    @property
    def wrapped_path(self) -> Path:
        return self.folder / WRAPPED_FILE

    @property
    def public_path(self) -> Path:
        return self.folder / PUBLIC_FILE

    @property
    def draft_key_path(self) -> Path:
        return self.folder / DRAFT_KEY_FILE

    # --- what a kiosk reads -------------------------------------------------------------

    def public_key(self) -> X25519PublicKey | None:
        """The clinic's public key, or None before set-up (a stat per call while unchanged,
        so a kiosk running since before set-up starts sealing at its next save)."""
        identity = file_identity(self.public_path)
        if self._public is not None and self._public[0] == identity:
            return self._public[1]
        key = None
        if identity is not None:
            stored = _read_model(self.public_path, PublicKeyFile, "the clinic's public key")
            key = _public_from(stored.public_key, self.public_path) if stored else None
        self._public = (identity, key)
        return key

    def is_set_up(self) -> bool:
        """Whether the clinic has keys (the wraps exist, whether or not published yet)."""
        return self.wrapped_path.exists() or self.public_path.exists()

    def draft_key(self) -> bytes | None:
        data = read_json(self.draft_key_path, object_shape, "the draft key")
        if data is None:
            return None
        try:
            key = base64.b64decode(str(data.get("key", "")), validate=True)
        except ValueError:
            key = b""
        if len(key) != 32:
            raise StoreDamaged(self.draft_key_path, "it holds no 32-byte key",
                               "delete it: only the answers of check-ins in progress are lost")
        return key

    def problems(self) -> list[StoreDamaged]:
        """What is wrong with the key files, read without opening anything (``kiosk check``):
        each must parse, and the public key must be the wraps' own."""
        found = []
        for read in (self.public_key, self._wrapped, self.draft_key):
            try:
                read()
            except StoreDamaged as damage:
                found.append(damage)
        try:
            stored, public = self._wrapped(), self.public_key()
            if stored is not None and public is not None and \
                    _raw_public(stored.public_key, self.wrapped_path) != \
                    envelope.public_bytes(public):
                found.append(StoreDamaged(self.public_path, "it is not the public half of the "
                                          "wrapped key", KEY_ADVICE))
        except StoreDamaged:
            pass  # already reported above
        return found

    # --- set-up and publishing ---------------------------------------------------------

    def set_up(self, name: str, password: str, link_secret: bytes) -> tuple[ClinicKey, str]:
        """Make the clinic's key pair with its first account and a recovery code (returned
        once, to be printed); ``link_secret`` is the patient index's, sealed in."""
        if self.wrapped_path.exists():
            raise KeyProblem("this data folder already has keys")
        private = X25519PrivateKey.generate()
        public = private.public_key()
        raw_public = envelope.public_bytes(public)
        code = recovery.new_code()
        ensure_private_dir(self.folder)
        if self.draft_key() is None:
            write_json(self.draft_key_path, {"key": _b64(secrets.token_bytes(32))})
        now = _now()
        stored = WrappedKeys(
            public_key=_b64(raw_public), created_at=now,
            accounts={name: AccountKey(created_at=now, wrap=wrapping.wrap(
                private, password, raw_public, staff_holder(name)))},
            recovery=RecoveryKey(made_at=now, wrap=wrapping.wrap(
                private, _recovery_secret(code), raw_public, RECOVERY_HOLDER)),
            link_secret=envelope.seal(public, link_secret, LINK_SECRET_CONTEXT))
        self._write_wrapped(stored)
        self.publish()
        return ClinicKey(private, public, link_secret), code

    def publish(self) -> bool:
        """Write the public key from the wraps if it is missing (a set-up cut short);
        True if it wrote it."""
        stored = self._wrapped()
        if stored is None or self.public_path.exists():
            return False
        write_json(self.folder / SEALING_MARKER, {"pending": True})
        write_json(self.public_path, PublicKeyFile(
            public_key=stored.public_key, created_at=stored.created_at).model_dump())
        return True

    # --- logging in ----------------------------------------------------------------------

    def account_names(self) -> dict[str, str]:
        """Each account holding a copy of the key, with when it was added."""
        stored = self._wrapped()
        return {} if stored is None else {name: entry.created_at
                                          for name, entry in sorted(stored.accounts.items())}

    def unlock(self, name: str, password: str) -> ClinicKey:
        """The opened key for a staff login; :class:`NoSuchAccount` or :class:`WrongSecret`."""
        stored = self._required()
        entry = stored.accounts.get(name)
        if entry is None:
            wrapping.decoy(password)  # as slow as a wrong password: timing names no account
            raise NoSuchAccount(f"there is no staff account {name!r} with a key "
                                "(see 'kiosk staff list')")
        return self._opened(stored, entry.wrap, password, staff_holder(name))

    def unlock_with_recovery(self, code: str) -> ClinicKey:
        stored = self._required()
        secret = recovery.normalized(code)
        if stored.recovery is None:
            raise WrongSecret("this data folder has no recovery code")
        if secret is None:
            raise WrongSecret("that is not a recovery code: 25 letters and digits, "
                              "in five groups of five")
        try:
            return self._opened(stored, stored.recovery.wrap, secret, RECOVERY_HOLDER)
        except WrongSecret:
            raise WrongSecret("wrong recovery code") from None

    # --- accounts and the recovery code --------------------------------------------------

    def add_account(self, key: ClinicKey, name: str, password: str) -> None:
        stored = self._required()
        if name in stored.accounts:
            raise KeyProblem(f"staff account {name!r} already exists; change its password "
                            f"with 'kiosk staff passwd {name}'")
        self._set_account(key, stored, name, password, _now())

    def change_password(self, key: ClinicKey, name: str, password: str) -> None:
        """Wrap the key under ``name``'s new password (the old copy is replaced)."""
        stored = self._required()
        entry = stored.accounts.get(name)
        self._set_account(key, stored, name, password, entry.created_at if entry else _now())

    def remove_account(self, name: str) -> bool:
        stored = self._required()
        if stored.accounts.pop(name, None) is None:
            return False
        self._write_wrapped(stored)
        return True

    def new_recovery_code(self, key: ClinicKey) -> str:
        """A new recovery code (the old one stops working); returned once, to be printed."""
        stored = self._required()
        code = recovery.new_code()
        stored.recovery = RecoveryKey(made_at=_now(), wrap=wrapping.wrap(
            key.private, _recovery_secret(code), envelope.public_bytes(key.public),
            RECOVERY_HOLDER))
        self._write_wrapped(stored)
        return code

    # --- files ---------------------------------------------------------------------------

    def _set_account(self, key: ClinicKey, stored: WrappedKeys, name: str, password: str,
                     created_at: str) -> None:
        raw_public = envelope.public_bytes(key.public)
        if _b64(raw_public) != stored.public_key:
            raise KeyProblem("the opened key is not this data folder's key")
        stored.accounts[name] = AccountKey(created_at=created_at, wrap=wrapping.wrap(
            key.private, password, raw_public, staff_holder(name)))
        self._write_wrapped(stored)

    def _opened(self, stored: WrappedKeys, wrap: Wrap, secret: str, holder: str) -> ClinicKey:
        raw_public = _raw_public(stored.public_key, self.wrapped_path)
        private = wrapping.unwrap(wrap, secret, raw_public, holder)
        try:
            link_secret = envelope.open_sealed(private, stored.link_secret, LINK_SECRET_CONTEXT)
        except envelope.SealBroken as broken:
            raise StoreDamaged(self.wrapped_path, f"the patient link secret: {broken}",
                               KEY_ADVICE) from None
        return ClinicKey(private, private.public_key(), link_secret)

    def _wrapped(self) -> WrappedKeys | None:
        return _read_model(self.wrapped_path, WrappedKeys, "the clinic's wrapped keys")

    def _required(self) -> WrappedKeys:
        stored = self._wrapped()
        if stored is None:
            if self.public_path.exists():
                raise StoreDamaged(self.wrapped_path, "it is missing, though the clinic's "
                                   "public key is there", KEY_ADVICE)
            raise KeyProblem("this data folder has no keys yet: the first 'kiosk staff add "
                            "NAME' makes them")
        return stored

    def _write_wrapped(self, stored: WrappedKeys) -> None:
        ensure_private_dir(self.folder)
        write_json(self.wrapped_path, stored.model_dump(mode="json"))


def _recovery_secret(code: str) -> str:
    secret = recovery.normalized(code)
    assert secret is not None  # made by recovery.new_code
    return secret


def _read_model(path: Path, model: type[ModelT], kind: str) -> ModelT | None:
    data = read_json(path, object_shape, kind)
    if data is None:
        return None
    try:
        return model.model_validate(data)
    except ValidationError as error:
        where = ".".join(str(part) for part in error.errors()[0]["loc"]) or "entry"
        raise StoreDamaged(path, f"it does not hold {kind} ({where})", KEY_ADVICE) from None


def _raw_public(text: str, path: Path) -> bytes:
    try:
        raw = base64.b64decode(text, validate=True)
    except ValueError:
        raw = b""
    if len(raw) != 32:
        raise StoreDamaged(path, "its public key is not 32 bytes of base64", KEY_ADVICE)
    return raw


def _public_from(text: str, path: Path) -> X25519PublicKey:
    return X25519PublicKey.from_public_bytes(_raw_public(text, path))
