"""Who a visit belongs to: the name and birth date a record gives, and the key that links
one person's visits (pure: no files, no clock).

Two visits are one patient when they give the same birth date and the same name once
both are normalised (:func:`normalized_name`). The store never keeps a name or a birth
date to do this: it keeps :func:`link_key`, a keyed hash under a secret of its own, so
the index alone tells nobody who is a patient.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import unicodedata
from collections.abc import Mapping
from typing import Any

from kiosk.questionnaire.model import Questionnaire, Role

# Letters that Unicode decomposition leaves whole, read as the plain letters a patient
# typing on another keyboard would use ("Søren" and "Soren" are one person).
_FOLDED_LETTERS = str.maketrans({
    "ø": "o", "ł": "l", "đ": "d", "ð": "d", "ß": "ss", "æ": "ae", "œ": "oe", "þ": "th",
    "ı": "i", "ħ": "h", "ŧ": "t", "ŀ": "l", "ĸ": "k", "ŋ": "n", "ſ": "s", "ƒ": "f",
    "ɨ": "i", "ʉ": "u",
})


def normalized_name(name: str) -> str:
    """The name as linking compares it: decomposed, accents dropped, ø ł đ ß æ œ þ ı ...
    folded, case folded, punctuation and hyphens read as spaces, spaces collapsed."""
    decomposed = unicodedata.normalize("NFKD", name)
    letters = "".join(c for c in decomposed if not unicodedata.combining(c))
    folded = letters.casefold().translate(_FOLDED_LETTERS)
    # Casefolding and the table may leave new combining marks (none today); drop again.
    folded = "".join(c for c in unicodedata.normalize("NFKD", folded)
                     if not unicodedata.combining(c))
    words = "".join(c if unicodedata.category(c)[0] in "LN" else " " for c in folded)
    return " ".join(words.split())


def identity(questionnaire: Questionnaire,
             answers: Mapping[str, Any]) -> tuple[str | None, str | None]:
    """The (name, birth date ``YYYY-MM-DD``) a record's answers give, through the items
    with role ``name`` and ``birth_date``; ``None`` for what is missing or not text."""
    return (_answer(questionnaire, answers, "name"),
            _birth_date(_answer(questionnaire, answers, "birth_date")))


def phone(questionnaire: Questionnaire, answers: Mapping[str, Any]) -> str | None:
    """The phone number given through the item with role ``phone``, if any."""
    return _answer(questionnaire, answers, "phone")


def _answer(questionnaire: Questionnaire, answers: Mapping[str, Any], role: Role) -> str | None:
    item = questionnaire.item_with_role(role)
    value = answers.get(item.id) if item is not None else None
    return value.strip() or None if isinstance(value, str) else None


def _birth_date(text: str | None) -> str | None:
    if text is None:
        return None
    try:
        return dt.date.fromisoformat(text).isoformat()
    except ValueError:
        return None


def link_key(secret: bytes, name: str | None, birth_date: str | None) -> str | None:
    """HMAC-SHA256 (hex) of the normalised name and the birth date under the store's
    secret; ``None`` when the name normalises to nothing or there is no birth date: such
    a visit links to no one."""
    normalized = normalized_name(name or "")
    day = _birth_date(birth_date)
    if not normalized or day is None:
        return None
    message = f"{day}\n{normalized}".encode()
    return hmac.new(secret, message, hashlib.sha256).hexdigest()


__all__ = ["identity", "link_key", "normalized_name", "phone"]
