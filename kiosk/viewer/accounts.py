"""Staff accounts for the clinician viewer: names with scrypt password hashes, kept in the store.

The password itself is never stored, logged or echoed; only ``scrypt$n$r$p$salt$hash``.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass
from typing import Any

from kiosk.errors import KioskError
from kiosk.store import Store

STAFF_DOCUMENT = "staff"
SESSIONS_DOCUMENT = "sessions"
NAME_PATTERN = re.compile(r"^[a-z0-9][a-z0-9._\-]{0,31}$")
MIN_PASSWORD_LENGTH = 8
MAX_PASSWORD_LENGTH = 1024  # scrypt takes any length; this only bounds the work per attempt
_SCRYPT = {"n": 2**14, "r": 8, "p": 1, "dklen": 32, "maxmem": 64 * 1024 * 1024}


class StaffError(KioskError):
    """A staff account that cannot be added, found or removed as asked."""


@dataclass(frozen=True)
class StaffAccount:
    name: str
    created_at: str


def normalize_name(name: str) -> str:
    """The account name as stored: trimmed and lower-case, so 'Ana' and 'ana' are one person."""
    return name.strip().lower()


def check_name(name: str) -> str:
    normal = normalize_name(name)
    if not NAME_PATTERN.match(normal):
        raise StaffError(f"staff name {name!r} must be 1-32 letters, digits, '.', '_' or '-', "
                         "starting with a letter or digit")
    return normal


def check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise StaffError(f"the password must have at least {MIN_PASSWORD_LENGTH} characters")
    if len(password) > MAX_PASSWORD_LENGTH:
        raise StaffError(f"the password must have at most {MAX_PASSWORD_LENGTH} characters")


def hash_password(password: str) -> str:
    """A fresh scrypt hash with a random 16-byte salt, parameters written into the hash."""
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(password.encode(), salt=salt, **_SCRYPT)  # type: ignore[arg-type]
    return f"scrypt${_SCRYPT['n']}${_SCRYPT['r']}${_SCRYPT['p']}${salt.hex()}${digest.hex()}"


def password_matches(password: str, stored: str) -> bool:
    """Whether ``password`` gives ``stored``; compared in constant time."""
    parts = stored.split("$")
    if len(parts) != 6 or parts[0] != "scrypt" or len(password) > MAX_PASSWORD_LENGTH:
        return False
    try:
        n, r, p = int(parts[1]), int(parts[2]), int(parts[3])
        salt, expected = bytes.fromhex(parts[4]), bytes.fromhex(parts[5])
        digest = hashlib.scrypt(password.encode(), salt=salt, n=n, r=r, p=p,
                                dklen=len(expected), maxmem=_SCRYPT["maxmem"])
    except ValueError:
        return False
    return hmac.compare_digest(digest, expected)


@functools.cache
def _decoy_hash() -> str:
    """Checked when the name is unknown, so a wrong name costs as long as a wrong password."""
    return hash_password(secrets.token_urlsafe(16))


class StaffAccounts:
    """Add, list, remove and check staff accounts in the store's ``staff`` document."""

    def __init__(self, store: Store) -> None:
        self.store = store

    def add(self, name: str, password: str) -> StaffAccount:
        """An account with a password hash only: for a data folder without keys (once it
        has them, accounts are added with their copy of the key: ``kiosk staff add``)."""
        name = check_name(name)
        if self.store.keys.is_set_up():
            raise StaffError("this data folder has keys: add accounts with 'kiosk staff add "
                             f"{name} --user NAME'")
        check_password(password)
        hashed = hash_password(password)
        created = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")

        def change(document: dict[str, Any]) -> bool:
            accounts = document.setdefault("accounts", {})
            if name in accounts:
                return False
            accounts[name] = {"password": hashed, "created_at": created}
            return True

        if not self.store.update_document(STAFF_DOCUMENT, change):
            raise StaffError(f"staff account {name!r} already exists; to change its password, "
                             f"run 'kiosk staff remove {name}' and add it again")
        return StaffAccount(name, created)

    def remove(self, name: str) -> bool:
        """Remove the account, its copy of the clinic's key, and end its open sessions at
        once; False if there was no such account."""
        name = normalize_name(name)
        with self.store.locked():
            had_key = self.store.keys.is_set_up() and self.store.keys.remove_account(name)
        if not self.forget_old_hash(name) and not had_key:
            return False

        def end_sessions(document: dict[str, Any]) -> None:
            sessions = document.setdefault("sessions", {})
            for key in [k for k, s in sessions.items() if s.get("user") == name]:
                del sessions[key]

        self.store.update_document(SESSIONS_DOCUMENT, end_sessions)
        return True

    def forget_old_hash(self, name: str) -> bool:
        """Drop the password hash an account had before it held a copy of the key (its
        password is then the key's); True if there was one."""
        def change(document: dict[str, Any]) -> bool:
            return document.setdefault("accounts", {}).pop(name, None) is not None
        return self.store.update_document(STAFF_DOCUMENT, change)

    def names_without_key(self) -> list[str]:
        """Accounts made before the clinic's key was set up (a password hash only)."""
        return sorted(self.store.read_document(STAFF_DOCUMENT).get("accounts", {}))

    def all_accounts(self) -> list[StaffAccount]:
        accounts = self.store.read_document(STAFF_DOCUMENT).get("accounts", {})
        found = {name: str(entry.get("created_at", "")) for name, entry in accounts.items()}
        found.update(self.store.keys.account_names())
        return [StaffAccount(name, created) for name, created in sorted(found.items())]

    def password_hash(self, name: str) -> str | None:
        """The stored hash for an account name, or None if there is no such account."""
        entry = self.store.read_document(STAFF_DOCUMENT).get("accounts", {}).get(
            normalize_name(name))
        stored = entry.get("password") if isinstance(entry, dict) else None
        return stored if isinstance(stored, str) else None


def verify_password(password: str, stored: str | None) -> bool:
    """Whether the password is right; as slow for an unknown name as for a wrong password."""
    if stored is None:
        password_matches(password, _decoy_hash())
        return False
    return password_matches(password, stored)
