"""No malformed questionnaire file, however strange, makes the loader crash."""

from __future__ import annotations

import io
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from ruamel.yaml import YAML

from kiosk.questionnaire.loader import parse_questionnaire
from kiosk.questionnaire.model import ITEM_TYPES

KEYS = ["id", "type", "label", "required", "show_if", "flags", "options", "min", "max",
        "when", "level", "message", "items", "title", "version", "sections", "languages",
        "value", "exclusive", "text", "name_item", "scores", "method", "regions", "en", "es"]
scalars = st.one_of(
    st.none(), st.booleans(), st.integers(-5, 20), st.floats(allow_nan=True),
    st.sampled_from([*ITEM_TYPES, "stop", "caution", "a == true", "a ==", "x(", "a", "en"]),
    st.text(max_size=12),
)
values = st.recursive(
    scalars,
    lambda children: st.one_of(st.lists(children, max_size=4),
                               st.dictionaries(st.sampled_from(KEYS), children, max_size=5)),
    max_leaves=25,
)


def assert_reported_cleanly(text: str) -> None:
    result = parse_questionnaire(text, "fuzz.yaml")
    for problem in result.problems:
        assert problem.line >= 1
        assert str(problem).startswith("fuzz.yaml:")
        assert "Traceback" not in problem.message
    assert (result.questionnaire is None) == bool(result.errors)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(max_size=300))
def test_random_text_never_crashes_the_loader(text: str) -> None:
    assert_reported_cleanly(text)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.dictionaries(st.sampled_from(KEYS), values, max_size=6))
def test_random_mappings_never_crash_the_loader(document: dict[str, Any]) -> None:
    buffer = io.StringIO()
    YAML().dump(document, buffer)
    assert_reported_cleanly(buffer.getvalue())


item = st.fixed_dictionaries(
    {"id": st.sampled_from(["a", "b", "c", "Bad id"]), "type": st.sampled_from(ITEM_TYPES)},
    optional={"label": values, "show_if": st.sampled_from(["a == true", "b > 3", "c(", "z"]),
              "options": values, "min": scalars, "max": scalars, "required": scalars,
              "flags": values, "text": values},
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(item, min_size=1, max_size=5))
def test_nearly_valid_questionnaires_never_crash_the_loader(items: list[dict[str, Any]]) -> None:
    document = {"id": "fuzz", "version": 1, "title": "Fuzz",
                "sections": [{"id": "s", "title": "S", "items": items}]}
    buffer = io.StringIO()
    YAML().dump(document, buffer)
    assert_reported_cleanly(buffer.getvalue())


def test_deeply_nested_yaml_is_reported_not_a_crash() -> None:
    text = "a: " + "[" * 500 + "]" * 500
    assert_reported_cleanly(text)
    assert "nested too deeply" in str(parse_questionnaire(text).errors[0])


def test_yaml_alias_bomb_is_reported_not_expanded() -> None:
    bomb = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{chr(98 + i)}: &{chr(98 + i)} [*{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, "
        f"*{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}]\n" for i in range(8))
    assert_reported_cleanly(bomb)
