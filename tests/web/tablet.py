"""A patient at a tablet: a browser page on ``kiosk web``, tapped by the cell, read by the cell.

textual-serve draws the kiosk into an xterm.js canvas, so there is no DOM to query.
The helper reads the screen the way the page does, by replaying the terminal bytes
the page receives over its websocket into a terminal emulator (pyte), finds a label
there, and taps the middle of its cells on the canvas (cell size = the xterm screen's
pixel size / its columns and rows). Each tap waits until the screen changes, as a
person waits to see their tap land before the next one.
"""

from __future__ import annotations

import re
import time
from pathlib import Path
from typing import Any

import pyte

SCREEN_TIMEOUT = 15.0  # seconds: a tab's kiosk process starts within this on a busy machine


class Tablet:
    """One browser page showing the kiosk."""

    def __init__(self, page: Any, shots: Path, name: str) -> None:
        self.page = page
        self.shots = shots
        self.name = name
        self.screen: pyte.Screen | None = None
        self._stream: pyte.ByteStream | None = None
        page.on("websocket", self._watch)

    def _watch(self, websocket: Any) -> None:
        size = re.search(r"width=(\d+)&height=(\d+)", websocket.url)
        assert size, websocket.url
        self.screen = pyte.Screen(int(size[1]), int(size[2]))
        self._stream = pyte.ByteStream(self.screen)
        websocket.on("framereceived", self._received)
        websocket.on("framesent", self._sent)

    def _received(self, payload: bytes | str) -> None:
        if isinstance(payload, bytes) and self._stream is not None:
            self._stream.feed(payload)

    def _sent(self, payload: bytes | str) -> None:
        """A resize the page tells the kiosk: the emulator takes the new size at once, so
        the kiosk's redraw that follows lands on a screen of the right size."""
        found = re.match(r'\["resize",\s*\{"width":\s*(\d+),\s*"height":\s*(\d+)\}\]',
                         str(payload))
        if found and self.screen is not None:
            columns, lines = int(found[1]), int(found[2])
            if (self.screen.columns, self.screen.lines) != (columns, lines):
                self.screen.resize(lines, columns)

    # -- reading ----------------------------------------------------------------------------

    def lines(self) -> list[str]:
        return list(self.screen.display) if self.screen is not None else []

    def text(self) -> str:
        return "\n".join(line.rstrip() for line in self.lines())

    def find(self, label: str) -> tuple[int, int] | None:
        """(row, column) of the first place ``label`` is drawn, if it is."""
        for row, line in enumerate(self.lines()):
            column = line.find(label)
            if column >= 0:
                return row, column
        return None

    def wait_for(self, label: str, timeout: float = SCREEN_TIMEOUT) -> tuple[int, int]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            found = self.find(label)
            if found is not None:
                return found
            self.page.wait_for_timeout(40)  # lets Playwright deliver the frames
        self.shoot(f"missing-{re.sub(r'[^a-z0-9]+', '-', label.lower())}")
        raise AssertionError(f"{self.name}: {label!r} never appeared; the screen shows:\n"
                             f"{self.text()}")

    def _snapshot(self) -> tuple[tuple[tuple[str, str, str, bool], ...], ...]:
        assert self.screen is not None
        return tuple(tuple((cell.data, cell.fg, cell.bg, cell.reverse)
                           for cell in (row[x] for x in range(self.screen.columns)))
                     for row in (self.screen.buffer[y] for y in range(self.screen.lines)))

    # -- touching ---------------------------------------------------------------------------

    def cell_centre(self, row: int, column: float) -> tuple[float, float]:
        """Page pixels of the middle of a cell (``column`` may be fractional)."""
        assert self.screen is not None
        box = self.page.locator(".xterm-screen").bounding_box()
        width = box["width"] / self.screen.columns
        height = box["height"] / self.screen.lines
        return box["x"] + (column + 0.5) * width, box["y"] + (row + 0.5) * height

    def tap_cell(self, row: int, column: float) -> None:
        """A finger on one cell; returns once the screen has changed in answer."""
        before = self._snapshot()
        self.page.touchscreen.tap(*self.cell_centre(row, column))
        deadline = time.monotonic() + SCREEN_TIMEOUT
        while self._snapshot() == before:
            assert time.monotonic() < deadline, f"{self.name}: nothing changed after a tap"
            self.page.wait_for_timeout(20)

    def tap(self, label: str, below: str | None = None) -> tuple[int, int]:
        """Tap the middle of ``label`` (the first one under the line showing ``below``);
        returns the cell tapped."""
        top = self.wait_for(below)[0] + 1 if below else 0
        deadline = time.monotonic() + SCREEN_TIMEOUT
        while True:
            rows = self.lines()
            for row in range(top, len(rows)):
                column = rows[row].find(label)
                if column >= 0:
                    middle = column + (len(label) - 1) // 2
                    self.tap_cell(row, middle)
                    return row, middle
            assert time.monotonic() < deadline, f"{self.name}: no {label!r} to tap:\n{self.text()}"
            self.page.wait_for_timeout(40)

    def choose(self, label: str, below: str) -> None:
        """Tap an answer and wait until it is drawn as chosen (its colour changes), as a
        patient looks for the tile to light up before going on."""
        assert self.screen is not None
        row, column = self._under(label, below)
        colour = self.screen.buffer[row][column].bg
        self.tap(label, below)
        deadline = time.monotonic() + SCREEN_TIMEOUT
        while self.screen.buffer[row][column].bg == colour:
            assert time.monotonic() < deadline, f"{self.name}: {label!r} was not chosen"
            self.page.wait_for_timeout(20)

    def _under(self, label: str, below: str) -> tuple[int, int]:
        top = self.wait_for(below)[0] + 1
        for row, line in enumerate(self.lines()[top:], start=top):
            column = line.find(label)
            if column >= 0:
                return row, column + (len(label) - 1) // 2
        raise AssertionError(f"{self.name}: no {label!r} under {below!r}:\n{self.text()}")

    def resize(self, width: int, height: int) -> None:
        """The page changes size (an on-screen keyboard opens or closes): wait until the
        kiosk has answered the new size and its screen is still."""
        assert self.screen is not None
        before = (self.screen.columns, self.screen.lines)
        self.page.set_viewport_size({"width": width, "height": height})
        deadline = time.monotonic() + SCREEN_TIMEOUT
        while (self.screen.columns, self.screen.lines) == before:
            assert time.monotonic() < deadline, f"{self.name}: the page kept its size"
            self.page.wait_for_timeout(20)
        self.settle()

    def settle(self, quiet: float = 0.3) -> None:
        """Wait until the screen has not changed for ``quiet`` seconds."""
        deadline = time.monotonic() + SCREEN_TIMEOUT
        last, still_since = self._snapshot(), time.monotonic()
        while time.monotonic() - still_since < quiet:
            assert time.monotonic() < deadline, f"{self.name}: the screen never settled"
            self.page.wait_for_timeout(30)
            now = self._snapshot()
            if now != last:
                last, still_since = now, time.monotonic()

    def type_on_screen_keyboard(self, words: str) -> None:
        """Text as a tablet's on-screen keyboard sends it: committed text, no key presses."""
        self.page.keyboard.insert_text(words)

    def focused_element(self) -> str:
        return str(self.page.evaluate("document.activeElement && document.activeElement.className"))

    def shoot(self, name: str) -> Path:
        path = self.shots / f"{self.name}-{name}.png"
        self.page.screenshot(path=str(path))
        return path
