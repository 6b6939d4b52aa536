"""The kiosk serves the clinician viewer itself, and still runs when it cannot."""

from __future__ import annotations

import asyncio
import json
import socket
import urllib.request
from typing import Any

from kiosk_setup import EVERY_TYPE
from textual.pilot import Pilot

from screens.app import KioskApp, ViewerPlan
from screens.welcome_screen import WelcomeScreen


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


async def viewer_settled(app: KioskApp, pilot: Pilot[Any]) -> str:
    for _ in range(100):
        if app.viewer_state != "starting":
            return app.viewer_state
        await pilot.pause(0.05)
    raise AssertionError("the viewer never started nor failed")


def health(port: int) -> Any:
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=5) as reply:
        return json.loads(reply.read())


async def test_the_kiosk_serves_the_viewer_and_a_second_kiosk_leaves_it_be(
        make_kiosk: Any) -> None:
    port = free_port()
    first = make_kiosk(EVERY_TYPE, viewer=ViewerPlan("127.0.0.1", port))
    async with first.run_test(size=(80, 24)) as pilot:
        assert (await viewer_settled(first, pilot)).startswith("serving on 127.0.0.1")
        assert "service" in await asyncio.to_thread(health, port)
        second = make_kiosk(EVERY_TYPE, viewer=ViewerPlan("127.0.0.1", port))
        async with second.run_test(size=(80, 24)) as other:
            assert (await viewer_settled(second, other)).startswith("already served")
            assert isinstance(second.screen, WelcomeScreen)
    # The viewer stopped with its kiosk: nothing listens on the port any more.
    with socket.socket() as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        probe.bind(("127.0.0.1", port))


async def test_a_taken_port_leaves_the_kiosk_running_without_a_viewer(make_kiosk: Any) -> None:
    with socket.socket() as squatter:
        squatter.bind(("127.0.0.1", 0))
        squatter.listen()
        port = squatter.getsockname()[1]
        app = make_kiosk(EVERY_TYPE, viewer=ViewerPlan("127.0.0.1", port))
        async with app.run_test(size=(80, 24)) as pilot:
            state = await viewer_settled(app, pilot)
            assert state.startswith("not running") and str(port) in state
            assert isinstance(app.screen, WelcomeScreen)
            await pilot.press("enter")
            assert app.check_in is not None  # patients check in as usual
