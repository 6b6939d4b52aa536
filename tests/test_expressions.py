"""The condition language of show_if and flag `when`: what it means and what it refuses."""

from __future__ import annotations

import pytest

from kiosk.questionnaire.expressions import ExpressionError, parse_expression

ANSWERS = {
    "blood_thinners": True,
    "pregnant": False,
    "pain_now": 7,
    "weeks": 2.5,
    "sex": "female",
    "pain_areas": ["front.knee.left", "back.low_back.right"],
    "conditions": ["neck_pain"],
}


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("blood_thinners == true", True),
        ("blood_thinners == True", True),
        ("blood_thinners != true", False),
        ("pregnant == false", True),
        ("pregnant == true", False),
        ("pain_now >= 7", True),
        ("pain_now > 7", False),
        ("pain_now < 8", True),
        ("pain_now <= 6", False),
        ("weeks < 6", True),
        ("3 < pain_now < 8", True),
        ("sex == 'female'", True),
        ("sex == \"male\"", False),
        ("'front.knee.left' in pain_areas", True),
        ("'front.knee.right' in pain_areas", False),
        ("'front.knee.right' not in pain_areas", True),
        ("pain_now in [7, 8, 9, 10]", True),
        ("pain_now not in [-1, 0]", True),
        ("sex in ['male', 'other']", False),
        ("blood_thinners == true and pain_now >= 7", True),
        ("blood_thinners == true and pain_now >= 9", False),
        ("pregnant == true or pain_now >= 7", True),
        ("pregnant == true or pain_now >= 9", False),
        ("not pregnant", True),
        ("not (blood_thinners == true and pain_now > 5)", False),
        ("(pregnant == true or blood_thinners == true) and 'neck_pain' in conditions", True),
    ],
)
def test_truth_table(source: str, expected: bool) -> None:
    assert parse_expression(source).evaluate(ANSWERS) is expected


@pytest.mark.parametrize(
    "source",
    ["blood_thinners == true", "pain_now >= 7", "pain_now < 3", "'x' in pain_areas",
     "sex == 'female'", "pain_now == 0"],
)
def test_an_unanswered_item_never_makes_a_condition_true(source: str) -> None:
    assert parse_expression(source).evaluate({}) is False


def test_an_unanswered_item_equals_null() -> None:
    assert parse_expression("pain_now == null").evaluate({}) is True
    assert parse_expression("pain_now != null").evaluate({"pain_now": 0}) is True


def test_mismatched_types_read_as_false_instead_of_crashing() -> None:
    assert parse_expression("sex > 3").evaluate(ANSWERS) is False
    assert parse_expression("pain_now == 'seven'").evaluate(ANSWERS) is False
    assert parse_expression("'x' in pain_now").evaluate(ANSWERS) is False


def test_yes_is_not_the_number_one() -> None:
    # Python says True == 1; a yes/no answer must not match a number of 1.
    assert parse_expression("blood_thinners == 1").evaluate(ANSWERS) is False


def test_names_lists_the_items_read() -> None:
    expression = parse_expression("blood_thinners == true and 'a' in pain_areas or not x")
    assert expression.names == {"blood_thinners", "pain_areas", "x"}


@pytest.mark.parametrize(
    ("source", "reason"),
    [
        ("__import__('os').system('rm -rf /')", "function calls"),
        ("open('/etc/passwd')", "function calls"),
        ("pain_areas.count", "attributes"),
        ("pain_areas[0] == 'x'", "subscripts"),
        ("pain_now + 1 > 3", "arithmetic"),
        ("-pain_now < 3", "arithmetic"),
        ("lambda: 1", "Lambda"),
        ("a if b else c", "IfExp"),
        ("[x for x in pain_areas]", "ListComp"),
        ("pain_now == ", "cannot read"),
        ("pain_now = 3", "cannot read"),
        ("", "empty"),
        ("   ", "empty"),
        ("pain_now is None", "operator"),
        ("{'a': 1}", "Dict"),
        ("b'bytes' == x", "not allowed"),
        ("x in [y]", "plain values"),
        ("(x := 3)", "NamedExpr"),
        ("x" * 501, "longer than"),
    ],
)
def test_rejected_constructs(source: str, reason: str) -> None:
    with pytest.raises(ExpressionError, match=reason):
        parse_expression(source)
