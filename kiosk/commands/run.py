"""``kiosk run`` (also plain ``kiosk``): the patient check-in kiosk, full screen.

The kiosk also starts the clinician viewer (unless ``--no-serve`` or a viewer already
answers on the port), so the QR code works out of the box: ``kiosk serve`` in a child
process (``kiosk.viewer_child``), so that this patient-facing one never loads it.

A kiosk whose settings and questionnaires are as at its last start paints Welcome
from that start's card before anything imports pydantic, and loads the rest just
after (``screens.welcome_card``); only a first start or an edit loads first.
"""

from __future__ import annotations

import argparse
import logging
import os
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kiosk.errors import KioskError
from kiosk.link import DEFAULT_PORT, check_public_url, default_public_url
from kiosk.paths import BUNDLED_QUESTIONNAIRES, resolve_data_dir

if TYPE_CHECKING:  # imported where used: pydantic loads after the first paint (see above)
    from kiosk.config import Settings
    from screens.app import KioskApp
    from screens.kiosk_parts import KioskParts

LOG_FILE = "kiosk.log"
# A kiosk that fails again and again should stop and say so, not spin.
MAX_RESTARTS = 3
RESTART_WINDOW_SECONDS = 120.0

log = logging.getLogger("kiosk")


def add_questionnaire_option(parser: argparse.ArgumentParser) -> None:
    """``--questionnaire PATH``, as often as needed: the set of files the kiosk offers."""
    parser.add_argument("--questionnaire", metavar="PATH", type=Path, action="extend",
                        nargs="+", dest="questionnaires",
                        help="questionnaire file to offer; give it once per file (or several "
                             "paths after it) to offer several, and Welcome asks which "
                             "applies (default: the bundled first-visit intake and follow-up)")


def questionnaire_files(given: list[Path] | None) -> list[Path]:
    """The files to offer, absolute (Welcome's choices find them by path), each once."""
    chosen = given or list(BUNDLED_QUESTIONNAIRES)
    return list(dict.fromkeys(path.expanduser().resolve() for path in chosen))


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
    add_questionnaire_option(parser)
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
    from pydantic import ValidationError

    from kiosk.config import ConfigError, Settings, load_settings

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
        if app.startup_error is not None:
            raise app.startup_error
        if not app.crashed:
            return app.return_code or 0
        now = time.monotonic()
        restarts = [at for at in restarts if now - at < RESTART_WINDOW_SECONDS] + [now]
        if len(restarts) > MAX_RESTARTS:
            raise KioskError("the kiosk stopped after repeated unexpected errors; "
                             f"see {LOG_FILE} in the data folder")
        log.error("the kiosk restarted after an unexpected error")


def load_kiosk_parts(args: argparse.Namespace, data_dir: Path,
                     card_key: str | None = None) -> KioskParts:
    """Settings, questionnaires, store and link for this run; keeps the Welcome card under
    ``card_key`` (the key of the sources as they were before this load began)."""
    from kiosk.store import Store
    from screens.kiosk_parts import KioskParts
    from screens.offered_questionnaires import OfferedQuestionnaires
    from screens.welcome_card import keep_welcome_card

    settings = kiosk_settings(data_dir, args)
    questionnaires = OfferedQuestionnaires.load(questionnaire_files(args.questionnaires),
                                                cache_dir=data_dir)
    parts = KioskParts(questionnaires, Store(data_dir), settings,
                       public_url_for(args, settings, args.host, args.port))
    if card_key is not None:
        keep_welcome_card(data_dir, card_key, parts.welcome_card())
    return parts


def run(args: argparse.Namespace) -> int:
    from kiosk.viewer_child import ViewerPlan
    from screens.app import KioskApp
    from screens.kiosk_parts import PartsToLoad
    from screens.welcome_card import read_welcome_card, welcome_card_key

    data_dir = resolve_data_dir(args.data)
    viewer = None if args.no_serve else ViewerPlan(args.host, args.port)
    card_key = welcome_card_key(data_dir, questionnaire_files(args.questionnaires), (
        args.station, args.idle_timeout, args.public_url, args.host, args.port))
    card = read_welcome_card(data_dir, card_key) if card_key is not None else None
    loaded: list[KioskParts] = []

    def load() -> KioskParts:
        loaded.append(load_kiosk_parts(args, data_dir, card_key))
        return loaded[-1]

    if card is None:  # a first start, or an edit since the last: load before painting
        load()
    log_to_file(data_dir)

    def make_app() -> KioskApp:  # a restart after an error reuses what the first start loaded
        if loaded:
            return KioskApp(loaded[-1], viewer=viewer)
        assert card is not None  # else the parts were loaded above
        return KioskApp(PartsToLoad(card, load), viewer=viewer)

    return keep_running(make_app)
