"""Text for the screen that is never read as markup: patient and staff text shows as typed."""

from __future__ import annotations

from pathlib import Path

from textual.content import Content

from kiosk.questionnaire.text import strip_controls


def plain(text: str | None, multiline: bool = False) -> Content:
    """``text`` as literal content: ``[bold]`` stays ``[bold]``; escape sequences are removed.

    An escape sequence reaching the terminal could restyle or hijack the screen,
    so control characters go (newlines stay in ``multiline`` text).
    """
    return Content(strip_controls(text or "", multiline=multiline))


def stylesheet(module_file: str, name: str) -> str:
    """The text of the ``.tcss`` file ``name`` beside ``module_file``, for ``DEFAULT_CSS``.

    Widgets (unlike apps and screens) have no ``CSS_PATH``; reading the file keeps
    each widget's styles in a stylesheet of its own and the widget self-contained.
    """
    return (Path(module_file).parent / name).read_text(encoding="utf-8")
