"""``kiosk preview FILE``: try a questionnaire file in the real kiosk flow before it goes live.

Answers go to a throwaway data folder, deleted when the preview ends, so nothing
tried here ever mixes with real intakes.
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path
from typing import Any

from kiosk.commands.run import (
    add_kiosk_options,
    keep_running,
    kiosk_settings,
    log_to_file,
    public_url_for,
)
from kiosk.link import DEFAULT_PORT
from kiosk.paths import resolve_data_dir


def register(subparsers: Any, common: argparse.ArgumentParser) -> None:
    parser = subparsers.add_parser(
        "preview", parents=[common], help="try a questionnaire file in the kiosk",
        description="Run the patient kiosk on FILE with a throwaway data folder (deleted on "
                    "exit). Leave with F12. Editing FILE while it runs shows the edit at the "
                    "next Welcome screen, if the file is valid.")
    parser.add_argument("file", metavar="FILE", type=Path, help="questionnaire file to try")
    add_kiosk_options(parser)
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from kiosk.store import Store
    from screens.app import KioskApp
    from screens.kiosk_parts import KioskParts
    from screens.live_questionnaire import LiveQuestionnaire

    questionnaire = LiveQuestionnaire.load(args.file)
    # The clinic's own settings (its name, its PIN), but never its data.
    settings = kiosk_settings(resolve_data_dir(args.data), args)
    public_url = public_url_for(args, settings, "127.0.0.1", DEFAULT_PORT)
    with tempfile.TemporaryDirectory(prefix="kiosk-preview-") as folder:
        store = Store(Path(folder))
        log_to_file(Path(folder))  # never onto the screen; gone with the folder

        def make_app() -> KioskApp:
            return KioskApp(KioskParts(questionnaire, store, settings, public_url),
                            exit_without_pin=True)

        return keep_running(make_app)
