"""How two typed names are compared: the consent signature against the name given, and
one person's visits (:mod:`kiosk.patients`). One rule, so a name that links two visits
is also a name that signs."""

from __future__ import annotations

import unicodedata

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


def same_name(a: str, b: str) -> bool:
    """The same person's name as typed twice, on a tablet or another keyboard."""
    return normalized_name(a) == normalized_name(b)
