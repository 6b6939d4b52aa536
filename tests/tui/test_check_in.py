"""A check-in's own view of a section's problems agrees with kiosk.questionnaire.logic's,
for any answers."""

from __future__ import annotations

from typing import Any

import pytest
from answers_fixture import complete_answers

from kiosk.paths import BUNDLED_QUESTIONNAIRE
from kiosk.questionnaire.loader import load_questionnaire
from kiosk.questionnaire.logic import section_problems
from screens.check_in import CheckIn

QUESTIONNAIRE = load_questionnaire(BUNDLED_QUESTIONNAIRE)


def broken(answers: dict[str, Any]) -> dict[str, Any]:
    """Every other answer replaced by one no item accepts."""
    return {item_id: ({"not": "an answer"} if index % 2 else value)
            for index, (item_id, value) in enumerate(answers.items())}


@pytest.mark.parametrize("answers", [{}, complete_answers(), broken(complete_answers())],
                         ids=["none", "complete", "half-broken"])
@pytest.mark.parametrize("language", ["en", "es"])
def test_section_problems_are_kiosk_logics_in_the_same_order(answers: dict[str, Any],
                                                             language: str) -> None:
    check_in = CheckIn(QUESTIONNAIRE, language, answers=dict(answers))
    for section in QUESTIONNAIRE.sections:
        expected = section_problems(QUESTIONNAIRE, section, answers, language)
        found = check_in.section_problems(section)
        assert list(found.items()) == list(expected.items()), section.id
    assert any(check_in.section_problems(section) for section in QUESTIONNAIRE.sections) \
        == bool(answers != complete_answers())
