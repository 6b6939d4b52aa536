"""One browser tab's kiosk: ``kiosk web`` runs ``python -m kiosk.web_tab ...`` once per tab.

Each tab is a station of its own (``web-`` and random letters), so two tablets never
share a draft. When the tab goes away (closed, reloaded, the tablet asleep long enough
for the connection to drop) its draft goes too: no later tab can ever resume it, and
half an intake must not stay on disk. A crash inside the tab still restarts the kiosk
in the same process, which offers the draft to continue as ``kiosk run`` does.
"""

from __future__ import annotations

import argparse
import contextlib
import ctypes
import logging
import os
import secrets
import signal
import sys
from collections.abc import Sequence
from pathlib import Path
from types import FrameType

from kiosk.cli import main as kiosk_main

STATION_PREFIX = "web-"
PR_SET_PDEATHSIG = 1  # linux/prctl.h

log = logging.getLogger("kiosk")


def tab_station() -> str:
    """A station name no other tab has: ``web-`` and 8 random hex digits (32 bits)."""
    return STATION_PREFIX + secrets.token_hex(4)


def parse(argv: Sequence[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m kiosk.web_tab",
                                     description="the kiosk of one browser tab (started by "
                                                 "'kiosk web', not by hand)")
    parser.add_argument("--data", type=Path, required=True)
    parser.add_argument("--questionnaire", type=Path, required=True, action="append",
                        dest="questionnaires")
    parser.add_argument("--public-url", required=True)
    parser.add_argument("--idle-timeout", type=float)
    return parser.parse_args(list(argv))


def run_argv(args: argparse.Namespace, station: str) -> list[str]:
    """The ``kiosk run`` arguments for this tab: its own station, no viewer of its own."""
    argv = ["run", "--data", str(args.data), "--public-url", args.public_url,
            "--station", station, "--no-serve"]
    for questionnaire in args.questionnaires:
        argv += ["--questionnaire", str(questionnaire)]
    if args.idle_timeout is not None:
        argv += ["--idle-timeout", str(args.idle_timeout)]
    return argv


def forget_draft(data_dir: Path, station: str) -> None:
    """Delete the tab's draft; a store that cannot be written is logged, not shown."""
    from kiosk.store import Store, StoreError

    try:
        Store(data_dir).delete_draft(station)
    except (StoreError, OSError) as error:
        log.error("a closed browser tab's draft could not be deleted: %s", type(error).__name__)


def end_with_the_server() -> None:
    """Stop (through SIGTERM, cleanly) when ``kiosk web`` ends, however it ends: a tab's
    kiosk must not live on with a patient's answers after its server is gone."""
    signal.signal(signal.SIGTERM, _stop)
    if sys.platform.startswith("linux"):
        with contextlib.suppress(OSError, AttributeError):  # no prctl: nothing to ask
            ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)
    if os.getppid() == 1:  # the server was already gone before we asked
        raise SystemExit(1)


def _stop(signum: int, frame: FrameType | None) -> None:
    raise KeyboardInterrupt  # the kiosk command ends quietly on it (exit status 130)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse(sys.argv[1:] if argv is None else argv)
    station = tab_station()
    end_with_the_server()
    try:
        return kiosk_main(run_argv(args, station))
    except Exception as error:  # the server's console gets one line, never a traceback
        print(f"kiosk web: a tab's kiosk stopped ({type(error).__name__})", file=sys.stderr)
        return 1
    finally:
        forget_draft(args.data, station)


if __name__ == "__main__":
    raise SystemExit(main())
