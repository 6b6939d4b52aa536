"""Test cases beside a questionnaire: staff's imagined patients fail `kiosk validate` at their line
when the file no longer does what they say."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from kiosk.cli import main
from kiosk.questionnaire.case_files import cases_path, questionnaire_path
from kiosk.questionnaire.cases import is_cases_file, read_questionnaire_with_cases

INTAKE = """\
id: small-intake
version: 1
title: Small intake
sections:
  - id: safety
    title: Safety
    items:
      - id: blood_thinners
        type: yes_no
        label: Do you take a blood thinner?
        flags:
          - when: blood_thinners == true
            level: caution
            message: Anticoagulated - bleeding risk.
      - id: blood_thinner_name
        type: single_choice
        label: Which one?
        show_if: blood_thinners == true
        options:
          - value: warfarin
            label: Warfarin
            flag: {level: note, message: Ask for the latest INR.}
          - {value: apixaban, label: Apixaban}
      - id: pain_now
        type: scale
        label: Pain right now
        flags:
          - when: pain_now >= 7
            level: note
            message: Severe pain today.
      - id: has_eaten
        type: yes_no
        label: Have you eaten today?
        flags:
          - when: has_eaten == false
            level: caution
            message: Has not eaten - fainting risk.
      - id: full_name
        type: text
        label: Full name
        role: name
      - id: date_of_birth
        type: date
        label: Date of birth
        role: birth_date
scores:
  - id: pain_score
    label: Pain
    method: mean
    items: [pain_now]
"""

CASES = """\
questionnaire: small-intake
defaults:
  has_eaten: true
cases:
  - name: nothing to report
    flags: none
    hidden: [blood_thinner_name]
    scores: {pain_score: null}
  - name: on warfarin
    answers: {blood_thinners: true, blood_thinner_name: warfarin}
    flags: {caution: blood_thinners, note: blood_thinner_name}
    shown: [blood_thinner_name]
  - name: pain 7, just inside
    answers: {pain_now: 7}
    flags: {note: pain_now}
    scores: {pain_score: 7}
  - name: pain 6, just outside
    answers: {pain_now: 6}
    flags: none
  - name: not eaten
    answers: {has_eaten: false}
    flags: {caution: has_eaten}
"""


@pytest.fixture
def intake(write_yaml: Callable[..., Path]) -> Path:
    write_yaml(CASES, "small.cases.yaml")
    return write_yaml(INTAKE, "small.yaml")


def rewrite(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def problems(path: Path) -> list[str]:
    return [str(problem) for problem in read_questionnaire_with_cases(path).problems]


def line_of(path: Path, fragment: str) -> int:
    """The last line holding ``fragment``."""
    return max(n for n, line in enumerate(path.read_text().splitlines(), 1) if fragment in line)


def test_passing_cases_are_counted_and_the_file_is_taken_up(intake: Path) -> None:
    result = read_questionnaire_with_cases(intake)
    assert [str(p) for p in result.problems] == []
    assert result.questionnaire is not None and result.cases_passed == 5


def test_a_lowered_level_names_the_case_the_item_and_both_levels(intake: Path) -> None:
    rewrite(intake, "level: caution\n            message: Anticoagulated",
            "level: note\n            message: Anticoagulated")
    result = read_questionnaire_with_cases(intake)
    cases = cases_path(intake)
    assert result.questionnaire is None
    assert [str(p) for p in result.errors] == [
        f"{cases}:{line_of(cases, '{caution: blood_thinners')}: case 'on warfarin': "
        "expected a caution flag from blood_thinners, got a note"]


def test_a_narrowed_threshold_fails_the_case_just_inside_it(intake: Path) -> None:
    rewrite(intake, "pain_now >= 7", "pain_now >= 8")
    cases = cases_path(intake)
    assert problems(intake) == [
        f"{cases}:{line_of(cases, '{note: pain_now}')}: case 'pain 7, just inside': "
        "expected a note flag from pain_now, got none"]


def test_a_widened_threshold_fails_the_case_just_outside_it(intake: Path) -> None:
    rewrite(intake, "pain_now >= 7", "pain_now >= 6")
    assert problems(intake)[0].endswith(
        "case 'pain 6, just outside': did not expect a note flag from pain_now")


def test_an_unreachable_follow_up_fails_with_its_answer_line(intake: Path) -> None:
    rewrite(intake, "show_if: blood_thinners == true", "show_if: blood_thinners == false")
    cases = cases_path(intake)
    found = problems(intake)
    assert f"{cases}:10: case 'on warfarin': answers 'blood_thinner_name', but this patient " \
           "is not shown that question" in found
    assert f"{cases}:12: case 'on warfarin': expected 'blood_thinner_name' to be shown, but " \
           "it is hidden" in found
    assert f"{cases}:7: case 'nothing to report': expected 'blood_thinner_name' to be " \
           "hidden, but it is shown" in found


def test_the_harmless_defaults_answer_no_and_leave_the_rest_blank(
        write_yaml: Callable[..., Path], intake: Path) -> None:
    # Without the file's own default, "No" to "Have you eaten today?" raises its flag.
    cases = cases_path(intake)
    rewrite(cases, "defaults:\n  has_eaten: true\n", "")
    found = problems(intake)
    assert f"{cases}:4: case 'nothing to report': did not expect a caution flag from " \
           "has_eaten" in found
    # Every other question stays blank: no score, and no follow-up opens.
    assert not [problem for problem in found if "'nothing to report'" in problem
                and "has_eaten" not in problem]


def test_a_wrong_score_is_reported(intake: Path) -> None:
    rewrite(cases_path(intake), "scores: {pain_score: 7}", "scores: {pain_score: 6.5}")
    assert problems(intake)[0].endswith(
        "case 'pain 7, just inside': expected score 'pain_score' to be 6.5, got 7")


def test_an_answer_the_patient_could_not_give_is_reported(intake: Path) -> None:
    rewrite(cases_path(intake), "answers: {pain_now: 6}", "answers: {pain_now: 11}")
    assert problems(intake)[0].endswith(
        "case 'pain 6, just outside': the answer to 'pain_now' is not accepted: "
        "Please enter 10 or less.")


@pytest.mark.parametrize(("old", "new", "message"), [
    ("answers: {pain_now: 6}", "answers: {pain_nwo: 6}",
     "case 'pain 6, just outside': no item 'pain_nwo' in the questionnaire "
     "(did you mean 'pain_now'?)"),
    ("flags: {note: pain_now}", "flags: {notes: pain_now}",
     "case 'pain 7, just inside': flags: 'notes' is not a level (did you mean 'note'?); "
     "use stop, caution, refer, note"),
    ("    flags: none\n    hidden:", "    flag: none\n    hidden:",
     "case 'nothing to report': flag: is not a known key (did you mean 'flags'?); "
     "use name, answers, flags, shown, hidden, scores"),
    ("  - name: pain 6, just outside", "  - name: pain 7, just inside",
     "case 'pain 7, just inside': the name is used twice"),
    ("questionnaire: small-intake", "questionnaire: follow-up",
     "these cases are for 'follow-up', but the questionnaire beside them is 'small-intake'"),
    ("flags: {note: pain_now}", "flags: {note: pain_score}",
     "case 'pain 7, just inside': flags: no item 'pain_score' in the questionnaire"),
])
def test_a_mistake_in_the_cases_file_is_named_at_its_line(intake: Path, old: str, new: str,
                                                          message: str) -> None:
    cases = cases_path(intake)
    rewrite(cases, old, new)
    line = line_of(cases, new.splitlines()[0].strip())
    assert f"{cases}:{line}: {message}" in problems(intake)
    assert read_questionnaire_with_cases(intake).questionnaire is None


def test_a_rule_no_case_raises_is_a_warning_at_the_rule(intake: Path) -> None:
    rewrite(cases_path(intake), "  - name: not eaten\n    answers: {has_eaten: false}\n"
                                "    flags: {caution: has_eaten}\n", "")
    result = read_questionnaire_with_cases(intake)
    assert result.questionnaire is not None
    assert [str(p) for p in result.warnings] == [
        f"{intake}:{line_of(intake, 'has_eaten == false')}: warning: item 'has_eaten': no test "
        "case raises the caution flag when has_eaten == false; add one to small.cases.yaml"]


def test_a_questionnaire_without_cases_gets_a_warning_naming_the_file(
        write_yaml: Callable[..., Path]) -> None:
    path = write_yaml(INTAKE, "small.yaml")
    result = read_questionnaire_with_cases(path)
    assert result.questionnaire is not None and result.cases_passed is None
    assert [str(p) for p in result.problems] == [
        f"{path}:1: warning: no test cases: {path.with_name('small.cases.yaml')} is missing "
        "(see 'Test cases' in the staff guide)"]


def test_cases_files_are_told_apart_by_name() -> None:
    assert is_cases_file("questionnaires/dry-needling.cases.yaml")
    assert not is_cases_file("questionnaires/dry-needling.yaml")
    assert not is_cases_file("questionnaires/cases.yaml")
    assert cases_path("q/follow-up.yaml") == Path("q/follow-up.cases.yaml")
    assert questionnaire_path("q/follow-up.cases.yaml") == Path("q/follow-up.yaml")


def test_validate_on_a_folder_glob_checks_each_questionnaire_once(
        intake: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = intake.parent
    paths = sorted(str(path) for path in folder.glob("*.yaml"))
    assert len(paths) == 2  # small.cases.yaml and small.yaml
    assert main(["validate", *paths]) == 0
    out, err = capsys.readouterr()
    assert out == f"{intake}: OK, 'small-intake' version 1, 1 sections, 6 items, " \
                  "5 cases passed\n"
    assert err == ""


def test_validate_fails_on_a_failing_case_with_exit_status_1(
        intake: Path, capsys: pytest.CaptureFixture[str]) -> None:
    rewrite(intake, "level: caution\n            message: Has not",
            "level: note\n            message: Has not")
    assert main(["validate", str(intake)]) == 1
    err = capsys.readouterr().err.splitlines()
    assert err[0].endswith("case 'not eaten': expected a caution flag from has_eaten, got a note")
    assert err[-1] == f"{intake}: FAILED, 1 error(s)"
