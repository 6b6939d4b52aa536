"""Staff login sessions: a random cookie token, kept (hashed) in the store's ``sessions`` document.

A session ends after 8 hours without a request, at logout, or when its account is removed.
Only the token's SHA-256 is stored, so a copy of the data folder opens no session.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from kiosk.storage.files import FileIdentity, file_identity
from kiosk.store import Store
from kiosk.viewer.accounts import SESSIONS_DOCUMENT

IDLE_LIMIT_SECONDS = 8 * 3600
# Last use is written at most this often: a durable write per page would slow every page.
TOUCH_INTERVAL_SECONDS = 60
COOKIE_NAME = "kiosk_session"


@dataclass(frozen=True)
class Session:
    user: str
    csrf: str  # the token every POST form of this session must carry


def _key(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class Sessions:
    """Start, find (and keep alive) and end staff sessions."""

    def __init__(self, store: Store, clock: Callable[[], float]) -> None:
        self.store = store
        self.clock = clock
        # The sessions document as last read, with the identity of the file it came from:
        # every page checks a session, and the file changes only at a login, a logout or
        # a touch (once a minute per session), so a stat usually replaces read and parse.
        self._read: tuple[FileIdentity, dict[str, Any]] | None = None

    def start(self, user: str) -> tuple[str, Session]:
        """A new session for ``user``: the cookie token and the session. Sweeps expired ones."""
        token = secrets.token_urlsafe(32)
        session = Session(user=user, csrf=secrets.token_urlsafe(32))
        now = self.clock()

        def change(document: dict[str, Any]) -> None:
            sessions = document.setdefault("sessions", {})
            for key in [k for k, s in sessions.items() if self._expired(s, now)]:
                del sessions[key]
            sessions[_key(token)] = {"user": user, "csrf": session.csrf, "started": now,
                                     "last_seen": now}

        self.store.update_document(SESSIONS_DOCUMENT, change)
        return token, session

    def find(self, token: str | None) -> Session | None:
        """The live session for a cookie token, its idle clock restarted; None if none."""
        if not token or len(token) > 100:
            return None
        key, now = _key(token), self.clock()
        entry = self._sessions().get(key)
        if not isinstance(entry, dict):
            return None
        if self._expired(entry, now):
            self.end(token)
            return None
        if now - float(entry.get("last_seen", 0)) >= TOUCH_INTERVAL_SECONDS:
            self._touch(key, now)
        return Session(user=str(entry["user"]), csrf=str(entry["csrf"]))

    def _sessions(self) -> dict[str, Any]:
        """The stored sessions, re-read only if the document's file has been replaced."""
        identity = file_identity(self.store.document_path(SESSIONS_DOCUMENT))
        if identity is None or self._read is None or self._read[0] != identity:
            document = self.store.read_document(SESSIONS_DOCUMENT)  # stat first: never older
            self._read = None if identity is None else (identity, document)
            sessions = document.get("sessions", {})
        else:
            sessions = self._read[1].get("sessions", {})
        return sessions if isinstance(sessions, dict) else {}

    def end(self, token: str) -> None:
        key = _key(token)

        def change(document: dict[str, Any]) -> None:
            document.setdefault("sessions", {}).pop(key, None)

        self.store.update_document(SESSIONS_DOCUMENT, change)

    def _touch(self, key: str, now: float) -> None:
        def change(document: dict[str, Any]) -> None:
            entry = document.setdefault("sessions", {}).get(key)
            if isinstance(entry, dict):
                entry["last_seen"] = now

        self.store.update_document(SESSIONS_DOCUMENT, change)

    @staticmethod
    def _expired(entry: dict[str, Any], now: float) -> bool:
        return now - float(entry.get("last_seen", 0)) > IDLE_LIMIT_SECONDS
