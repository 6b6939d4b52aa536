"""Recovery codes: 25 characters of Crockford base32 (125 bits), shown in five groups.

Written down on paper and typed back after every staff password is lost, so they avoid
letters that read alike (no I, L, O or U) and forgive case, spaces and dashes.
"""

from __future__ import annotations

import secrets

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
LENGTH = 25
GROUP = 5
_READ_ALIKE = str.maketrans({"O": "0", "I": "1", "L": "1"})


def new_code() -> str:
    """A fresh code, as shown: ``XXXXX-XXXXX-XXXXX-XXXXX-XXXXX``."""
    raw = "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))
    return "-".join(raw[at:at + GROUP] for at in range(0, LENGTH, GROUP))


def normalized(typed: str) -> str | None:
    """The code as wrapped (25 characters, no dashes), or None if it cannot be one."""
    raw = "".join(typed.split()).replace("-", "").upper().translate(_READ_ALIKE)
    if len(raw) != LENGTH or any(char not in ALPHABET for char in raw):
        return None
    return raw
