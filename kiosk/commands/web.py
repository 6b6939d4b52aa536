"""``kiosk web``: the patient kiosk in tablet browsers, one kiosk process per browser tab.

Everything is checked before the server starts (data folder, settings, questionnaire,
public URL), so a mistake is one line here rather than a blank page on every tablet.
Like ``kiosk run``, it also serves the clinician viewer unless ``--no-serve``.
"""

from __future__ import annotations

import argparse
import asyncio
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from kiosk.cases import read_questionnaire_with_cases
from kiosk.config import ConfigError, Settings, load_settings
from kiosk.errors import KioskError
from kiosk.link import DEFAULT_PORT, check_public_url
from kiosk.paths import BUNDLED_QUESTIONNAIRE, resolve_data_dir

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
    parser.add_argument("--questionnaire", metavar="PATH", type=Path,
                        default=BUNDLED_QUESTIONNAIRE,
                        help="questionnaire file (default: the bundled dry-needling intake)")
    parser.add_argument("--public-url", metavar="URL",
                        help="how phones reach the clinician viewer, for the QR links "
                             "(default: the config file or KIOSK_PUBLIC_URL, else this "
                             "machine's address and --viewer-port)")
    parser.add_argument("--idle-timeout", metavar="S", type=float,
                        help="seconds without a touch before 'Are you still there?' "
                             "(default: the config file, else 90)")
    parser.add_argument("--no-serve", action="store_true",
                        help="do not serve the clinician viewer from this process")
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


def checked_questionnaire(path: Path) -> Path:
    """The questionnaire's absolute path, once it is known to load."""
    absolute = path.expanduser().resolve()
    result = read_questionnaire_with_cases(absolute)  # as each tab's kiosk will load it
    if result.questionnaire is None:
        lines = "\n".join(str(problem) for problem in result.errors)
        raise KioskError(f"{absolute} cannot be used:\n{lines}")
    return absolute


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
    from kiosk.web_kiosk import TabKiosk, TabletPlan, serve_tablets

    check_options(args)
    ssl_context = tls_context(args.certfile, args.keyfile)
    data_dir = resolve_data_dir(args.data)
    settings = checked_settings(data_dir, args.idle_timeout)
    questionnaire = checked_questionnaire(args.questionnaire)
    chosen_url = args.public_url or settings.public_url
    plan = TabletPlan(host=args.host, port=args.port,
                      tab=TabKiosk(data_dir, questionnaire, args.idle_timeout),
                      title=settings.clinic_name, font_size=args.font_size,
                      max_tabs=args.max_tabs, store=Store(data_dir),
                      viewer_port=None if args.no_serve else args.viewer_port,
                      public_url=check_public_url(chosen_url) if chosen_url else None,
                      ssl_context=ssl_context)

    def announce(line: str) -> None:
        print(line, flush=True)

    asyncio.run(serve_tablets(plan, announce))
    return 0
