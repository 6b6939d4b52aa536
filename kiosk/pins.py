"""The staff PIN, kept only as a salted scrypt hash ("scrypt$salt_hex$hash_hex").

Apart from the settings model so that the kiosk's screens can check a PIN
without loading pydantic before their first paint.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

_PIN_SCRYPT = {"n": 2**14, "r": 8, "p": 1, "dklen": 32}


def hash_pin(pin: str) -> str:
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(pin.encode(), salt=salt, **_PIN_SCRYPT)  # type: ignore[arg-type]
    return f"scrypt${salt.hex()}${digest.hex()}"


def pin_matches(pin: str, stored: str | None) -> bool:
    if not stored or stored.count("$") != 2:
        return False
    _, salt_hex, digest_hex = stored.split("$")
    try:
        digest = hashlib.scrypt(pin.encode(), salt=bytes.fromhex(salt_hex),
                                **_PIN_SCRYPT)  # type: ignore[arg-type]
    except ValueError:
        return False
    return hmac.compare_digest(digest.hex(), digest_hex)
