"""Fixtures for the kiosk screen tests: a real KioskApp on a real store in a temporary folder.

Textual's ``App.run_test`` is async; ``async def`` tests here run on a fresh event
loop each (no async plugin needed).
"""

from __future__ import annotations

import asyncio
import inspect
import traceback
from collections.abc import Iterator
from pathlib import Path

import pytest
from kiosk_setup import KioskFactory


@pytest.hookimpl(tryfirst=True)
def pytest_pyfunc_call(pyfuncitem: pytest.Function) -> bool | None:
    if not inspect.iscoroutinefunction(pyfuncitem.obj):
        return None
    arguments = {name: pyfuncitem.funcargs[name] for name in pyfuncitem._fixtureinfo.argnames}
    asyncio.run(pyfuncitem.obj(**arguments))
    return True


@pytest.fixture
def unexpected_errors() -> Iterator[list[BaseException]]:
    """Errors the kiosk caught; a test that provokes one clears the list after checking it."""
    errors: list[BaseException] = []
    yield errors
    if errors:
        details = "".join(traceback.format_exception(errors[0]))
        pytest.fail(f"the kiosk hit {len(errors)} unexpected error(s):\n{details}")


@pytest.fixture
def make_kiosk(tmp_path: Path, unexpected_errors: list[BaseException]) -> KioskFactory:
    return KioskFactory(tmp_path, unexpected_errors)
