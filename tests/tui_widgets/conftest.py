"""Fixtures for the question-widget tests: a harness app for any list of items.

``async def`` tests run through the hook in ``tests/conftest.py``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from widget_harness import WidgetHarness, questionnaire_of


@pytest.fixture
def harness() -> Callable[..., WidgetHarness]:
    """Build a :class:`WidgetHarness` for the given items: ``harness(item, ..., language=)``."""

    def build(*items: dict[str, Any], language: str = "en",
              values: dict[str, Any] | None = None) -> WidgetHarness:
        return WidgetHarness(questionnaire_of(*items), language, values)

    return build
