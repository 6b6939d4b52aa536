"""Fixtures for the kiosk screen tests: a real KioskApp on a real store in a temporary folder.

``async def`` tests run through the hook in ``tests/conftest.py``.
"""

from __future__ import annotations

import traceback
from collections.abc import Iterator
from pathlib import Path

import pytest
from kiosk_setup import KioskFactory


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
