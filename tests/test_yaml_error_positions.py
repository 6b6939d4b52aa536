"""A YAML mistake is reported where it starts: the line where an unclosed quote, bracket or
brace opens, with the line where the YAML reader gave up as context; a misspelt key gets
"did you mean"."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from kiosk.questionnaire.loader import read_questionnaire

TOP = """\
id: bleeding-check
version: 1
title: {en: Bleeding check, es: Control de sangrado}
languages: [en, es]
sections:
  - id: safety
    title: {en: Safety, es: Seguridad}
    items:
"""
# Line 9 onwards: each case puts its mistake on line 11, then more items follow.
ITEM = """\
      - id: bleeding
        type: yes_no
        label: {en: "Do you bleed easily?", es: "¿Sangra con facilidad?"}
"""
LATER = """\
      - id: blood_thinners
        type: yes_no
        label: {en: Do you take a blood thinner?, es: ¿Toma un anticoagulante?}
      - id: blood_thinner_name
        type: text
        label: {en: Which one?, es: ¿Cuál?}
        show_if: blood_thinners == true
      - id: notes
        type: long_text
        label: {en: Anything else?, es: ¿Algo más?}
"""


def broken(mistake: str, later: str = LATER) -> str:
    return TOP + ITEM.replace(
        '        label: {en: "Do you bleed easily?", es: "¿Sangra con facilidad?"}\n',
        mistake) + later


def only_error(write_yaml: Callable[..., Path], text: str) -> str:
    path = write_yaml(text)
    result = read_questionnaire(path)
    assert result.questionnaire is None
    (error,) = [str(problem) for problem in result.errors]
    assert error.startswith(f"{path}:")
    return error.removeprefix(f"{path}:")


def test_the_example_file_loads_before_it_is_broken(write_yaml: Callable[..., Path]) -> None:
    result = read_questionnaire(write_yaml(broken(ITEM.splitlines(keepends=True)[2])))
    assert [str(problem) for problem in result.problems] == []


@pytest.mark.parametrize(("mistake", "later", "expected"), [
    pytest.param('        label: {en: "Do you bleed easily?, es: ¿Sangra con facilidad?}\n',
                 LATER.replace('"', ""),
                 '11: YAML syntax: the " opened on this line is never closed (the YAML '
                 "reader gave up at line 22: found unexpected end of stream)",
                 id="unclosed-double-quote-at-the-end-of-the-file"),
    pytest.param("        label: 'Do you bleed easily?\n", LATER,
                 "11: YAML syntax: the ' opened on this line is never closed (the YAML "
                 "reader gave up at line 22: found unexpected end of stream)",
                 id="unclosed-single-quote"),
    pytest.param('        label: {en: "Do you bleed easily?, es: ¿Sangra con facilidad?}\n',
                 LATER.replace("{en: Which one?, es: ¿Cuál?}", '"Which one?"'),
                 '11: YAML syntax: the " opened on this line is closed only on line 17, so '
                 "the lines between became part of the text (the YAML reader gave up at "
                 "line 17: expected ',' or '}', but got '<scalar>')",
                 id="quote-closed-by-a-later-quote"),
    pytest.param('        label: "Do you bleed easily?\n',
                 LATER.replace("{en: Which one?, es: ¿Cuál?}", '"Which one?"'),
                 '11: YAML syntax: the " opened on this line is closed only on line 17, so '
                 "the lines between became part of the text (the YAML reader gave up at "
                 "line 17: expected <block end>, but found '<scalar>')",
                 id="quote-outside-braces-closed-by-a-later-quote"),
    pytest.param("        label: {en: Do you bleed easily?, es: ¿Sangra con facilidad?\n", LATER,
                 "11: YAML syntax: the { opened on this line is not closed with } (the YAML "
                 "reader gave up at line 12: expected ',' or '}', but got ':')",
                 id="unclosed-brace"),
    pytest.param("        label: Do you bleed easily?\n        regions: [front.neck, back.neck\n",
                 LATER,
                 "12: YAML syntax: the [ opened on this line is not closed with ] (the YAML "
                 "reader gave up at line 13: expected ',' or ']', but got ':')",
                 id="unclosed-bracket"),
    pytest.param("        label: Do you bleed easily?\n", LATER + "        regions: [front.neck\n",
                 "22: YAML syntax: the [ opened on this line is not closed with ] (the YAML "
                 "reader gave up at line 23: expected ',' or ']', but got '<stream end>')",
                 id="unclosed-bracket-on-the-last-line"),
])
def test_an_unclosed_quote_or_bracket_is_reported_where_it_opens(
        write_yaml: Callable[..., Path], mistake: str, later: str, expected: str) -> None:
    assert only_error(write_yaml, broken(mistake, later)) == expected


def test_other_syntax_mistakes_keep_the_readers_line(write_yaml: Callable[..., Path]) -> None:
    text = broken("        label: Bleeding\n\tlabel: tab\n")
    assert only_error(write_yaml, text).startswith("12: YAML syntax: ")


@pytest.mark.parametrize(("key", "line", "expected"), [
    ("requierd: true", 12, "item 'bleeding': requierd: is not a known key; did you mean "
                           "'required'?"),
    ("show-if: bleeding == true", 12, "item 'bleeding': show-if: is not a known key; did you "
                                      "mean 'show_if'?"),
    ("lable: Bleeding", 12, "item 'bleeding': lable: is not a known key; did you mean 'label'?"),
    ("colour: red", 12, "item 'bleeding': colour: is not a known key (check its spelling)"),
    ("options: [a, b]", 12, "item 'bleeding': options: is not a known key (check its "
                            "spelling)"),  # a key of another item type is not suggested
])
def test_an_unknown_key_gets_did_you_mean_when_one_is_close(
        write_yaml: Callable[..., Path], key: str, line: int, expected: str) -> None:
    text = broken(ITEM.splitlines(keepends=True)[2] + f"        {key}\n")
    assert only_error(write_yaml, text) == f"{line}: {expected}"


def test_did_you_mean_knows_each_level_of_the_file(write_yaml: Callable[..., Path]) -> None:
    text = broken(ITEM.splitlines(keepends=True)[2] + "        flags:\n"
                  "          - when: bleeding == true\n            levle: stop\n"
                  "            level: stop\n            message: Bleeds.\n").replace(
        "    title: {en: Safety", "    titel: x\n    title: {en: Safety")
    path = write_yaml(text)
    assert [str(p).removeprefix(f"{path}:") for p in read_questionnaire(path).errors] == [
        "7: section 'safety': titel: is not a known key; did you mean 'title'?",
        "15: item 'bleeding': levle: is not a known key; did you mean 'level'?",
    ]
