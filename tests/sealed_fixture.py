"""A data folder whose clinic has keys: records sealed, one staff account, a recovery code."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from kiosk.keys.keyring import ClinicKey
from kiosk.store import Store

STAFF = "ana"
PASSWORD = "correct horse battery"


@dataclass
class SealedFolder:
    root: Path
    key: ClinicKey
    recovery_code: str

    def kiosk_store(self) -> Store:
        """What a kiosk has: the public key only."""
        return Store(self.root)

    def reading_store(self) -> Store:
        """What the viewer has after a staff login."""
        store = Store(self.root)
        store.unlock(self.key)
        return store


def set_up_keys(root: Path) -> SealedFolder:
    store = Store(root)
    with store.locked():
        key, code = store.keys.set_up(STAFF, PASSWORD, secrets.token_bytes(32))
    return SealedFolder(root, key, code)


def kiosk_command(root: Path, *args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    """``kiosk ARGS --data ROOT`` in its own process, with ``stdin`` as standard input."""
    return subprocess.run([sys.executable, "-m", "kiosk.cli", *args, "--data", str(root)],
                          input=stdin, capture_output=True, text=True, timeout=60,
                          env={**os.environ, "KIOSK_DEBUG": ""})


def files_holding(root: Path, needles: list[str]) -> dict[str, list[str]]:
    """Each needle (as UTF-8 and as JSON's \\u escapes) -> the files whose raw bytes hold it."""
    import json

    found: dict[str, list[str]] = {}
    for needle in needles:
        forms = {needle.encode(), json.dumps(needle)[1:-1].encode()}
        for path in sorted(p for p in root.rglob("*") if p.is_file()):
            raw = path.read_bytes()
            if any(form in raw for form in forms):
                found.setdefault(needle, []).append(str(path.relative_to(root)))
    return found
