"""``kiosk preview FILE...``: try questionnaire files in the real kiosk flow before they go live.

Given several files, the preview asks which applies on Welcome, as a kiosk offering
them would (and holds them to the same rules: see ``screens.offered_questionnaires``).

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
    questionnaire_files,
)
from kiosk.link import DEFAULT_PORT
from kiosk.paths import resolve_data_dir


def register(subparsers: Any, common: argparse.ArgumentParser) -> None:
    parser = subparsers.add_parser(
        "preview", parents=[common], help="try questionnaire files in the kiosk",
        description="Run the patient kiosk on FILE (several files: Welcome asks which "
                    "applies) with a throwaway data folder (deleted on exit). Leave with F12. "
                    "Editing a FILE while it runs shows the edit at the next Welcome screen, "
                    "if the file is valid.")
    parser.add_argument("files", metavar="FILE", type=Path, nargs="+",
                        help="questionnaire file to try")
    add_kiosk_options(parser)
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from kiosk.store import Store
    from screens.app import KioskApp
    from screens.kiosk_parts import KioskParts
    from screens.offered_questionnaires import OfferedQuestionnaires

    questionnaires = OfferedQuestionnaires.load(questionnaire_files(args.files))
    # The clinic's own settings (its name, its PIN), but never its data.
    settings = kiosk_settings(resolve_data_dir(args.data), args)
    public_url = public_url_for(args, settings, "127.0.0.1", DEFAULT_PORT)
    with tempfile.TemporaryDirectory(prefix="kiosk-preview-") as folder:
        store = Store(Path(folder))
        log_to_file(Path(folder))  # never onto the screen; gone with the folder

        def make_app() -> KioskApp:
            return KioskApp(KioskParts(questionnaires, store, settings, public_url),
                            exit_without_pin=True)

        return keep_running(make_app)
