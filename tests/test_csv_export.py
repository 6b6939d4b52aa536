"""CSV export: read back with the csv module exactly as a spreadsheet would get it."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest
from export_fixture import AWKWARD_NOTES, every_type_answers, every_type_questionnaire
from hypothesis import given, settings
from hypothesis import strategies as st

from kiosk.intake import Intake, build_intake
from kiosk.interop.csv_export import FORMULA_STARTS, csv_bytes, defuse
from kiosk.questionnaire.loader import parse_questionnaire
from kiosk.questionnaire.model import Questionnaire


@pytest.fixture(scope="module")
def every_type() -> Questionnaire:
    return every_type_questionnaire()


def read_back(data: bytes) -> list[dict[str, str]]:
    assert data.startswith(b"\xef\xbb\xbf"), "no UTF-8 byte-order mark"
    return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"), newline="")))


def export(*records: tuple[Intake, Questionnaire]) -> list[dict[str, str]]:
    return read_back(csv_bytes(list(records)))


def test_one_row_per_intake_with_every_answer_readable(every_type: Questionnaire):
    intake = build_intake(every_type, every_type_answers())
    (row,) = export((intake, every_type))
    assert row["intake.id"] == intake.id and row["intake.short_code"] == intake.short_code
    assert row["intake.status"] == "submitted"
    assert row["questionnaire.id"] == "every_type-check" and row["questionnaire.version"] == "2"
    assert row["intake.submitted_at"].startswith(intake.submitted_at.date().isoformat())
    assert {key: row[key] for key in (
        "full_name", "weight", "visits", "pain", "smoker", "smoke_count", "side", "quality",
        "started", "areas", "pacemaker", "psfs", "consent")} == {
        "full_name": "Zoë O'Brien", "weight": "72.5", "visits": "3", "pain": "8",
        "smoker": "yes", "smoke_count": "10", "side": "not  sure", "quality": "aching; sharp",
        "started": "2024-11-02", "areas": "front.knee.left; back.low_back.right",
        "pacemaker": "yes",
        "psfs": "Climbing stairs, two flights (4); -Kneeling in the garden (7)",
        "consent": "Zoë O'Brien (2025-03-10)"}


def test_an_answer_with_commas_quotes_and_new_lines_survives(every_type: Questionnaire):
    intake = build_intake(every_type, every_type_answers())
    (row,) = export((intake, every_type))
    assert row["notes"] == AWKWARD_NOTES


def test_formula_looking_answers_are_defused(every_type: Questionnaire):
    answers = every_type_answers()
    answers["full_name"] = answers["consent"]["name"] = "=cmd|' /C calc'!A0"
    answers["psfs"] = [{"activity": "+Running", "rating": 2}]
    intake = build_intake(every_type, answers)
    (row,) = export((intake, every_type))
    assert row["full_name"] == "'=cmd|' /C calc'!A0"
    assert row["consent"] == "'=cmd|' /C calc'!A0 (2025-03-10)"
    assert row["sharp_where"] == "'=HYPERLINK(\"http://evil.example\")"
    assert row["psfs"] == "'+Running (2)"
    for cell in row.values():
        assert not cell.startswith(FORMULA_STARTS), cell


def test_rows_end_in_crlf_and_new_lines_inside_answers_stay_quoted(every_type: Questionnaire):
    data = csv_bytes([(build_intake(every_type, every_type_answers()), every_type)])
    text = data.decode("utf-8-sig")
    assert text.count("\r\n") == 2  # after the header and after the one record
    assert '"Hurts ""a lot"", mostly at night,\nand when I sit; ask me =1+1"' in text


def test_flag_counts_messages_and_scores_have_their_columns(every_type: Questionnaire):
    (row,) = export((build_intake(every_type, every_type_answers()), every_type))
    assert [row[f"flags.{level}"] for level in ("stop", "caution", "refer", "note")] == \
        ["1", "1", "0", "1"]
    assert row["flags.messages"].split("\n") == [
        "[stop] =Pacemaker: no electrical stimulation", "[caution] Severe pain today.",
        "[note] Sharp pain."]
    assert row["score.psfs_mean"] == "5.5"


def test_unanswered_and_hidden_items_are_empty_cells(every_type: Questionnaire):
    answers = {"full_name": "Ana", "smoker": False, "pacemaker": False,
               "consent": {"agreed": True, "name": "Ana", "signed_on": "2025-01-02"}}
    (row,) = export((build_intake(every_type, answers), every_type))
    assert row["smoker"] == "no"
    assert row["smoke_count"] == row["notes"] == row["psfs"] == row["score.psfs_mean"] == ""
    assert row["flags.stop"] == "0" and row["flags.messages"] == ""
    assert "before_safety" not in row  # the info item has no answer, so no column


def test_two_questionnaire_versions_share_one_header(every_type: Questionnaire):
    older = parse_questionnaire("""
id: every_type-check
version: 1
title: Older
sections:
  - id: about
    title: About
    items:
      - {id: full_name, type: text, label: Name}
      - {id: old_question, type: yes_no, label: Retired question}
""").questionnaire
    assert older is not None
    new = build_intake(every_type, every_type_answers())
    old = build_intake(older, {"full_name": "Bo", "old_question": True})
    rows = export((new, every_type), (old, older))
    header = list(rows[0])
    assert header.index("full_name") < header.index("notes") < header.index("old_question")
    assert (rows[0]["old_question"], rows[1]["old_question"]) == ("", "yes")
    assert (rows[0]["questionnaire.version"], rows[1]["questionnaire.version"]) == ("2", "1")
    assert rows[1]["pain"] == ""


@pytest.mark.parametrize("cell", ["=1+1", "+1", "-1+2", "@SUM(A1)", "\tx", "\rx", "-", "=",
                                  "- sharp"])
def test_cells_a_spreadsheet_would_run_get_a_leading_quote(cell: str):
    assert defuse(cell) == "'" + cell


@pytest.mark.parametrize("cell", ["", "Hello", "-5", "3.5", "-2.25", "'quoted", "a=b", " =1"])
def test_ordinary_cells_and_plain_numbers_are_left_alone(cell: str):
    assert defuse(cell) == cell


@settings(max_examples=60, deadline=None)
@given(st.text(alphabet=st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=60))
def test_any_long_text_answer_reads_back_as_written(text: str):
    questionnaire = parse_questionnaire("""
id: notes
version: 1
title: Notes
sections:
  - {id: s, title: S, items: [{id: notes, type: long_text, label: Notes}]}
""").questionnaire
    assert questionnaire is not None
    intake = build_intake(questionnaire, {"notes": text})
    stored: Any = intake.answers.get("notes")
    (row,) = export((intake, questionnaire))
    assert row["notes"] == ("" if stored is None else defuse(stored))
