"""The kiosk starts the clinician viewer in a process of its own, and still runs when it cannot."""

from __future__ import annotations

import asyncio
import json
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Any

from kiosk_setup import EVERY_TYPE
from listening_sockets import listens_on
from textual.pilot import Pilot

from kiosk.viewer_child import ViewerChild, ViewerPlan
from kiosk.viewer_probe import viewer_answers
from screens.app import KioskApp
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
        assert not listens_on(port), "the viewer runs in a process of its own"
        second = make_kiosk(EVERY_TYPE, viewer=ViewerPlan("127.0.0.1", port))
        async with second.run_test(size=(80, 24)) as other:
            assert (await viewer_settled(second, other)).startswith("already served")
            assert isinstance(second.screen, WelcomeScreen)
    # The viewer's process stopped with its kiosk: nothing listens on the port any more.
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


def test_the_viewer_stops_by_itself_when_its_kiosk_is_killed(tmp_path: Path) -> None:
    """A kiosk killed outright (SIGKILL: no clean-up) leaves no viewer behind; and the
    kiosk's own process never loaded the web viewer."""
    parent = subprocess.Popen(
        [sys.executable, "-c", KIOSK_WITH_VIEWER, str(tmp_path)], stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE, text=True)
    assert parent.stdout is not None
    port, loaded = parent.stdout.readline().split()
    try:
        assert health(int(port))["service"]
        assert loaded == "none", f"the kiosk process imported {loaded}"
    finally:
        parent.kill()
        parent.wait()
    deadline = time.monotonic() + 5
    while viewer_answers("127.0.0.1", int(port), timeout=0.5):
        assert time.monotonic() < deadline, "the viewer outlived its killed kiosk"
        time.sleep(0.05)


# A stand-in for the kiosk process: starts its viewer child, says the port and which web
# modules it loaded itself, then waits to be killed.
KIOSK_WITH_VIEWER = """
import sys, time
from pathlib import Path
from kiosk.viewer_child import ViewerChild, ViewerPlan
child = ViewerChild(ViewerPlan("127.0.0.1", 0), Path(sys.argv[1]), "http://clinic.example")
child.start()
loaded = [name for name in ("aiohttp", "jinja2", "kiosk.viewer") if name in sys.modules]
print(child.port, ",".join(loaded) or "none", flush=True)
time.sleep(60)
"""


def test_a_viewer_that_dies_later_is_reported_not_running(tmp_path: Path) -> None:
    child = ViewerChild(ViewerPlan("127.0.0.1", 0), tmp_path, "http://clinic.example")
    child.start()
    try:
        assert child.state.startswith("serving on 127.0.0.1:")
        assert child._process is not None
        child._process.kill()
        child._process.wait()
        assert child.state == "not running: the viewer process stopped (exit code -9)"
    finally:
        child.stop()
