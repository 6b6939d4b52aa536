"""Fixtures shared by the whole suite."""

from __future__ import annotations

import asyncio
import inspect
import sys
import textwrap
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from kiosk.questionnaire.model import Questionnaire

CHROMIUM = Path("/usr/bin/chromium")
# As this machine needs them: no sandbox as root, and no calls home (the network is closed).
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]


@pytest.hookimpl(tryfirst=True)
def pytest_pyfunc_call(pyfuncitem: pytest.Function) -> bool | None:
    """``async def`` tests (Textual's ``App.run_test`` is async) run on a fresh event loop
    each; no async plugin needed."""
    if not inspect.iscoroutinefunction(pyfuncitem.obj):
        return None
    arguments = {name: pyfuncitem.funcargs[name] for name in pyfuncitem._fixtureinfo.argnames}
    asyncio.run(pyfuncitem.obj(**arguments))
    return True


@pytest.fixture
def write_yaml(tmp_path: Path) -> Callable[[str, str], Path]:
    """Write a questionnaire file (dedented) into the test's folder and return its path."""

    def write(text: str, name: str = "questionnaire.yaml") -> Path:
        path = tmp_path / name
        path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
        return path

    return write


@pytest.fixture(scope="session")
def questionnaire() -> Questionnaire:
    """The bundled first-visit questionnaire (modules that need another define their own)."""
    from kiosk.paths import BUNDLED_QUESTIONNAIRE
    from kiosk.questionnaire.loader import load_questionnaire

    return load_questionnaire(BUNDLED_QUESTIONNAIRE)


@pytest.fixture(scope="session")
def chromium() -> Iterator[Any]:
    """Debian's headless chromium through Playwright; a loud skip where it is not installed."""
    if not CHROMIUM.exists():
        reason = (f"BROWSER TESTS SKIPPED: {CHROMIUM} is missing. Install Debian's chromium "
                  "(apt-get install chromium, or run .ci/run) to check the pages in a browser.")
        print(reason, file=sys.stderr)
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True,
                                             args=CHROMIUM_ARGS)
        yield browser
        browser.close()
