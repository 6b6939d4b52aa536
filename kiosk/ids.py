"""Record ids and front-desk short codes: random, URL-safe, no look-alike characters."""

from __future__ import annotations

import math
import secrets

# No 0/o, 1/l/i: a person may have to read these aloud or type them.
RECORD_ID_ALPHABET = "23456789abcdefghjkmnpqrstuvwxyz"
RECORD_ID_LENGTH = math.ceil(128 / math.log2(len(RECORD_ID_ALPHABET)))  # >= 128 bits
SHORT_CODE_ALPHABET = "ACDEFHJKMNPRTUVWXY34679"
SHORT_CODE_LENGTH = 6


def new_record_id() -> str:
    return "".join(secrets.choice(RECORD_ID_ALPHABET) for _ in range(RECORD_ID_LENGTH))


def new_patient_id() -> str:
    """A patient's id: random like a record id, never derived from who the patient is."""
    return new_record_id()


def new_short_code() -> str:
    return "".join(secrets.choice(SHORT_CODE_ALPHABET) for _ in range(SHORT_CODE_LENGTH))


def looks_like_record_id(text: str) -> bool:
    return len(text) == RECORD_ID_LENGTH and all(c in RECORD_ID_ALPHABET for c in text)


def looks_like_short_code(text: str) -> bool:
    return len(text) == SHORT_CODE_LENGTH and all(c in SHORT_CODE_ALPHABET for c in text.upper())
