"""A staff member's typo is reported as FILE:LINE: message, every problem at once, never a crash."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from kiosk.questionnaire.loader import QuestionnaireError, load_questionnaire, read_questionnaire

HEADER = """\
id: test-intake
version: 1
title: Test intake
sections:
  - id: safety
    title: Safety
    items:
"""


def errors_of(path: Path) -> list[str]:
    result = read_questionnaire(path)
    assert result.questionnaire is None, "a broken file must not load"
    return [str(problem) for problem in result.errors]


def with_items(items: str) -> str:
    return HEADER + items


# Each case: the file's items (after HEADER, which ends at line 7), the line expected
# and a fragment of the message.
CASES = {
    "unknown name in show_if": (
        """\
      - id: blood_thinners
        type: yes_no
        label: Do you take a blood thinner?
      - id: blood_thinner_name
        type: text
        label: Which one?
        show_if: blood_thiner == true
""", 14, "item 'blood_thinner_name': show_if refers to unknown or later item 'blood_thiner'"),
    "forward reference": (
        """\
      - id: which
        type: text
        label: Which one?
        show_if: later == true
      - id: later
        type: yes_no
        label: Later
""", 11, "refers to unknown or later item 'later'"),
    "self reference in show_if": (
        """\
      - id: loop
        type: yes_no
        label: Loop?
        show_if: loop == true
""", 11, "refers to unknown or later item 'loop'"),
    "call in a condition": (
        """\
      - id: a
        type: yes_no
        label: A
      - id: b
        type: yes_no
        label: B
        show_if: __import__('os').system('x')
""", 14, "function calls are not allowed"),
    "condition syntax error": (
        """\
      - id: a
        type: yes_no
        label: A
        flags:
          - when: a ==
            level: stop
            message: x
""", 12, "cannot read the condition"),
    "unknown item type": (
        """\
      - id: a
        type: yesno
        label: A
""", 9, "unknown type 'yesno'"),
    "missing type": (
        """\
      - id: a
        label: A
""", 8, "an item needs a type"),
    "misspelled key": (
        """\
      - id: a
        type: text
        label: A
        requird: true
""", 11, "requird: is not a known key"),
    "missing label": (
        """\
      - id: a
        type: text
""", 8, "item 'a': label: is required but missing"),
    "bad flag level": (
        """\
      - id: a
        type: yes_no
        label: A
        flags:
          - when: a == true
            level: danger
            message: x
""", 13, "level: must be 'stop', 'caution', 'refer' or 'note' (found 'danger')"),
    "min above max": (
        """\
      - id: pain
        type: scale
        label: Pain
        min: 10
        max: 0
""", 11, "item 'pain': min (10) must be less than max (0)"),
    "choice without options": (
        """\
      - id: colour
        type: single_choice
        label: Colour
        options: []
""", 11, "options: needs at least 1 entry"),
    "choice with no options key": (
        """\
      - id: colour
        type: multi_choice
        label: Colour
""", 8, "options: is required but missing"),
    "duplicate item id": (
        """\
      - id: a
        type: text
        label: A
      - id: a
        type: text
        label: A again
""", 11, "item id 'a' is used twice"),
    "duplicate option": (
        """\
      - id: a
        type: single_choice
        label: A
        options: [red, blue, red]
""", 11, "option 'red' is listed twice"),
    "option that does not exist in a condition": (
        """\
      - id: colour
        type: single_choice
        label: Colour
        options: [red, blue]
      - id: why
        type: text
        label: Why?
        show_if: colour == 'green'
""", 15, "'colour' has no option 'green'"),
    "yes/no compared with a string": (
        """\
      - id: a
        type: yes_no
        label: A
      - id: b
        type: text
        label: B
        show_if: a == 'yes'
""", 14, "compare it with true or false"),
    "unknown body-map region in a condition": (
        """\
      - id: where
        type: body_map
        label: Where?
      - id: knee
        type: text
        label: Knee?
        show_if: "'front.kne.left' in where"
""", 14, "'front.kne.left' is not a body-map region"),
    "bad id": (
        """\
      - id: Blood Thinners
        type: yes_no
        label: A
""", 8, "'Blood Thinners' is not a valid id"),
    "info item cannot be required": (
        """\
      - id: note
        type: info
        label: Read this
        required: true
""", 11, "an info item has no answer"),
    "consent name must be an earlier text item": (
        """\
      - id: consent
        type: consent
        label: Consent
        text: I agree
        name_item: full_name
""", 12, "name_item must be an earlier text item"),
    "unknown region in body map subset": (
        """\
      - id: where
        type: body_map
        label: Where?
        regions: [front.knee.left, front.elbow.middle]
""", 11, "unknown body-map region 'front.elbow.middle'"),
    "wrong value type": (
        """\
      - id: a
        type: text
        label: A
        max_length: lots
""", 11, "max_length: must be a valid integer"),
}


@pytest.mark.parametrize("case", CASES.keys())
def test_each_error_names_file_line_and_problem(case: str, write_yaml: Callable[..., Path]
                                               ) -> None:
    items, line, fragment = CASES[case]
    path = write_yaml(with_items(items))
    errors = errors_of(path)
    assert any(e.startswith(f"{path}:{line}: ") and fragment in e for e in errors), errors


def test_yaml_syntax_error_names_its_line(write_yaml: Callable[..., Path]) -> None:
    path = write_yaml(with_items("      - id: a\n        type: [text\n        label: A\n"))
    (error,) = errors_of(path)
    # The [ opens on line 9; the reader gives up on line 10, which is named as context.
    assert error.startswith(f"{path}:9: YAML syntax: the [ opened on this line is not closed")
    assert "gave up at line 10" in error


def test_tab_indentation_is_a_syntax_error_with_a_line(write_yaml: Callable[..., Path]) -> None:
    path = write_yaml(with_items("      - id: a\n\ttype: text\n"))
    (error,) = errors_of(path)
    assert error.startswith(f"{path}:9: YAML syntax:")


def test_duplicate_yaml_key_is_reported(write_yaml: Callable[..., Path]) -> None:
    path = write_yaml(with_items("      - id: a\n        type: text\n        label: A\n"
                                 "        label: B\n"))
    (error,) = errors_of(path)
    assert error.startswith(f"{path}:") and "duplicate" in error


def test_every_problem_in_a_file_is_reported_not_only_the_first(
        write_yaml: Callable[..., Path]) -> None:
    path = write_yaml(with_items(CASES["unknown name in show_if"][0]
                                 + CASES["misspelled key"][0].replace("id: a", "id: c")
                                 + CASES["min above max"][0]))
    errors = errors_of(path)
    assert any("blood_thiner" in e for e in errors)
    assert any("requird" in e for e in errors)
    assert any("min (10)" in e for e in errors)


@pytest.mark.parametrize(
    ("content", "fragment"),
    [
        ("", "must be a mapping"),
        ("- just\n- a list\n", "must be a mapping"),
        ("id: x\n", "is required but missing"),
        ("id: x\nversion: 1\ntitle: T\nsections: []\n", "needs at least 1 entry"),
        ("id: x\nversion: 0\ntitle: T\nsections: []\n", "version"),
        ("id: x\nversion: 1\ntitle: T\nlanguages: [english]\nsections: []\n", "languages"),
    ],
)
def test_broken_top_level_is_reported(content: str, fragment: str,
                                      write_yaml: Callable[..., Path]) -> None:
    errors = errors_of(write_yaml(content))
    assert any(fragment in e for e in errors), errors


def test_unknown_language_in_a_text_is_an_error(write_yaml: Callable[..., Path]) -> None:
    path = write_yaml(with_items("      - id: a\n        type: text\n"
                                 "        label: {en: A, fr: Un}\n"))
    expected = ":10: item 'a': label: language 'fr' is not in languages"
    assert any(expected in e for e in errors_of(path))


def test_missing_translation_is_a_warning_not_an_error(write_yaml: Callable[..., Path]) -> None:
    path = write_yaml(HEADER.replace("title: Test intake", "title: {en: Test, es: Prueba}\n"
                                     "languages: [en, es]")
                      .replace("title: Safety", "title: {en: Safety, es: Seguridad}")
                      + "      - id: a\n        type: text\n        label: {en: Name}\n")
    result = read_questionnaire(path)
    assert result.questionnaire is not None
    assert [str(w) for w in result.warnings] == [
        f"{path}:11: warning: item 'a': label: no 'es' text; the 'en' text will show"]


def test_a_file_that_is_not_utf8_is_reported(tmp_path: Path) -> None:
    path = tmp_path / "latin1.yaml"
    path.write_bytes("id: x\ntitle: Espa\xf1ol\n".encode("latin-1"))
    assert errors_of(path) == [f"{path}:2: the file is not UTF-8 text"]


def test_a_missing_file_is_reported(tmp_path: Path) -> None:
    assert errors_of(tmp_path / "nope.yaml") == [
        f"{tmp_path / 'nope.yaml'}:0: cannot read the file: No such file or directory"]


def test_load_questionnaire_raises_with_every_line(write_yaml: Callable[..., Path]) -> None:
    path = write_yaml(with_items(CASES["min above max"][0]))
    with pytest.raises(QuestionnaireError) as raised:
        load_questionnaire(path)
    assert str(raised.value) == f"{path}:11: item 'pain': min (10) must be less than max (0)"


def test_content_hash_ignores_comments_and_layout(write_yaml: Callable[..., Path]) -> None:
    plain = with_items("      - id: a\n        type: text\n        label: A\n")
    commented = "# edited by the front desk\n" + plain.replace("label: A", "label:   A  # ok")
    first = load_questionnaire(write_yaml(plain, "a.yaml"))
    second = load_questionnaire(write_yaml(commented, "b.yaml"))
    changed = load_questionnaire(write_yaml(plain.replace("label: A", "label: B"), "c.yaml"))
    assert first.content_hash == second.content_hash != changed.content_hash
