"""``kiosk run`` (also plain ``kiosk``): the patient check-in kiosk, full screen.

The kiosk also serves the clinician viewer in-process (unless ``--no-serve`` or a
viewer already answers on the port), so the QR code works out of the box.
"""

from __future__ import annotations

import argparse
import logging
import os
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import ValidationError

from kiosk.config import ConfigError, Settings, load_settings
from kiosk.errors import KioskError
from kiosk.link import DEFAULT_PORT, check_public_url, default_public_url
from kiosk.paths import BUNDLED_QUESTIONNAIRE, resolve_data_dir

if TYPE_CHECKING:
    from screens.app import KioskApp

LOG_FILE = "kiosk.log"
# A kiosk that fails again and again should stop and say so, not spin.
MAX_RESTARTS = 3
RESTART_WINDOW_SECONDS = 120.0

log = logging.getLogger("kiosk")


def add_kiosk_options(parser: argparse.ArgumentParser) -> None:
    """The options ``run`` and ``preview`` share."""
    parser.add_argument("--station", metavar="NAME",
                        help="this kiosk's name, for its draft and its records "
                             "(default: the config file or KIOSK_STATION, else 'kiosk')")
    parser.add_argument("--public-url", metavar="URL",
                        help="how phones reach the clinician viewer, e.g. http://192.168.1.20:8765 "
                             "(default: the config file or KIOSK_PUBLIC_URL, else this "
                             "machine's address)")
    parser.add_argument("--idle-timeout", metavar="S", type=float,
                        help="seconds without a touch before 'Are you still there?' "
                             "(default: the config file, else 90)")


def register(subparsers: Any, common: argparse.ArgumentParser) -> None:
    parser = subparsers.add_parser(
        "run", parents=[common], help="run the patient check-in kiosk (the default command)",
        description="Run the patient check-in kiosk. Staff leave it with F12 (or Ctrl+K) and "
                    "the staff PIN ('kiosk config set-pin').")
    parser.add_argument("--questionnaire", metavar="PATH", type=Path,
                        default=BUNDLED_QUESTIONNAIRE,
                        help="questionnaire file (default: the bundled dry-needling intake)")
    add_kiosk_options(parser)
    parser.add_argument("--no-serve", action="store_true",
                        help="do not serve the clinician viewer from this kiosk")
    parser.add_argument("--host", default="0.0.0.0",
                        help="address the viewer listens on (default 0.0.0.0, so phones on "
                             "the clinic network reach it)")
    parser.add_argument("--port", type=int, default=DEFAULT_PORT,
                        help=f"port the viewer listens on (default {DEFAULT_PORT})")
    parser.set_defaults(handler=run)


def kiosk_settings(data_dir: Path, args: argparse.Namespace) -> Settings:
    """The data folder's settings with this run's --station and --idle-timeout on top."""
    settings = load_settings(data_dir)
    changes = {key: value for key, value in (("station", args.station),
                                             ("idle_timeout", args.idle_timeout))
               if value is not None}
    if not changes:
        return settings
    try:
        return Settings.model_validate({**settings.model_dump(), **changes})
    except ValidationError as error:
        problems = "; ".join(f"--{'-'.join(map(str, e['loc'])).replace('_', '-')}: {e['msg']}"
                             for e in error.errors(include_url=False))
        raise ConfigError(problems) from None


def public_url_for(args: argparse.Namespace, settings: Settings, host: str, port: int) -> str:
    chosen = args.public_url or settings.public_url
    return check_public_url(chosen) if chosen else default_public_url(host, port)


def log_to_file(data_dir: Path) -> None:
    """Kiosk problems go to ``kiosk.log`` in the data folder (types only, never answers)."""
    if any(isinstance(handler, logging.FileHandler) for handler in log.handlers):
        return
    path = data_dir / LOG_FILE
    os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600))
    handler = logging.FileHandler(path, encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(message)s"))
    log.addHandler(handler)
    log.setLevel(logging.INFO)
    log.propagate = False  # never onto the patient's screen


def keep_running(make_app: Callable[[], KioskApp],
                 run_app: Callable[[KioskApp], object] = lambda app: app.run()) -> int:
    """Run the kiosk; after an unexpected error that stopped it, start a fresh one."""
    restarts: list[float] = []
    while True:
        app = make_app()
        run_app(app)
        if not app.crashed:
            return app.return_code or 0
        now = time.monotonic()
        restarts = [at for at in restarts if now - at < RESTART_WINDOW_SECONDS] + [now]
        if len(restarts) > MAX_RESTARTS:
            raise KioskError("the kiosk stopped after repeated unexpected errors; "
                             f"see {LOG_FILE} in the data folder")
        log.error("the kiosk restarted after an unexpected error")


def run(args: argparse.Namespace) -> int:
    from kiosk.store import Store
    from screens.app import KioskApp, ViewerPlan
    from screens.live_questionnaire import LiveQuestionnaire

    data_dir = resolve_data_dir(args.data)
    settings = kiosk_settings(data_dir, args)
    questionnaire = LiveQuestionnaire.load(args.questionnaire, cache_dir=data_dir)
    store = Store(data_dir)
    public_url = public_url_for(args, settings, args.host, args.port)
    viewer = None if args.no_serve else ViewerPlan(args.host, args.port)
    log_to_file(data_dir)

    def make_app() -> KioskApp:
        return KioskApp(questionnaire=questionnaire, store=store, settings=settings,
                        public_url=public_url, viewer=viewer)

    return keep_running(make_app)
