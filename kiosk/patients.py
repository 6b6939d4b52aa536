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
from collections.abc import Mapping
from typing import Any

from kiosk.questionnaire.model import Questionnaire, Role
from kiosk.questionnaire.names import normalized_name


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
