"""A real viewer on an ephemeral loopback port, a store with intakes, and a plain HTTP client.

The server runs on its own asyncio loop in a background thread; tests talk to it over
real sockets with ``http.client`` so they control every byte of the path and see every
redirect and header exactly as a phone's browser would.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import http.client
import re
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pytest
from answers_fixture import complete_answers

from kiosk.intake import Intake, build_intake
from kiosk.questionnaire.model import Questionnaire
from kiosk.store import Store
from kiosk.viewer import RunningViewer, start_viewer
from kiosk.viewer.accounts import StaffAccounts

STAFF_NAME = "ana"
STAFF_PASSWORD = "correct horse battery"
CSRF_FIELD = re.compile(r'name="csrf" value="([^"]*)"')


class Clock:
    """A clock the test moves by hand (seconds since the epoch), for session expiry."""

    def __init__(self) -> None:
        self.now = dt.datetime.now(dt.UTC).timestamp()

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@dataclass
class Reply:
    status: int
    headers: http.client.HTTPMessage
    text: str

    @property
    def location(self) -> str | None:
        return self.headers.get("Location")

    def header_all(self, name: str) -> list[str]:
        return self.headers.get_all(name) or []

    def csrf(self) -> str:
        found = CSRF_FIELD.search(self.text)
        assert found, "no CSRF field on this page"
        return found.group(1)


@dataclass
class Browser:
    """A minimal cookie-keeping HTTP client that never follows redirects by itself."""

    host: str
    port: int
    source: str = "127.0.0.1"  # another loopback address acts as another phone
    cookies: dict[str, str] = field(default_factory=dict)

    def request(self, method: str, path: str, form: dict[str, str] | None = None,
                headers: dict[str, str] | None = None) -> Reply:
        connection = http.client.HTTPConnection(self.host, self.port, timeout=10,
                                                source_address=(self.source, 0))
        sent = dict(headers or {})
        if self.cookies:
            sent["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if form is not None:
            body = urlencode(form).encode()
            sent["Content-Type"] = "application/x-www-form-urlencoded"
        try:
            connection.request(method, path, body=body, headers=sent)
            response = connection.getresponse()
            reply = Reply(response.status, response.headers,
                          response.read().decode("utf-8", "replace"))
        finally:
            connection.close()
        for raw in reply.header_all("Set-Cookie"):
            parsed: SimpleCookie = SimpleCookie()
            parsed.load(raw)
            for name, morsel in parsed.items():
                if morsel["max-age"] == "0" or not morsel.value:
                    self.cookies.pop(name, None)
                else:
                    self.cookies[name] = morsel.value
        return reply

    def get(self, path: str, **kwargs: Any) -> Reply:
        return self.request("GET", path, **kwargs)

    def post(self, path: str, form: dict[str, str], **kwargs: Any) -> Reply:
        return self.request("POST", path, form=form, **kwargs)

    def log_in(self, name: str = STAFF_NAME, password: str = STAFF_PASSWORD,
               next_path: str = "/") -> Reply:
        """Open the login form (for its CSRF token) and submit it, as a person would."""
        form_page = self.get("/login?" + urlencode({"next": next_path}))
        return self.post("/login", {"username": name, "password": password,
                                    "csrf": form_page.csrf(), "next": next_path})


class ViewerServer:
    """start_viewer on a private loop in a thread; stopped at the end of the test."""

    def __init__(self, store: Store, clock: Clock, public_url: str = "http://kiosk.test:8765"):
        self.store, self.clock, self.public_url = store, clock, public_url
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.thread.start()
        self.running: RunningViewer = self._call(
            start_viewer(store, "127.0.0.1", 0, public_url, clock=clock))

    def _call(self, coroutine: Any) -> Any:
        return asyncio.run_coroutine_threadsafe(coroutine, self.loop).result(timeout=30)

    @property
    def port(self) -> int:
        return self.running.port

    def browser(self, source: str = "127.0.0.1") -> Browser:
        return Browser("127.0.0.1", self.port, source)

    def stop(self) -> None:
        self._call(self.running.stop())
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(timeout=10)
        self.loop.close()



@pytest.fixture
def store(tmp_path: Path) -> Store:
    store = Store(tmp_path / "data")
    StaffAccounts(store).add(STAFF_NAME, STAFF_PASSWORD)
    return store


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def server(store: Store, clock: Clock) -> Iterator[ViewerServer]:
    running = ViewerServer(store, clock)
    yield running
    running.stop()


def save_intake(store: Store, questionnaire: Questionnaire, changes: dict[str, Any] | None = None,
                submitted_at: dt.datetime | None = None) -> Intake:
    """A complete intake with ``changes`` to the answers, stored as the kiosk would."""
    answers = complete_answers()
    answers.update(changes or {})
    intake = build_intake(questionnaire, answers)
    if submitted_at is not None:
        intake.submitted_at = intake.created_at = submitted_at
    store.save_intake(intake, questionnaire)
    return intake


@pytest.fixture
def intake(store: Store, questionnaire: Questionnaire) -> Intake:
    """A patient with a stop flag (afraid of needles) and a caution (on a blood thinner)."""
    return save_intake(store, questionnaire, {
        "needle_fear": True, "blood_thinners": True, "blood_thinner_name": ["warfarin"],
    })


@pytest.fixture
def browser(server: ViewerServer) -> Browser:
    return server.browser()


@pytest.fixture
def staff(server: ViewerServer) -> Browser:
    """A browser already logged in as staff."""
    browser = server.browser()
    reply = browser.log_in()
    assert reply.status == 303, reply.text
    return browser
