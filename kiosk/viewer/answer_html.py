"""One question and its answer as HTML, for the record page's answer lists.

Written in Python rather than as a template macro: a record has some 70 answers, and
a macro call per answer was a good part of a record's first view. The question and
option labels come escaped from the questionnaire's layout; every piece of patient
text goes through ``escape`` here, as in the autoescaping template.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from markupsafe import Markup, escape

from kiosk.body_map import region_label
from kiosk.intake import Intake
from kiosk.questionnaire import ScaleItem
from kiosk.viewer.questionnaire_layout import ItemLayout

_PSFS_HEAD = ('<thead><tr><th scope="col">Activity</th>'
              '<th scope="col">Rating (0-10)</th></tr></thead>')


def local_time(moment: dt.datetime | None) -> str:
    """A UTC timestamp as the clinic's local wall-clock time, to the minute."""
    if moment is None:
        return ""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    return moment.astimezone().strftime("%Y-%m-%d %H:%M")


def time_before(day: str, reference: dt.datetime | None) -> str:
    """How long before the intake a date was: days, weeks (acute/chronic reads in weeks), years."""
    try:
        then = dt.date.fromisoformat(day)
    except ValueError:
        return ""
    if reference is None or then > reference.date():
        return ""
    days = (reference.date() - then).days
    if days < 14:
        return f"{days} day{'s' if days != 1 else ''} before the intake"
    if days < 2 * 365:
        return f"{days // 7} weeks before the intake"
    return f"{int(days // 365.25)} years before the intake"


def consent_text(value: Any, intake: Intake) -> str:
    if not isinstance(value, dict) or value.get("agreed") is not True:
        return "not given"
    signed = f"Agreed, signed by {value.get('name', '')} on {value.get('signed_on', '')}"
    submitted = local_time(intake.submitted_at)
    return f"{signed}; submitted {submitted}" if submitted else signed


def _option(question: ItemLayout, value: Any) -> Markup:
    """The chosen option's label, or the stored value itself if no option has it."""
    label = question.options.get(value) if isinstance(value, str) else None
    return label if label is not None else escape(value)


def _text(text: Any) -> str:
    return f'<dd class="text">{escape(text)}</dd>'


def _list(entries: list[Markup]) -> str:
    return f"<dd><ul>{''.join(f'<li>{entry}</li>' for entry in entries)}</ul></dd>"


def _yes_no(question: ItemLayout, value: Any, intake: Intake) -> str:
    return '<dd class="text">Yes</dd>' if value is True else '<dd class="text">No</dd>'


def _measured(question: ItemLayout, value: Any, intake: Intake) -> str:
    """A scale's "7 / 10" (or "+3 on -7 to +7"), a number with its unit (or bare)."""
    if isinstance(question.item, ScaleItem):
        value = question.item.point_text(value)
    return _text(f"{value} {question.after}".strip())


def _multi_choice(question: ItemLayout, value: Any, intake: Intake) -> str:
    return _list([_option(question, entry) for entry in value])


def _single_choice(question: ItemLayout, value: Any, intake: Intake) -> str:
    return _text(_option(question, value))


def _date(question: ItemLayout, value: Any, intake: Intake) -> str:
    ago = time_before(str(value), intake.submitted_at or intake.created_at)
    return _text(f"{value} ({ago})" if ago else str(value))


def _body_map(question: ItemLayout, value: Any, intake: Intake) -> str:
    return _list([escape(region_label(region)) for region in value])


def _consent(question: ItemLayout, value: Any, intake: Intake) -> str:
    return f'<dd class="consent">{escape(consent_text(value, intake))}</dd>'


def _activities(question: ItemLayout, value: Any, intake: Intake) -> str:
    rows = [(str(row.get("activity", "")), int(row.get("rating", 0)))
            for row in value if isinstance(row, dict)]
    body = "".join(f"<tr><td>{escape(activity)}</td><td>{rating}</td></tr>"
                   for activity, rating in rows)
    mean = round(sum(rating for _, rating in rows) / len(rows), 1) if rows else None
    foot = (f'<tfoot><tr><th scope="row">Mean</th><td>{mean}</td></tr></tfoot>'
            if mean is not None else "")
    return (f'<dd><table class="psfs">\n  {_PSFS_HEAD}\n  <tbody>{body}</tbody>'
            f"\n  {foot}\n</table></dd>")


def _long_text(question: ItemLayout, value: Any, intake: Intake) -> str:
    return f'<dd class="long_text">{escape(str(value))}</dd>'


def _plain(question: ItemLayout, value: Any, intake: Intake) -> str:
    return _text(str(value))


Writer = Callable[[ItemLayout, Any, Intake], str]
# By item type: how the answer reads to a clinician.
_WRITERS: dict[str, Writer] = {
    "yes_no": _yes_no, "scale": _measured, "number": _measured, "multi_choice": _multi_choice,
    "single_choice": _single_choice, "date": _date, "body_map": _body_map,
    "consent": _consent, "activities": _activities, "long_text": _long_text,
}


def answer(question: ItemLayout, value: Any, intake: Intake) -> str:
    """``<dt>`` with the question, ``<dd>`` laid out by the item's type; "not answered" if
    there is no answer. Returns markup (a ``str`` to join cheaply; wrap it in ``Markup``)."""
    if value is None:
        return f'{question.term}<dd class="missing">not answered</dd>'
    # An f-string, not ``term + ...``: Markup's ``+`` would escape the answer's markup again.
    return f"{question.term}{_WRITERS.get(question.item.type, _plain)(question, value, intake)}"
