"""One question and its answer as HTML, for the record page's answer lists.

Written in Python rather than as a template macro: a record has some 70 answers, and
a macro call per answer was a good part of a record's first view. Every piece of
patient or questionnaire text goes through ``escape``, as in the autoescaping template.
"""

from __future__ import annotations

from markupsafe import Markup, escape

from kiosk.viewer.record_view import AnswerLine

_PSFS_HEAD = ('<thead><tr><th scope="col">Activity</th>'
              '<th scope="col">Rating (0-10)</th></tr></thead>')


def answer(line: AnswerLine) -> Markup:
    """``<dt>`` with the question, ``<dd>`` laid out by the answer's kind."""
    term = f"<dt>{escape(line.label)}</dt>"
    if line.kind == "list":
        items = "".join(f"<li>{escape(entry)}</li>" for entry in line.entries)
        return Markup(f"{term}<dd><ul>{items}</ul></dd>")
    if line.kind == "activities":
        rows = "".join(f"<tr><td>{escape(row.activity)}</td><td>{escape(row.rating)}</td></tr>"
                       for row in line.activities)
        mean = (f'<tfoot><tr><th scope="row">Mean</th><td>{escape(line.mean)}</td></tr></tfoot>'
                if line.mean is not None else "")
        return Markup(f'{term}<dd><table class="psfs">\n  {_PSFS_HEAD}\n  <tbody>{rows}</tbody>'
                      f"\n  {mean}\n</table></dd>")
    return Markup(f'{term}<dd class="{escape(line.kind)}">{escape(line.text)}</dd>')
