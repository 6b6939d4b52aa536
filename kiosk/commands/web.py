"""``kiosk web``: the patient kiosk in tablet browsers, one kiosk process per browser tab.

Everything is checked before the server starts (data folder, settings, questionnaires,
public URL), so a mistake is one line here rather than a blank page on every tablet.
Every tab's kiosk offers the same set of questionnaires.
Like ``kiosk run``, it also starts the clinician viewer (in a process of its own) unless
``--no-serve``.
"""

from __future__ import annotations

import argparse
import asyncio
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from kiosk.commands.run import add_questionnaire_option, questionnaire_files
from kiosk.config import ConfigError, Settings, load_settings
from kiosk.errors import KioskError
from kiosk.link import DEFAULT_PORT, check_public_url
from kiosk.paths import resolve_data_dir

WEB_PORT = 8000


def register(subparsers: Any, common: argparse.ArgumentParser) -> None:
    parser = subparsers.add_parser(
        "web", parents=[common], help="serve the kiosk to tablet browsers (one kiosk per tab)",
        description="Serve the patient kiosk to tablets: each browser tab that opens the page "
                    "runs its own kiosk (its own station, web-...), all saving to the same "
                    "data folder. Also serves the clinician viewer, like 'kiosk run'. "
                    "Stop with Ctrl+C.")
    parser.add_argument("--host", default="127.0.0.1",
                        help="address to listen on (default 127.0.0.1; 0.0.0.0 so tablets on "
                             "the clinic network reach it)")
    parser.add_argument("--port", type=int, default=WEB_PORT,
                        help=f"port of the tablet page (default {WEB_PORT})")
    add_questionnaire_option(parser)
    parser.add_argument("--public-url", metavar="URL",
                        help="how phones reach the clinician viewer, for the QR links "
                             "(default: the config file or KIOSK_PUBLIC_URL, else this "
                             "machine's address and --viewer-port)")
    parser.add_argument("--idle-timeout", metavar="S", type=float,
                        help="seconds without a touch before 'Are you still there?' "
                             "(default: the config file, else 90)")
    parser.add_argument("--no-serve", action="store_true",
                        help="do not start the clinician viewer with the tablet kiosk")
    parser.add_argument("--viewer-port", type=int, default=DEFAULT_PORT, metavar="PORT",
                        help=f"port of the clinician viewer (default {DEFAULT_PORT})")
    parser.add_argument("--font-size", type=int, default=20, metavar="PX",
                        help="text size on the tablets, 10-40 (default 20; one tablet can "
                             "ask for its own with ?fontsize=N in the address)")
    parser.add_argument("--certfile", metavar="FILE", type=Path,
                        help="TLS certificate (PEM): serve the tablets (and the viewer) over "
                             "https, so answers cross the clinic Wi-Fi encrypted")
    parser.add_argument("--keyfile", metavar="FILE", type=Path,
                        help="the certificate's private key (PEM), if not in --certfile")
    parser.add_argument("--max-tabs", type=int, default=12, metavar="N",
                        help="most kiosk tabs running at once (default 12; each is a process)")
    parser.set_defaults(handler=run)


def checked_settings(data_dir: Path, idle_timeout: float | None) -> Settings:
    """The data folder's settings, with --idle-timeout checked by the same rules."""
    settings = load_settings(data_dir)
    if idle_timeout is None:
        return settings
    try:
        return Settings.model_validate({**settings.model_dump(), "idle_timeout": idle_timeout})
    except ValidationError as error:
        raise ConfigError("--idle-timeout: " + error.errors(include_url=False)[0]["msg"]) from None


def checked_questionnaires(given: list[Path] | None) -> tuple[tuple[Path, ...], str | None]:
    """The questionnaire files' absolute paths, once they are known to load as a kiosk
    loads them, and the staff notice each tab's kiosk will show (a file left out)."""
    from screens.offered_questionnaires import OfferedQuestionnaires

    files = questionnaire_files(given)
    return tuple(files), OfferedQuestionnaires.load(files).problem


def check_options(args: argparse.Namespace) -> None:
    for name in ("port", "viewer_port"):
        if not 0 <= getattr(args, name) <= 65535:
            raise KioskError(f"--{name.replace('_', '-')} must be a port number, 0-65535")
    if not args.no_serve and args.port == args.viewer_port and args.port != 0:
        raise KioskError("the tablet page and the clinician viewer need different ports "
                         "(--port, --viewer-port)")
    if args.font_size not in range(10, 41):
        raise KioskError("--font-size must be between 10 and 40")
    if args.max_tabs < 1:
        raise KioskError("--max-tabs must be at least 1")


def run(args: argparse.Namespace) -> int:
    from kiosk.commands.serve import tls_context
    from kiosk.store import Store
    from kiosk.viewer_child import ViewerPlan
    from kiosk.web_kiosk import TabKiosk, TabletPlan, serve_tablets

    check_options(args)
    ssl_context = tls_context(args.certfile, args.keyfile)
    data_dir = resolve_data_dir(args.data)
    Store(data_dir)  # a data folder that cannot be used is said before any tablet connects
    settings = checked_settings(data_dir, args.idle_timeout)
    questionnaires, notice = checked_questionnaires(args.questionnaires)
    if notice is not None:  # the staff's console; each tab's F12 panel says it too
        print(notice, flush=True)
    chosen_url = args.public_url or settings.public_url
    plan = TabletPlan(host=args.host, port=args.port,
                      tab=TabKiosk(data_dir, questionnaires, args.idle_timeout),
                      title=settings.clinic_name, font_size=args.font_size,
                      max_tabs=args.max_tabs,
                      viewer=None if args.no_serve else ViewerPlan(
                          args.host, args.viewer_port, args.certfile, args.keyfile),
                      public_url=check_public_url(chosen_url) if chosen_url else None,
                      ssl_context=ssl_context)

    def announce(line: str) -> None:
        print(line, flush=True)

    asyncio.run(serve_tablets(plan, announce))
    return 0
