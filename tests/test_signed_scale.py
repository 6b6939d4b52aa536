"""A scale that runs below zero (the Global Rating of Change, -7 to +7) from the file to the
exports: it loads, conditions compare with negative numbers, and every reader of a record
(the patient's review, the clinician's page, the records CLI, CSV, FHIR) keeps the sign."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from fhir_checks import check_response_matches, questionnaire_items, validate
from follow_up_fixture import FOLLOW_UP, nothing_to_report

from kiosk import fhir
from kiosk.commands.records import answer_text as records_text
from kiosk.csv_export import csv_bytes
from kiosk.intake import Intake, build_intake
from kiosk.loader import load_questionnaire, read_questionnaire
from kiosk.logic import visible_items
from kiosk.questionnaire import Questionnaire, ScaleItem, scale_point
from kiosk.viewer.answer_html import answer
from kiosk.viewer.questionnaire_layout import lay_out
from screens.answer_text import answer_text as review_text

HEADER = """\
id: groc-check
version: 1
title: GROC check
sections:
  - id: progress
    title: Progress
    items:
"""
GROC = """\
      - id: groc
        type: scale
        label: How is your problem now?
        min: -7
        max: 7
"""


@pytest.fixture(scope="module")
def follow_up() -> Questionnaire:
    return load_questionnaire(FOLLOW_UP)


@pytest.fixture(scope="module")
def worse() -> tuple[Intake, Questionnaire]:
    """A follow-up check-in of a patient who is a good deal worse (GROC -3)."""
    questionnaire = load_questionnaire(FOLLOW_UP)
    return build_intake(questionnaire, {**nothing_to_report(), "groc": -3}), questionnaire


# --------------------------------------------------------------------- the file

def test_a_minus_7_to_plus_7_scale_loads_with_a_condition_on_a_negative_point(
        write_yaml: Callable[..., Path]) -> None:
    path = write_yaml(HEADER + GROC + """\
        flags:
          - when: groc <= -2
            level: note
            message: Worse overall since the first session.
      - id: what_got_worse
        type: text
        label: What got worse?
        show_if: groc < 0 and groc != -1
""")
    result = read_questionnaire(path)
    assert [str(problem) for problem in result.problems] == []
    questionnaire = result.questionnaire
    assert questionnaire is not None
    for groc, shown, flagged in ((-7, True, True), (-2, True, True), (-1, False, False),
                                 (0, False, False), (5, False, False)):
        answers = {"groc": groc}
        assert ("what_got_worse" in {i.id for i in visible_items(questionnaire, answers)}) \
            is shown, groc
        flags = build_intake(questionnaire, answers).flags
        assert bool(flags) is flagged, groc


@pytest.mark.parametrize(("low", "high", "problem"), [
    (-10, 11, "12: item 'groc': a scale may have at most 21 steps; use a number item"),
    (3, -3, "11: item 'groc': min (3) must be less than max (-3)"),
    (-2, -2, "11: item 'groc': min (-2) must be less than max (-2)"),
])
def test_a_scale_with_bad_ends_is_refused_with_its_line(write_yaml: Callable[..., Path],
                                                        low: int, high: int,
                                                        problem: str) -> None:
    path = write_yaml(HEADER + GROC.replace("min: -7", f"min: {low}")
                      .replace("max: 7", f"max: {high}"))
    result = read_questionnaire(path)
    assert result.questionnaire is None
    assert [str(error) for error in result.errors] == [f"{path}:{problem}"]


def test_minus_10_to_plus_10_is_the_widest_scale(write_yaml: Callable[..., Path]) -> None:
    path = write_yaml(HEADER + GROC.replace("min: -7", "min: -10").replace("max: 7", "max: 10"))
    assert read_questionnaire(path).questionnaire is not None  # 21 steps


@pytest.mark.parametrize(("value", "low", "written"), [
    (-3, -7, "-3"), (0, -7, "0"), (3, -7, "+3"), (7, 0, "7"), (2.5, -7, "+2.5"), (-0.5, -1, "-0.5"),
])
def test_a_point_is_written_with_its_sign_only_on_a_scale_below_zero(
        value: float, low: int, written: str) -> None:
    assert scale_point(value, low) == written


# ------------------------------------------------------------ every reader of a record

def test_the_patient_reads_it_back_with_both_ends(follow_up: Questionnaire) -> None:
    groc = follow_up.items_by_id["groc"]
    assert review_text(groc, -3, follow_up, "en") == "-3 (from -7 to +7)"
    assert review_text(groc, 2, follow_up, "es") == "+2 (de -7 a +7)"
    assert review_text(follow_up.items_by_id["pain_now"], 4, follow_up, "en") == "4 of 10"


def test_the_clinician_page_shows_the_sign_and_the_range(
        worse: tuple[Intake, Questionnaire]) -> None:
    intake, questionnaire = worse
    questions = {question.item.id: question for section in lay_out(questionnaire).sections
                 for question in section.items}
    assert answer(questions["groc"], -3, intake).endswith(
        '<dd class="text">-3 on -7 to +7</dd>')
    assert answer(questions["groc"], 4, intake).endswith('<dd class="text">+4 on -7 to +7</dd>')
    assert answer(questions["pain_now"], 4, intake).endswith('<dd class="text">4 / 10</dd>')


def test_the_records_cli_shows_the_sign_and_the_range(follow_up: Questionnaire) -> None:
    groc = follow_up.items_by_id["groc"]
    assert isinstance(groc, ScaleItem)
    assert records_text(follow_up, groc, -3) == "-3 (scale -7 to +7)"
    assert records_text(follow_up, groc, 0) == "0 (scale -7 to +7)"
    assert records_text(follow_up, follow_up.items_by_id["pain_now"], 4) == "4 (scale 0-10)"


def test_csv_keeps_a_negative_groc_a_plain_number(worse: tuple[Intake, Questionnaire]) -> None:
    intake, questionnaire = worse
    better = build_intake(questionnaire, {**nothing_to_report(), "groc": 7})
    text = csv_bytes([worse, (better, questionnaire)]).decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text, newline="")))
    assert [(row["groc"], row["pain_now"], row["score.psfs_mean"]) for row in rows] == [
        ("-3", "4", "5"), ("7", "4", "5")]  # no quote: a spreadsheet reads -3 as a number


def response_answers(response: dict[str, Any]) -> dict[str, Any]:
    """Each question's answer value[x] in a QuestionnaireResponse (sections are groups)."""
    return {item["linkId"]: item["answer"][0] for section in response["item"]
            for item in section["item"] if "answer" in item}


def test_fhir_exports_a_negative_groc_as_an_integer_within_its_bounds(
        worse: tuple[Intake, Questionnaire]) -> None:
    intake, questionnaire = worse
    bundle = json.loads(fhir.to_json(fhir.bundle([worse])))
    validate(bundle)  # R4 shapes, through fhir.resources
    kinds = {entry["resource"]["resourceType"]: entry["resource"] for entry in bundle["entry"]}
    definition, response = kinds["Questionnaire"], kinds["QuestionnaireResponse"]
    check_response_matches(response, definition)
    groc = questionnaire_items(definition["item"])["groc"]
    assert groc["type"] == "integer"
    bounds = {extension["url"].rsplit("/", 1)[1]: extension["valueInteger"]
              for extension in groc["extension"]}
    assert bounds == {"minValue": -7, "maxValue": 7}
    answers = response_answers(response)
    assert answers["groc"] == {"valueInteger": -3}
    assert answers["pain_now"] == {"valueInteger": 4}
    assert intake.answers["groc"] == -3
