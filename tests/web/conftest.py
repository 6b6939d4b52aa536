"""``kiosk web`` as a real process on a free loopback port, and Debian's chromium to open it.

The server runs exactly as staff start it (the console script, its own process group
so that every tab's kiosk process is stopped with it); the browser is a tablet:
1024x768, touch on.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from kiosk.storage.layout import DRAFTS_FILE
from kiosk.store import Draft, Store

KIOSK = Path(sys.executable).parent / "kiosk"
TABLET_INTAKE = Path(__file__).parent / "tablet_intake.yaml"
PUBLIC_URL = "http://clinic.example:8765"
TABLET = {"width": 1024, "height": 768}
START_TIMEOUT = 20.0


@dataclass
class KioskWeb:
    """A running ``kiosk web``: its page URL, its data folder and what it printed."""

    process: subprocess.Popen[str]
    data: Path
    url: str = ""
    output: list[str] = field(default_factory=list)
    left_behind: list[int] = field(default_factory=list)  # tab processes alive after stop

    @property
    def store(self) -> Store:
        return Store(self.data)

    def drafts(self) -> dict[str, Draft]:
        """Every station's draft, read through the store (stations found in its file)."""
        path = self.data / DRAFTS_FILE
        if not path.exists():
            return {}
        stations = [row["station"] for row in
                    json.loads(path.read_text(encoding="utf-8")).get("drafts", {}).values()]
        found = {station: self.store.load_draft(station) for station in stations}
        return {station: draft for station, draft in found.items() if draft is not None}

    def kiosk_processes(self) -> list[int]:
        """Process ids of the tabs' kiosks still running (in the server's process group)."""
        group = self.process.pid  # it leads its own session and group
        alive = []
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit() or int(entry.name) == self.process.pid:
                continue
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
                command = (entry / "cmdline").read_bytes()
            except OSError:
                continue
            if int(fields[2]) == group and b"kiosk.web_tab" in command:
                alive.append(int(entry.name))
        return alive


def eventually(condition: Callable[[], bool], seconds: float = 15.0) -> bool:
    """Whether ``condition`` comes true within ``seconds`` (the kiosk saves off its loop)."""
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)
    return True


def start_kiosk_web(data: Path, *options: str) -> KioskWeb:
    """``kiosk web`` on a free loopback port; returns once it has said all it says."""
    process = subprocess.Popen(
        [str(KIOSK), "web", "--data", str(data), "--port", "0", *options],
        stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        start_new_session=True)
    server = KioskWeb(process, data)
    ready = threading.Event()

    def read() -> None:
        assert process.stdout is not None
        for line in process.stdout:
            server.output.append(line.rstrip("\n"))
            found = re.match(r"Tablets: open (https?://\S+)", line)
            if found:
                server.url = found[1]
            if line.startswith("Press Ctrl+C to stop."):  # the last line it prints
                ready.set()
        ready.set()

    threading.Thread(target=read, daemon=True).start()
    if not ready.wait(START_TIMEOUT) or not server.url:
        stop_kiosk_web(server)
        raise AssertionError("kiosk web did not start:\n" + "\n".join(server.output))
    return server


def stop_kiosk_web(server: KioskWeb) -> int:
    """Stop it as a service manager does (SIGTERM); notes the tab processes it left
    behind, then kills whatever is left of its group."""
    if server.process.poll() is None:
        server.process.send_signal(signal.SIGTERM)
        with contextlib.suppress(subprocess.TimeoutExpired):
            server.process.wait(timeout=10)
    deadline = time.monotonic() + 15  # a tab's kiosk ends within moments of its server
    while server.kiosk_processes() and time.monotonic() < deadline:
        time.sleep(0.05)
    server.left_behind = server.kiosk_processes()
    with contextlib.suppress(ProcessLookupError):
        os.killpg(server.process.pid, signal.SIGKILL)  # tabs left behind, if any
    return server.process.wait()


@pytest.fixture
def kiosk_web(tmp_path: Path) -> Iterator[Callable[..., KioskWeb]]:
    """Start ``kiosk web`` with the tablet intake (more options may be given)."""
    started: list[KioskWeb] = []

    def start(*options: str) -> KioskWeb:
        server = start_kiosk_web(tmp_path / "data", "--questionnaire", str(TABLET_INTAKE),
                                 "--public-url", PUBLIC_URL, *options)
        started.append(server)
        return server

    yield start
    for server in started:
        stop_kiosk_web(server)


@pytest.fixture
def new_tablet(chromium: Any, tmp_path: Path) -> Iterator[Callable[..., Any]]:
    """A fresh tablet (its own browser context: a separate device) named for screenshots;
    landscape 1024x768 unless ``portrait``."""
    from web.tablet import Tablet

    contexts: list[Any] = []

    def make(name: str, portrait: bool = False) -> Tablet:
        viewport = {"width": TABLET["height"], "height": TABLET["width"]} if portrait \
            else TABLET
        context = chromium.new_context(viewport=viewport, has_touch=True, is_mobile=False)
        contexts.append(context)
        return Tablet(context.new_page(), tmp_path, name)

    yield make
    for context in contexts:
        context.close()
