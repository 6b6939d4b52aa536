"""Suggest the key or id staff meant ("did you mean ...?"): the fix, not only the fault."""

from __future__ import annotations

import difflib
from collections.abc import Iterable


def closest(word: str, known: Iterable[str]) -> str | None:
    """The known word ``word`` was most likely meant to be, if one is close enough.

    ``show-if`` and ``Show_If`` count as ``show_if``: dashes and capitals are common slips.
    """
    choices = sorted(set(known))
    plain = word.strip().lower().replace("-", "_").replace(" ", "_")
    if plain in choices and plain != word:
        return plain
    found = difflib.get_close_matches(plain, choices, n=1, cutoff=0.75)
    return found[0] if found else None


def did_you_mean(word: str, known: Iterable[str]) -> str:
    """`` (did you mean 'required'?)`` or an empty string when nothing is close."""
    guess = closest(word, known)
    return f" (did you mean '{guess}'?)" if guess else ""
