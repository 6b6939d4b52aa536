"""Where a YAML mistake starts: an unclosed quote or bracket, not where the reader gave up.

The YAML reader notices an unclosed ``"`` or ``{`` only lines later, often at the end
of the file. Its error still says where the quote or bracket opened (its context
mark), and a quote closed by the wrong ``"`` further down shows as a quoted text
running over lines that look like keys. Staff get the opening line first, with the
reader's own line as context.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ruamel.yaml import YAML
from ruamel.yaml.error import MarkedYAMLError, YAMLError
from ruamel.yaml.tokens import ScalarToken

_CLOSERS = {"{": "}", "[": "]"}
# A line inside a quoted text that looks like the next key of the file: the quote swallowed it.
_KEY_LINE = re.compile(r"\n[ \t]*(- )?[A-Za-z_][\w-]*:( |$)", re.MULTILINE)


@dataclass(frozen=True)
class YamlMistake:
    line: int  # 1-based
    message: str


def locate(text: str, error: MarkedYAMLError) -> YamlMistake:
    """The line where the mistake starts and a message for staff."""
    gave_up = error.problem_mark or error.context_mark
    gave_up_line = gave_up.line + 1 if gave_up is not None else 1
    reason = _reason(error)
    context = (error.context or "").strip()
    opened = error.context_mark
    where = f"the YAML reader gave up at line {gave_up_line}: {reason}"
    if opened is not None and context.startswith("while scanning a quoted scalar"):
        quote = _char_at(text, opened.line, opened.column) or '"'
        return YamlMistake(opened.line + 1, f"the {quote} opened on this line is never closed "
                                            f"({where})")
    swallowing = _swallowing_quote(text, gave_up_line)
    if swallowing is not None:
        start, end, quote = swallowing
        return YamlMistake(start, f"the {quote} opened on this line is closed only on line "
                                  f"{end}, so the lines between became part of the text "
                                  f"({where})")
    if opened is not None and context.startswith(("while parsing a flow mapping",
                                                  "while parsing a flow sequence")):
        bracket = _char_at(text, opened.line, opened.column)
        if bracket in _CLOSERS and opened.line + 1 != gave_up_line:
            return YamlMistake(opened.line + 1, f"the {bracket} opened on this line is not "
                                                f"closed with {_CLOSERS[bracket]} ({where})")
        if bracket in _CLOSERS:
            return YamlMistake(opened.line + 1, f"{reason} (inside the {bracket} opened on "
                                                "this line)")
    return YamlMistake(gave_up_line, reason)


def _reason(error: MarkedYAMLError) -> str:
    reason = error.problem or str(error)
    if error.context and "duplicate" in (error.problem or ""):
        reason = f"{error.problem} ({error.context})"
    return " ".join(reason.split())


def _char_at(text: str, line: int, column: int) -> str | None:
    lines = text.splitlines()
    if 0 <= line < len(lines) and 0 <= column < len(lines[line]):
        return lines[line][column]
    return None


def _swallowing_quote(text: str, gave_up_line: int) -> tuple[int, int, str] | None:
    """A quoted text ending just before the error that spans lines looking like keys.

    Returns (first line, last line, quote character), or None.
    """
    found = None
    try:
        for token in YAML(typ="rt").scan(text):
            if token.start_mark.line + 1 > gave_up_line:
                break
            ends_near = token.end_mark.line + 1 >= gave_up_line - 2
            if isinstance(token, ScalarToken) and token.style in ('"', "'") and ends_near and \
                    token.end_mark.line > token.start_mark.line:
                raw = text[token.start_mark.index:token.end_mark.index]
                if _KEY_LINE.search(raw):
                    found = (token.start_mark.line + 1, token.end_mark.line + 1, token.style)
    except (YAMLError, ValueError, RecursionError):
        pass  # the scan stops at the same mistake; what it read so far is enough
    return found
