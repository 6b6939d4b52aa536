"""How quickly the kiosk paints its first screen, and how long a Next between sections takes.

Run: ``.venv/bin/python bench/tui.py`` (about a minute; ``--quick`` for a smoke run).

First paint: each program is started in a real pseudo-terminal (80x24) and timed
from ``exec`` until its first screen's text reaches the terminal: the ``kiosk``
command (no arguments but a scratch ``--data`` and ``--no-serve``) against a bare
Textual app that shows one line. Runs alternate, so background load hits both alike.

Next: the real ``KioskApp`` on the bundled questionnaire under Pilot, resumed from a
draft that holds complete answers, so every Next succeeds. Each Next is timed from
the key press until the first frame that shows the following section (laid out, its
first question focused) is handed to the terminal driver; "settled" is the older,
longer measure: until the work queued after that frame (dropping a far page) is done.
Between two Nexts the kiosk is left idle for half a second (as while a patient reads),
so the next section is ready; before the first, its start-up work (loading the other screens) is
let finish, as it does while a patient reads Welcome. Each check-in runs in a fresh
process, as a kiosk runs: one app per process (apps built one after another in one
process leave each other's garbage and caches behind, which a kiosk never sees).
Wall-clock and CPU time are both reported, the machine being shared.

``--push-ab`` measures both with a FHIR push running the whole time in another process
(``bench/push.py --forever``, as the viewer child pushes) against none, in alternating
blocks.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import datetime as dt
import fcntl
import json
import os
import pty
import select
import statistics
import struct
import subprocess
import sys
import tempfile
import termios
import textwrap
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "tests"))  # the shared complete-answers fixture

from answers_fixture import complete_answers  # noqa: E402
from textual import events  # noqa: E402
from textual.screen import Screen  # noqa: E402

from kiosk.config import Settings  # noqa: E402
from kiosk.intake import QuestionnairePin  # noqa: E402
from kiosk.paths import BUNDLED_QUESTIONNAIRE  # noqa: E402
from kiosk.store import Draft, Store  # noqa: E402
from screens.app import KioskApp  # noqa: E402
from screens.kiosk_parts import KioskParts  # noqa: E402
from screens.offered_questionnaires import OfferedQuestionnaires  # noqa: E402
from screens.section_screen import SectionScreen  # noqa: E402

KIOSK = Path(sys.executable).parent / "kiosk"
READING_SECONDS = 0.5  # between two Nexts: far less than any patient takes
BARE_APP = textwrap.dedent("""
    from textual.app import App, ComposeResult
    from textual.widgets import Static

    class Bare(App[None]):
        def compose(self) -> ComposeResult:
            yield Static("Hello from a bare Textual app")

    Bare().run()
""")


def first_paint(argv: list[str], marker: bytes, timeout: float = 30.0) -> float:
    """Seconds from exec to ``marker`` appearing on an 80x24 pseudo-terminal."""
    start = time.perf_counter()
    pid, fd = pty.fork()
    if pid == 0:
        os.environ["TERM"] = "xterm-256color"
        # As on any install, a program's second start finds its modules compiled: a
        # shell that sets PYTHONDONTWRITEBYTECODE (this sandbox's does) would have the
        # kiosk compile its own modules from source at every start, and not Textual's.
        os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
        os.execv(argv[0], argv)
    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))
    output = b""
    try:
        while marker not in output:
            if time.perf_counter() - start > timeout:
                raise RuntimeError(f"{argv[0]} did not paint {marker!r} in {timeout} s")
            if select.select([fd], [], [], 0.01)[0]:
                output += os.read(fd, 65536)
        return time.perf_counter() - start
    finally:
        os.kill(pid, 9)
        os.waitpid(pid, 0)
        os.close(fd)


def bench_first_paint(rounds: int) -> dict[str, list[float]]:
    times: dict[str, list[float]] = {"bare Textual app": [], "kiosk": []}
    with tempfile.TemporaryDirectory() as folder:
        bare = Path(folder) / "bare.py"
        bare.write_text(BARE_APP, encoding="utf-8")
        data = Path(folder) / "data"
        programs = {
            "bare Textual app": ([sys.executable, str(bare)], b"Hello from a bare"),
            "kiosk": ([str(KIOSK), "--data", str(data), "--no-serve"],
                      b"Coming back for another session"),  # the bundled pair: a choice
        }
        for argv, marker in programs.values():  # warm the disk cache and .pyc files once
            first_paint(argv, marker)
        for _ in range(rounds):
            for name, (argv, marker) in programs.items():
                times[name].append(first_paint(argv, marker))
    return times


class NextTimes:
    """Seconds per Next: wall and CPU until painted, and wall until settled."""

    def __init__(self) -> None:
        self.walls: list[float] = []
        self.cpus: list[float] = []
        self.settled: list[float] = []


def watch_frames(app: KioskApp, painted: Callable[[Screen[Any]], None]) -> None:
    """Call ``painted(screen)`` each time the app hands a frame to its terminal driver."""
    display = app._display

    def display_and_note(screen: Screen[Any], renderable: Any) -> None:
        display(screen, renderable)
        painted(screen)

    app._display = display_and_note  # type: ignore[method-assign]


async def time_nexts(size: tuple[int, int]) -> NextTimes:
    """Times of each Next between sections in one check-in (run it in a fresh process)."""
    times = NextTimes()
    live = OfferedQuestionnaires.load([BUNDLED_QUESTIONNAIRE])
    questionnaire = live.current
    with tempfile.TemporaryDirectory() as folder:
        store = Store(Path(folder))
        frame: dict[str, float] = {}
        showing: list[int] = []  # the section whose first frame is awaited

        def painted(screen: Screen[Any]) -> None:
            if showing and isinstance(screen, SectionScreen) and "wall" not in frame \
                    and screen.index == showing[0] and screen.page.region.height \
                    and screen.page in getattr(screen.focused, "ancestors", ()):
                frame["wall"], frame["cpu"] = time.perf_counter(), time.process_time()

        store.save_draft(Draft(station="bench", questionnaire=QuestionnairePin.of(
            questionnaire), language="en", answers=complete_answers(), section_index=0,
            updated_at=dt.datetime.now(dt.UTC)))
        app = KioskApp(KioskParts(live, store, Settings(station="bench"),
                                  "http://kiosk.lan:8765"))
        watch_frames(app, painted)
        async with app.run_test(size=size) as pilot:
            await pilot.pause()
            # Continuing a draft asks its date of birth first.
            await pilot.click("#resume-box Input")
            await pilot.press(*[key if key != "-" else "minus"
                                for key in complete_answers()["date_of_birth"]])
            await pilot.click("#resume")
            await pilot.pause()
            await app.workers.wait_for_complete()
            while isinstance(app.screen, SectionScreen):
                screen = app.screen
                await pilot.pause()
                # The patient reads: the kiosk builds the following page meanwhile.
                await asyncio.sleep(READING_SECONDS)
                following = app.check_in.next_section(screen.index) if app.check_in \
                    else None
                if following is None:
                    break
                settled = asyncio.Event()
                frame.clear()
                showing[:] = [following]
                wall, cpu = time.perf_counter(), time.process_time()
                app.post_message(events.Key("ctrl+n", None))
                while screen.index != following:
                    await asyncio.sleep(0)
                screen.call_after_refresh(settled.set)
                await settled.wait()
                times.settled.append(time.perf_counter() - wall)
                while "wall" not in frame:
                    await asyncio.sleep(0)
                times.walls.append(frame["wall"] - wall)
                times.cpus.append(frame["cpu"] - cpu)
    return times


def nexts_in_fresh_kiosks(size: tuple[int, int], check_ins: int) -> NextTimes:
    """``time_nexts`` for ``check_ins`` check-ins, each in a new Python process."""
    times = NextTimes()
    for _ in range(check_ins):
        done = subprocess.run([sys.executable, __file__, "--one-check-in", f"{size[0]}x{size[1]}"],
                              check=True, capture_output=True, text=True)
        measured = json.loads(done.stdout)
        times.walls += measured["walls"]
        times.cpus += measured["cpus"]
        times.settled += measured["settled"]
    return times


def milliseconds(values: list[float]) -> str:
    return f"{statistics.median(values) * 1000:.0f} ms"


@contextlib.contextmanager
def background_push() -> Iterator[None]:
    """A push to a FHIR server running the whole time, in its own process, as the viewer
    (a child process of the kiosk) pushes: ``bench/push.py --forever``."""
    pushing = subprocess.Popen([sys.executable, str(REPO / "bench" / "push.py"), "--forever"],
                               stdout=subprocess.PIPE, text=True)
    try:
        assert pushing.stdout is not None
        assert pushing.stdout.readline().strip() == "pushing"
        yield
    finally:
        pushing.terminate()  # it removes its scratch folder on the way out
        pushing.wait()


def push_ab(rounds: int, check_ins: int) -> None:
    """First paint and Next with and without a push running, in alternating blocks."""
    paint: dict[str, list[float]] = {"no push": [], "push running": []}
    nexts: dict[str, list[float]] = {"no push": [], "push running": []}
    for _block in range(2):
        for label in paint:
            with background_push() if label == "push running" else contextlib.nullcontext():
                paint[label] += bench_first_paint(rounds)["kiosk"]
                nexts[label] += nexts_in_fresh_kiosks((80, 24), check_ins).walls
    print("With a FHIR push running in another process (as the viewer pushes) and without,")
    print(f"in alternating blocks ({2 * rounds} first paints, {len(nexts['no push'])} Nexts "
          "at 80x24 each):")
    for label in paint:
        print(f"  {label:13} first paint {milliseconds(paint[label]):>7}, "
              f"Next {milliseconds(nexts[label]):>6} (slowest "
              f"{max(nexts[label]) * 1000:.0f} ms)")
    for name, values in (("first paint", paint), ("Next", nexts)):
        ratio = statistics.median(values["push running"]) / statistics.median(values["no push"])
        print(f"  {name}: push running / no push = {ratio:.2f}x")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a smoke run: few rounds")
    parser.add_argument("--push-ab", action="store_true",
                        help="first paint and Next with a FHIR push running and without")
    parser.add_argument("--one-check-in", metavar="WxH", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one_check_in:  # a child of nexts_in_fresh_kiosks: print one check-in's times
        width, height = map(int, args.one_check_in.split("x"))
        times = asyncio.run(time_nexts((width, height)))
        print(json.dumps({"walls": times.walls, "cpus": times.cpus, "settled": times.settled}))
        return
    rounds, check_ins = (2, 1) if args.quick else (9, 3)
    if args.push_ab:
        push_ab(rounds, check_ins)
        return

    paints = bench_first_paint(rounds)
    print(f"First painted screen on an 80x24 terminal, median of {rounds} runs:")
    for name, values in paints.items():
        print(f"  {name:18} {milliseconds(values):>8}   (min {min(values) * 1000:.0f} ms)")
    ratio = statistics.median(paints["kiosk"]) / statistics.median(paints["bare Textual app"])
    print(f"  kiosk / bare       {ratio:8.2f}x  (goal: at most 1.5x)")

    print(f"\nNext between sections of the bundled intake, median of {check_ins} check-ins:")
    for size in ((80, 24), (120, 40)):
        times = nexts_in_fresh_kiosks(size, check_ins)
        print(f"  {size[0]}x{size[1]}: painted: wall {milliseconds(times.walls)}, "
              f"CPU {milliseconds(times.cpus)}, slowest {max(times.walls) * 1000:.0f} ms over "
              f"{len(times.walls)} Nexts (goal: under 50 ms); settled: wall "
              f"{milliseconds(times.settled)}")


if __name__ == "__main__":
    main()
