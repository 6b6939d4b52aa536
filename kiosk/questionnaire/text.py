"""Texts that may be one string or a ``{language: text}`` map, and cleaning of patient text."""

from __future__ import annotations

import re
import unicodedata

LocalText = str | dict[str, str]

# CSI/OSC/other escape sequences first, then any remaining C0/C1 control character.
_ESCAPE_SEQUENCE = re.compile(r"\x1b(\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(\x07|\x1b\\)?|[@-Z\\-_])")
_KEEP_IN_LONG_TEXT = {"\n", "\t"}


def localize(text: LocalText | None, language: str, default_language: str = "en") -> str:
    """The text in ``language``, else the default language, else any translation given."""
    if text is None:
        return ""
    if isinstance(text, str):
        return text
    for lang in (language, default_language):
        if lang in text:
            return text[lang]
    return next(iter(text.values()), "")


def clean_patient_text(value: str, multiline: bool = False) -> str:
    """Strip terminal escape sequences and control characters from what a patient typed.

    Answers are shown on terminals and web pages; an escape sequence in an answer
    could restyle or hijack the clinician's or the next patient's screen.
    """
    text = strip_controls(value, multiline)
    return text.strip() if not multiline else text.strip("\n\t ")


def strip_controls(value: str, multiline: bool = False) -> str:
    """Remove escape sequences and control characters, keeping spaces where they are.

    For text still being typed: unlike :func:`clean_patient_text` it does not trim
    the ends, so a space typed between two words survives.
    """
    value = _ESCAPE_SEQUENCE.sub("", value)
    value = value.replace("\r\n", "\n").replace("\r", "\n")
    kept = [
        ch for ch in value
        if (multiline and ch in _KEEP_IN_LONG_TEXT)
        or not unicodedata.category(ch).startswith("C")
        or ch == " "
    ]
    return "".join(kept)
