"""CSV export: one row per intake and one column per item, to open in a spreadsheet.

UTF-8 with a byte-order mark (so spreadsheets read accents right), CRLF line ends,
and every cell that a spreadsheet would run as a formula defused with a leading
quote: a patient's answer must never execute on a front-desk computer.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Iterator, Sequence
from typing import Any, Protocol

from kiosk.intake import Intake, QuestionnairePin
from kiosk.questionnaire.model import (
    FLAG_LEVELS,
    ActivitiesItem,
    BodyMapItem,
    ConsentItem,
    Item,
    MultiChoiceItem,
    Questionnaire,
    YesNoItem,
)

# Dotted names cannot clash with item ids, which are plain [a-z0-9_] words.
RECORD_COLUMNS = ("intake.id", "intake.short_code", "intake.submitted_at", "intake.status",
                  "intake.reviewed_at", "intake.reviewed_by", "intake.language",
                  "questionnaire.id", "questionnaire.version")
FLAG_COLUMNS = tuple(f"flags.{level}" for level in FLAG_LEVELS) + ("flags.messages",)
LIST_SEPARATOR = "; "
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER = re.compile(r"-?\d+(\.\d+)?")


class PinnedQuestionnaires(Protocol):
    def questionnaire_for(self, pin: QuestionnairePin) -> Questionnaire: ...


def defuse(cell: str) -> str:
    """The cell with a leading ``'`` if a spreadsheet would read it as a formula."""
    if cell.startswith(FORMULA_STARTS) and not _PLAIN_NUMBER.fullmatch(cell):
        return "'" + cell
    return cell


def answer_cell(item: Item, value: Any) -> str:
    """One answer as spreadsheet text: lists joined with "; ", yes/no as words."""
    if value is None:
        return ""
    match item:
        case YesNoItem():
            return "yes" if value else "no"
        case MultiChoiceItem() | BodyMapItem():
            return LIST_SEPARATOR.join(str(part) for part in value)
        case ConsentItem():
            return f"{value['name']} ({value['signed_on']})"
        case ActivitiesItem():
            return LIST_SEPARATOR.join(f"{row['activity']} ({row['rating']})" for row in value)
    return _number(value) if isinstance(value, float) else str(value)


def _number(value: float | None) -> str:
    if value is None:
        return ""
    return str(int(value)) if float(value).is_integer() else str(value)


def item_columns(questionnaires: Iterable[Questionnaire]) -> list[str]:
    """Answerable item ids across the questionnaires, in the order patients meet them."""
    columns: dict[str, None] = {}
    for questionnaire in questionnaires:
        columns.update((item.id, None) for item in questionnaire.items() if item.answerable)
    return list(columns)


def score_columns(questionnaires: Iterable[Questionnaire]) -> list[str]:
    columns: dict[str, None] = {}
    for questionnaire in questionnaires:
        columns.update((score.id, None) for score in questionnaire.scores)
    return list(columns)


def csv_rows(records: Sequence[tuple[Intake, Questionnaire]]) -> Iterator[list[str]]:
    """The header row, then one row per intake; every cell already defused."""
    questionnaires = list({intake.questionnaire: questionnaire
                           for intake, questionnaire in records}.values())
    items, scores = item_columns(questionnaires), score_columns(questionnaires)
    header = [*RECORD_COLUMNS, *FLAG_COLUMNS, *(f"score.{score}" for score in scores), *items]
    yield [defuse(cell) for cell in header]
    for intake, questionnaire in records:
        row = _record_cells(intake) + _flag_cells(intake)
        row += [_number(intake.scores.get(score)) for score in scores]
        for item_id in items:
            item = questionnaire.items_by_id.get(item_id)
            row.append(answer_cell(item, intake.answers.get(item_id)) if item else "")
        yield [defuse(cell) for cell in row]


def _record_cells(intake: Intake) -> list[str]:
    def moment(value: Any) -> str:
        return value.isoformat(timespec="seconds") if value is not None else ""

    pin = intake.questionnaire
    return [intake.id, intake.short_code, moment(intake.submitted_at), intake.status,
            moment(intake.reviewed_at), intake.reviewed_by or "", intake.language,
            pin.id, str(pin.version)]


def _flag_cells(intake: Intake) -> list[str]:
    counts = [str(len(intake.flags_at(level))) for level in FLAG_LEVELS]
    # One message per line: messages themselves may contain "; ".
    messages = "\n".join(f"[{flag.level}] {flag.message}" for flag in intake.flags)
    return counts + [messages]


def csv_bytes(records: Sequence[tuple[Intake, Questionnaire]]) -> bytes:
    """The whole file: UTF-8 with BOM, CRLF between rows, quoted where needed."""
    text = io.StringIO(newline="")
    writer = csv.writer(text, lineterminator="\r\n")
    writer.writerows(csv_rows(records))
    return text.getvalue().encode("utf-8-sig")


def export_csv(store: PinnedQuestionnaires, intakes: Iterable[Intake]) -> bytes:
    """The CSV for intakes from the store, each read with the questionnaire it was taken with."""
    pinned: dict[QuestionnairePin, Questionnaire] = {}
    records = []
    for intake in intakes:
        if intake.questionnaire not in pinned:
            pinned[intake.questionnaire] = store.questionnaire_for(intake.questionnaire)
        records.append((intake, pinned[intake.questionnaire]))
    return csv_bytes(records)
