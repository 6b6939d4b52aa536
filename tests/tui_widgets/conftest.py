"""Fixtures for the question-widget tests: a harness app for any list of items.

Textual's ``App.run_test`` is async; ``async def`` tests here run on a fresh event
loop each (no async plugin needed).
"""

from __future__ import annotations

import asyncio
import inspect
from collections.abc import Callable
from typing import Any

import pytest
from widget_harness import WidgetHarness, questionnaire_of


@pytest.hookimpl(tryfirst=True)
def pytest_pyfunc_call(pyfuncitem: pytest.Function) -> bool | None:
    if not inspect.iscoroutinefunction(pyfuncitem.obj):
        return None
    arguments = {name: pyfuncitem.funcargs[name]
                 for name in pyfuncitem._fixtureinfo.argnames}
    asyncio.run(pyfuncitem.obj(**arguments))
    return True


@pytest.fixture
def harness() -> Callable[..., WidgetHarness]:
    """Build a :class:`WidgetHarness` for the given items: ``harness(item, ..., language=)``."""

    def build(*items: dict[str, Any], language: str = "en",
              values: dict[str, Any] | None = None) -> WidgetHarness:
        return WidgetHarness(questionnaire_of(*items), language, values)

    return build
